"""Numbers for the 투자 (investment) chapter, computed from the clean venture table.

Kept out of the notebook so that they are unit-tested and the chapter stays a thin reader.
"""

from __future__ import annotations

import pandas as pd

from analysis.report import markup as m
from analysis.report import text as t
from analysis.report.views import stack_with_gaps

# The two series the chapter compares; comparators on other bases are shown separately.
MA_SERIES = "ma_biopharma_vc_massbio"
KR_SERIES = "kr_bio_medical_vc_kvca"
KR_TOTAL_SERIES = "kr_all_vc_kvca"


def preferred_annual(venture: pd.DataFrame, series_id: str) -> pd.DataFrame:
    """One row per year for a series: the preferred full-year figure."""
    rows = venture[(venture["series_id"] == series_id) & (venture["period"] == "FY") & venture["preferred"]]
    return rows.sort_values("year").reset_index(drop=True)


def venture_comparison(venture: pd.DataFrame) -> pd.DataFrame:
    """Massachusetts biopharma VC (MassBio) vs Korean bio·의료 VC (KVCA), in US$ bn, with gaps."""
    result = stack_with_gaps({"MA": preferred_annual(venture, MA_SERIES), "KR": preferred_annual(venture, KR_SERIES)}, "region")
    result["usd_bn"] = result["amount_usd"].astype("Float64") / 1e9
    return result


def latest_common_year(comparison: pd.DataFrame) -> int:
    have = comparison.dropna(subset=["usd_bn"]).groupby("year")["region"].nunique()
    common = have[have == 2]
    if common.empty:
        raise ValueError("no year with both a Massachusetts and a Korean figure")
    return int(common.index.max())


def ratio_in_year(comparison: pd.DataFrame, year: int) -> float:
    """How many times Korea's bio VC Massachusetts's biopharma VC was in that year (USD)."""
    at = comparison[comparison["year"] == year].set_index("region")["usd_bn"]
    return float(at["MA"]) / float(at["KR"])


def bio_share_of_korean_vc(venture: pd.DataFrame) -> pd.DataFrame:
    """Bio·의료 share of all new Korean VC, computed from the two preferred amounts (the printed
    shares are checked against this by the gate)."""
    bio = preferred_annual(venture, KR_SERIES).set_index("year")["amount"]
    total = preferred_annual(venture, KR_TOTAL_SERIES).set_index("year")["amount"]
    joined = pd.concat({"bio": bio, "total": total}, axis=1).dropna()
    joined["share_pct"] = 100 * joined["bio"] / joined["total"]
    return joined.reset_index()


def other_basis_years(venture: pd.DataFrame, comparison: pd.DataFrame) -> dict:
    """Years the Massachusetts line is broken, and which other-basis figures exist for the state,
    so the chapter can say why a gap is a gap."""
    ma = comparison[comparison["region"] == "MA"]
    gap_years = [int(y) for y in ma.loc[ma["usd_bn"].isna(), "year"]]
    others = venture[(venture["region"] == "MA") & (venture["series_id"] != MA_SERIES) & venture["preferred"]
                     & (venture["period"] == "FY")]
    by_basis = {basis: sorted(int(y) for y in rows["year"]) for basis, rows in others.groupby("basis", sort=True)}
    return {"gap_years": gap_years, "other_basis": by_basis}


def ma_deal_sizes(ind: pd.DataFrame, year: int = 2018) -> pd.DataFrame:
    """Pharma/bio M&A deals, value and value per deal by country (Samjong KPMG), one year."""
    pref = ind[ind["preferred"] & (ind["year"] == year)]
    deals = pref[pref["series_id"] == "pharma_bio_ma_deals_kpmg"].set_index("entity")["value"]
    value = pref[pref["series_id"] == "pharma_bio_ma_value_kpmg"].set_index("entity")["value"]
    out = pd.concat({"deals": deals, "value": value}, axis=1).dropna().astype(float)
    out["per_deal"] = out["value"] / out["deals"]
    return out.sort_values("value", ascending=False)


def ma_deal_table(ind: pd.DataFrame, year: int = 2018) -> m.Markup:
    """The M&A comparison as a table: deals, value and value per deal by country."""
    rows = [{"country": country, "deals": t.num(r["deals"]), "value": t.usd(r["value"]), "per_deal": t.usd(r["per_deal"])}
            for country, r in ma_deal_sizes(ind, year).iterrows()]
    return m.table(rows, [m.Column("국가", "country"), m.Column("건수", "deals", "r"), m.Column("거래 규모", "value", "r"),
                          m.Column("건당 규모", "per_deal", "r")])
