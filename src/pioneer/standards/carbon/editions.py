"""Editions of the provincial greenhouse-gas inventory guideline whose default fuel factors Pioneer carries.

========  ==========================================================  =================================
key       guideline                                                   factor set (``carbon_fuel_factors``)
========  ==========================================================  =================================
``2011``  《省级温室气体清单编制指南（试行）》 (发改办气候〔2011〕1041号)    10 fuels, secondary (see docs)
``2025``  《省级温室气体清单编制指南（2025年版）》 (MEE; draft for          7 fuels, secondary (see docs)
          comment 2025-08-05, 环办便函〔2025〕253号)
========  ==========================================================  =================================

An edition is chosen explicitly (there is no "in force on a date" rule as for the air standards: an inventory
for a year may be compiled, and recompiled, under either guideline; the choice is recorded with every row).
A fuel that an edition's set lacks is an error, never a silent fallback to the other edition.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

EditionKey = Literal["2011", "2025"]
DEFAULT_EDITION: EditionKey = "2011"


@dataclass(frozen=True)
class Edition:
    """One edition of the provincial inventory guideline, with the name used in lineage records."""

    key: EditionKey
    guideline_zh: str
    guideline_en: str
    status: str
    gwp_set: str = "AR2"
    """GWPs used for non-CO2 gases: ``AR2`` (IPCC SAR, the 2011 guideline) or ``AR5`` (assumed for 2025)."""


EDITIONS: dict[str, Edition] = {
    "2011": Edition(
        key="2011",
        guideline_zh="《省级温室气体清单编制指南（试行）》（2011）",
        guideline_en="Guidelines for provincial GHG inventories (trial), 2011",
        status="trial edition issued by NDRC in 2011",
    ),
    "2025": Edition(
        key="2025",
        guideline_zh="《省级温室气体清单编制指南（2025年版）》",
        guideline_en="Guidelines for provincial GHG inventories, 2025 revision",
        status="MEE revision (draft for comment 2025-08-05; reported as issued); factor set partial",
        gwp_set="AR5",
    ),
}


def edition(key: str) -> Edition:
    """Look up an edition by key (``"2011"`` or ``"2025"``); the error names the registry."""
    try:
        return EDITIONS[str(key)]
    except KeyError:
        raise ValueError(
            f"unknown inventory-guideline edition {key!r}; EDITIONS has {sorted(EDITIONS)}"
        ) from None
