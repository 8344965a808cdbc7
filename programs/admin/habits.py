"""admin: habits."""
