"""Actors and the audit recorder shared by the plans tests."""

from __future__ import annotations

from pioneer.registry.permissions import Actor, Role

BEIJING = Actor("bj", Role.ZONE, ("110000",))
HUZHOU = Actor("hz", Role.ZONE, ("330500",))
BEIJING_PROVINCE = Actor("bj-prov", Role.PROVINCE, ("110000",))  # the municipality is its own province
ZHEJIANG = Actor("zj", Role.PROVINCE, ("330000",))
OFFICE = Actor("po", Role.PROGRAMME_OFFICE)
VIEWER = Actor("v", Role.VIEWER)


class Recorder(list):
    """Collects what the service reports for the audit log."""

    def __call__(self, action, object_type, key, division_code, before, after):
        self.append((action, object_type, key, division_code, before, after))
