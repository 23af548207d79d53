"""Normalisation of the values detectors find: NFKC, kana, wareki dates, address forms, phone and e-mail keys."""
