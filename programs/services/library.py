"""services: library."""
