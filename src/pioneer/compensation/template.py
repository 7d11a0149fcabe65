"""The agreement template (YAML): read with located errors, shipped examples, a blank template to fill in."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from pioneer.compensation.schemas import AgreementCreate
from pioneer.errors import InputError
from pioneer.registry.errors import ImportFailedError

EXAMPLES = {
    "yellow-river-henan-shandong-2021": "yellow_river_henan_shandong_2021.yaml",
    "lushui-jiangxi-hunan-2019": "lushui_jiangxi_hunan_2019.yaml",
    "xinan-anhui-zhejiang": "xinan_anhui_zhejiang_template.yaml",
}


def example_text(name: str) -> str:
    """The text of a shipped example (keys of :data:`EXAMPLES`)."""
    if name not in EXAMPLES:
        raise InputError(f"没有名为 “{name}” 的示例（可选：{', '.join(EXAMPLES)}）",
                         f"no example named '{name}' (choose from {', '.join(EXAMPLES)})")  # fmt: skip
    return (
        resources.files("pioneer.compensation").joinpath("data", EXAMPLES[name]).read_text(encoding="utf-8")
    )


def _loc(loc: tuple[Any, ...]) -> str:
    out = ""
    for part in loc:
        out += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def parse_agreement(text: str, *, file: str = "agreement.yaml") -> AgreementCreate:
    """Parse and validate the YAML text of an agreement; every problem is located (``terms[2].k0``).

    Raises
    ------
    ImportFailedError
        listing each problem (YAML syntax with its line, missing or mistyped fields).
    """
    try:
        raw = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        row = mark.line + 1 if mark is not None else None
        problem = InputError("YAML 语法错误", f"YAML syntax error: {exc}", file=file, row=row)
        raise ImportFailedError(file, [problem]) from None
    if not isinstance(raw, dict):
        raise ImportFailedError(file, [InputError("文件内容须为一份协议（键值结构）", "the file must hold one agreement "
                                                  "(a mapping)", file=file)])  # fmt: skip
    try:
        return AgreementCreate.model_validate(raw)
    except ValidationError as exc:
        errors = [InputError(f"字段缺失或无效（{e['type']}）：{e['msg']}", f"{e['msg']}", file=file, column=_loc(tuple(e["loc"])),
                             value=e.get("input") if not isinstance(e.get("input"), dict | list) else None)
                  for e in exc.errors()]  # fmt: skip
        raise ImportFailedError(file, errors) from None


def read_agreement(path: str | Path) -> AgreementCreate:
    path = Path(path)
    return parse_agreement(path.read_text(encoding="utf-8"), file=path.name)
