"""One role vocabulary: the web account's role is the services' actor role; services check offices."""

from __future__ import annotations

import pytest

from pioneer.errors import PermissionDeniedError
from pioneer.registry.permissions import Actor, Role, permitted, require
from pioneer.web import auth
from pioneer.web.models import User


def test_one_enum() -> None:
    assert auth.Role is Role
    assert [r.value for r in Role] == [
        "admin", "reviewer", "province_editor", "city_editor", "county_editor", "viewer"
    ]  # fmt: skip
    assert (
        Role.PROGRAMME_OFFICE is Role.ADMIN
        and Role.PROVINCE is Role.PROVINCE_EDITOR
        and Role.ZONE is Role.CITY_EDITOR
    )
    assert (
        Role("zone") is Role.CITY_EDITOR and Role("programme_office") is Role.ADMIN
    )  # the CLI's office names
    with pytest.raises(ValueError):
        auth.account_role("zone")  # … which are not account roles
    assert auth.account_role("county_editor") is Role.COUNTY_EDITOR


@pytest.mark.parametrize(
    ("role", "zone_step", "office_step"),
    [
        (Role.ADMIN, False, True),
        (Role.REVIEWER, False, True),
        (Role.PROVINCE_EDITOR, False, False),
        (Role.CITY_EDITOR, True, False),
        (Role.COUNTY_EDITOR, True, False),
        (Role.VIEWER, False, False),
    ],
)
def test_services_check_the_office(role: Role, zone_step: bool, office_step: bool) -> None:
    actor = Actor("u", role, ("330523",))
    assert permitted(actor, {Role.ZONE}) is zone_step
    assert permitted(actor, {Role.PROGRAMME_OFFICE}) is office_step
    if not zone_step:
        with pytest.raises(PermissionDeniedError):
            require(actor, {Role.ZONE}, ["330523"], "test")


def test_web_user_acts_with_its_own_role() -> None:
    county = User(id=3, username="c", role="county_editor", division_code="330523", active=True)
    reviewer = User(id=4, username="r", role="reviewer", division_code=None, active=True)
    assert auth.actor(county, request_id="q") == Actor(
        "c", Role.COUNTY_EDITOR, ("330523",), user_id=3, request_id="q"
    )
    assert auth.actor(reviewer).covers("110000")  # the programme office has national scope
    assert not auth.actor(county).covers("330522")
    require(auth.actor(county), {Role.ZONE, Role.PROVINCE}, ["330523"], "submit case")
