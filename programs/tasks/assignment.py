"""tasks: assignment."""
