"""Static charts for the reports (matplotlib, Agg backend, PNG bytes) with a CJK font found on the system
through ``matplotlib.font_manager`` (Noto Sans CJK from the Debian package ``fonts-noto-cjk``); no network."""

from __future__ import annotations

import io
from functools import cache

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt
from matplotlib import font_manager

CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Serif CJK SC",
    "WenQuanYi Zen Hei",
    "Source Han Sans SC",
)


class FontMissingError(RuntimeError):
    """No CJK font is installed (install ``fonts-noto-cjk``): Chinese would render as empty boxes."""


@cache
def cjk_family() -> str:
    """The first installed family of :data:`CJK_FAMILIES`."""
    names = {f.name for f in font_manager.fontManager.ttflist}
    for fam in CJK_FAMILIES:
        if fam in names:
            return fam
    raise FontMissingError(
        "未找到中文字体（请安装 fonts-noto-cjk） / no CJK font found (install fonts-noto-cjk)"
    )


def figure_png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=150, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def chart_style() -> dict:
    return {"font.family": [cjk_family(), "DejaVu Sans"], "axes.unicode_minus": False, "font.size": 9}


def score_bars(labels: list[str], scores: list[float | None], *, title: str, xlabel: str) -> bytes:
    """Horizontal bars of indicator scores (0–100); indicators without a score are shown without a bar."""
    with plt.rc_context(chart_style()):
        fig, ax = plt.subplots(figsize=(7, 0.45 * max(3, len(labels)) + 0.8))
        values = [s if s is not None else 0 for s in scores]
        bars = ax.barh(
            range(len(labels)), values, color=["#2e7d32" if (s or 0) >= 60 else "#c62828" for s in values]
        )
        for b, s in zip(bars, scores, strict=True):
            ax.text(
                b.get_width() + 1,
                b.get_y() + b.get_height() / 2,
                "—" if s is None else f"{s:.0f}",
                va="center",
            )
        ax.set_yticks(range(len(labels)), labels)
        ax.invert_yaxis()
        ax.set_xlim(0, 110)
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        ax.axvline(60, color="#999", lw=0.8, ls="--")
        return figure_png(fig)


def trajectory_lines(series: dict[str, tuple[list[int], list[float]]], targets: dict[str, tuple[int, float]], *,
                     title: str, xlabel: str) -> bytes:  # fmt: skip
    """One line per indicator (years → values) with its target as a marker at the target year."""
    with plt.rc_context(chart_style()):
        fig, ax = plt.subplots(figsize=(7, 3.6))
        for i, (label, (years, values)) in enumerate(series.items()):
            color = f"C{i}"
            ax.plot(years, values, marker="o", color=color, label=label)
            if label in targets:
                ty, tv = targets[label]
                ax.plot([years[-1], ty], [values[-1], tv], ls=":", color=color)
                ax.plot([ty], [tv], marker="*", ms=10, color=color)
        ax.set_xlabel(xlabel)
        ax.set_title(title)
        ax.legend(fontsize=8)
        ax.grid(alpha=0.3)
        return figure_png(fig)


def amount_bars(labels: list[str], amounts: list[float], *, title: str, unit: str) -> bytes:
    """Vertical bars of money by category or source (万元)."""
    with plt.rc_context(chart_style()):
        fig, ax = plt.subplots(figsize=(7, 3.2))
        ax.bar(range(len(labels)), amounts, color="#1565c0")
        ax.set_xticks(range(len(labels)), labels, rotation=20, ha="right")
        ax.set_ylabel(unit)
        ax.set_title(title)
        return figure_png(fig)
