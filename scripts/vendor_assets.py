#!/usr/bin/env python3
"""Build the vendored web assets of ``pioneer.web`` (run once by a developer; the results are committed).

Nothing is loaded from the internet at run time: the app serves these files itself.

* ``static/vendor/echarts.min.js``  — ECharts 5.6.0 (npm ``echarts@5.6.0``, ``dist/echarts.min.js``), Apache-2.0.
* ``static/vendor/htmx.min.js``     — htmx 2 (npm ``htmx.org@2``, ``dist/htmx.min.js``), 0BSD.
* ``static/maps/china.geojson``     — provinces of China from npm ``echarts@4.9.0`` ``map/json/china.json``
  (Apache-2.0; feature ``id`` = GB/T 2260 province code), decoded here from ECharts' compressed coordinate
  encoding (``UTF8Encoding``: zig-zag, delta-coded character pairs, scale 1024 — the algorithm of
  ``echarts/src/coord/geo/parseGeoJson.js`` ``decodePolygon``) to plain GeoJSON. Coordinate datum as
  published by ECharts (GCJ-02 as used by Chinese web maps; not stated by the source).

Usage: ``python scripts/vendor_assets.py [--from DIR]`` where DIR holds the three ``npm pack`` tarballs;
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
PACKAGES = {"echarts5": "echarts@5.6.0", "htmx": "htmx.org@2", "echarts4": "echarts@4.9.0"}


def decode_ring(encoded: str, offset: list[int], scale: float) -> list[list[float]]:
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
        ring.append([round(x / scale, 4), round(y / scale, 4)])
    return ring


def decode(geo: dict) -> dict:
    """A compressed ECharts map (``UTF8Encoding: true``) → plain GeoJSON FeatureCollection."""
    if not geo.get("UTF8Encoding"):
        return geo
    scale = geo.get("UTF8Scale") or 1024
    features = []
    for f in geo["features"]:
        g = f["geometry"]
        offs = g["encodeOffsets"]
        if g["type"] == "Polygon":
            coords = [decode_ring(r, offs[i], scale) for i, r in enumerate(g["coordinates"])]
        elif g["type"] == "MultiPolygon":
            coords = [
                [decode_ring(r, offs[p][i], scale) for i, r in enumerate(poly)]
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
    }
    vendor, maps = STATIC / "vendor", STATIC / "maps"
    vendor.mkdir(parents=True, exist_ok=True)
    maps.mkdir(parents=True, exist_ok=True)
    (vendor / "echarts.min.js").write_bytes(member(tgz["echarts5"], "dist/echarts.min.js"))
    (vendor / "htmx.min.js").write_bytes(member(tgz["htmx"], "dist/htmx.min.js"))
    (vendor / "ECHARTS-LICENSE.txt").write_bytes(member(tgz["echarts5"], "LICENSE"))
    (vendor / "ECHARTS-NOTICE.txt").write_bytes(member(tgz["echarts5"], "NOTICE"))
    (vendor / "HTMX-LICENSE.txt").write_bytes(member(tgz["htmx"], "LICENSE"))
    geo = decode(json.loads(member(tgz["echarts4"], "map/json/china.json")))
    (maps / "china.geojson").write_text(
        json.dumps(geo, ensure_ascii=False, separators=(",", ":")), encoding="utf-8"
    )
    (maps / "ECHARTS-4.9.0-NOTICE.txt").write_bytes(member(tgz["echarts4"], "NOTICE"))
    (maps / "ECHARTS-4.9.0-LICENSE.txt").write_bytes(member(tgz["echarts4"], "LICENSE"))
    if args.src is None:
        shutil.rmtree(work)
    print(f"{len(geo['features'])} provinces → {maps / 'china.geojson'}")


if __name__ == "__main__":
    main()
