"""tasks: habits."""
