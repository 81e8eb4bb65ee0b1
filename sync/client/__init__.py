"""The terminal side of sync and the office tool (no Qt)."""
