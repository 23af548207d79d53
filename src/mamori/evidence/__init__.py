"""Sources → Items: folders, archives, hashing."""
