"""Domain errors shared by every layer: a message a bureau user understands, in Chinese and English."""

from __future__ import annotations


class PioneerError(Exception):
    """Base of Pioneer's domain errors; ``str()`` gives the Chinese and English message."""

    def __init__(self, message_zh: str, message_en: str) -> None:
        self.message_zh = message_zh
        self.message_en = message_en
        super().__init__(f"{message_zh} / {message_en}")


class NotFoundError(PioneerError):
    """An unknown object — plan, project, case, zone, division … (HTTP 404 in ``pioneer.web.deps.STATUS``)."""


class PermissionDeniedError(PioneerError):
    """The one denial: the role or the division scope does not allow the action (HTTP 403). Raised by
    ``pioneer.registry.permissions.require`` and ``pioneer.web.auth.restrict`` (where it is also named
    ``ForbiddenError``)."""


class InputError(PioneerError):
    """Bad input located in a file: file, row (1-based, header = row 1), column, value, reason."""

    def __init__(
        self,
        reason_zh: str,
        reason_en: str,
        *,
        file: str | None = None,
        row: int | None = None,
        column: str | None = None,
        value: object = None,
    ) -> None:
        self.file, self.row, self.column, self.value = file, row, column, value
        where_zh = "".join(
            [
                f"文件 {file} " if file else "",
                f"第 {row} 行 " if row is not None else "",
                f"列 “{column}” " if column else "",
            ]
        )
        where_en = ", ".join(
            p
            for p in (
                f"file {file}" if file else "",
                f"row {row}" if row is not None else "",
                f"column '{column}'" if column else "",
            )
            if p
        )
        shown = f"（值 “{value}”）" if value is not None else ""
        shown_en = f" (value '{value}')" if value is not None else ""
        super().__init__(
            f"{where_zh}{reason_zh}{shown}", f"{where_en + ': ' if where_en else ''}{reason_en}{shown_en}"
        )


class InputErrors(PioneerError):
    """All the problems found in one input (each an ``InputError``, located); nothing was computed or written."""

    def __init__(self, errors: list[InputError]) -> None:
        self.errors = errors
        super().__init__(f"输入有 {len(errors)} 处错误", f"the input has {len(errors)} error(s)")
