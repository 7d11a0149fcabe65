#!/usr/bin/env python3
"""Load benchmark of the web application (a script, not a timed test).

1. prepares a ``PIONEER_HOME`` (``benchmarks/out/web-home``) the way ``pioneer demo`` does: migrate, the example
   zones and accounts, the Beijing sample's indicators computed and stored through ``pioneer.indicators``;
2. starts ``pioneer serve --host 127.0.0.1 --port P`` (one uvicorn process) as a child process;
3. for each target, ``--clients`` concurrent keep-alive clients (asyncio + httpx, one event loop in this process)
   request it back to back for ``--duration`` seconds; every answer other than 200 counts as an error;
4. prints requests/s, p50/p95/p99 latency and errors per target, against a same-run baseline: a static file
   (``/static/app.css``, served by Starlette's StaticFiles) and ``/healthz`` (a route doing no work).

Public endpoints measured (anonymous, as the public sees them): the overview map data, a zone's scorecards and
trends (the zone page's data), the rankings JSON, and the rendered zone and rankings pages.

Usage::

    .venv/bin/python benchmarks/bench_web.py                       # 50 clients × 20 s per target
    .venv/bin/python benchmarks/bench_web.py --clients 50 --duration 60 --json out.json

The load generator shares the machine (2 cores here) with the server: the numbers are a lower bound of what
the server alone could answer.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import subprocess
import sys
import time
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


def prepare(home: Path) -> float:
    os.environ["PIONEER_HOME"] = str(home)
    from pioneer.db import make_engine, session_scope, upgrade
    from pioneer.web import assess
    from pioneer.web.demo import seed_accounts, seed_zones

    started = time.perf_counter()
    home.mkdir(parents=True, exist_ok=True)
    upgrade()
    engine = make_engine()
    with session_scope(engine) as session:
        seed_zones(session)
        seed_accounts(session)
    with session_scope(engine) as session:
        assess.ensure_sample_values(session)
    engine.dispose()
    return time.perf_counter() - started


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(home: Path, port: int) -> subprocess.Popen:
    env = {**os.environ, "PIONEER_HOME": str(home)}
    exe = Path(sys.executable).parent / "pioneer"
    proc = subprocess.Popen([str(exe), "serve", "--host", "127.0.0.1", "--port", str(port)], env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # fmt: skip
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return proc
        except OSError:
            if proc.poll() is not None:
                raise RuntimeError("pioneer serve exited") from None
            time.sleep(0.2)
    proc.terminate()
    raise RuntimeError("pioneer serve did not start")


async def load(base: str, path: str, clients: int, duration: float) -> dict:
    import httpx

    latencies: list[float] = []
    errors = 0
    kinds: dict[str, int] = {}
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=30) as client:
        for _ in range(3):  # warm-up (first request of a target fills the in-process memo)
            await client.get(path)
        stop = time.perf_counter() + duration

        async def worker() -> None:
            nonlocal errors
            while time.perf_counter() < stop:
                t0 = time.perf_counter()
                try:
                    r = await client.get(path)
                    ok, kind = r.status_code == 200, str(r.status_code)
                except httpx.HTTPError as exc:
                    ok, kind = False, type(exc).__name__
                latencies.append(time.perf_counter() - t0)
                if not ok:
                    errors += 1
                    kinds[kind] = kinds.get(kind, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(clients)))
        elapsed = time.perf_counter() - started
    lat = np.array(latencies) * 1000
    return {"path": path, "requests": len(lat), "errors": errors, "seconds": round(elapsed, 2),
            "rps": round(len(lat) / elapsed, 1), "p50_ms": round(float(np.percentile(lat, 50)), 1),
            "p95_ms": round(float(np.percentile(lat, 95)), 1), "p99_ms": round(float(np.percentile(lat, 99)), 1), "error_kinds": kinds}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=20.0, help="seconds per target")
    ap.add_argument("--home", type=Path, default=ROOT / "benchmarks" / "out" / "web-home")
    ap.add_argument("--only", help="comma-separated target names (default: all)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    prep = prepare(args.home)
    print(f"PIONEER_HOME {args.home} prepared in {prep:.1f} s")
    port = free_port()
    proc = start_server(args.home, port)
    base = f"http://127.0.0.1:{port}"
    targets = {k: v for k, v in TARGETS.items() if not args.only or k in args.only.split(",")}
    results = {}
    try:
        print(f"{args.clients} clients × {args.duration:g} s per target, pioneer serve on {base} (1 process)")
        print(
            f"{'target':24s} {'requests':>9s} {'req/s':>8s} {'p50 ms':>8s} {'p95 ms':>8s} {'p99 ms':>8s} {'errors':>7s}"
        )
        for name, path in targets.items():
            r = asyncio.run(load(base, path, args.clients, args.duration))
            results[name] = r
            print(f"{name:24s} {r['requests']:9d} {r['rps']:8.1f} {r['p50_ms']:8.1f} {r['p95_ms']:8.1f} "
                  f"{r['p99_ms']:8.1f} {r['errors']:7d} {r['error_kinds'] or ''}", flush=True)  # fmt: skip
    finally:
        proc.terminate()
        proc.wait(10)
    if args.json:
        args.json.write_text(json.dumps({"clients": args.clients, "duration": args.duration, "results": results},
                                        indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
