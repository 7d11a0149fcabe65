"""Build data/sample/beijing_air_hourly.parquet from the UCI "Beijing Multi-Site Air-Quality Data" (CC BY 4.0).

Run once by a maintainer with the original CSVs at hand (not at run time):
    .venv/bin/python scripts/build_beijing_sample.py /path/to/beijing-multisite
Conventions: the UCI ``hour`` (0–23) is taken as the hour's start, so the CNEMC hour-end label is hour + 1;
CO is converted from µg/m³ to mg/m³ (÷ 1000); station names become their CNEMC codes 1001A–1012A.
"""

import sys
from pathlib import Path

import pandas as pd

STATIONS = {
    "Wanshouxigong": "1001A", "Dingling": "1002A", "Dongsi": "1003A", "Tiantan": "1004A",
    "Nongzhanguan": "1005A", "Guanyuan": "1006A", "Wanliu": "1007A", "Shunyi": "1008A",
    "Huairou": "1009A", "Changping": "1010A", "Aotizhongxin": "1011A", "Gucheng": "1012A",
}  # fmt: skip


def main(src: Path, out: Path) -> None:
    frames = []
    for f in sorted(src.glob("PRSA_Data_*.csv.gz")):
        d = pd.read_csv(f, na_values=["NA"])
        start = pd.to_datetime(d[["year", "month", "day", "hour"]])
        frames.append(pd.DataFrame({
            "station": d.station.map(STATIONS), "city": "110000", "time": start + pd.Timedelta(hours=1),
            "so2": d.SO2, "no2": d.NO2, "co": d.CO / 1000, "o3": d.O3, "pm10": d.PM10, "pm2_5": d["PM2.5"],
        }))  # fmt: skip
    df = pd.concat(frames).sort_values(["station", "time"])
    df.to_parquet(out, index=False, compression="zstd")
    print(f"{len(df)} rows → {out}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path("data/sample/beijing_air_hourly.parquet"))
