"""tasks: generator."""
