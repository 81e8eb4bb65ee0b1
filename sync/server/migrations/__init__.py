"""The server schema's Alembic revisions, shipped in the package (``sync.server.migrate``)."""
