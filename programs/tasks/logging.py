"""tasks: logging."""
