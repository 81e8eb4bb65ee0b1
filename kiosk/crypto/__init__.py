"""Keys, encryption at rest, key wrapping and sealing for offices."""
