"""services: habits."""
