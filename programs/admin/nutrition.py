"""admin: nutrition."""
