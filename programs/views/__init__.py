"""Portal pages of the programs app, one module per concern (see programs/urls.py)."""
