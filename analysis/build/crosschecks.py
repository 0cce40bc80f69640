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
    failed: int = 0  # how many rows or keys failed (``examples`` holds at most five of them)

    def text(self) -> str:
        """One readable sentence: the table, the check, what it found and, for a failure, the rows
        it found it in (a build log is read by people, not parsed)."""
        examples = f": {'; '.join(example_text(e) for e in self.examples[:3])}" if self.examples else ""
        more = f" (and {len(self.examples) - 3} more)" if len(self.examples) > 3 else ""
        return f"{self.table}: {self.name} — {self.message}{examples}{more}"

    def line(self) -> str:
        return f"[{self.severity}] {self.text()}"


def _plain(value) -> str:
    if isinstance(value, float):
        return f"{value:,.0f}" if value.is_integer() else f"{value:,g}"
    if isinstance(value, (list, tuple)):
        return " vs ".join(_plain(v) for v in value)
    return str(value)


def example_text(example) -> str:
    """A failing row as words ('series_id ma_biopharma_jobs_massbio, year 2008, printed 54,280 (src:4) vs
    54,829 (src:9)'), not a Python dict: each key the check recorded, then its value."""
    if not isinstance(example, dict):
        return _plain(example)
    return ", ".join(f"{key} {_plain(value)}" for key, value in example.items())


def _result(name, table, severity, bad: list, ok_message: str, bad_message: str) -> CheckResult:
    return CheckResult(name, table, severity, not bad, bad_message.format(n=len(bad)) if bad else ok_message, bad[:5], len(bad))


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


# A printed share of all VC and the two amounts it relates, per basis (KVCA, and the ministry's
# restated series that includes 신기술사업금융업자).
SHARE_PAIRS = (("kr_bio_medical_vc_kvca", "kr_all_vc_kvca"), ("kr_bio_medical_vc_mss", "kr_all_vc_mss"))


def check_share_matches_total(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    """Korean sources print bio·의료's share of all new VC; it must equal bio / total (same basis)
    within rounding, or one of the three figures was transcribed wrong."""
    df = tables["venture_investment"]
    bad, checked = [], 0
    for part, whole in SHARE_PAIRS:
        totals = df[(df["series_id"] == whole) & df["preferred"] & (df["period"] == "FY")].set_index("year")["amount"]
        shares = df[(df["series_id"] == part) & df["share_pct"].notna() & (df["period"] == "FY")]
        for row in shares.itertuples():
            if row.year not in totals.index:
                continue
            checked += 1
            computed = 100 * float(row.amount) / float(totals[row.year])
            if abs(computed - float(row.share_pct)) > SHARE_TOLERANCE_PP:
                bad.append({"raw": f"{row.source_id}:{int(row.share_source_row)}", "series_id": part, "year": int(row.year),
                            "share_pct": float(row.share_pct), "computed": round(computed, 3)})
    return [_result("share equals amount / total", "venture_investment", "critical", bad,
                    f"{checked} printed share(s) agree with amount / total", "{n} share(s) disagree with amount / total")]


def check_sources_agree(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    """Two sources printing different values for one figure: both are kept, the gate says so.
    Figures agree when they agree at the precision each source printed ('$13.7 billion' and
    '$13.66 billion' do; 54,280 and 54,829 jobs do not)."""
    out = []
    for table, key, value in (("venture_investment", ["series_id", "year", "period"], "amount"),
                              ("indicators", ["series_id", "entity", "year", "period"], "value")):
        if table not in tables:
            continue
        df = tables[table].dropna(subset=[value])
        bad = []
        for k, rows in df.groupby(key):
            if len(rows) < 2:
                continue
            half = [_half_unit(str(p), float(v), approx=q == "approx")
                    for p, v, q in zip(rows["value_as_published"], rows[value], rows.get("qualifier", [None] * len(rows)))]
            lows = [float(v) - h for v, h in zip(rows[value], half)]
            highs = [float(v) + h for v, h in zip(rows[value], half)]
            if max(lows) > min(highs) + 1e-9 * max(abs(x) for x in highs):
                # Each source's figure as printed, at its raw line: the rows a reader opens to compare.
                printed = [f"{p} ({sid}:{int(line)})" for p, sid, line in
                           rows.sort_values(value)[["value_as_published", "source_id", "source_row"]].itertuples(index=False)]
                bad.append({**dict(zip(key, map(str, k))), "printed": printed})
        out.append(_result("sources agree on repeated figures", table, "warning", bad,
                           "repeated figures agree across sources", "{n} figure(s) differ between sources (preferred row used)"))
    return out


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


def check_hospital_nih_within_city(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    """A hospital's NIH award cannot exceed the whole city's, nor can the hospitals together exceed
    the city's hospital & medical sector, in the same fiscal year."""
    ind = tables["indicators"]
    pref = ind[ind["preferred"]]
    city = pref[pref["series_id"] == "boston_nih_funding_bpda"].pivot_table(index="year", columns="entity", values="value", aggfunc="first")
    hosp = pref[pref["series_id"] == "nih_hospital_funding"]
    bad = []
    for year, rows in hosp.groupby("year"):
        if year not in city.index:
            continue
        total = city.loc[year].get("Boston (all)")
        sector = city.loc[year].get("Boston hospitals & medical")
        for r in rows.itertuples():
            if total is not None and pd.notna(total) and r.value > total:
                bad.append({"year": int(year), "entity": r.entity, "value": float(r.value), "city_total": float(total)})
        if sector is not None and pd.notna(sector) and rows["value"].sum() > sector * 1.0005:
            bad.append({"year": int(year), "hospitals_sum": float(rows["value"].sum()), "hospital_sector": float(sector)})
    return [_result("NIH by hospital within the city total", "indicators", "critical", bad,
                    "hospital NIH awards fit within Boston's totals", "{n} hospital figure(s) exceed the city's")]


def _half_unit(printed: str, value: float, *, approx: bool = False) -> float:
    """Half a unit of the last digit the source printed, in the value's units: '$1.70 billion'
    is known to ±$5M, '66%' to ±0.5 points. An approximate figure ('nearly 114,000', '약 300')
    is rounded to its last non-zero digit: ±500 for 114,000."""
    import re  # noqa: PLC0415

    numbers = re.findall(r"\d[\d,]*(?:\.(\d+))?", printed)
    if len(numbers) != 1:
        return 0.0
    token = re.search(r"\d[\d,]*(?:\.\d+)?", printed).group(0)
    number = float(token.replace(",", ""))
    decimals = len(numbers[0])
    if approx and not decimals:
        integer = token.replace(",", "")
        decimals = -(len(integer) - len(integer.rstrip("0")))
    return 0.5 * 10 ** -decimals * (value / number if number else 1.0)


def check_nih_sector_shares(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    """BMRB prints each sector's share next to its amount; with both rounded as printed, the share
    must lie within the range the amounts allow."""
    ind = tables["indicators"]
    pref = ind[ind["preferred"] & (ind["series_id"].isin(["boston_nih_funding_bpda", "boston_nih_share_bpda"]))]
    bad, checked = [], 0
    for year, rows in pref.groupby("year"):
        amounts = rows[rows["series_id"] == "boston_nih_funding_bpda"].set_index("entity")
        if "Boston (all)" not in amounts.index:
            continue
        t = amounts.loc["Boston (all)"]
        dt = _half_unit(t["value_as_published"], t["value"])
        for share in rows[rows["series_id"] == "boston_nih_share_bpda"].itertuples():
            if share.entity not in amounts.index:
                continue
            a = amounts.loc[share.entity]
            da = _half_unit(a["value_as_published"], a["value"])
            ds = _half_unit(share.value_as_published, share.value)
            low, high = 100 * (a["value"] - da) / (t["value"] + dt), 100 * (a["value"] + da) / (t["value"] - dt)
            checked += 1
            if share.value + ds < low - 1e-9 or share.value - ds > high + 1e-9:
                bad.append({"year": int(year), "entity": share.entity, "share": float(share.value), "computed_range": [round(low, 2), round(high, 2)]})
    return [_result("NIH sector share equals amount / total", "indicators", "critical", bad,
                    f"{checked} printed share(s) agree with amount / total", "{n} share(s) disagree with amount / total")]


def check_research_hospital_rounds(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    """The two rounds had 10 and 21 hospitals (MOHW); a missing or extra row is a transcription error."""
    from analysis.build.cleaning.research_hospitals import CAPITAL_REGION  # noqa: PLC0415

    rh = tables["research_hospitals"]
    expected = {"2013_designation": 10, "2025_certification": 21}
    counts = rh["round"].value_counts().to_dict()
    bad = [{"round": r, "expected": n, "found": int(counts.get(r, 0))} for r, n in expected.items() if counts.get(r, 0) != n]
    flag = rh["capital_region"].astype(bool) != rh["sido"].isin(CAPITAL_REGION)
    bad += rh.loc[flag, ["round", "hospital", "sido"]].to_dict("records")
    return [_result("research hospital rounds: 10 in 2013, 21 in 2025; 수도권 flag matches 시도", "research_hospitals", "critical", bad,
                    "round counts and 수도권 flags are right", "{n} problem(s) with rounds or flags")]


def check_claim_evidence_exists(tables: Mapping[str, pd.DataFrame]) -> list[CheckResult]:
    """Every evidence row a verdict cites must exist in the table it names."""
    if "claims" not in tables:
        return []
    bad = []
    for row in tables["claims"].itertuples():
        refs = "" if pd.isna(row.evidence_rows) else str(row.evidence_rows)
        for ref in refs.split(";"):
            if not ref:
                continue
            table, sid, line = ref.split(":")
            df = tables.get(table)
            if df is None or df[(df["source_id"] == sid) & (df["source_row"] == int(line))].empty:
                bad.append({"claim_id": row.claim_id, "evidence": ref})
    return [_result("claim evidence rows exist", "claims", "critical", bad,
                    "every cited evidence row exists", "{n} cited evidence row(s) not found")]


CHECKS: list[Callable[[Mapping[str, pd.DataFrame]], list[CheckResult]]] = [
    check_source_ids_exist, check_source_rows_exist, check_single_basis, check_one_preferred,
    check_share_matches_total, check_sources_agree, check_fx_rate_used, check_sources_used,
    check_hospital_nih_within_city, check_nih_sector_shares, check_research_hospital_rounds, check_claim_evidence_exists,
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
