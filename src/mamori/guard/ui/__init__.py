"""Layout, language switch, health check and static files."""
