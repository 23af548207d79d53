"""Orchestration: walk → extract → detect → people, in parallel."""
