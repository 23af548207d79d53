"""The register of approved external media and their life cycle."""
