"""State changes about clients, one module per concern, one function per use case."""
