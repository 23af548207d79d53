"""People: normalisation, identity keys (keyed hashes), distinct-person counting."""
