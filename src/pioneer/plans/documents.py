"""Attachments with document numbers (申报材料、实施方案附件) and the review of implementation plans (实施方案报送与批复).

* :func:`document_number` — the one rule for a 发文字号 (e.g. ``京环发〔2025〕12号``), GB/T 9704-2012 §7.2.4,
  re-exported from :mod:`pioneer.standards.documents` (its home).
* :func:`store_file` — the content-addressed evidence store under ``$PIONEER_HOME/evidence`` (sha256), shared by
  project evidence and attachments.
* :class:`Document` — an attachment of a zone's application (``owner_kind = "zone"``) or of a plan (``"plan"``):
  file (PDF, DOCX, PNG, JPEG; checked by their leading bytes), document number, title, date.
* :class:`PlanReview` — one step of a plan's review: ``draft → submitted`` (the zone, or its province) →
  ``forwarded`` (the province; the programme office for a region-tier zone) → ``approved`` (the programme office,
  with the document number of the reply) or ``returned`` (with a reason) → ``submitted`` again. The seed requires
  implementation plans to be submitted to the ministry; the forwarding step mirrors the zones' 省级推荐.

Every write checks the actor (:func:`pioneer.registry.permissions.require`) and is audited (``record``)."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, Text, func, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from pioneer.config import settings
from pioneer.db.base import Base
from pioneer.errors import InputError, NotFoundError
from pioneer.plans.errors import PlanError, PlanNotFoundError
from pioneer.plans.models import Plan
from pioneer.registry.permissions import Actor, Role, auditor, permitted, require
from pioneer.registry.zones import service as zones
from pioneer.standards.documents import document_number  # the rule's home (re-exported: docs.document_number)

Record = Callable[..., None]

# the document-number rule (GB/T 9704-2012 §7.2.4) lives in pioneer.standards.documents; re-exported here


# --- the file store ---------------------------------------------------------------------------------------------


def evidence_dir() -> Path:
    return settings().home / "evidence"


def store_file(data: bytes) -> str:
    """Store ``data`` content-addressed under ``$PIONEER_HOME/evidence/<sha256>`` (atomic rename); its sha256."""
    sha = hashlib.sha256(data).hexdigest()
    folder = evidence_dir()
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / sha
    if not target.exists():
        tmp = folder / f"{sha}.part"
        tmp.write_bytes(data)
        tmp.replace(target)
    return sha


def read_file(sha256: str) -> bytes:
    if not re.fullmatch(r"[0-9a-f]{64}", sha256):
        raise NotFoundError("找不到该文件", "no such file")
    path = evidence_dir() / sha256
    if not path.exists():
        raise NotFoundError("找不到该文件", "no such file")
    return path.read_bytes()


MEDIA_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "png": "image/png",
    "jpg": "image/jpeg",
}


def file_kind(data: bytes, name: str) -> str:
    """``pdf``, ``docx``, ``png`` or ``jpg`` from the file's leading bytes (not its name); else a located error."""
    if data.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data.startswith(b"\xff\xd8\xff"):
        return "jpg"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            pass
    raise InputError("附件须为 PDF、Word（DOCX）或图片（PNG、JPEG）", "an attachment must be a PDF, DOCX, PNG or JPEG file",
                     file=name, column="file")  # fmt: skip


# --- attachments ------------------------------------------------------------------------------------------------

OWNER_KINDS = ("zone", "plan")


class Document(Base):
    """An attachment with its document number: of a zone's application or of an implementation plan."""

    __tablename__ = "plans_document"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    owner_kind: Mapped[str] = mapped_column(String(16), index=True)  # zone | plan
    owner_key: Mapped[str] = mapped_column(String(64), index=True)  # zone code or plan id
    zone_code: Mapped[str] = mapped_column(String(64), index=True)
    document_number: Mapped[str] = mapped_column(String(64))
    title: Mapped[str] = mapped_column(String(256))
    issued_on: Mapped[dt.date] = mapped_column(Date)
    file_name: Mapped[str] = mapped_column(String(255))
    media_type: Mapped[str] = mapped_column(String(128))
    sha256: Mapped[str] = mapped_column(String(64))
    size: Mapped[int] = mapped_column(Integer)
    uploaded_by: Mapped[str] = mapped_column(String(128), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


def document_snapshot(d: Document) -> dict[str, Any]:
    return {"id": d.id, "owner_kind": d.owner_kind, "owner_key": d.owner_key, "zone_code": d.zone_code,
            "document_number": d.document_number, "title": d.title, "issued_on": d.issued_on.isoformat(),
            "file_name": d.file_name, "sha256": d.sha256, "size": d.size}  # fmt: skip


def check_document_fields(
    number: str, title: str, issued_on: str
) -> tuple[str, str, dt.date, list[InputError]]:
    """The attachment form's fields, each error located at its field (all of them, not the first only)."""
    errors: list[InputError] = []
    try:
        number = document_number(number)
    except InputError as exc:
        errors.append(exc)
    title = (title or "").strip()
    if not title or len(title) > 256:
        errors.append(InputError("请填写标题（最多 256 字）", "enter a title (at most 256 characters)", column="title",
                                 value=title))  # fmt: skip
    day = dt.date(1900, 1, 1)
    try:
        day = dt.date.fromisoformat((issued_on or "").strip())
        if not dt.date(1949, 10, 1) <= day <= dt.date.today() + dt.timedelta(days=366):
            raise ValueError
    except ValueError:
        errors.append(InputError("日期应为 YYYY-MM-DD", "the date reads YYYY-MM-DD", column="issued_on",
                                 value=issued_on))  # fmt: skip
    return number, title, day, errors


def add_document(session: Session, *, owner_kind: str, owner_key: str, zone_code: str, number: str, title: str,
                 issued_on: str, file_name: str, data: bytes, cap: int, actor: Actor,
                 record: Record | None = None) -> Document:  # fmt: skip
    """Attach a file to a zone's application or to a plan: fields checked (:func:`check_document_fields`), file
    type and size checked, the actor's scope over the zone checked, stored content-addressed, audited."""
    if owner_kind not in OWNER_KINDS:
        raise InputError("未知的附件归属", "unknown attachment owner", column="owner_kind", value=owner_kind)
    codes = zones.zone(session, zone_code).division_codes
    require(actor, {Role.PROGRAMME_OFFICE, Role.PROVINCE, Role.ZONE}, codes, "上传附件")
    number, title, day, errors = check_document_fields(number, title, issued_on)
    if not data:
        errors.append(InputError("请选择文件", "choose a file", file=file_name, column="file"))
    elif len(data) > cap:
        mb = cap // (1024 * 1024)
        errors.append(InputError(f"文件过大（最多 {mb} MB）", f"file too large (at most {mb} MB)", file=file_name,
                                 column="file"))  # fmt: skip
    else:
        try:
            kind = file_kind(data, file_name)
        except InputError as exc:
            errors.append(exc)
    if errors:
        from pioneer.plans.errors import ValidationErrors

        raise ValidationErrors(errors)
    doc = Document(owner_kind=owner_kind, owner_key=owner_key, zone_code=zone_code, document_number=number,
                   title=title, issued_on=day, file_name=file_name, media_type=MEDIA_TYPES[kind],
                   sha256=store_file(data), size=len(data), uploaded_by=actor.username)  # fmt: skip
    session.add(doc)
    session.flush()
    (record or auditor(session, actor))(
        "attach", "document", str(doc.id), codes[0], None, document_snapshot(doc)
    )
    return doc


def documents(session: Session, owner_kind: str, owner_key: str) -> list[Document]:
    query = select(Document).where(Document.owner_kind == owner_kind, Document.owner_key == owner_key)
    return list(session.scalars(query.order_by(Document.issued_on, Document.id)).all())


def document(session: Session, doc_id: int) -> Document:
    found = session.get(Document, doc_id)
    if found is None:
        raise NotFoundError("找不到该附件", "no such attachment")
    return found


def delete_document(session: Session, doc_id: int, *, actor: Actor, record: Record | None = None) -> None:
    doc = document(session, doc_id)
    codes = zones.zone(session, doc.zone_code).division_codes
    require(actor, {Role.PROGRAMME_OFFICE, Role.PROVINCE, Role.ZONE}, codes, "删除附件")
    before = document_snapshot(doc)
    session.delete(doc)
    session.flush()
    (record or auditor(session, actor))("delete", "document", str(doc_id), codes[0], before, None)


# --- the review of implementation plans -------------------------------------------------------------------------

DRAFT, SUBMITTED, FORWARDED, APPROVED, RETURNED = "draft", "submitted", "forwarded", "approved", "returned"
REVIEW_STATES = (DRAFT, SUBMITTED, FORWARDED, APPROVED, RETURNED)
REVIEW_NAMES = {DRAFT: ("未报送", "not submitted"), SUBMITTED: ("已报送省级", "submitted to the province"),
                FORWARDED: ("省级已转报", "forwarded to the ministry"), APPROVED: ("已批复", "approved"),
                RETURNED: ("退回修改", "returned")}  # fmt: skip
PO, PROV, ZONE = Role.PROGRAMME_OFFICE, Role.PROVINCE, Role.ZONE
# (from, to) → the offices that take the step (as the zones' lifecycle: the province recommends, the programme
# office decides). A province-tier zone's own editors are the province, so they may submit too.
PLAN_STEPS: dict[tuple[str, str], frozenset[Role]] = {
    (DRAFT, SUBMITTED): frozenset({ZONE, PROV}),
    (RETURNED, SUBMITTED): frozenset({ZONE, PROV}),
    (SUBMITTED, FORWARDED): frozenset({PROV}),
    (SUBMITTED, RETURNED): frozenset({PROV}),
    (FORWARDED, APPROVED): frozenset({PO}),
    (FORWARDED, RETURNED): frozenset({PO}),
}


class PlanReview(Base):
    """One step of a plan's review (who, office, when, from, to, reason, document number of a decision)."""

    __tablename__ = "plans_plan_review"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans_plan.id", ondelete="CASCADE"), index=True)
    from_state: Mapped[str] = mapped_column(String(24))
    to_state: Mapped[str] = mapped_column(String(24))
    actor_username: Mapped[str] = mapped_column(String(128))
    actor_role: Mapped[str] = mapped_column(String(32))
    reason: Mapped[str] = mapped_column(Text, default="")
    document_number: Mapped[str] = mapped_column(String(64), default="")
    at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


LOCKED = frozenset(
    {SUBMITTED, FORWARDED, APPROVED}
)  # with the province or the ministry: not edited meanwhile


def require_editable(session: Session, plan_id: int) -> None:
    """A plan under review or approved is not changed (its text is what was submitted); a returned or never
    submitted plan is. Called by the plans service before an update or a deletion."""
    state = review_state(session, plan_id)
    if state in LOCKED:
        name = REVIEW_NAMES[state]
        raise PlanError(f"实施方案{name[0]}，不能修改或删除（退回后可修改）",
                        f"the plan is {name[1]} and cannot be changed or deleted (it can once returned)")  # fmt: skip


def plan_steps_roles(zone_tier: str, source: str, target: str) -> frozenset[Role]:
    """Offices that may move a plan of a zone of ``zone_tier`` from ``source`` to ``target`` (empty: no such
    step). A region-tier zone spans provinces, so the province's steps fall to the programme office."""
    roles = PLAN_STEPS.get((source, target), frozenset())
    return roles if (source, target) == (DRAFT, SUBMITTED) else zones.stand_in(zone_tier, roles)


def review_history(session: Session, plan_id: int) -> list[PlanReview]:
    return list(
        session.scalars(select(PlanReview).where(PlanReview.plan_id == plan_id).order_by(PlanReview.id))
    )


def review_state(session: Session, plan_id: int) -> str:
    last = session.scalar(select(PlanReview.to_state).where(PlanReview.plan_id == plan_id)
                          .order_by(PlanReview.id.desc()).limit(1))  # fmt: skip
    return last or DRAFT


def review_states(session: Session) -> dict[int, str]:
    """Every plan's current review state (plans never submitted are absent: ``draft``)."""
    rows = session.execute(select(PlanReview.plan_id, PlanReview.to_state).order_by(PlanReview.id)).all()
    return {pid: state for pid, state in rows}


def permitted_steps(session: Session, plan_id: int, zone_tier: str, actor: Actor) -> list[str]:
    """The review steps ``actor``'s office may take on the plan now (its scope is checked by the caller)."""
    source = review_state(session, plan_id)
    return [t for (s, t) in PLAN_STEPS if s == source and permitted(actor, plan_steps_roles(zone_tier, s, t))]


def step_plan(session: Session, plan_id: int, target: str, *, actor: Actor, reason: str = "", number: str = "",
              record: Record | None = None) -> PlanReview:  # fmt: skip
    """Take one review step: the step must exist from the plan's state, the actor's office may take it and
    covers the zone; returning needs a reason, approving the document number of the reply
    (:func:`document_number`)."""
    p = session.get(Plan, plan_id)
    if p is None:
        raise PlanNotFoundError(f"未知的实施方案 {plan_id}", f"unknown plan {plan_id}")
    z = zones.zone(session, p.zone_code)
    source = review_state(session, plan_id)
    roles = plan_steps_roles(z.tier, source, target)
    if not roles:
        was, to = REVIEW_NAMES.get(source, (source, source)), REVIEW_NAMES.get(target, (target, target))
        raise InputError(f"实施方案当前为“{was[0]}”，不能变更为“{to[0]}”", f"the plan is '{was[1]}' and cannot move to '{to[1]}'",
                         column="to_state", value=target)  # fmt: skip
    require(actor, roles, z.division_codes, "实施方案报送审核")
    reason = (reason or "").strip()
    if len(reason) > 2000:
        raise InputError(
            "理由过长（最多 2000 字）", "reason too long (at most 2000 characters)", column="reason"
        )
    if target == RETURNED and not reason:
        raise InputError("退回须说明理由", "a return needs a reason", column="reason")
    if target == APPROVED or number:
        number = document_number(number)
    step = PlanReview(plan_id=plan_id, from_state=source, to_state=target, actor_username=actor.username,
                      actor_role=actor.role.value, reason=reason, document_number=number,
                      at=dt.datetime.now(dt.UTC))  # fmt: skip
    session.add(step)
    session.flush()
    (record or auditor(session, actor))("review", "plan", str(plan_id), z.division_codes[0], {"review_state": source},
                                        {"review_state": target, "reason": reason, "document_number": number})  # fmt: skip
    return step
