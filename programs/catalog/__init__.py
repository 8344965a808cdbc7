"""The global exercise catalog, shared by every business (public schema)."""
