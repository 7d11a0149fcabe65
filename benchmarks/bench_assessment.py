"""Assessment benchmark: 339 cities × 30 indicators × 5 years (issue 6).

Each variant runs in its own child process, so wall time and peak RSS (``os.wait4``) are per variant:

* ``pioneer`` — :func:`pioneer.assessment.service.assessment_frame` for every year (targets, attainment, 0–100
  scores, standing, improvement vs 2020 and trajectory to 2027 for the later years) plus domain and overall
  scores of every city and year;
* ``pandas`` — a straightforward pandas baseline of the same work, written directly against the catalogue: one
  pass per (year, indicator) with ``Series.quantile`` / ``Series.rank`` and a merge for the baseline, then
  domain and overall scores with two group-bys.

The parent checks that both give the same scores, ranks and trajectory classes and overall scores and prints wall time, peak RSS
and the ratio pioneer / pandas. Data: seeded synthetic values (uniform 5–95, 5 % missing) for 339 well-formed but
fictitious city codes (GB/T 2260 province prefix + a number) — no real place is named.

    .venv/bin/python benchmarks/bench_assessment.py [--repeat 3] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd

PROVINCES = [11, 12, 13, 14, 15, 21, 22, 23, 31, 32, 33, 34, 35, 36, 37, 41, 42, 43, 44, 45, 46, 50, 51, 52, 53,
             54, 61, 62, 63, 64, 65]  # fmt: skip
N_CITIES, N_INDICATORS, YEARS, BASELINE, HORIZON = 339, 30, list(range(2020, 2025)), 2020, 2027
OUT = Path(__file__).parent / "out" / "assessment"


def values_frame(seed: int = 1) -> pd.DataFrame:
    """Seeded synthetic values: 339 cities × the first 30 catalogue indicators × 2020–2024."""
    from pioneer.indicators.catalogue import default_catalogue

    codes = [i.code for i in default_catalogue().indicators][:N_INDICATORS]
    cities = [f"{p:02d}{c:02d}00" for p in PROVINCES for c in range(1, 12)][:N_CITIES]
    rng = np.random.default_rng(seed)
    idx = pd.MultiIndex.from_product([cities, codes, YEARS], names=["division_code", "indicator", "year"])
    v = idx.to_frame(index=False)
    v["value"] = rng.uniform(5, 95, len(v)).round(1)
    v.loc[rng.random(len(v)) < 0.05, "value"] = np.nan
    v["edition"] = np.where(v["indicator"].str.startswith("air_"), "2012", "")
    return v


def run_pioneer(v: pd.DataFrame) -> pd.DataFrame:
    from pioneer.assessment.scores import domain_scores, overall_scores
    from pioneer.assessment.service import assessment_frame
    from pioneer.indicators.catalogue import default_catalogue

    cat = default_catalogue()
    frames = []
    for y in YEARS:
        f = assessment_frame(None, y, level="city", baseline_year=BASELINE if y > BASELINE else None,  # type: ignore[arg-type]
                             horizon=HORIZON, values=v, hide_ranks=False, catalogue=cat)  # fmt: skip
        frames.append(f)
    out = pd.concat(frames, ignore_index=True)
    dom = domain_scores(out[["division_code", "year", "indicator", "score"]], cat)
    overall = overall_scores(dom)[["division_code", "year", "overall_score"]]
    keep = out[["division_code", "indicator", "year", "score", "rank", "trajectory"]]
    return keep.merge(overall, on=["division_code", "year"], how="left")


def run_pandas(v: pd.DataFrame) -> pd.DataFrame:
    """The same scores, ranks and trajectories, written the straightforward way (one pass per year × indicator)."""
    from pioneer.indicators.catalogue import default_catalogue

    cat = default_catalogue()
    rows = []
    for y in YEARS:
        cur_y = v[v["year"] == y]
        base_y = v[v["year"] == BASELINE]
        for ind in cat.indicators:
            cur = cur_y[cur_y["indicator"] == ind.code]
            if cur.empty:
                continue
            x = cur["value"]
            higher = str(ind.direction) == "higher"
            later = sorted(
                (t for t in ind.targets if t.scope == "national" and t.year >= HORIZON), key=lambda t: t.year
            )
            target = later[0].value if later else None
            present = x.dropna()
            enough = len(present) >= 5
            lo, hi = (present.quantile(0.025), present.quantile(0.975)) if enough else (np.nan, np.nan)
            if ind.scoring is not None:
                floor, top = ind.scoring.floor, ind.scoring.target
            else:
                floor = (lo if higher else hi) if enough else np.nan
                top = target if target is not None else ((hi if higher else lo) if enough else np.nan)
            if floor == top:
                floor = top = np.nan
            score = (100 * (x - floor) / (top - floor)).clip(0, 100)
            rank = (x if not higher else -x).rank(method="min")
            traj = pd.Series(None, index=cur.index, dtype="object")
            if y > BASELINE:
                b = cur[["division_code"]].merge(base_y[base_y["indicator"] == ind.code][["division_code", "value"]],
                                                 on="division_code", how="left")["value"].to_numpy()  # fmt: skip
                s = 1.0 if higher else -1.0
                actual = s * (x.to_numpy() - b) / (y - BASELINE)
                if target is None:
                    cls = np.where(np.isnan(actual), "insufficient_data", "no_target")
                else:
                    required = s * (target - b) / (HORIZON - BASELINE)
                    comp = later[0].comparator
                    xv = x.to_numpy()
                    met = {"<": xv < target, "<=": xv <= target, ">": xv > target, ">=": xv >= target}.get(
                        str(comp), xv >= target if higher else xv <= target)  # fmt: skip
                    cls = np.select(
                        [np.isnan(actual), actual < 0, met | (actual >= required), actual >= 0.5 * required],
                        ["insufficient_data", "deteriorating", "on_track", "moderately_improving"], "stagnating",
                    )  # fmt: skip
                traj = pd.Series(cls, index=cur.index, dtype="object")
            rows.append(pd.DataFrame({"division_code": cur["division_code"], "indicator": ind.code, "year": y,
                                      "score": score, "rank": rank, "trajectory": traj}))  # fmt: skip
    r = pd.concat(rows, ignore_index=True)
    # domain score = mean of the domain's indicator scores when ≥ 50 % of them are scored; overall = mean of the
    # domain scores when every domain has one (equal weights)
    r["domain"] = r["indicator"].map({i.code: str(i.domain) for i in cat.indicators})
    g = r.groupby(["division_code", "year", "domain"])["score"]
    dom = pd.DataFrame({"mean": g.mean(), "coverage": g.count() / g.size()}).reset_index()
    dom["domain_score"] = dom["mean"].where(dom["coverage"] >= 0.5)
    go = dom.groupby(["division_code", "year"])["domain_score"]
    overall = (go.mean().where(go.count() == go.size())).rename("overall_score").reset_index()
    return r.drop(columns=["domain"]).merge(overall, on=["division_code", "year"], how="left")


def child(variant: str) -> None:
    t0 = time.perf_counter()
    if variant == "pioneer":
        import pioneer.assessment.service  # imports are timed apart from the computation
    import pioneer.indicators.catalogue

    pioneer.indicators.catalogue.default_catalogue()
    import_s = time.perf_counter() - t0
    v = values_frame()
    t0 = time.perf_counter()
    r = run_pioneer(v) if variant == "pioneer" else run_pandas(v)
    wall = time.perf_counter() - t0
    OUT.mkdir(parents=True, exist_ok=True)
    r.to_parquet(OUT / f"{variant}.parquet")
    print(json.dumps({"variant": variant, "compute_wall_s": wall, "import_s": import_s, "values": len(v),
                      "rows": len(r)}))  # fmt: skip


def spawn(variant: str) -> dict:
    t0 = time.perf_counter()
    proc = subprocess.Popen([sys.executable, __file__, "--child", variant], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    text = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    if status != 0:
        raise SystemExit(f"{variant} failed")
    result = json.loads(text.strip().splitlines()[-1])
    result.update(process_wall_s=time.perf_counter() - t0, peak_rss_mb=usage.ru_maxrss / 1024)
    return result


def agreement() -> dict:
    a = pd.read_parquet(OUT / "pioneer.parquet")
    b = pd.read_parquet(OUT / "pandas.parquet")
    m = a.merge(
        b, on=["division_code", "indicator", "year"], suffixes=("_p", "_b"), how="outer", indicator=True
    )
    both = m["_merge"] == "both"
    ds = (m["score_p"] - m["score_b"]).abs()
    same_score = ((ds < 1e-9) | (m["score_p"].isna() & m["score_b"].isna()))[both]
    same_rank = ((m["rank_p"].astype("float64") == m["rank_b"]) | (m["rank_p"].isna() & m["rank_b"].isna()))[
        both
    ]
    tp, tb = m["trajectory_p"].where(m["year"] > BASELINE), m["trajectory_b"].where(m["year"] > BASELINE)
    same_traj = ((tp == tb) | (tp.isna() & tb.isna()))[both]
    do = (m["overall_score_p"] - m["overall_score_b"]).abs()
    same_overall = ((do < 1e-9) | (m["overall_score_p"].isna() & m["overall_score_b"].isna()))[both]
    return {"rows_pioneer": len(a), "rows_pandas": len(b), "rows_in_both": int(both.sum()),
            "scores_equal": bool(same_score.all()), "ranks_equal": bool(same_rank.all()),
            "trajectories_equal": bool(same_traj.all()), "overall_equal": bool(same_overall.all()),
            "max_score_diff": float(ds[both].max()),
            "overall_scored": int(m.loc[both, "overall_score_p"].notna().sum())}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=1, help="runs per variant (the best is reported)")
    ap.add_argument("--json", type=Path, help="write the results here")
    ap.add_argument("--child", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child:
        child(args.child)
        return
    results: dict[str, dict] = {}
    for _ in range(args.repeat):
        for variant in ("pioneer", "pandas"):
            r = spawn(variant)
            if variant not in results or r["compute_wall_s"] < results[variant]["compute_wall_s"]:
                results[variant] = r
    p, b = results["pioneer"], results["pandas"]
    check = agreement()
    print(
        f"values: {p['values']:,} ({N_CITIES} cities × {N_INDICATORS} indicators × {len(YEARS)} years, 5 % missing)"
    )
    for name, r in results.items():
        print(f"{name:8s} compute {r['compute_wall_s']:6.2f} s   imports {r['import_s']:5.2f} s   "
              f"process {r['process_wall_s']:6.2f} s   "
              f"peak RSS {r['peak_rss_mb']:6.0f} MB   rows {r['rows']:,}")  # fmt: skip
    print(f"ratio pioneer/pandas (compute wall): {p['compute_wall_s'] / b['compute_wall_s']:.2f}")
    print("agreement:", json.dumps(check))
    if args.json:
        args.json.write_text(json.dumps({"results": results, "agreement": check}, indent=1))
    if not all(check[k] for k in ("scores_equal", "ranks_equal", "trajectories_equal", "overall_equal")):
        raise SystemExit("pioneer and the pandas baseline disagree")


if __name__ == "__main__":
    main()
