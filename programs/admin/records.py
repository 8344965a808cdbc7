"""admin: records."""
