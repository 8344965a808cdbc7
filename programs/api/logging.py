"""API: logging."""


def register(router) -> None:
    """Add this concern's viewsets to the API router."""
