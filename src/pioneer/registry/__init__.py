"""The registry: administrative divisions (GB/T 2260), regional strategies, pioneer zones and their lifecycle,
monitoring stations. Each domain is a subpackage with the same files: ``choices.py``, ``models.py``,
``schemas.py``, ``service.py``. The service functions are the API the CLI and the web layer call."""
