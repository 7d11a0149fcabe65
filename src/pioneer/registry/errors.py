"""Typed errors of the registry; every message is given in Chinese and English."""

from __future__ import annotations

from pioneer.errors import InputError, NotFoundError, PioneerError
from pioneer.errors import PermissionDeniedError as PermissionDeniedError  # the one denial error


class UnknownDivisionError(NotFoundError):
    """A division code that the GB/T 2260 history does not contain."""

    def __init__(self, code: str) -> None:
        self.code = code
        super().__init__(f"未知的行政区划代码 “{code}”", f"unknown division code '{code}'")


class DivisionNotInForceError(PioneerError):
    """A division code that exists but was not in force in the given year."""

    def __init__(self, code: str, year: int, detail_zh: str = "", detail_en: str = "") -> None:
        self.code, self.year = code, year
        super().__init__(
            f"行政区划代码 “{code}” 在 {year} 年不在用{detail_zh}",
            f"division code '{code}' was not in force in {year}{detail_en}",
        )


class UnknownZoneError(NotFoundError):
    def __init__(self, code: str) -> None:
        super().__init__(f"未知的先行区 “{code}”", f"unknown pioneer zone '{code}'")


class ZoneError(PioneerError):
    """A zone that cannot be created as given (duplicate code, wrong division level …)."""


class TransitionError(PioneerError):
    """A lifecycle transition that is not allowed from the zone's current state."""


class ReasonRequiredError(TransitionError):
    """A return or a withdrawal without its reason; located at the ``reason`` field (as a form shows it)."""

    column = "reason"


class HistoryImmutableError(PioneerError):
    """An attempt to change or delete the lifecycle history."""

    def __init__(self) -> None:
        super().__init__(
            "先行区状态变更记录不可修改或删除", "the lifecycle history of a zone cannot be edited or deleted"
        )


class StationError(PioneerError):
    """A station that cannot be registered (duplicate code …)."""


class ImportFailedError(PioneerError):
    """A bulk import rejected as a whole; ``errors`` lists every located problem (nothing was written)."""

    def __init__(self, file: str, errors: list[InputError]) -> None:
        self.file, self.errors = file, errors
        head_zh = "\n".join(e.message_zh for e in errors[:50])
        head_en = "\n".join(e.message_en for e in errors[:50])
        more = f"\n… (+{len(errors) - 50})" if len(errors) > 50 else ""
        super().__init__(
            f"导入 {file} 失败：{len(errors)} 处错误，未写入任何数据\n{head_zh}{more}",
            f"import of {file} rejected: {len(errors)} error(s), nothing written\n{head_en}{more}",
        )
