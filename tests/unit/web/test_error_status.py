"""One denial error and one error → HTTP status table (pioneer.web.deps.STATUS) for every area."""

from __future__ import annotations

import pytest

from pioneer import errors
from pioneer.compensation.service import AgreementNotFoundError
from pioneer.ecology.errors import RegisterRowNotFoundError
from pioneer.plans.errors import PlanNotFoundError, ValidationErrors
from pioneer.registry import errors as registry_errors
from pioneer.web import auth
from pioneer.web.deps import CsrfError, status_of


def test_one_denial_error() -> None:
    assert registry_errors.PermissionDeniedError is errors.PermissionDeniedError is auth.ForbiddenError
    assert issubclass(CsrfError, errors.PermissionDeniedError)


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (auth.AuthError("请先登录", "please log in first"), 401),
        (errors.PermissionDeniedError("无权", "denied"), 403),
        (CsrfError(), 403),
        (auth.RateLimitedError("过多", "too many"), 429),
        (PlanNotFoundError("未知方案", "unknown plan"), 404),  # the plans router and the table once disagreed
        (RegisterRowNotFoundError("无此行", "no such row"), 404),
        (AgreementNotFoundError("无此协议", "no such agreement"), 404),
        (registry_errors.UnknownZoneError("XX-1"), 404),
        (registry_errors.UnknownDivisionError("999999"), 404),
        (ValidationErrors([errors.InputError("坏", "bad", row=2)]), 422),
        (errors.InputError("坏", "bad"), 422),
        (registry_errors.TransitionError("不可", "not allowed"), 422),
    ],
)
def test_status_table(error: Exception, status: int) -> None:
    assert status_of(error) == status
