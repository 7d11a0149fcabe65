"""The malformed-file corpus (built in code, so it can never go stale): a valid hourly air file in the glossary
layout, and ≥ 250 variants of it — numbers (``inf``, ``1e309``, ``1_000``, …) in every pollutant column, times
off the hour or in far years, headers, encodings and line endings, duplicates, as CSV and as XLSX, plus broken
and hostile workbooks. Each case says what must happen: ``"error"`` (a located bilingual refusal, nothing
kept) or ``"accept"`` (a documented acceptance, see docs/security.md)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import openpyxl

HEADER = ["station", "time", "so2", "no2", "co", "o3", "pm10", "pm2_5"]
ROWS = [
    ["1001A", "2025-01-01T01:00", "5", "30", "0.6", "40", "60", "35"],
    ["1001A", "2025-01-01T02:00", "6", "31", "0.7", "41", "61", "36"],
    ["1001A", "2025-01-01T03:00", "7", "32", "0.8", "42", "62", "37"],
]
POLLUTANTS = HEADER[2:]
BAD_NUMBERS = ["inf", "-inf", "Infinity", "1e309", "-1e309", "1_000", "0x10", "1,000", "99999999999999999999",
               "３５", "1.2.3", "--1", "+-1", "1e", "e5", "٣٥", "35µg"]  # fmt: skip
BAD_TIMES = ["2025-01-01T01:30", "2025-01-01T01:00:30", "9999-01-01T01:00", "0001-01-01T01:00", "2025-02-30T01:00",
             "2025-13-01T01:00", "2025-01-01T25:00", "yesterday", "2025-01-01T01:00+25:00", "2025-01-01 1:00 PM"]  # fmt: skip


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    suffix: str  # ".csv" or ".xlsx"
    expect: str  # "error" or "accept"
    cli: bool = True  # also run through `pioneer air aqi`
    code: str | None = (
        None  # the checker's rule the upload must report (so a refusal for another reason fails)
    )


def csv_bytes(
    header: list[str], rows: list[list[str]], *, encoding: str = "utf-8", newline: str = "\n"
) -> bytes:
    lines = [",".join(header), *(",".join(r) for r in rows)]
    return (newline.join(lines) + newline).encode(encoding)


def xlsx_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(header)
    for r in rows:
        ws.append(r)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def _with(col: str, value: str, row: int = 0) -> list[list[str]]:
    rows = [list(r) for r in ROWS]
    rows[row][HEADER.index(col)] = value
    return rows


def cases() -> list[Case]:
    out: list[Case] = []
    for fmt, write in ((".csv", csv_bytes), (".xlsx", xlsx_bytes)):
        for col in POLLUTANTS:
            for i, v in enumerate(BAD_NUMBERS):
                out.append(
                    Case(f"number-{col}-{i}{fmt}", write(HEADER, _with(col, v)), fmt, "error", fmt == ".csv")
                )
        for i, t in enumerate(BAD_TIMES):
            out.append(Case(f"time-{i}{fmt}", write(HEADER, _with("time", t)), fmt, "error", fmt == ".csv"))
        csv = fmt == ".csv"  # the calculator commands read CSV
        out.append(Case(f"duplicate-station-hour{fmt}", write(HEADER, [*ROWS, ROWS[0]]), fmt, "error", csv))
        out.append(Case(f"valid{fmt}", write(HEADER, ROWS), fmt, "accept", csv))
        out.append(
            Case(f"blank-value{fmt}", write(HEADER, _with("pm2_5", "")), fmt, "accept", csv)
        )  # missing
    headers = {
        "pm2.5-header": ["pm2.5" if h == "pm2_5" else h for h in HEADER],
        "duplicate-header": [*HEADER[:-1], "pm10"],
        "empty-header": [*HEADER[:-1], ""],
        "no-station": ["", *HEADER[1:]],
        "unknown-column": [*HEADER, "wind_chill"],
        "no-time": ["station", "when", *HEADER[2:]],
    }
    for name, head in headers.items():
        rows = [[*r, "1"] if len(head) > len(HEADER) else r for r in ROWS]
        out.append(Case(f"{name}.csv", csv_bytes(head, rows), ".csv", "error"))
    valid = csv_bytes(HEADER, ROWS)
    encodings = {
        "gbk-chinese": ("error", csv_bytes(HEADER, _with("station", "北京站"), encoding="gbk")),
        "utf16": ("error", valid.decode().encode("utf-16")),
        "nul-bytes": ("error", valid.replace(b"35", b"3\x005")),
        "truncated-quote": ("error", valid + b'1001A,"2025-01-01T04:00,1,1,1,1,1,1\n'),
        "only-header": ("error", csv_bytes(HEADER, [])),
        "empty-file": ("error", b""),
        "short-row": ("error", valid + b"1001A,2025-01-01T04:00,1\n"),
        "long-row": ("error", valid + b"1001A,2025-01-01T04:00,1,1,1,1,1,1,1,1\n"),
        "binary": ("error", bytes(range(256)) * 4),
        "bom-utf8": ("accept", b"\xef\xbb\xbf" + valid),
        "crlf": ("accept", csv_bytes(HEADER, ROWS, newline="\r\n")),
    }
    for name, (expect, data) in encodings.items():
        out.append(Case(f"{name}.csv", data, ".csv", expect))
    for name, station in {
        "newline": '"1001A\n"',
        "crlf": '"1001A\r\n"',
        "slash": "10/01A",
        "dots": "..",
    }.items():
        rows = _with("station", station)  # no station code (guard.codes.STATION_CODE_PATTERN)
        out.append(Case(f"station-{name}.csv", csv_bytes(HEADER, rows), ".csv", "error", code="key_code"))
    for col in POLLUTANTS:  # a concentration below zero
        out.append(Case(f"negative-{col}.csv", csv_bytes(HEADER, _with(col, "-5")), ".csv", "error"))
    book = xlsx_bytes(HEADER, ROWS)
    out.append(
        Case("formula-uncached.xlsx", xlsx_bytes(HEADER, _with("pm2_5", "=30+5")), ".xlsx", "error", False)
    )
    out.append(Case("truncated.xlsx", book[: len(book) // 2], ".xlsx", "error", False))
    out.append(Case("csv-named-xlsx.xlsx", valid, ".xlsx", "error", False))
    return out


# --- water and noise (helper 15): the same malformed cells in the lake's water-long and noise layouts -------------

WATER_HEADER = ["section", "time", "item", "value", "unit"]
WATER_ROWS = [["S1", "2025-01-05", "cod", "15", "mg/L"], ["S1", "2025-02-05", "cod", "14", "mg/L"]]
NOISE_HEADER = ["point", "zone_class", "time", "leq"]
NOISE_ROWS = [["N1", "1", "2025-03-01 10:00", "52.5"], ["N1", "1", "2025-03-01 23:00", "44.0"]]
BAD_DATES = ["2025-13-05", "2025-02-30", "9999-01-05", "0001-01-05", "05/01/2025x", "yesterday", ""]
BAD_LEQ = ["200", "-5", "abc", *BAD_NUMBERS]
BAD_ZONE_CLASSES = ["5", "9", "4c", "x", "", "4", "4类", "一类", "１", "1.0", "1类类"]  # GB 3096-2008 §4
BAD_CODES = ['"N1\n"', '"N1\r\n"', "N/1", "..", '"N 1"', "_N1"]  # guard.codes.STATION_CODE_PATTERN


def water_noise_cases() -> list[Case]:
    """Malformed water (``water-long``) and noise files, each expected to be refused with a located error by the
    upload and by ``pioneer water classify`` / ``pioneer noise assess`` (``cli``: ``water`` or ``noise``)."""
    out: list[Case] = []

    def put(rows, col, header, value):
        rows = [list(r) for r in rows]
        rows[0][header.index(col)] = value
        return rows

    for i, v in enumerate(BAD_NUMBERS):
        out.append(Case(f"water-number-{i}.csv", csv_bytes(WATER_HEADER, put(WATER_ROWS, "value", WATER_HEADER, v)),
                        ".csv", "error"))  # fmt: skip
    for i, t in enumerate(BAD_DATES):
        out.append(Case(f"water-time-{i}.csv", csv_bytes(WATER_HEADER, put(WATER_ROWS, "time", WATER_HEADER, t)),
                        ".csv", "error"))  # fmt: skip
    out.append(
        Case("water-duplicate.csv", csv_bytes(WATER_HEADER, [WATER_ROWS[0], WATER_ROWS[0]]), ".csv", "error")
    )
    out.append(Case("water-no-rows.csv", csv_bytes(WATER_HEADER, []), ".csv", "error"))
    for i, v in enumerate(BAD_LEQ):
        out.append(Case(f"noise-leq-{i}.csv", csv_bytes(NOISE_HEADER, put(NOISE_ROWS, "leq", NOISE_HEADER, v)),
                        ".csv", "error"))  # fmt: skip
    for i, z in enumerate(BAD_ZONE_CLASSES):
        out.append(Case(f"noise-zone-{i}.csv",
                        csv_bytes(NOISE_HEADER, put(NOISE_ROWS, "zone_class", NOISE_HEADER, z)), ".csv", "error",
                        code="zone_class"))  # fmt: skip
    for i, (t, code) in enumerate(
        [
            ("2025-03-01 10:30", "not_on_hour"),
            ("9999-03-01 10:00", "time"),
            ("2025-03-32 10:00", "time"),
            ("noon", "time"),
            ("2025-03-01 10:00:30", "not_on_hour"),
            ("2025-03-01", "time"),
        ]
    ):  # hourly L_Aeq
        out.append(Case(f"noise-time-{i}.csv", csv_bytes(NOISE_HEADER, put(NOISE_ROWS, "time", NOISE_HEADER, t)),
                        ".csv", "error", code=code))  # fmt: skip
    for i, c in enumerate(BAD_CODES):
        out.append(Case(f"noise-point-{i}.csv", csv_bytes(NOISE_HEADER, put(NOISE_ROWS, "point", NOISE_HEADER, c)),
                        ".csv", "error", code="key_code"))  # fmt: skip
        out.append(Case(f"water-section-{i}.csv",
                        csv_bytes(WATER_HEADER, put(WATER_ROWS, "section", WATER_HEADER, c.replace("N", "S"))),
                        ".csv", "error", code="key_code"))  # fmt: skip
    return out
