"""services: builder."""
