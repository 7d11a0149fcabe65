"""Pioneer indicators."""
