"""Portal pages of the clients app, one module per concern (see clients/urls.py)."""
