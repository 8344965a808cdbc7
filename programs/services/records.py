"""services: records."""
