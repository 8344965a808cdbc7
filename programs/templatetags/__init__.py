"""Template tags of the programs app, one module per concern."""
