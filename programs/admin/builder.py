"""admin: builder."""
