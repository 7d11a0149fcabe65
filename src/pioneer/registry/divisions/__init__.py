"""Administrative divisions: GB/T 2260 codes with their history (1980–2024) and hierarchy."""
