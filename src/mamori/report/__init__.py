"""Renderers of results: JSONL (the contract), CSV, XLSX, HTML, terminal table."""
