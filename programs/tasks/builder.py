"""tasks: builder."""
