"""Staff members: who may unlock the assisted mode on a terminal, and with which PIN."""
