"""Pioneer zones (先行区): tiers, divisions, themes, lifecycle with actors and an append-only history."""
