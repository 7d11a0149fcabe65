"""Map layer of the ecology registers: the located rows (drinking-water intakes, tailings ponds, hazardous-waste
units, key heavy-metal enterprises) as one GeoJSON FeatureCollection (WGS84 longitude/latitude as entered in
the register; rows without coordinates are counted, not drawn)."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy.orm import Session

from pioneer.ecology import service
from pioneer.ecology.choices import LABELS_EN
from pioneer.ecology.registers import REGISTERS

LAYERS: dict[str, str] = {
    "water_sources": "source_type",
    "tailings_ponds": "supervision_class",
    "hw_units": "role",
    "hm_enterprises": "industry",
}
"""Register → the field shown with each point (its type, class or role)."""


def register_points(session: Session, *, division: str | None = None) -> dict[str, Any]:
    """The located rows of :data:`LAYERS` within ``division`` (GB/T 2260 containment) as a FeatureCollection;
    ``unlocated`` counts the rows of each layer without coordinates."""
    features: list[dict[str, Any]] = []
    unlocated: dict[str, int] = {}
    for layer, detail in LAYERS.items():
        rows = service.list_rows(session, layer, division=division)
        located = rows["longitude"].notna() & rows["latitude"].notna()
        unlocated[layer] = int((~located).sum())
        r = rows[located]
        choices = REGISTERS[layer].field(detail).choices or {}
        d = r[detail].astype(object)
        props = pd.DataFrame({"layer": layer, "code": r["code"], "name": r["name"], "division_code": r["_division"],
                              "detail": d, "detail_zh": d.map(choices).fillna(d),
                              "detail_en": d.map({k: LABELS_EN.get(k, k) for k in choices}).fillna(d)})  # fmt: skip
        props = props.astype(object).where(props.notna(), None)
        for p, lon, lat in zip(props.to_dict("records"), r["longitude"], r["latitude"], strict=True):
            features.append({"type": "Feature", "properties": p,
                             "geometry": {"type": "Point", "coordinates": [float(lon), float(lat)]}})  # fmt: skip
    return {"type": "FeatureCollection", "features": features, "unlocated": unlocated}
