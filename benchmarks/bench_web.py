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


def start_server(home: Path, port: int, workers: int, access_log: bool) -> subprocess.Popen:
    env = {**os.environ, "PIONEER_HOME": str(home)}
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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--duration", type=float, default=20.0, help="seconds per target")
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
    ap.add_argument("--home", type=Path, default=ROOT / "benchmarks" / "out" / "web-home")
    ap.add_argument("--only", help="comma-separated target names (default: all)")
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    prep = prepare(args.home)
    print(f"PIONEER_HOME {args.home} prepared in {prep:.1f} s")
    port = free_port()
    proc = start_server(args.home, port, args.workers, args.access_log)
    base = f"http://127.0.0.1:{port}"
    targets = {k: v for k, v in TARGETS.items() if not args.only or k in args.only.split(",")}
    results = {}
    try:
        print(f"{args.clients} clients ({args.procs} aiohttp process(es)) × {args.duration:g} s per target, "
              f"pioneer serve on {base} ({args.workers} worker(s), httptools + uvloop, access log "
              f"{'on' if args.access_log else 'off'})")  # fmt: skip
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
    finally:
        proc.terminate()
        proc.wait(10)
    if args.json:
        args.json.write_text(json.dumps({"clients": args.clients, "duration": args.duration,
                                         "workers": args.workers, "procs": args.procs,
                                         "access_log": args.access_log, "bust": args.bust, "results": results},
                                        indent=1))  # fmt: skip


if __name__ == "__main__":
    main()
