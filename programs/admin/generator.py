"""admin: generator."""
