"""admin: logging."""
