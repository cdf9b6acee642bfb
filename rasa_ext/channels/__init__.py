"""Rasa input channels (named in ``credentials.yml``, e.g. ``rasa_ext.channels.secure_socketio.SecureSocketIOInput``).

Importing them installs nothing: the Rasa patches are installed by the server launcher
(``scripts/rasa_server.py`` calls :func:`rasa_ext.patches.install`).
"""
