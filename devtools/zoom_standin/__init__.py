"""The local Zoom stand-in: Zoom's Server-to-Server OAuth and meetings API in memory, for
tests and `make run` (``server``; ``python -m devtools.zoom_standin --port=12112``)."""
