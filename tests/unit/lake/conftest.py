from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from pioneer.lake.storage import Lake

LAKE_DATA = Path(__file__).resolve().parents[2] / "data" / "lake"


@pytest.fixture
def lake_data() -> Path:
    """tests/data/lake (sources in SOURCES.md there)."""
    return LAKE_DATA


@pytest.fixture
def lake(tmp_path: Path) -> Lake:
    return Lake(tmp_path / "lake")


@pytest.fixture
def make_file(tmp_path: Path) -> Callable[..., Path]:
    def make(name: str, text: str, encoding: str = "utf-8") -> Path:
        p = tmp_path / name
        p.write_bytes(text.encode(encoding))
        return p

    return make
