"""Paging conventions shared by every list endpoint (OpenAQ style)."""

from __future__ import annotations

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


def paged(items: list[Any], page: int, limit: int) -> dict[str, Any]:
    start = (page - 1) * limit
    return {
        "meta": {"page": page, "limit": limit, "found": len(items)},
        "results": items[start : start + limit],
    }


class Message(BaseModel):
    message_zh: str
    message_en: str


class ErrorBody(BaseModel):
    detail: Message
