"""Background jobs of the web app: compute a zone's indicators from the lake (issue 14, item 1).

A job is a row of ``web_job`` (state ``queued → running → done | failed``, progress 0–100, message, result) run
by a thread of the server. The computation is the indicators area's own: for each division of the zone and each
medium, :func:`pioneer.indicators.service.compute_from_lake` (``store_values=False``, the expensive part, done
outside any write transaction so that progress can be written meanwhile), then every value is stored at once by
:func:`pioneer.indicators.store.save_values` in one transaction with the audit entry — all or nothing. The result
lists what changed: indicator, division, year, old → new value, the old and new value ids and the lake imports of
the new value's lineage.

One job per zone at a time; a job left ``running`` by a stopped server is reported as failed when read."""

from __future__ import annotations

import datetime as dt
import math
import threading
from typing import Any

import pandas as pd
from sqlalchemy import JSON, DateTime, Integer, String, Text, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from pioneer.db.base import Base
from pioneer.errors import InputError, NotFoundError, PioneerError
from pioneer.web import auth
from pioneer.web.models import User, utcnow

QUEUED, RUNNING, DONE, FAILED = "queued", "running", "done", "failed"
KIND_COMPUTE = "compute_zone"
_live: set[int] = set()  # ids of the jobs this process is running
_lock = threading.Lock()


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
    if busy is not None and not _stale(session.get(Job, busy)):
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
    if run:
        with _lock:
            _live.add(job.id)
        threading.Thread(target=run_compute, args=(session_factory, job.id), daemon=True,
                         name=f"pioneer-job-{job.id}").start()  # fmt: skip
    return job


def _stale(job: Job | None) -> bool:
    """A queued or running job no thread of this process runs (the server stopped meanwhile)."""
    return job is not None and job.state in (QUEUED, RUNNING) and job.id not in _live


def job_for(session: Session, user: User | None, job_id: int) -> Job:
    """The job, for a user who may see its zone (signed in)."""
    from pioneer.web import services

    auth.restrict(user, auth.Action.VIEW)
    job = session.get(Job, job_id)
    if job is None:
        raise NotFoundError("找不到该任务", "no such job")
    services.visible_zone(session, user, job.zone_code)
    if _stale(job):
        job.state, job.message_zh, job.message_en = (
            FAILED,
            "任务因服务重启而中断",
            "interrupted by a server restart",
        )
    return job


def _set(session_factory, job_id: int, **fields: Any) -> None:
    with session_factory() as s, s.begin():
        job = s.get(Job, job_id)
        for k, v in fields.items():
            setattr(job, k, v)


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


def run_compute(session_factory, job_id: int) -> None:
    """The job's thread: compute per division and medium (progress after each), then store and audit at once."""
    from pioneer.indicators import store
    from pioneer.indicators.service import MEDIA, compute_from_lake
    from pioneer.standards.divisions import level, within

    try:
        with session_factory() as s:
            job = s.get(Job, job_id)
            years, divisions, user_id = list(job.params["years"]), list(job.params["divisions"]), job.user_id
        _set(session_factory, job_id, state=RUNNING, progress=1)
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
            job = s.get(Job, job_id)
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
    finally:
        with _lock:
            _live.discard(job_id)
