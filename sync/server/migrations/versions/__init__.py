"""One file per schema revision, oldest first; Alembic reads them from this folder."""
