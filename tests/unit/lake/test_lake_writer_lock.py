"""One writer at a time: an import waits for a running one, whose staged files survive until it ends."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake


def test_a_second_import_waits_for_the_running_one(lake: Lake, lake_data: Path) -> None:
    staged = Path(lake.path("_staging", "an-import-in-progress", "part-0.parquet"))
    staged.parent.mkdir(parents=True)
    staged.write_bytes(b"staged by the running import")
    results: list = []
    with lake.writer():  # the running import holds the lock
        other = threading.Thread(
            target=lambda: results.extend(ingest(lake_data / "uci_aotizhongxin_300.csv", lake=Lake(lake.url)))
        )
        other.start()
        time.sleep(1.0)
        assert other.is_alive() and not results  # waiting, not importing
        assert staged.exists()  # its recover() has not run: the running import's files are intact
    other.join(timeout=60)
    assert [r.status for r in results] == ["committed"]
    assert not staged.exists()  # then its recover() cleared the (by now orphaned) staging area


def test_the_lock_is_released_when_the_holder_fails(lake: Lake) -> None:
    try:
        with lake.writer():
            raise RuntimeError("import crashed")
    except RuntimeError:
        pass
    done = threading.Event()

    def next_writer() -> None:
        with lake.writer():
            done.set()

    threading.Thread(target=next_writer).start()
    assert done.wait(5)
