"""The touch application (Qt Widgets). Talks to the core in ``kiosk/`` only."""
