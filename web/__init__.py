"""The web server (``web/server.py``: the chat page, the demo sign-in) and its APIs (``web/api/``)."""
