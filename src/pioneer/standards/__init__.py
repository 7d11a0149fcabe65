"""Pioneer standards."""
