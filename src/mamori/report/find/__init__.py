"""Writers of mamori find's report formats (terminal table aside): JSONL, CSV, XLSX, HTML."""
