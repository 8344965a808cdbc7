"""tasks: library."""
