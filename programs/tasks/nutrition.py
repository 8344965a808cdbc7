"""tasks: nutrition."""
