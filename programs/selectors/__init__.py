"""Reads about training that views, the API and services share."""
