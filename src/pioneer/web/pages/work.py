"""The work pages of issue 14 item 1 (plans and projects in the page, attachments with document numbers, the
review queue, computing a zone's indicators) under one router, included by the app after the other pages."""

from __future__ import annotations

from fastapi import APIRouter

from pioneer.web.pages import compute, documents, plan_edit, project_edit, review

router = APIRouter(include_in_schema=False)
for _module in (plan_edit, project_edit, documents, review, compute):
    router.include_router(_module.router)
