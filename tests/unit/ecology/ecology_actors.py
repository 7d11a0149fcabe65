"""Actors and an audit recorder of the ecology tests."""

from __future__ import annotations

from pioneer.registry.permissions import Actor, Role

OFFICE = Actor("office", Role.PROGRAMME_OFFICE)
BEIJING = Actor("bj", Role.PROVINCE, ("110000",))
ZHEJIANG = Actor("zj", Role.PROVINCE, ("330000",))
VIEWER = Actor("viewer", Role.VIEWER)


class Recorder:
    """Collects the audit calls a service makes (the web app and the CLI pass ``auth.audit`` instead)."""

    def __init__(self) -> None:
        self.entries: list[tuple] = []

    def __call__(self, action, object_type, key, division_code, before, after) -> None:
        self.entries.append((action, object_type, key, division_code, before, after))
