"""Conventions shared by every router: paging (OpenAQ style), error bodies, documented file downloads."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Query
from pydantic import BaseModel

T = TypeVar("T")

Page = Annotated[int, Query(ge=1, le=100000, description="1-based page")]
Limit = Annotated[int, Query(ge=1, le=1000, description="results per page")]


class Meta(BaseModel):
    page: int
    limit: int
    found: int


class Paged(BaseModel, Generic[T]):
    meta: Meta
    results: list[T]


def paged(
    items: list[Any], page: int, limit: int, convert: Callable[[Any], Any] | None = None
) -> dict[str, Any]:
    """One page of ``items`` with the count of all; ``convert`` (e.g. a schema's ``model_validate``) is applied
    to the page's items only."""
    start = (page - 1) * limit
    chunk = items[start : start + limit]
    return {
        "meta": {"page": page, "limit": limit, "found": len(items)},
        "results": chunk if convert is None else [convert(x) for x in chunk],
    }


class Message(BaseModel):
    message_zh: str
    message_en: str


class ErrorBody(BaseModel):
    detail: Message


MEDIA = {
    "csv": "text/csv; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "html": "text/html; charset=utf-8",
    "parquet": "application/vnd.apache.parquet",
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def files(*formats: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI ``responses`` entry of a 200 answered with a file in one of ``formats`` (keys of MEDIA)."""
    binary = {"type": "string", "format": "binary"}
    content = {MEDIA[f].split(";")[0]: {"schema": binary if f in ("docx", "parquet", "pdf", "xlsx") else
                                        {"type": "string"}} for f in formats}  # fmt: skip
    return {200: {"content": content}}
