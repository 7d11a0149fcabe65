"""Settings (environment variables ``PIONEER_*``); all state lives under ``PIONEER_HOME``."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="PIONEER_", env_ignore_empty=True)

    home: Path = Path("pioneer-data")
    database_url: str | None = None
    lake_url: str | None = None
    hide_ranks: bool = False
    """``PIONEER_HIDE_RANKS=1``: assessment results are shown without ranks (percentiles stay), as the 2020 national
    method asks (``pioneer.assessment.standing``)."""
    duckdb_memory_limit: str = "1000MB"
    """DuckDB's working-memory cap for batch computations; beyond it DuckDB spills to disk (the national-year calculator peaks at ≈1.5 GB)."""
    behind_proxy: bool = False
    """``PIONEER_BEHIND_PROXY=1``: served through a declared TLS-terminating reverse proxy — cookies get ``Secure``
    and answers ``Strict-Transport-Security`` (as they do whenever the request itself came over TLS)."""
    secure_cookies: bool = False
    """``PIONEER_SECURE_COOKIES=1``: ``Secure`` cookies and HSTS even when neither TLS nor a proxy is seen."""
    engine: str = "duckdb"
    """``PIONEER_ENGINE``: the engine of lake computations run from the command line — ``duckdb`` (in process) or
    ``spark`` (a Spark session over the same lake; needs ``pip install .[spark]``; docs/deployment.md)."""
    spark_master: str = "local[*]"
    """``PIONEER_SPARK_MASTER``: the Spark master URL for ``PIONEER_ENGINE=spark`` (``spark://host:7077``,
    ``yarn``, ``k8s://…``); by default all cores of this machine."""
    max_body_kb: int = 1024
    """Request body limit of every route without its own (JSON, forms) [KiB]; refused before reading."""
    verdict_rule: str = ""
    """``PIONEER_VERDICT_RULE``: the 全国前列 / 改善幅度领先 rule (``top-share:0.1`` or ``top-n:20``); empty = the
    documented default (``pioneer.assessment.verdicts.DEFAULT_RULE``)."""
    max_upload_mb: int = 50
    """Size limit of a measurement or reporting-template upload (``/upload``, ``POST /api/v1/imports``) [MiB]."""
    job_runner: Literal["thread", "worker"] = "thread"
    """``PIONEER_JOB_RUNNER``: who runs the web app's background jobs (computing a zone's indicators) — ``thread``:
    a thread of the server process that queued it; ``worker``: ``pioneer jobs work`` processes, the server only
    queues (``pioneer.web.jobs``, docs/deployment.md)."""
    warm: bool = True
    """``PIONEER_WARM=0``: the server does not warm the pages' memo in the background (``pioneer.web.warm``: the
    latest national month, every zone division's scorecard and trends, at start and after each data change)."""
    upload_expiry_hours: int = 24
    """A checked upload not confirmed within this time is removed (at the next upload; confirming it then
    answers "not found") [h]."""

    @property
    def database(self) -> str:
        """The app database URL: ``PIONEER_DATABASE_URL`` or the SQLite file ``$PIONEER_HOME/pioneer.db``."""
        return self.database_url or f"sqlite:///{(self.home / 'pioneer.db').resolve()}"

    @property
    def lake(self) -> str:
        """The measurement lake: ``PIONEER_LAKE_URL`` or the folder ``$PIONEER_HOME/lake``."""
        return self.lake_url or str((self.home / "lake").resolve())


def settings() -> Settings:
    return Settings()
