"""Password policy (OWASP ASVS 4.0.3 V2.1, ``pioneer.web.auth.check_password``): 12–128 characters, no composition
rules, breached/common passwords refused offline (zxcvbn's lists), score ≥ 3 — at account creation (API, admin
form, CLI), own password change (API, page) and the ``pioneer users set-password`` command."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from pioneer.web import auth
from pioneer.web.models import AuditEntry, User, WebSession

WEAK = [
    "password1234",  # breached list
    "Password1234!",  # composition rules do not make it strong
    "qwertyuiop12",  # keyboard walk
    "iloveyou2024",
    "1234567890123",
    "drowssap1234",  # reversed
    "aaaaaaaaaaaaaaaa",  # repeat
]
STRONG = [
    "correct horse battery staple",
    "Tr0ub4dor&3xx",
    "long-enough-1",
    "山高水长 绿水青山 2026 湖州",
    "x" * 3 + "Zq9!vL2#mW8@pK",
]


@pytest.mark.parametrize("password", WEAK)
def test_weak_refused_bilingual(password):
    with pytest.raises(auth.InputErrorLike) as info:
        auth.check_password(password)
    assert "密码" in info.value.message_zh and "password" in info.value.message_en
    assert password not in info.value.message_zh + info.value.message_en  # never echoed


@pytest.mark.parametrize("password", STRONG)
def test_strong_accepted(password):
    auth.check_password(password)


def test_length_bounds():
    for bad in ("Zq9!vL2#mW8", "Zq9!vL2#mW8@" + "k" * 117):  # 11 and 129 characters
        with pytest.raises(auth.InputErrorLike, match="12–128"):
            auth.check_password(bad)
    auth.check_password("Zq9!vL2#mW8@")  # 12
    auth.check_password(("Zq9!vL2#mW8@ pK" * 9)[:128])  # 128: ≥ 64 must be permitted (V2.1.2)


def test_username_counts_against_it():
    auth.check_password("huzhou-editor")
    with pytest.raises(auth.InputErrorLike):
        auth.check_password("huzhou-editor", username="huzhou-editor")


def test_control_characters_refused():
    with pytest.raises(auth.InputErrorLike, match="control"):
        auth.check_password("correct horse\x00battery")


def test_api_create_refuses_weak(client, tokens):
    r = client.post("/api/v1/users", json={"username": "weakling", "password": "password1234", "role": "viewer"},
                    headers=tokens("admin"))  # fmt: skip
    assert r.status_code == 422
    body = r.json()
    assert "密码" in str(body) and "guess" in str(body)
    r = client.post("/api/v1/users", json={"username": "weakling", "password": "Zq9!vL2#mW8@", "role": "viewer"},
                    headers=tokens("admin"))  # fmt: skip
    assert r.status_code == 201, r.text


def test_admin_form_refuses_weak(app, client, sign_in):
    csrf = sign_in(client, "admin")
    r = client.post("/admin/users", data={"username": "formweak", "password": "iloveyou2024", "role": "viewer",
                                          "csrf_token": csrf}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 422
    with app.state.session_factory() as s:
        assert s.scalar(select(User).where(User.username == "formweak")) is None


def _user(app, name, password="Zq9!vL2#mW8@pK"):
    with app.state.session_factory() as s, s.begin():
        if s.scalar(select(User).where(User.username == name)) is None:
            auth.create_user(s, name, password, role="viewer")


def test_own_change_through_api(app, client):
    _user(app, "changer")
    headers = {"Authorization": "Bearer " + _token(app, "changer")}
    r = client.post("/api/v1/account/password", json={"current_password": "wrong-wrong-wrong",
                                                      "new_password": "An0ther-g00d-one"}, headers=headers)  # fmt: skip
    assert r.status_code == 422 and "current password" in r.text
    r = client.post("/api/v1/account/password", json={"current_password": "Zq9!vL2#mW8@pK",
                                                      "new_password": "password1234"}, headers=headers)  # fmt: skip
    assert r.status_code == 422
    r = client.post("/api/v1/account/password", json={"current_password": "Zq9!vL2#mW8@pK",
                                                      "new_password": "An0ther-g00d-one"}, headers=headers)  # fmt: skip
    assert r.status_code == 200, r.text
    with app.state.session_factory() as s:
        user = s.scalar(select(User).where(User.username == "changer"))
        assert auth.verify_password(user.password_hash, "An0ther-g00d-one")
        entry = s.scalar(
            select(AuditEntry).where(AuditEntry.action == "password", AuditEntry.object_key == "changer")
        )
        assert entry is not None and "An0ther" not in str(entry.after) + str(entry.note)


def _token(app, name):
    with app.state.session_factory() as s, s.begin():
        return auth.create_token(s, s.scalar(select(User).where(User.username == name)), "pw")


def test_own_change_through_page_closes_other_sessions(app, client, sign_in):
    from fastapi.testclient import TestClient

    _user(app, "pager")
    other = TestClient(app, base_url="http://127.0.0.1")
    sign_in(other, "pager", "Zq9!vL2#mW8@pK")
    csrf = sign_in(client, "pager", "Zq9!vL2#mW8@pK")
    page = client.get("/account")
    assert page.status_code == 200 and 'id="new-password"' in page.text
    r = client.post("/account/password", data={"current_password": "Zq9!vL2#mW8@pK", "new_password": "qwertyuiop12",
                                               "csrf_token": csrf}, follow_redirects=False)  # fmt: skip
    assert r.status_code == 422 and 'id="password-error"' in r.text
    r = client.post("/account/password", data={"current_password": "Zq9!vL2#mW8@pK",
                                               "new_password": "Pa55-phrase bamboo lake", "csrf_token": csrf},
                    follow_redirects=False)  # fmt: skip
    assert r.status_code == 303
    assert client.get("/account?changed=1").status_code == 200  # this session kept
    assert other.get("/account", follow_redirects=False).status_code == 303  # the other one signed out
    with app.state.session_factory() as s:
        user = s.scalar(select(User).where(User.username == "pager"))
        assert len(s.scalars(select(WebSession).where(WebSession.user_id == user.id)).all()) == 1


def test_admin_reset(app, client, tokens):
    _user(app, "forgetful")
    r = client.post(
        "/api/v1/users/forgetful/password", json={"new_password": "1234567890123"}, headers=tokens("admin")
    )
    assert r.status_code == 422
    r = client.post("/api/v1/users/forgetful/password", json={"new_password": "Reset-by-the-office-9"},
                    headers=tokens("admin"))  # fmt: skip
    assert r.status_code == 200
    r = client.post("/api/v1/users/forgetful/password", json={"new_password": "Reset-by-the-office-9"},
                    headers=tokens("viewer"))  # fmt: skip
    assert r.status_code == 403


def test_cli(app, home, monkeypatch):
    from pioneer.cli import app as cli

    # the command reads its home from PIONEER_HOME: under xdist another package's fixture may have moved it
    monkeypatch.setenv("PIONEER_HOME", str(home))

    _user(app, "clier")
    runner = CliRunner()
    out = runner.invoke(cli, ["users", "set-password", "clier", "--password", "password1234"])
    assert (
        out.exit_code == 1
        and "密码" in out.output
        and "guess" in out.output
        and "Traceback" not in out.output
    )
    out = runner.invoke(cli, ["users", "set-password", "clier", "--password", "Cli-chosen-phrase-42"])
    assert out.exit_code == 0, out.output
    out = runner.invoke(cli, ["users", "create-admin", "--username", "admin2", "--password", "admin2admin2"])
    assert out.exit_code == 1 and "guess" in re.sub(r"\s+", " ", out.output)
