"""Typed errors of the plans area (Chinese and English messages)."""

from __future__ import annotations

from pioneer.errors import InputError, NotFoundError, PioneerError


class PlanNotFoundError(NotFoundError):
    """An unknown plan, project or case (HTTP 404)."""


class PlanError(PioneerError):
    """A request the plans area cannot carry out as given (duplicate code, step not allowed …)."""


class ValidationErrors(InputError):
    """Every located problem of one submission (Excel file or API body); nothing was written."""

    def __init__(self, errors: list[InputError], file: str | None = None) -> None:
        self.errors = errors
        first = errors[0]
        super().__init__(
            f"共 {len(errors)} 处错误，未写入任何数据；首处：{first.message_zh}",
            f"{len(errors)} error(s), nothing written; first: {first.message_en}",
            file=file,
        )
