"""Pioneer registry."""
