"""Checks across rows and tables that a column-wise GX suite cannot express: provenance links,
one basis per series, one preferred figure per key, shares that agree with amount/total, and
conversions made at the right year's rate."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import pandas as pd

# A published share is rounded to one decimal: allow half a unit of the last digit (+ float noise).
SHARE_TOLERANCE_PP = 0.05 + 1e-6


@dataclass
class CheckResult:
    name: str
    table: str
    severity: str
    success: bool
    message: str
    examples: list = field(default_factory=list)

    def line(self) -> str:
        examples = f", e.g. {self.examples[:3]}" if self.examples else ""
        return f"[{self.severity}] {self.table}: {self.name} — {self.message}{examples}"


def _result(name, table, severity, bad: list, ok_message: str, bad_message: str) -> CheckResult:
    return CheckResult(name, table, severity, not bad, bad_message.format(n=len(bad)) if bad else ok_message, bad[:5])


def check_source_ids_exist(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    known = set(tables["sources"]["source_id"])
    out = []
    for name, df in tables.items():
        if name == "sources" or "source_id" not in df.columns:
            continue
        bad = sorted(set(df["source_id"].dropna()) - known)
        out.append(_result("source_id exists in sources", name, "critical", bad,
                           "every source_id has a sidecar", "{n} source_id(s) without a sidecar"))
    return out


def check_source_rows_exist(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    """Every clean row must trace to a real line of its raw file (line 1 is the header)."""
    n_rows = tables["sources"].set_index("source_id")["n_rows"]
    out = []
    for name, df in tables.items():
        if name == "sources" or "source_row" not in df.columns:
            continue
        last_line = df["source_id"].map(n_rows) + 1
        bad_mask = (df["source_row"] < 2) | (df["source_row"] > last_line) | last_line.isna()
        bad = df.loc[bad_mask.fillna(True), ["source_id", "source_row"]].astype(str).to_dict("records")
        out.append(_result("source_row is a line of the raw file", name, "critical", bad,
                           "every row traces to a raw line", "{n} row(s) point outside their raw file"))
    return out


def check_single_basis(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    df = tables["venture_investment"]
    counts = df.groupby("series_id")["basis"].nunique()
    bad = counts[counts > 1].index.tolist()
    return [_result("one basis per series", "venture_investment", "critical", bad,
                    "no series mixes bases", "{n} series mix bases")]


def check_one_preferred(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    df = tables["venture_investment"]
    counts = df.groupby(["series_id", "year", "period"])["preferred"].sum()
    bad = [dict(zip(["series_id", "year", "period"], map(str, k))) for k in counts[counts != 1].index]
    return [_result("exactly one preferred row per series, year and period", "venture_investment", "critical", bad,
                    "one preferred figure per key", "{n} key(s) without exactly one preferred row")]


def check_share_matches_total(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    """KVCA prints bio·의료's share of all new VC; it must equal bio / total within rounding, or one
    of the three figures was transcribed wrong."""
    df = tables["venture_investment"]
    totals = df[(df["series_id"] == "kr_all_vc_kvca") & df["preferred"] & (df["period"] == "FY")].set_index("year")["amount"]
    shares = df[(df["series_id"] == "kr_bio_medical_vc_kvca") & df["share_pct"].notna() & (df["period"] == "FY")]
    bad, checked = [], 0
    for row in shares.itertuples():
        if row.year not in totals.index:
            continue
        checked += 1
        computed = 100 * float(row.amount) / float(totals[row.year])
        if abs(computed - float(row.share_pct)) > SHARE_TOLERANCE_PP:
            bad.append({"year": int(row.year), "source_id": row.source_id, "share_pct": float(row.share_pct),
                        "computed": round(computed, 3)})
    return [_result("share equals amount / total", "venture_investment", "critical", bad,
                    f"{checked} printed share(s) agree with amount / total", "{n} share(s) disagree with amount / total")]


def check_sources_agree(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    """Two sources printing different values for one figure: both are kept, the gate says so."""
    df = tables["venture_investment"]
    spread = df.groupby(["series_id", "year", "period"])["amount"].agg(["min", "max", "count"])
    conflicts = spread[(spread["count"] > 1) & (spread["min"] != spread["max"])]
    bad = [{"series_id": k[0], "year": int(k[1]), "period": k[2], "min": float(v["min"]), "max": float(v["max"])}
           for k, v in conflicts.iterrows()]
    return [_result("sources agree on repeated figures", "venture_investment", "warning", bad,
                    "repeated figures agree across sources", "{n} figure(s) differ between sources (preferred row used)")]


def check_fx_rate_used(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    fx = tables["fx_krw_usd"]
    rates = fx[fx["complete_year"]].set_index("year")["krw_per_usd"]
    df = tables["venture_investment"]
    krw = df[df["currency"] == "KRW"]
    expected = krw["year"].map(rates)
    bad_mask = expected.isna() | (krw["krw_per_usd"] != expected)
    bad = krw.loc[bad_mask.fillna(True), ["series_id", "year", "source_id"]].astype(str).to_dict("records")
    usd_with_rate = df[(df["currency"] == "USD") & df["krw_per_usd"].notna()]
    bad += usd_with_rate[["series_id", "year", "source_id"]].astype(str).to_dict("records")
    return [_result("KRW converted at the same year's complete-year ECB rate", "venture_investment", "critical", bad,
                    "every conversion uses its own year's rate", "{n} row(s) converted at a wrong or missing rate")]


def check_sources_used(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    used = set().union(*(set(df["source_id"]) for n, df in tables.items() if n != "sources" and "source_id" in df))
    bad = sorted(set(tables["sources"]["source_id"]) - used)
    return [_result("every raw source feeds a table", "sources", "warning", bad,
                    "every raw source is used", "{n} raw source(s) feed no clean table")]


CHECKS: list[Callable[[Mapping[str, pd.DataFrame]], list[CheckResult]]] = [
    check_source_ids_exist, check_source_rows_exist, check_single_basis, check_one_preferred,
    check_share_matches_total, check_sources_agree, check_fx_rate_used, check_sources_used,
]


def run_crosschecks(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    """A check that crashes is itself a failure: it is reported as critical, never skipped."""
    results = []
    for check in CHECKS:
        try:
            results += check(tables)
        except Exception as exc:  # noqa: BLE001 - reported, and it blocks
            results.append(CheckResult(check.__name__, "-", "critical", False, f"check raised {type(exc).__name__}: {exc}"))
    return results
