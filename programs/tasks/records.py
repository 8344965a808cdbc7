"""tasks: records."""
