"""Low-level container formats shared by readers and writers (OLE compound files)."""
