"""The 发文字号 of GB/T 9704-2012 §7.2.4 (``pioneer.standards.documents.document_number``): numbers in the form
the clause gives (机关代字〔年份〕序号号: the year in full in 六角括号, the sequence number without 第 and without
leading zeros) and the ones it rules out; brackets as typed are read as 〔〕 (docs/standards/documents.md)."""

from __future__ import annotations

import pytest

from pioneer.errors import InputError
from pioneer.plans import documents as plan_documents
from pioneer.standards.documents import document_number


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("国办发〔2024〕1号", "国办发〔2024〕1号"),
        ("环综合函〔2025〕88号", "环综合函〔2025〕88号"),
        ("京环发[2025]12号", "京环发〔2025〕12号"),
        ("京环发［2025］12号", "京环发〔2025〕12号"),
        ("环综合函【2024】3号", "环综合函〔2024〕3号"),
        (" 浙政办发〔2023〕100号 ", "浙政办发〔2023〕100号"),
        ("浙政办发〔2023〕 100 号", "浙政办发〔2023〕100号"),
    ],
)
def test_standard_form(text, expected):
    assert document_number(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "",
        "12号",
        "京环发〔25〕12号",  # the year in full
        "京环发〔2025〕012号",  # 不编虚位
        "京环发〔2025〕0号",
        "京环发〔2025〕第12号",  # 不加“第”字
        "京环发（2025）12号",  # round brackets are not 六角括号
        "京环发〔2025〕12",
        "〔2025〕12号",  # no 机关代字
    ],
)
def test_refused_located_bilingual(text):
    with pytest.raises(InputError) as exc:
        document_number(text, column="number")
    assert exc.value.column == "number" and "〔" in exc.value.message_zh and "organ" in exc.value.message_en


def test_one_home():
    """The plans' name is the standard's function itself (re-exported), not a copy."""
    assert plan_documents.document_number is document_number
