"""Person names: in table cells (lexicon + shape) and in running text (morphology + context)."""
