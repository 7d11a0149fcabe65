"""Command-line sub-commands, one module per area; ``pioneer.cli`` assembles them."""
