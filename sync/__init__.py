"""Sync between terminals and the central server (client and server)."""
