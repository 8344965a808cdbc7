"""admin: assignment."""
