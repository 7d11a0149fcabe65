"""Pioneer lake."""
