"""Pioneer plans."""
