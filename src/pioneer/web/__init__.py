"""Pioneer web."""
