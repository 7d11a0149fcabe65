"""Pydantic schemas of the divisions domain (API and CLI output)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class DivisionPublic(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    code: str
    name: str
    level: str
    kind: str
    status: str
    start_year: int
    end_year: int | None
    parent_code: str | None
    province_code: str


class RecodeStep(BaseModel):
    from_code: str
    from_name: str
    to_code: str
    to_name: str
    year: int


class RecodeResult(BaseModel):
    """Old code → the code(s) in force in ``target_year``; ``steps`` is the chain that was followed."""

    code: str
    year: int | None
    target_year: int | None
    resolved: list[DivisionPublic]
    steps: list[RecodeStep]
