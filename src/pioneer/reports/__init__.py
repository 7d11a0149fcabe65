"""Pioneer reports."""
