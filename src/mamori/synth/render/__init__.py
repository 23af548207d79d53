"""Renderers: SynthDoc → file bytes in one format, so every extractor has real-looking input."""
