"""admin: library."""
