"""services: assignment."""
