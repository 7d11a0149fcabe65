"""Pioneer assessment."""
