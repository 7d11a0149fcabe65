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
* ``static/maps/centroids.json`` — code → label point (``cp``) of every feature of ``china.json``,
  ``china-cities.json`` and ``province/*.json`` (the municipalities' files reach districts): zone markers sit
  at their own division's point.

Usage: ``python scripts/vendor_assets.py [--from DIR]`` where DIR holds the four ``npm pack`` tarballs;
without ``--from`` the script runs ``npm pack`` in a temporary folder (needs the npm registry).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
STATIC = ROOT / "src" / "pioneer" / "web" / "static"
PACKAGES = {
    "echarts5": "echarts@5.6.0",
    "htmx": "htmx.org@2",
    "echarts4": "echarts@4.9.0",
    "swagger": "swagger-ui-dist@5.35.0",
}


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


def member(tgz: Path, name: str) -> bytes:
    with tarfile.open(tgz) as tar:
        f = tar.extractfile(f"package/{name}")
        assert f is not None
        return f.read()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--from", dest="src", type=Path)
    args = ap.parse_args()
    work = args.src or Path(tempfile.mkdtemp())
    if args.src is None:
        subprocess.run(["npm", "pack", *PACKAGES.values()], cwd=work, check=True)
    tgz = {
        "echarts5": work / "echarts-5.6.0.tgz",
        "echarts4": work / "echarts-4.9.0.tgz",
        "htmx": sorted(work.glob("htmx.org-2.*.tgz"))[-1],
        "swagger": work / "swagger-ui-dist-5.35.0.tgz",
    }
    vendor, maps = STATIC / "vendor", STATIC / "maps"
    vendor.mkdir(parents=True, exist_ok=True)
    maps.mkdir(parents=True, exist_ok=True)
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
    geo = decode(json.loads(member(tgz["echarts4"], "map/json/china.json")))
    (maps / "china.geojson").write_text(
        json.dumps(geo, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    cities = decode(
        json.loads(member(tgz["echarts4"], "map/json/china-cities.json")), digits=3, tolerance=0.01
    )
    (maps / "china-cities.geojson").write_text(
        json.dumps(cities, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    with tarfile.open(tgz["echarts4"]) as tar:
        provinces = sorted(n for n in tar.getnames() if n.startswith("package/map/json/province/"))
    sources = [("china.json", geo), ("china-cities.json", cities)] + [
        (n.rsplit("/", 1)[1], json.loads(member(tgz["echarts4"], n.removeprefix("package/"))))
        for n in provinces
    ]
    cps = centroids(sources)
    (maps / "centroids.json").write_text(json.dumps(cps, ensure_ascii=False, indent=0), encoding="utf-8")
    (maps / "ECHARTS-4.9.0-NOTICE.txt").write_bytes(member(tgz["echarts4"], "NOTICE"))
    (maps / "ECHARTS-4.9.0-LICENSE.txt").write_bytes(member(tgz["echarts4"], "LICENSE"))
    if args.src is None:
        shutil.rmtree(work)
    print(f"{len(geo['features'])} provinces → {maps / 'china.geojson'}")
    print(f"{len(cities['features'])} prefectures → {maps / 'china-cities.geojson'}; {len(cps)} centroids")


if __name__ == "__main__":
    main()
