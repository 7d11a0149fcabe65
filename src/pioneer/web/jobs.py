"""Background jobs of the web app: compute a zone's indicators from the lake (issue 14, item 1).

A job is a row of ``web_job`` (state ``queued → running → done | failed``, progress 0–100, message, result) run
by a thread of the server. The computation is the indicators area's own: for each division of the zone and each
medium, :func:`pioneer.indicators.service.compute_from_lake` (``store_values=False``, the expensive part, done
outside any write transaction so that progress can be written meanwhile), then every value is stored at once by
:func:`pioneer.indicators.store.save_values` in one transaction with the audit entry — all or nothing. The result
lists what changed: indicator, division, year, old → new value, the old and new value ids and the lake imports of
the new value's lineage.

Who runs a job: by default (``PIONEER_JOB_RUNNER=thread``) a thread of the server process that queued it; with
``PIONEER_JOB_RUNNER=worker`` the server only queues and ``pioneer jobs work`` processes (as many as wanted, on
any machine that reaches the database) run them — the server's workers then stay free for pages. Either way a
job is claimed by one atomic ``UPDATE … WHERE state = 'queued'``, so no two runners take the same job, and a
running job writes a heartbeat every :data:`HEARTBEAT` seconds: one whose heartbeat is older than
:data:`STALE_AFTER` (its process stopped) is reported as failed when read, by any server worker — not only by
the process that started it — and its late result, if it ever comes, is not stored.

One job per zone at a time."""

from __future__ import annotations

import datetime as dt
import logging
import math
import os
import socket
import threading
import time
from typing import Any

import pandas as pd
from sqlalchemy import JSON, DateTime, Integer, String, Text, select, update
from sqlalchemy.orm import Mapped, Session, mapped_column

from pioneer.config import settings
from pioneer.db.base import Base
from pioneer.errors import InputError, NotFoundError, PioneerError
from pioneer.web import auth
from pioneer.web.models import User, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
KIND_COMPUTE = "compute_zone"
HEARTBEAT = 10.0
"""Seconds between a running job's heartbeats."""
STALE_AFTER = dt.timedelta(seconds=120)
"""A running job without a heartbeat for this long has lost its process (a step between two heartbeats is
one division × medium read from the lake, seconds; the margin covers a busy database)."""
log = logging.getLogger(__name__)


class Job(Base):
    __tablename__ = "web_job"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    zone_code: Mapped[str] = mapped_column(String(64), index=True)
    state: Mapped[str] = mapped_column(String(16), default=QUEUED)
    progress: Mapped[int] = mapped_column(Integer, default=0)
    message_zh: Mapped[str] = mapped_column(Text, default="")
    message_en: Mapped[str] = mapped_column(Text, default="")
    params: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    user_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    username: Mapped[str] = mapped_column(String(64), default="")
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    heartbeat_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    runner: Mapped[str] = mapped_column(String(128), default="")
    """Who claimed the job: ``host:pid:thread`` or ``host:pid:worker``."""


def years_of(year_from: str, year_to: str) -> list[int]:
    """The form's year range (at most 20 years, 2000–2100), located errors otherwise."""
    out = []
    for name, text in (("year_from", year_from), ("year_to", year_to)):
        try:
            y = int(str(text).strip())
            if not 2000 <= y <= 2100:
                raise ValueError
            out.append(y)
        except ValueError:
            raise InputError("年份应为 2000–2100 的整数", "a year between 2000 and 2100", column=name,
                             value=text) from None  # fmt: skip
    if out[1] < out[0] or out[1] - out[0] > 19:
        raise InputError("结束年份应不早于开始年份，且跨度不超过 20 年", "the last year is before the first or more than 20 years on",
                         column="year_to", value=year_to)  # fmt: skip
    return list(range(out[0], out[1] + 1))


def start_compute(session: Session, session_factory, user: User | None, zone_code: str, years: list[int], *,
                  request_id: str = "", run: bool = True) -> Job:  # fmt: skip
    """Queue the computation of the zone's indicators for ``years`` (editors of the zone, its province, the
    programme office: ``auth.restrict(user, "edit", zone divisions)``) and start its thread."""
    from pioneer.web import services

    zone = services.visible_zone(session, user, zone_code) if user is not None else None
    auth.restrict(user, auth.Action.EDIT, zone.division_codes if zone is not None else ())
    assert user is not None and zone is not None
    busy = session.scalar(select(Job.id).where(Job.zone_code == zone_code, Job.state.in_((QUEUED, RUNNING))))
    if busy is not None and not expire(session, session.get(Job, busy)):
        raise PioneerError(
            f"该先行区已有计算任务在进行（任务 {busy}）",
            f"a computation of this zone is already running (job {busy})",
        )
    job = Job(kind=KIND_COMPUTE, zone_code=zone_code, params={"years": years, "divisions": zone.division_codes},
              user_id=user.id, username=user.username)  # fmt: skip
    session.add(job)
    session.flush()
    auth.audit(session, user, "start", "job", str(job.id), zone.division_codes[0], None,
               {"kind": KIND_COMPUTE, "zone": zone_code, "years": years}, request_id=request_id)  # fmt: skip
    session.commit()
    if run and settings().job_runner == "thread":
        threading.Thread(target=run_compute, args=(session_factory, job.id, "thread"), daemon=True,
                         name=f"pioneer-job-{job.id}").start()  # fmt: skip
    return job


def _aware(t: dt.datetime) -> dt.datetime:
    return t if t.tzinfo is not None else t.replace(tzinfo=dt.UTC)  # SQLite gives back naive UTC


def stale(job: Job | None, now: dt.datetime | None = None) -> bool:
    """A running job whose heartbeat (or claim) is older than :data:`STALE_AFTER`, or a queued one a thread of
    the server should have claimed at once: its process stopped. A job queued for ``pioneer jobs work``
    waits for a worker, however long."""
    if job is None or job.state not in (QUEUED, RUNNING):
        return False
    if job.state == QUEUED and settings().job_runner == "worker":
        return False
    return (now or utcnow()) - _aware(job.heartbeat_at or job.created_at) > STALE_AFTER


def expire(session: Session, job: Job | None) -> bool:
    """Mark a stale job (:func:`stale`) as failed and commit; whether it was. The update holds only if the job
    is as it was read (same state, same heartbeat): a runner that beat or finished meanwhile wins."""
    if job is None or not stale(job):
        return False
    beat = Job.heartbeat_at.is_(None) if job.heartbeat_at is None else Job.heartbeat_at == job.heartbeat_at
    ended = session.execute(
        update(Job)
        .where(Job.id == job.id, Job.state == job.state, beat)
        .values(
            state=FAILED,
            finished_at=utcnow(),
            message_zh="任务因服务或计算进程停止而中断",
            message_en="interrupted: its server or worker process stopped",
        )
    )
    session.commit()
    session.refresh(job)
    return ended.rowcount == 1


def job_for(session: Session, user: User | None, job_id: int) -> Job:
    """The job, for a user who may see its zone (signed in)."""
    from pioneer.web import services

    auth.restrict(user, auth.Action.VIEW)
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError("找不到该任务", "no such job")
    services.visible_zone(session, user, job.zone_code)
    expire(session, job)
    return job


def _set(session_factory, job_id: int, **fields: Any) -> None:
    """Progress of a running job, with a heartbeat; nothing once someone else has ended it (expired)."""
    with session_factory() as s, s.begin():
        s.execute(
            update(Job).where(Job.id == job_id, Job.state == RUNNING).values(heartbeat_at=utcnow(), **fields)
        )


def claim(session_factory, job_id: int, kind: str) -> bool:
    """Take queued job ``job_id`` for this process (``kind``: ``thread`` or ``worker``): one atomic update, so
    of several runners exactly one gets it."""
    runner = f"{socket.gethostname()}:{os.getpid()}:{kind}"[:128]
    with session_factory() as s, s.begin():
        taken = s.execute(update(Job).where(Job.id == job_id, Job.state == QUEUED)
                          .values(state=RUNNING, progress=1, heartbeat_at=utcnow(), runner=runner))  # fmt: skip
    return taken.rowcount == 1


def _heartbeat(session_factory, job_id: int, stop: threading.Event) -> None:
    while not stop.wait(HEARTBEAT):
        try:
            _set(session_factory, job_id)
        except Exception:  # a busy database: the next beat tries again; STALE_AFTER allows for many misses
            log.warning("heartbeat of job %s not written", job_id, exc_info=True)


def _num(v: Any) -> float | None:
    return None if v is None or (isinstance(v, float) and math.isnan(v)) else float(v)


def changes(before: pd.DataFrame, after: pd.DataFrame, computed: pd.DataFrame) -> list[dict[str, Any]]:
    """What the computation changed: per computed key (division, indicator, year, edition) the old and new
    value and id, whether it is new, changed or the same, and the lake imports of the new value."""
    key = ["division_code", "indicator", "year", "edition"]
    keys = computed[key].drop_duplicates()
    old = before[[*key, "id", "value"]].rename(columns={"id": "old_id", "value": "old"})
    new = after[[*key, "id", "value", "unit"]].rename(columns={"id": "new_id", "value": "new"})
    m = keys.merge(old, on=key, how="left").merge(new, on=key, how="left")
    lineages = {tuple(r[k] for k in key): r["lineage"] or {} for r in computed.to_dict("records")}
    imports = {k: lin.get("inputs", {}).get("lake_imports", []) for k, lin in lineages.items()}
    out = []
    for r in m.sort_values(key).to_dict("records"):
        o, n = _num(r["old"]), _num(r["new"])
        state = "new" if pd.isna(r["old_id"]) else ("same" if o == n else "changed")
        out.append({"division_code": str(r["division_code"]), "indicator": r["indicator"], "year": int(r["year"]),
                    "edition": r["edition"], "unit": r["unit"], "old": o, "new": n, "change": state,
                    "old_id": None if pd.isna(r["old_id"]) else int(r["old_id"]),
                    "new_id": None if pd.isna(r["new_id"]) else int(r["new_id"]),
                    "imports": list(imports.get(tuple(r[k] for k in key), [])),
                    # a null new value is the standard's refusal (e.g. < 324 valid days): say how many there were
                    "valid_days": None if n is not None else
                    lineages.get(tuple(r[k] for k in key), {}).get("counts", {}).get("valid_days")})  # fmt: skip
    return out


def run_compute(session_factory, job_id: int, kind: str = "thread") -> bool:
    """Claim queued job ``job_id`` and run it (whether this process got it): compute per division and medium
    (progress after each, a heartbeat meanwhile), then store and audit at once — unless the job was expired
    in between, in which case nothing is stored."""
    if not claim(session_factory, job_id, kind):
        return False
    stop = threading.Event()
    threading.Thread(target=_heartbeat, args=(session_factory, job_id, stop), daemon=True,
                     name=f"pioneer-job-{job_id}-heartbeat").start()  # fmt: skip
    try:
        _compute(session_factory, job_id)
    finally:
        stop.set()
    return True


def _compute(session_factory, job_id: int) -> None:
    from pioneer.indicators import store
    from pioneer.indicators.service import MEDIA, compute_from_lake
    from pioneer.standards.divisions import level, within

    try:
        with session_factory() as s:
            job = s.get(Job, job_id)
            years, divisions, user_id = list(job.params["years"]), list(job.params["divisions"]), job.user_id
        parts, steps, done = [], len(divisions) * len(MEDIA), 0
        for d in divisions:
            lvl = "county" if level(d) == "county" else "city"
            for m in MEDIA:
                with session_factory() as s:
                    part = compute_from_lake(
                        s, division=d, years=years, media=[m], level=lvl, store_values=False
                    )
                if len(part):
                    parts.append(part)
                done += 1
                _set(session_factory, job_id, progress=int(90 * done / steps),
                     message_zh=f"已计算 {d} {m}", message_en=f"computed {d} {m}")  # fmt: skip
        values = pd.concat(parts, ignore_index=True) if parts else pd.DataFrame()
        result: dict[str, Any] = {"rows": 0, "changes": []}
        with session_factory() as s, s.begin():
            job = s.get(Job, job_id, with_for_update=True)
            if job.state != RUNNING:  # expired meanwhile: its user has been told it failed, so store nothing
                return
            if len(values):
                values = values[within(values["division_code"].astype(str), divisions)].copy()
            if len(values):
                values["edition"] = values["edition"].fillna("").astype(str) if "edition" in values else ""
                codes = sorted(values["division_code"].astype(str).unique())
                user = s.get(User, user_id)
                auth.restrict(user, auth.Action.EDIT, codes)  # the scope again, on what is written
                before = store.read_values(s, divisions=codes, years=years)
                store.save_values(s, values, source_kind="computed")
                s.flush()
                after = store.read_values(s, divisions=codes, years=years)
                result = {"rows": len(values), "changes": changes(before, after, values)}
                auth.audit(s, user, "compute", "indicator_value", f"job-{job_id}", codes[0], None,
                           {"job": job_id, "rows": len(values), "divisions": codes, "years": years})  # fmt: skip
            job.state, job.progress, job.result, job.finished_at = DONE, 100, result, utcnow()
            job.message_zh = (
                f"已保存 {result['rows']} 个指标值" if result["rows"] else "数据湖中没有可计算的数据"
            )
            job.message_en = (
                f"{result['rows']} values stored" if result["rows"] else "no lake data to compute from"
            )
    except Exception as exc:
        zh, en = (
            (exc.message_zh, exc.message_en)
            if isinstance(exc, PioneerError)
            else ("计算失败", f"failed: {exc}")
        )
        _set(session_factory, job_id, state=FAILED, message_zh=zh, message_en=en, finished_at=utcnow())


def work(session_factory, *, once: bool = False, poll: float = 2.0) -> int:
    """``pioneer jobs work``: run queued jobs, oldest first, one at a time, polling every ``poll`` seconds
    (``once``: until none is queued); several workers share the queue through :func:`claim`. Jobs run."""
    ran = 0
    while True:
        with session_factory() as s:
            queued = list(s.scalars(select(Job.id).where(Job.state == QUEUED).order_by(Job.id)))
        for job_id in queued:
            ran += run_compute(session_factory, job_id, "worker")
        if once and not queued:
            return ran
        if not queued:
            time.sleep(poll)
