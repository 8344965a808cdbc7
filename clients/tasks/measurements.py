"""Worker tasks: measurements (none yet: logging a value is quick enough for a request)."""

__all__: list[str] = []
