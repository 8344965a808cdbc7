"""services: nutrition."""
