#!/usr/bin/env python3
"""Load benchmark of the web application (a script, not a timed test).

1. prepares a ``PIONEER_HOME`` (``benchmarks/out/web-home``) the way ``pioneer demo`` does: migrate, the example
   zones and accounts, the Beijing sample's indicators computed and stored through ``pioneer.indicators``;
2. starts ``pioneer serve --host 127.0.0.1 --port P [--workers W]`` (uvicorn: httptools parser, uvloop) as a
   child process;
3. for each target, ``--clients`` concurrent closed-loop keep-alive clients request it back to back for
   ``--duration`` seconds. The load generator is aiohttp on uvloop (one ``ClientSession`` per load process with a
   pool as large as its clients), spread over ``--procs`` processes; each client reads the whole body and checks
   the status: every answer other than 200 and every connection error or timeout counts as an error;
4. prints requests/s, p50/p95/p99 latency and errors per target, the server's CPU seconds (all its processes) and
   peak RSS, the load generator's CPU seconds and the load average, against a same-run baseline: a static file
   (``/static/app.css``, Starlette's StaticFiles) and ``/healthz`` (a route doing no work).

Public endpoints measured (anonymous, as the public sees them): the overview map data, a zone's scorecards and
trends (the zone page's data), the rankings JSON, and the rendered zone and rankings pages.

Usage::

    .venv/bin/python benchmarks/bench_web.py                       # 50 clients × 20 s per target
    flock /tmp/pioneer-bench.lock .venv/bin/python benchmarks/bench_web.py --clients 50 --duration 60 --json out.json

The load generator shares the machine (2 cores here) with the server: the numbers are a lower bound of what
the server alone could answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import resource
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
TARGETS = {
    "baseline: static file": "/static/app.css",
    "baseline: /healthz": "/healthz",
    "overview data": "/api/v1/overview?indicator=air_pm2_5",
    "zone scorecards": "/api/v1/zones/BJ-110000/indicators",
    "zone trends": "/api/v1/zones/BJ-110000/trends",
    "rankings": "/api/v1/rankings?indicator=air_pm2_5&level=city",
    "zone page (HTML)": "/zones/BJ-110000",
    "rankings page (HTML)": "/rankings",
}
TICKS = os.sysconf("SC_CLK_TCK")


def prepare(home: Path, database_url: str | None = None, national: bool = False) -> tuple[float, dict]:
    """The demo home (zones, accounts, the Beijing sample's indicators); with ``national`` also the national
    registry (:func:`seed_national_registry`). Returns (seconds, counts)."""
    os.environ["PIONEER_HOME"] = str(home)
    if database_url:
        os.environ["PIONEER_DATABASE_URL"] = database_url
    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.web import assess
    from pioneer.web.demo import seed_accounts, seed_zones

    started = time.perf_counter()
    home.mkdir(parents=True, exist_ok=True)
    upgrade(database_url)
    engine = make_engine(database_url)
    with session_scope(engine) as session:
        seed_zones(session)
        seed_accounts(session)
    with session_scope(engine) as session:
        assess.ensure_sample_values(session)
    counts = seed_national_registry(engine) if national else {}
    engine.dispose()
    return time.perf_counter() - started, counts


def postgres_database(name: str) -> str:
    """URL of database ``name`` on the test server of ``scripts/start-postgres.sh`` (``.pg/url``), created
    when missing."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    server = (ROOT / ".pg" / "url").read_text().strip()
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.execute(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}).first() is None:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, port: int, workers: int, access_log: bool, database_url: str | None = None
                 ) -> subprocess.Popen:  # fmt: skip
    env = {**os.environ, "PIONEER_HOME": str(home)}
    if database_url:
        env["PIONEER_DATABASE_URL"] = database_url
    exe = Path(sys.executable).parent / "pioneer"
    cmd = [str(exe), "serve", "--host", "127.0.0.1", "--port", str(port), "--workers", str(workers),
           "--access-log" if access_log else "--no-access-log"]  # fmt: skip
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            if len(tree(proc.pid)) >= 1 + (workers if workers > 1 else 0):
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            raise RuntimeError("pioneer serve exited")
        time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("pioneer serve did not start")


def wait_ready(base: str, proc: subprocess.Popen, limit: float = 1800.0) -> float:
    """Seconds until ``/readyz`` answers 200: the server has warmed its pages' memo (``pioneer.web.warm``), as a
    load balancer would wait before sending it traffic."""
    t0 = time.monotonic()
    while time.monotonic() - t0 < limit:
        try:
            urllib.request.urlopen(f"{base}/readyz", timeout=5)
            return time.monotonic() - t0
        except OSError:  # 503 while warming (HTTPError is an OSError)
            if proc.poll() is not None:
                raise RuntimeError("pioneer serve exited") from None
            time.sleep(1.0)
    raise RuntimeError(f"not ready after {limit:.0f} s")


def tree(pid: int) -> list[int]:
    """``pid`` and its descendants (uvicorn's worker processes), from ``/proc``."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(parents.get(p, []))
    return out


def server_usage(pid: int) -> tuple[float, float]:
    """(CPU seconds user+system, summed peak RSS in MiB) of the server's processes so far."""
    cpu = rss = 0.0
    for p in tree(pid):
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
            cpu += (int(fields[11]) + int(fields[12])) / TICKS
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    rss += int(line.split()[1]) / 1024
        except (OSError, IndexError, ValueError):
            continue
    return cpu, rss


async def _load(
    base: str, path: str, clients: int, duration: float, start_at: float, bust: bool = False
) -> dict:
    import aiohttp

    latencies: list[float] = []
    kinds: dict[str, int] = {}
    connector = aiohttp.TCPConnector(limit=clients, force_close=False, keepalive_timeout=75)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as client:
        for _ in range(3):  # warm-up (the first request of a target fills the server's caches)
            async with client.get(path) as r:
                await r.read()
        await asyncio.sleep(max(0.0, start_at - time.time()))
        stop = time.perf_counter() + duration

        async def worker(n: int) -> None:
            sep, i = "&" if "?" in path else "?", 0
            while time.perf_counter() < stop:
                i += 1
                url = f"{path}{sep}nocache={n}-{i}" if bust else path  # --bust: a new cache key every request
                t0 = time.perf_counter()
                try:
                    async with client.get(url) as r:
                        await r.read()  # the whole body
                        kind = None if r.status == 200 else str(r.status)
                except (aiohttp.ClientError, TimeoutError) as exc:
                    kind = type(exc).__name__
                latencies.append(time.perf_counter() - t0)
                if kind is not None:
                    kinds[kind] = kinds.get(kind, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(n) for n in range(clients)))
        elapsed = time.perf_counter() - started
    return {"latencies": latencies, "kinds": kinds, "seconds": elapsed}


def _load_process(args: tuple) -> dict:
    import uvloop

    t0 = resource.getrusage(resource.RUSAGE_SELF)
    out = uvloop.run(_load(*args))
    t1 = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu"] = (t1.ru_utime - t0.ru_utime) + (t1.ru_stime - t0.ru_stime)
    return out


def load(base: str, path: str, clients: int, duration: float, procs: int, bust: bool = False) -> dict:
    """``clients`` closed-loop clients spread over ``procs`` load processes, started together."""
    start_at = time.time() + 1.5
    shares = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    jobs = [(base, path, n, duration, start_at, bust) for n in shares if n]
    with mp.get_context("spawn").Pool(len(jobs)) as pool:
        parts = pool.map(_load_process, jobs)
    lat = np.array([x for p in parts for x in p["latencies"]]) * 1000
    kinds: dict[str, int] = {}
    for p in parts:
        for k, n in p["kinds"].items():
            kinds[k] = kinds.get(k, 0) + n
    elapsed = max(p["seconds"] for p in parts)
    return {"path": path, "requests": len(lat), "errors": sum(kinds.values()), "seconds": round(elapsed, 2),
            "rps": round(len(lat) / elapsed, 1), "p50_ms": round(float(np.percentile(lat, 50)), 1),
            "p95_ms": round(float(np.percentile(lat, 95)), 1), "p99_ms": round(float(np.percentile(lat, 99)), 1),
            "error_kinds": kinds, "client_cpu_s": round(sum(p["cpu"] for p in parts), 1)}  # fmt: skip


# --- the national registry and the mixed load (issue 15 §4, issue 20 §4) -------------------------------------

NATIONAL_YEARS = range(2016, 2026)
TIER_COUNTS = {"region": 20, "province": 25, "city": 120, "county": 135}  # + the 7 demo zones ≈ 307
PATH = (
    "recommended",
    "under_review",
    "approved",
    "under_construction",
    "self_assessed",
    "evaluated",
    "model",
)


def _zone_plan(rng: np.random.Generator) -> list[dict]:
    """~300 zones over the divisions in force in 2024 (GB/T 2260, the bundled table): ``TIER_COUNTS`` per tier,
    each given a target state cycling through all nine lifecycle states."""
    from pioneer.registry.divisions.loader import division_rows
    from pioneer.web.demo import ZONES

    d = division_rows()
    live = d[(d["start_year"] <= 2024) & (d["end_year"].isna() | (d["end_year"] > 2024))]
    taken = {z.division for z in ZONES}
    kinds = {"province": ("province", "autonomous_region", "municipality"), "city": ("prefecture",),
             "county": ("county", "municipal_district")}  # fmt: skip
    pools = {
        t: live[live["kind"].isin(k) & ~live["code"].isin(taken)].reset_index(drop=True)
        for t, k in kinds.items()
    }
    plan: list[dict] = []
    for tier, n in TIER_COUNTS.items():
        if tier == "region":
            prov = pools["province"]
            picks = [
                sorted(rng.choice(prov["code"], size=int(rng.integers(2, 4)), replace=False))
                for _ in range(n)
            ]
            names = ["、".join(prov.set_index("code").loc[p, "name"]) + "区域" for p in picks]
        else:
            pool = pools[tier]
            rows = pool.iloc[np.sort(rng.choice(len(pool), size=min(n, len(pool)), replace=False))]
            picks, names = [[c] for c in rows["code"]], list(rows["name"])
        for i, (codes, name) in enumerate(zip(picks, names, strict=True)):
            plan.append({"code": f"NB-{tier[:2].upper()}-{i + 1:03d}", "tier": tier, "codes": codes,
                         "name_zh": f"{name}美丽中国先行区（基准测试）", "name_en": f"Benchmark {tier} zone {i + 1}",
                         "theme": f"基准测试特色 {tier} {i + 1}"})  # fmt: skip
    for i, z in enumerate(plan):  # draft, recommended … model, withdrawn — every state, in turn
        k = i % 9
        z["path"] = PATH[:k] if k < 8 else ("withdrawn",)
    return plan


def _actor_for(zone, source: str, target: str):
    from pioneer.registry.permissions import Actor, Role
    from pioneer.registry.zones import service as zones
    from pioneer.registry.zones.choices import State
    from pioneer.standards import divisions as gbt2260

    roles = zones.allowed_roles(zone, State(source), State(target))
    if Role.PROGRAMME_OFFICE in roles:
        return Actor("bench", Role.PROGRAMME_OFFICE)
    if Role.PROVINCE in roles:
        return Actor(
            "bench",
            Role.PROVINCE,
            tuple(sorted({gbt2260.rollup(c, "province") for c in zone.division_codes})),
        )
    return Actor("bench", Role.ZONE, tuple(zone.division_codes))


def seed_national_registry(engine, *, seed: int = 20) -> dict[str, int]:
    """Every division (migrated), the CNEMC January 2025 station list and its station-days, the Beijing hourly
    sample in the lake, ~300 zones through the zone service (real transitions), and a decade of indicator values
    (every zone division × catalogue indicator × 2016–2025) through ``indicators.store.save_values``.
    Idempotent: a second run finds the zones and values and adds nothing."""
    import pandas as pd
    from sqlalchemy import func, select

    from pioneer.db import session_scope
    from pioneer.indicators import store
    from pioneer.indicators.models import IndicatorValue
    from pioneer.lake.ingest import ingest
    from pioneer.lake.storage import Lake
    from pioneer.registry.permissions import Actor, Role
    from pioneer.registry.zones import service as zones
    from pioneer.registry.zones.models import Zone
    from pioneer.registry.zones.schemas import ZoneCreate
    from pioneer.web import assess
    from pioneer.web.demo import seed_national
    from pioneer.web.services import known_stations

    counts: dict[str, int] = {}
    rng = np.random.default_rng(seed)
    with session_scope(engine) as session:
        if Lake().files("air_daily"):
            counts["stations"] = 0
        else:
            counts.update({f"national_{k}": v for k, v in seed_national(session).items()})
    with session_scope(engine) as session:
        if not Lake().files("air"):
            sample = ROOT / "data" / "sample" / "beijing_air_hourly.parquet"
            r = ingest([sample], known_stations=known_stations(session), who="bench")[0]
            counts["lake_air_rows"] = r.rows_accepted
    plan = _zone_plan(rng)
    with session_scope(engine) as session:
        held = set(session.scalars(select(Zone.code)).all())
        made = 0
        for z in plan:
            if z["code"] in held:
                continue
            create = ZoneCreate(code=z["code"], name_zh=z["name_zh"], name_en=z["name_en"], tier=z["tier"],
                                division_codes=z["codes"], theme=z["theme"])  # fmt: skip
            zones.create_zone(session, create, actor=Actor("bench", Role.PROGRAMME_OFFICE))
            zone = zones.zone(session, z["code"])
            for target in z["path"]:
                actor = _actor_for(zone, zone.state, target)
                doc = f"环办发〔2025〕{made + 1}号" if target == "approved" else ""
                zones.transition(session, z["code"], target, actor=actor, reason="基准测试 / benchmark",
                                 document_number=doc)  # fmt: skip
            made += 1
        counts["zones_made"] = made
        counts["zones"] = session.scalar(select(func.count()).select_from(Zone))
    with session_scope(engine) as session:
        divisions = sorted({c for z in session.scalars(select(Zone)).all() for c in z.division_codes})
        cat = assess.catalogue().indicators
        have = session.scalar(select(func.count()).select_from(IndicatorValue).where(IndicatorValue.source_kind == "reported",
                              IndicatorValue.method == "benchmark"))  # fmt: skip
        if not have:
            n_d, n_i, n_y = len(divisions), len(cat), len(NATIONAL_YEARS)
            lo = np.array([i.range.min for i in cat])
            hi = np.array([min(i.range.max, i.range.min + 100.0) for i in cat])
            u = rng.random((n_d, n_i, n_y))
            values = np.round(lo[None, :, None] + u * (hi - lo)[None, :, None], 2)
            frame = pd.DataFrame({
                "division_code": np.repeat(divisions, n_i * n_y),
                "indicator": np.tile(np.repeat([i.code for i in cat], n_y), n_d),
                "year": np.tile(np.array(NATIONAL_YEARS), n_d * n_i),
                "value": values.ravel(),
                "unit": np.tile(np.repeat([i.unit for i in cat], n_y), n_d),
                "method": "benchmark",
            })  # fmt: skip
            # the Beijing sample's computed values stay: keys it holds are not overwritten
            held_keys = session.execute(select(IndicatorValue.division_code, IndicatorValue.indicator,
                                               IndicatorValue.year)).all()  # fmt: skip
            if held_keys:
                held_df = pd.DataFrame(held_keys, columns=["division_code", "indicator", "year"]).assign(_h=1)
                frame = frame.merge(held_df, how="left", on=["division_code", "indicator", "year"])
                frame = frame[frame["_h"].isna()].drop(columns="_h")
            store.record_import(session, import_id="bench-national", file_name="bench_web.py", sha256="0" * 64,
                                n_rows=len(frame), submitted_by="bench")  # fmt: skip
            counts["values_written"] = store.save_values(session, frame, source_kind="reported",
                                                         import_id="bench-national")  # fmt: skip
        counts["values"] = session.scalar(select(func.count()).select_from(IndicatorValue))
        counts["zone_divisions"] = len(divisions)
    return counts


def credentials(engine, users: tuple[str, ...]) -> dict[str, dict]:
    """A signed-in session cookie and an API token for each of ``users`` (demo accounts), opened through
    ``auth.login`` / ``auth.create_token``, and the zone codes each may see (``services.visible_zones``)."""
    from pioneer.db import session_scope
    from pioneer.web import auth, services
    from pioneer.web.demo import DEMO_PASSWORD

    out: dict[str, dict] = {}
    with session_scope(engine) as session:
        for name in users:
            user, cookie = auth.login(session, name, DEMO_PASSWORD, client="bench")
            token = auth.create_token(session, user, "bench", days=1)
            out[name] = {"cookie": cookie, "token": token,
                         "zones": [z.code for z in services.visible_zones(session, user)]}  # fmt: skip
        out[""] = {"zones": [z.code for z in services.visible_zones(session, None)]}
    return out


def mixed_requests(
    creds: dict[str, dict], kind: str, who: str, rng: np.random.Generator
) -> list[tuple[str, str]]:
    """The (group, path) list one client of ``kind`` (anonymous, token, session) cycles through: pages, lists,
    division searches and (signed-in or token only: the lake is not public) lake queries, with the zone codes
    and search words spread over the whole registry."""
    from pioneer.registry.divisions.loader import division_rows

    zones = creds[who]["zones"]
    names = division_rows()["name"].str.slice(0, 2).drop_duplicates().tolist()
    words = [str(w) for w in rng.choice(names, size=40, replace=False)] + ["新区", "朝阳", "北京"]
    pick = lambda seq: seq[int(rng.integers(len(seq)))]  # noqa: E731
    reqs: list[tuple[str, str]] = []
    for _ in range(8):
        z = pick(zones)
        reqs += [("page home (map)", "/"), ("page /zones", "/zones"), ("page zone", f"/zones/{z}"),
                 ("page zone", f"/zones/{pick(zones)}"), ("page /indicators", "/indicators"),
                 ("page /rankings", f"/rankings?indicator={pick(['air_pm2_5', 'air_pm10', 'air_good_day_ratio'])}"),
                 ("api map data", "/api/v1/overview?indicator=air_pm2_5"),
                 ("api zones list", f"/api/v1/zones?page={int(rng.integers(1, 4))}&limit=100"),
                 ("api zones list", f"/api/v1/zones?tier={pick(['city', 'county', 'region', 'province'])}"),
                 ("api zone scorecards", f"/api/v1/zones/{z}/indicators"),
                 ("api indicators list", "/api/v1/indicators"), ("api projects list", "/api/v1/projects"),
                 ("divisions search", f"/api/v1/divisions?q={urllib.parse.quote(pick(words))}"),
                 ("divisions search", f"/api/v1/divisions?q={urllib.parse.quote(pick(words))}&level=county")]  # fmt: skip
        if kind != "anonymous":
            day = int(rng.integers(1, 28))
            reqs += [("lake air", f"/api/v1/lake/air?division=110000&start=2016-03-{day:02d}T00:00:00"
                                  f"&end=2016-03-{day + 1:02d}T00:00:00&limit=100"),
                     ("lake air", f"/api/v1/lake/air?site={pick(['1001A', '1003A', '1006A', '1011A'])}"
                                  f"&limit=50&page={int(rng.integers(1, 20))}")]  # fmt: skip
    order = rng.permutation(len(reqs))
    return [reqs[i] for i in order]


async def _mixed(base: str, clients: list[dict], duration: float, start_at: float, bust: bool) -> dict:
    import aiohttp

    samples: dict[str, list[float]] = {}
    kinds: dict[str, dict[str, int]] = {}
    connector = aiohttp.TCPConnector(limit=len(clients), force_close=False, keepalive_timeout=75)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(base, connector=connector, timeout=timeout) as client:
        await asyncio.sleep(max(0.0, start_at - time.time()))
        stop = time.perf_counter() + duration

        async def worker(n: int, spec: dict) -> None:
            headers, reqs, i = spec["headers"], spec["requests"], 0
            while time.perf_counter() < stop:
                group, path = reqs[i % len(reqs)]
                i += 1
                if bust and spec["kind"] == "anonymous":
                    path = f"{path}{'&' if '?' in path else '?'}nocache={n}-{i}"
                t0 = time.perf_counter()
                try:
                    async with client.get(path, headers=headers) as r:
                        await r.read()
                        kind = None if r.status == 200 else str(r.status)
                except (aiohttp.ClientError, TimeoutError) as exc:
                    kind = type(exc).__name__
                dt_ = time.perf_counter() - t0
                for key in (group, f"all {spec['kind']}", "all"):
                    samples.setdefault(key, []).append(dt_)
                if kind is not None:
                    bad = kinds.setdefault(group, {})
                    bad[f"{kind} {path}"[:120]] = bad.get(f"{kind} {path}"[:120], 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker(n, s) for n, s in enumerate(clients)))
        elapsed = time.perf_counter() - started
    return {"samples": samples, "kinds": kinds, "seconds": elapsed}


def _mixed_process(args: tuple) -> dict:
    import uvloop

    t0 = resource.getrusage(resource.RUSAGE_SELF)
    out = uvloop.run(_mixed(*args))
    t1 = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu"] = (t1.ru_utime - t0.ru_utime) + (t1.ru_stime - t0.ru_stime)
    return out


def mixed_load(base: str, clients: list[dict], duration: float, procs: int, bust: bool) -> dict:
    """Every client of ``clients`` closed-loop for ``duration`` s, spread over ``procs`` load processes."""
    start_at = time.time() + 1.5
    jobs = [(base, clients[i::procs], duration, start_at, bust) for i in range(procs) if clients[i::procs]]
    with mp.get_context("spawn").Pool(len(jobs)) as pool:
        parts = pool.map(_mixed_process, jobs)
    elapsed = max(p["seconds"] for p in parts)
    groups: dict[str, dict] = {}
    for key in sorted({k for p in parts for k in p["samples"]}):
        lat = np.array([x for p in parts for x in p["samples"].get(key, [])]) * 1000
        errs: dict[str, int] = {}
        for p in parts:
            for k, v in (p["kinds"].get(key) or {}).items():
                errs[k] = errs.get(k, 0) + v
        groups[key] = {"requests": len(lat), "rps": round(len(lat) / elapsed, 1),
                       "p50_ms": round(float(np.percentile(lat, 50)), 1), "p95_ms": round(float(np.percentile(lat, 95)), 1),
                       "p99_ms": round(float(np.percentile(lat, 99)), 1), "errors": sum(errs.values()),
                       "error_kinds": dict(sorted(errs.items(), key=lambda kv: -kv[1])[:5])}  # fmt: skip
    total_errors = sum(g["errors"] for k, g in groups.items() if not k.startswith("all"))
    groups["all"]["errors"] = total_errors
    return {
        "groups": groups,
        "seconds": round(elapsed, 2),
        "client_cpu_s": round(sum(p["cpu"] for p in parts), 1),
    }


def print_groups(title: str, r: dict) -> None:
    print(f"{title} ({r['seconds']:g} s, server CPU {r['server_cpu_s']} s, client CPU {r['client_cpu_s']} s, "
          f"load {r['load_avg']})")  # fmt: skip
    print(
        f"  {'route group':24s} {'requests':>8s} {'req/s':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s} {'errors':>6s}"
    )
    for name, g in r["groups"].items():
        print(f"  {name:24s} {g['requests']:8d} {g['rps']:7.1f} {g['p50_ms']:7.1f} {g['p95_ms']:7.1f} "
              f"{g['p99_ms']:7.1f} {g['errors']:6d} {g['error_kinds'] or ''}", flush=True)  # fmt: skip


def run_national(args, base: str, proc: subprocess.Popen, database_url: str | None) -> dict:
    """The mixed load: ``--clients`` split into anonymous (half), API-token (a quarter) and signed-in (a
    quarter) clients of four accounts; then the same mix with every anonymous request a cache miss (``nocache``
    parameter: the uncached baseline); ``/healthz`` (a route doing no work) first as the floor."""
    from pioneer.db import make_engine

    engine = make_engine(database_url)
    users = ("admin", "viewer", "reviewer", "zhejiang")
    creds = credentials(engine, users)
    engine.dispose()
    rng = np.random.default_rng(15)
    n_anon = args.clients // 2
    n_token = (args.clients - n_anon) // 2
    clients = []
    for i in range(args.clients):
        kind = "anonymous" if i < n_anon else "token" if i < n_anon + n_token else "session"
        who = "" if kind == "anonymous" else users[i % len(users)]
        headers = ({} if kind == "anonymous" else {"Authorization": f"Bearer {creds[who]['token']}"} if kind == "token"
                   else {"Cookie": f"pioneer_session={creds[who]['cookie']}"})  # fmt: skip
        clients.append({"kind": kind, "headers": headers, "requests": mixed_requests(creds, kind, who, rng)})
    # warm-up: every distinct anonymous request and every distinct API request once, 4 at a time (fills the public
    # cache and the in-process memo as first visitors would; a signed-in page is computed at every request anyway)
    seen: dict[tuple[str, str], dict] = {}
    for c in clients:
        for _, path in c["requests"]:
            if c["kind"] == "anonymous" or path.startswith("/api/"):
                seen.setdefault((c["kind"], path), c["headers"])
    warm = time.perf_counter()

    def fetch(item) -> None:
        (_, path), headers = item
        try:
            urllib.request.urlopen(urllib.request.Request(base + path, headers=headers), timeout=120).read()
        except OSError as exc:
            print(f"warm-up {path}: {exc}")

    if args.warm:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(4) as pool:
            list(pool.map(fetch, seen.items()))
    print(f"warm-up: {len(seen)} distinct requests in {time.perf_counter() - warm:.1f} s", flush=True)
    out = {}
    phases = [("healthz floor", "healthz"), ("mixed", False)]
    if args.baseline:
        phases.append(("mixed, anonymous uncached (baseline)", True))
    for title, mode in phases:
        cpu0, _ = server_usage(proc.pid)
        if mode == "healthz":
            h = load(base, "/healthz", args.clients, min(args.duration, 10.0), args.procs)
            r = {"groups": {"all": {k: h[k] for k in ("requests", "rps", "p50_ms", "p95_ms", "p99_ms", "errors")}
                            | {"error_kinds": h["error_kinds"]}}, "seconds": h["seconds"],
                 "client_cpu_s": h["client_cpu_s"]}  # fmt: skip
        else:
            r = mixed_load(base, clients, args.duration, args.procs, bool(mode))
        cpu1, rss = server_usage(proc.pid)
        r["server_cpu_s"], r["server_peak_rss_mib"] = round(cpu1 - cpu0, 1), round(rss, 1)
        r["load_avg"] = [round(x, 2) for x in os.getloadavg()]
        out[title] = r
        print_groups(title, r)
    if args.baseline:
        a, b = out["mixed"]["groups"]["all"], out["mixed, anonymous uncached (baseline)"]["groups"]["all"]
        print(f"p95 mixed / uncached baseline: {a['p95_ms']} / {b['p95_ms']} ms = {a['p95_ms'] / b['p95_ms']:.2f}; "
              f"req/s {a['rps']} / {b['rps']} = {a['rps'] / b['rps']:.2f}")  # fmt: skip
    print(
        f"server peak RSS (sum over its processes): {max(r['server_peak_rss_mib'] for r in out.values()):.0f} MiB"
    )
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument(
        "--duration", type=float, default=20.0, help="seconds per target (per phase with --national)"
    )
    ap.add_argument(
        "--workers", type=int, default=1, help="uvicorn worker processes (pioneer serve --workers)"
    )
    ap.add_argument(
        "--procs", type=int, default=1, help="load-generator processes the clients are spread over"
    )
    ap.add_argument("--access-log", action=argparse.BooleanOptionalAction, default=True,
                    help="uvicorn's access log (pioneer serve's default: on; written to /dev/null here)")  # fmt: skip
    ap.add_argument("--bust", action="store_true",
                    help="add a unique query parameter to every request: the public response cache never hits "
                         "(measures the app itself, in-process memo warm)")  # fmt: skip
    ap.add_argument("--national", action="store_true",
                    help="national registry (every division, the CNEMC station list, ~300 zones, a decade of "
                         "values) and the mixed anonymous / API-token / signed-in load")  # fmt: skip
    ap.add_argument(
        "--baseline",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="with --national: also the same mix with anonymous requests uncached",
    )
    ap.add_argument(
        "--warm",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="with --national: request every distinct path once before measuring",
    )
    ap.add_argument(
        "--wait-ready",
        action=argparse.BooleanOptionalAction,
        default=True,
        help="wait until the server's /readyz says its memo is warm (pioneer.web.warm) before measuring",
    )
    ap.add_argument("--postgres", action="store_true",
                    help="the app database on the PostgreSQL of scripts/start-postgres.sh (.pg/url), database "
                         "pioneer_bench_web")  # fmt: skip
    ap.add_argument("--database-url", help="the app database (default: SQLite in --home)")
    ap.add_argument("--home", type=Path)
    ap.add_argument("--only", help="comma-separated target names (default: all)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    database_url = args.database_url or (postgres_database("pioneer_bench_web") if args.postgres else None)
    suffix = ("-national" if args.national else "") + ("-pg" if args.postgres else "")
    home = args.home or ROOT / "benchmarks" / "out" / f"web-home{suffix}"
    prep, counts = prepare(home, database_url, args.national)
    print(f"PIONEER_HOME {home} prepared in {prep:.1f} s {counts or ''}; database "
          f"{'PostgreSQL' if database_url and database_url.startswith('postgres') else 'SQLite'}")  # fmt: skip
    port = free_port()
    proc = start_server(home, port, args.workers, args.access_log, database_url)
    base = f"http://127.0.0.1:{port}"
    results: dict = {}
    try:
        if args.wait_ready:
            print(f"server memo warm (/readyz) after {wait_ready(base, proc):.1f} s", flush=True)
        print(f"{args.clients} clients ({args.procs} aiohttp process(es)) × {args.duration:g} s per target, "
              f"pioneer serve on {base} ({args.workers} worker(s), httptools + uvloop, access log "
              f"{'on' if args.access_log else 'off'}); uptime: {os.getloadavg()}")  # fmt: skip
        if args.national:
            results = run_national(args, base, proc, database_url)
        else:
            run_targets(args, base, proc, results)
    finally:
        proc.terminate()
        proc.wait(10)
    if args.json:
        args.json.write_text(json.dumps({"clients": args.clients, "duration": args.duration,
                                         "workers": args.workers, "procs": args.procs, "national": args.national,
                                         "database": "postgresql" if args.postgres else "sqlite", "counts": counts,
                                         "access_log": args.access_log, "bust": args.bust, "results": results},
                                        indent=1))  # fmt: skip


def run_targets(args, base: str, proc: subprocess.Popen, results: dict) -> None:
    """One target after another (the issue 7 benchmark)."""
    targets = {k: v for k, v in TARGETS.items() if not args.only or k in args.only.split(",")}
    print(f"{'target':22s} {'requests':>8s} {'req/s':>7s} {'p50 ms':>7s} {'p95 ms':>7s} {'p99 ms':>7s} "
          f"{'errors':>6s} {'srv cpu':>7s} {'cli cpu':>7s} {'load1':>5s}")  # fmt: skip
    for name, path in targets.items():
        cpu0, _ = server_usage(proc.pid)
        r = load(base, path, args.clients, args.duration, args.procs, args.bust)
        cpu1, rss = server_usage(proc.pid)
        r["server_cpu_s"], r["server_peak_rss_mib"] = round(cpu1 - cpu0, 1), round(rss, 1)
        r["load_avg"] = [round(x, 2) for x in os.getloadavg()]
        results[name] = r
        print(f"{name:22s} {r['requests']:8d} {r['rps']:7.1f} {r['p50_ms']:7.1f} {r['p95_ms']:7.1f} "
              f"{r['p99_ms']:7.1f} {r['errors']:6d} {r['server_cpu_s']:7.1f} {r['client_cpu_s']:7.1f} "
              f"{r['load_avg'][0]:5.2f} {r['error_kinds'] or ''}", flush=True)  # fmt: skip
    print(
        f"server peak RSS (sum over its processes): {max(r['server_peak_rss_mib'] for r in results.values()):.0f} MiB"
    )


if __name__ == "__main__":
    main()
