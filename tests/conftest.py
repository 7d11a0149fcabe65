"""Fixtures shared by every test area."""

from __future__ import annotations

import os

import pytest


@pytest.fixture(scope="module")
def spark(tmp_path_factory):
    """A local PySpark session (2 cores, UTC, no UI) for the tests that run an Ibis chain on Spark too."""
    pyspark_sql = pytest.importorskip("pyspark.sql")
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    session = (
        pyspark_sql.SparkSession.builder.master("local[2]")
        .appName("pioneer-tests")
        .config("spark.sql.warehouse.dir", str(tmp_path_factory.mktemp("spark-warehouse")))
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .getOrCreate()
    )
    yield session
    session.stop()
