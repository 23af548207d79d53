"""``python -m mamori.i18n``: compile every catalogue (the Makefile's set-up runs it)."""

from mamori.i18n.catalogue import main

main()
