"""Synthetic residents, documents and cases with their ground truth (demo, tests, benchmarks)."""
