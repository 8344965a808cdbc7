"""State changes about training, one module per concern, one function per use case."""
