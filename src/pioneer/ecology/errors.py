"""Typed errors of the ecology registers (Chinese and English messages)."""

from __future__ import annotations

from pioneer.errors import PioneerError


class RegisterRowNotFoundError(PioneerError):
    """No row with the given natural key in a register (HTTP 404)."""
