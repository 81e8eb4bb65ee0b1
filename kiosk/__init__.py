"""The kiosk's core: catalog, form engine, store, sessions, documents, CLI (no Qt widgets)."""

__version__ = "0.2.0"
