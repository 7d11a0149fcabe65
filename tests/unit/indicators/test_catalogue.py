"""The packaged catalogue loads; malformed catalogues are rejected with located bilingual errors."""

from __future__ import annotations

import pytest

from pioneer.errors import InputError
from pioneer.indicators.catalogue import default_catalogue, read_catalogue
from pioneer.indicators.choices import Domain

GOOD = """\
version: t
sources:
  S: {title_zh: 甲, title_en: A}
indicators:
  - code: alpha
    name_zh: 甲
    name_en: Alpha
    domain: environment_quality
    unit: "%"
    direction: higher
    range: {min: 0, max: 100}
    decimals: 1
    tiers: [city]
    source: {kind: reported}
    confidence: confirmed
  - code: beta
    name_zh: 乙
    name_en: Beta
    domain: green_low_carbon
    unit: "%"
    direction: DIRECTION
    range: {min: 0, max: 100}
    decimals: 1
    tiers: [city]
    source: {kind: reported}
    confidence: confirmed
    targets: [{year: 2027, comparator: ">=", value: 50, source: S, confidence: from-memory-only}]
"""


def test_packaged_catalogue_contents():
    c = default_catalogue()
    assert len(c.indicators) >= 35
    bci = sorted(f.number for i in c.indicators for f in i.frameworks if f.framework == "BCI-2020")
    assert bci == list(range(1, 23))  # all 22 indicators of the 2020 system
    pm = c.indicator("air_pm2_5")
    assert pm.national_target(2027).value == 28 and pm.national_target(2027).comparator == "<"
    assert pm.needs_source  # the 2023 Opinion targets are from memory
    assert not c.indicator("air_pm10").needs_source
    for code in ("carbon_intensity_reduction", "hazardous_waste_info_supervision_coverage",
                 "noise_night_compliance", "city_sewage_collection_rate"):  # fmt: skip
        assert c.get(code) is not None
    assert {i.domain for i in c.indicators} >= {d for d in Domain if d != Domain.REGIONAL}
    assert c.indicator("air_good_day_ratio").accepts_unit("百分比")
    assert not c.indicator("air_pm2_5").accepts_unit("mg/m3")


def test_valid_text_loads():
    c = read_catalogue(GOOD.replace("DIRECTION", "lower"), file="x.yaml")
    assert c.codes == ["alpha", "beta"]


def test_bad_direction_is_located():
    with pytest.raises(InputError) as e:
        read_catalogue(GOOD.replace("DIRECTION", "sideways"), file="x.yaml")
    err = e.value
    assert err.file == "x.yaml" and err.row == 16 and err.column == "indicators[1].direction"
    assert err.value == "sideways"
    assert "beta" in err.message_zh and "beta" in err.message_en


@pytest.mark.parametrize(
    ("old", "new", "fragment"),
    [
        (
            "source: {kind: reported}\n    confidence: confirmed\n    targets",
            "source: {kind: computed}\n    confidence: confirmed\n    targets",
            "binding",
        ),
        ("source: S,", "source: NOPE,", "NOPE"),
        ("code: beta", "code: alpha", "duplicate"),
        ("value: 50", "value: 150", "outside"),
        (
            "max: 100}\n    decimals: 1\n    tiers: [city]\n    source: {kind: reported}\n    confidence: confirmed\n    targets",
            "max: 300}\n    decimals: 1\n    tiers: [city]\n    source: {kind: reported}\n    confidence: confirmed\n    targets",
            "percentage",
        ),
        ("name_en: Beta\n", "name_en: Beta\n    colour: red\n", "colour"),
    ],
)
def test_malformed_indicators_rejected(old, new, fragment):
    text = GOOD.replace("DIRECTION", "higher")
    assert old in text
    with pytest.raises(InputError) as e:
        read_catalogue(text.replace(old, new, 1), file="x.yaml")
    assert e.value.file == "x.yaml"
    assert fragment in str(e.value) or fragment in (e.value.column or "")


def test_yaml_syntax_error_has_line():
    with pytest.raises(InputError) as e:
        read_catalogue("version: t\nindicators: [\n", file="y.yaml")
    assert e.value.row is not None and e.value.file == "y.yaml"
