"""The agreement workbook: a round trip of every shipped example, and located errors (sheet!column, row)."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from pioneer.compensation.excel import AGREEMENT_SHEET, TERMS_SHEET, read_workbook, write_workbook
from pioneer.compensation.template import EXAMPLES, example_text, parse_agreement
from pioneer.registry.errors import ImportFailedError


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_round_trip(name, tmp_path):
    data = parse_agreement(example_text(name))
    back = read_workbook(write_workbook(data, tmp_path / "a.xlsx"))
    assert back == data


def test_index_term_with_mappings_round_trips(tmp_path):
    from pioneer.compensation.schemas import Term

    data = parse_agreement(example_text("yellow-river-henan-shandong-2021"))
    term = Term(kind="index_change", items=["cod", "nh3_n"], reference={"cod": 20, "nh3_n": 1.0}, amount_per_point=100,
                cap=4000, whole_points=False)  # fmt: skip
    data = data.model_copy(update={"terms": [*data.terms, term]})
    assert read_workbook(write_workbook(data, tmp_path / "a.xlsx")) == data


def test_bad_cells_are_located(tmp_path):
    path = write_workbook(parse_agreement(example_text("lushui-jiangxi-hunan-2019")), tmp_path / "a.xlsx")
    wb = load_workbook(path)
    ws = wb[TERMS_SHEET]
    heads = [c.value for c in ws[1]]
    ws.cell(row=2, column=heads.index("amount_per_month") + 1, value="hundred")
    wb[AGREEMENT_SHEET].cell(row=wb[AGREEMENT_SHEET].max_row + 1, column=1, value="colour")
    wb.save(path)
    with pytest.raises(ImportFailedError) as e:
        read_workbook(path)
    got = {(x.column, x.row) for x in e.value.errors}
    assert got == {(f"{TERMS_SHEET}!amount_per_month", 2), (f"{AGREEMENT_SHEET}!A", 17)}
    # a required field left empty: located at its row in the agreement sheet
    wb = load_workbook(
        write_workbook(parse_agreement(example_text("lushui-jiangxi-hunan-2019")), tmp_path / "b.xlsx")
    )
    wb[AGREEMENT_SHEET].cell(row=6, column=2).value = None  # downstream (row 6: header + 4 fields before it)
    wb.save(tmp_path / "b.xlsx")
    with pytest.raises(ImportFailedError) as e:
        read_workbook(tmp_path / "b.xlsx")
    assert [(x.column, x.row) for x in e.value.errors] == [(f"{AGREEMENT_SHEET}!B", 6)]
