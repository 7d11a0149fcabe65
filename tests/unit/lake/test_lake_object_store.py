"""A lake behind a non-local filesystem URL (here pyarrow's in-memory ``mock://``, standing in for S3/HDFS, which
are not reachable offline): the same imports, records, idempotence, rejections and stored rows as a local lake."""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq

from pioneer.lake.ingest import ingest
from pioneer.lake.storage import Lake


def _stored(lake: Lake) -> list[dict]:
    rows = []
    for rel in sorted(f for r in lake.committed() for f in r["files"]):
        table = pq.read_table(lake.path(rel), filesystem=lake.fs)
        rows += table.drop_columns(["import_id"]).to_pylist()
    return sorted(rows, key=lambda r: (r["station"], r["time"], r.get("item", "")))


def test_object_store_lake_stores_what_a_local_lake_stores(
    tmp_path: Path, lake_data: Path, make_file
) -> None:
    remote = Lake("mock:///pioneer-lake")
    assert not remote.is_local
    local = Lake(tmp_path / "local-lake")
    src = lake_data / "uci_aotizhongxin_300.csv"
    (r,) = ingest(src, lake=remote)
    (loc,) = ingest(src, lake=local)
    assert (r.status, r.rows_accepted) == (loc.status, loc.rows_accepted) == ("committed", 300)
    assert [f.split("/")[0] for f in r.record["files"]] == [f.split("/")[0] for f in loc.record["files"]]
    assert _stored(remote) == _stored(local)
    assert not remote.list("_staging", recursive=True)  # nothing left behind
    (again,) = ingest(src, lake=remote)
    assert again.status == "already_imported" and len(remote.committed()) == 1

    bad = make_file(
        "bad.csv", "station,city,time,so2,no2,co,o3,pm10,pm2_5\nA,110000,2025-01-01T01:00,-5,1,1,1,1,1\n"
    )
    (rejected,) = ingest(bad, lake=remote)
    assert rejected.status == "rejected" and len(remote.committed()) == 1
