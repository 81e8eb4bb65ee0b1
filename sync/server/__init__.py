"""The central server: FastAPI over SQLAlchemy Core, SQLite or PostgreSQL."""
