"""Official documents (党政机关公文): the 发文字号 of GB/T 9704-2012 《党政机关公文格式》.

* :func:`document_number` — a 发文字号 in its standard form, e.g. ``京环发〔2025〕12号`` (GB/T 9704-2012 §7.2.4).

The zones' lifecycle (an approval needs the reply's number), the plans' review and the attachments of
applications and plans all check a number through this one function. Choices where the text is silent are
stated in ``docs/standards/documents.md``. Imports nothing of Pioneer's but :mod:`pioneer.errors`."""

from __future__ import annotations

import re

from pioneer.errors import InputError

# 发文字号 = 发文机关代字 + 〔年份〕 + 发文顺序号 + 号 (GB/T 9704-2012 §7.2.4: the year in full, in 六角括号 〔〕;
# the number without 第 and without leading zeros, "不编虚位（即 1 不编为 01），不加'第'字"). Brackets typed as
# [] ［］ 【】 are read as 〔〕 (the 六角括号 is hard to type); blanks are dropped; nothing else is corrected.
# Confidence: secondary (the clause as widely reproduced; the standard's text is not in the reference set).
BRACKETS = str.maketrans({"[": "〔", "]": "〕", "［": "〔", "］": "〕", "【": "〔", "】": "〕"})
DOCUMENT_NUMBER = re.compile(
    r"^(?P<organ>[\u3400-\u9fffA-Za-z]{1,24})〔(?P<year>(19|20)\d{2})〕(?P<seq>[1-9]\d{0,5})号$"
)


def document_number(text: str, *, column: str = "document_number") -> str:
    """A 发文字号 in its standard form (GB/T 9704-2012 §7.2.4), e.g. ``京环发〔2025〕12号``.

    Parameters
    ----------
    text : str
        The number as typed; ``[]``, ``［］`` and ``【】`` are read as the 六角括号 ``〔〕`` and blanks dropped.
    column : str
        The field named by the error (the form field or the API member).

    Returns
    -------
    str
        The number in its standard form.

    Raises
    ------
    InputError
        Located at ``column``, in Chinese and English, when the text is not 机关代字〔年份〕序号号 (the year in full,
        the sequence number without 第 and without leading zeros)."""
    value = (text or "").strip().replace(" ", "").replace("\u3000", "").translate(BRACKETS)
    if not DOCUMENT_NUMBER.match(value):
        raise InputError(
            "文号格式应为“机关代字〔年份〕序号号”，如 京环发〔2025〕12号（年份写全，序号不加“第”、不补零）",
            "a document number reads 'organ〔year〕number号', e.g. 京环发〔2025〕12号 (full year, no leading zeros)",
            column=column,
            value=text,
        )
    return value
