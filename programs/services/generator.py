"""services: generator."""
