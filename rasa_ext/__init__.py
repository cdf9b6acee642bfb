"""Everything of the project that imports Rasa (the domain library ``bot/`` imports none of it).

- :mod:`rasa_ext.channels`: the input channels named in ``credentials.yml`` (web socket.io and REST with
  verified identity, messaging channels, the guard that bounds every turn);
- :mod:`rasa_ext.tracker_store`: the SQL tracker store named in the endpoints file;
- :mod:`rasa_ext.nlu`: the custom NLU components named in ``config.yml``;
- :mod:`rasa_ext.patches`: hot-path fixes and process settings for the pinned Rasa version, installed
  explicitly by the server launcher (``scripts/rasa_server.py``), never by an import.
"""
