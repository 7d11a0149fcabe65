"""``pioneer demo``: the Beijing sample computed (and cached), an example set of zones, demo accounts.

Idempotent: a second run reuses the database, the zones, the accounts and the cached computation."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from pioneer.ecology.demo import seed_ecology
from pioneer.plans.demo import seed_plans
from pioneer.registry.permissions import Actor
from pioneer.registry.permissions import Role as R
from pioneer.registry.zones import service as zones
from pioneer.registry.zones.models import Zone
from pioneer.registry.zones.schemas import ZoneCreate
from pioneer.standards import divisions as gbt2260
from pioneer.web import auth
from pioneer.web.models import User

DEMO_PASSWORD = "pioneer-demo"  # printed on the console; demo installations only


@dataclass(frozen=True)
class DemoZone:
    code: str
    name_zh: str
    name_en: str
    tier: str
    division: str
    theme: str
    path: tuple[str, ...]  # states to walk through after draft


APPROVED = ("recommended", "under_review", "approved")
BUILDING = (*APPROVED, "under_construction")
ZONES = (
    DemoZone(
        "BJ-110000",
        "北京市美丽中国先行区",
        "Beijing pioneer zone",
        "city",
        "110000",
        "大气污染综合治理（示例）",
        BUILDING,
    ),
    DemoZone(
        "BJ-110105",
        "朝阳区美丽中国先行区",
        "Chaoyang District pioneer zone",
        "county",
        "110105",
        "城市精细化治理（示例）",
        APPROVED,
    ),
    DemoZone(
        "BJ-110108",
        "海淀区美丽中国先行区",
        "Haidian District pioneer zone",
        "county",
        "110108",
        "科技赋能生态环境治理（示例，申报中）",
        (),
    ),
    DemoZone(
        "ZJ-330000",
        "浙江省美丽中国先行区",
        "Zhejiang pioneer zone",
        "province",
        "330000",
        "一省域一特色（示例）",
        APPROVED,
    ),
    DemoZone(
        "ZJ-330500",
        "湖州市美丽中国先行区",
        "Huzhou pioneer zone",
        "city",
        "330500",
        "绿水青山就是金山银山（示例）",
        BUILDING,
    ),
    DemoZone(
        "ZJ-330100",
        "杭州市美丽中国先行区",
        "Hangzhou pioneer zone",
        "city",
        "330100",
        "数字生态（示例）",
        BUILDING,
    ),
    DemoZone(
        "ZJ-330523",
        "安吉县美丽中国先行区",
        "Anji County pioneer zone",
        "county",
        "330523",
        "生态文明（示例）",
        APPROVED,
    ),
)

ACCOUNTS = (
    ("admin", auth.Role.ADMIN, None),
    ("reviewer", auth.Role.REVIEWER, None),
    ("beijing", auth.Role.CITY_EDITOR, "110000"),
    ("huzhou", auth.Role.CITY_EDITOR, "330500"),
    ("zhejiang", auth.Role.PROVINCE_EDITOR, "330000"),
    ("viewer", auth.Role.VIEWER, None),
)


def seed_zones(session: Session) -> int:
    """Create the example zones (the states are reached through the real lifecycle transitions)."""
    made = 0
    office = Actor("demo", R.PROGRAMME_OFFICE)
    for z in ZONES:
        if session.scalar(select(Zone.id).where(Zone.code == z.code)) is not None:
            continue
        province = Actor("demo", R.PROVINCE, (gbt2260.rollup(z.division, "province"),))
        own = Actor("demo", R.ZONE, (z.division,))
        zones.create_zone(session, ZoneCreate(code=z.code, name_zh=z.name_zh, name_en=z.name_en, tier=z.tier,
                                              division_codes=[z.division], theme=z.theme), actor=province)  # fmt: skip
        for target in z.path:
            who = {"recommended": province, "under_construction": own}.get(target, office)
            number = (
                f"示例函〔2025〕{made + 1}号" if target == "approved" else ""
            )  # demo reply (示例), not a real one
            zones.transition(
                session, z.code, target, actor=who, reason="示例数据 / demo data", document_number=number
            )
        made += 1
    seed_plans(session)  # demo plan, projects and a published case (pioneer.plans.demo)
    seed_ecology(session)  # example register rows and demo EI results (pioneer.ecology.demo)
    return made


def seed_accounts(session: Session) -> list[tuple[str, str, str | None]]:
    out = []
    for username, role, code in ACCOUNTS:
        if session.scalar(select(User.id).where(User.username == username)) is None:
            auth.create_user(session, username, DEMO_PASSWORD, role=role, division_code=code,
                             display_name=f"demo {role.value}")  # fmt: skip
        out.append((username, role.value, code))
    return out


def national_sample() -> Path:
    """The January 2025 CNEMC national sample shipped in the repository (``data/sample/cnemc-2025-01``)."""
    for parent in Path(__file__).resolve().parents:
        candidate = parent / "data" / "sample" / "cnemc-2025-01"
        if (candidate / "stations.csv").exists():
            return candidate
    raise FileNotFoundError("data/sample/cnemc-2025-01 not found")


def seed_national(session: Session) -> dict[str, int]:
    """Register the national stations of the January 2025 sample (city = GB/T 2260 code) and import its
    station-day files into the lake (layout ``cnemc-daily``) through the ordinary ingest. Idempotent: held
    stations are skipped, an imported file is recognised by its sha256. Rows of stations the registry does not
    hold (the 国家级新区, which are no GB/T 2260 division) are refused and kept in ``_rejects`` (``--accept-valid``).
    """
    from pioneer.lake.checked import folder_files
    from pioneer.lake.ingest import ingest
    from pioneer.registry.stations.cnemc import register_stations
    from pioneer.web.services import known_stations

    folder = national_sample()
    counts = register_stations(session, folder / "stations.csv", actor=Actor("demo", R.PROGRAMME_OFFICE))
    session.flush()
    results = ingest(folder_files(folder / "daily"), layout="cnemc-daily", known_stations=known_stations(session),
                     accept_valid=True, who="demo")  # fmt: skip
    counts["files"] = len(results)
    counts["imported"] = sum(r.status in ("committed", "partial") for r in results)
    counts["rows_accepted"] = sum(r.rows_accepted for r in results)
    counts["rows_refused"] = sum(r.rows_rejected for r in results)
    return counts
