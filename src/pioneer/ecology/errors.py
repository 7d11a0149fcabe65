"""Typed errors of the ecology registers (Chinese and English messages)."""

from __future__ import annotations

from pioneer.errors import NotFoundError


class RegisterRowNotFoundError(NotFoundError):
    """No row with the given natural key in a register (HTTP 404)."""
