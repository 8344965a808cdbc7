"""services: logging."""
