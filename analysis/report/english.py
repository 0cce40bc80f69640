"""The English summary (the site's en.html and the PDF's abstract), for readers on the Boston side.

The same figures as the Korean summary, from the same rows by the same chapter helpers, each
cited with :func:`provenance.cite` (so the tooltip and the PDF reference point to the same source);
only the words around them and the number formats are English. The Korean report is the primary
text: where the two could differ, the chapter helpers decide.
"""

from __future__ import annotations

import pandas as pd

from analysis.report import density, hospitals, investment
from analysis.report import provenance as prov
from analysis.report import text as t
from analysis.report.series import value_at

VERDICTS_EN = {"confirmed": "confirmed", "differs": "contradicted by the data", "outdated": "outdated by newer data",
               "partly reproducible": "partly reproducible", "not reproducible": "not reproducible",
               "unsourced": "without any public source"}


# Each basis as the English text names it where two are compared.
BASIS_NAMES_EN = {investment.MA_SERIES: "MassBio", investment.KR_SERIES: "Ministry of SMEs and Startups",
                  "partners_research_funds": "as reported by the Korea Economic Daily",
                  "kr_rh_research_funds_mohw": "Ministry of Health and Welfare total"}


def named(row: pd.Series) -> prov.Named:
    return prov.basis(row, BASIS_NAMES_EN[row["series_id"]])


# Korean places as the English page names them (their operators' own English names). The data
# name them in Korean, as their sources print them; an English sentence never shows Hangul.
PLACE_NAMES = {"K-바이오 랩허브": "K-Bio Lab Hub (Songdo, Incheon)",
               "대구경북첨단의료복합단지": "Daegu-Gyeongbuk Medical Innovation Foundation complex",
               "서울바이오허브": "Seoul Bio Hub", "송도 바이오클러스터": "Songdo bio cluster (Incheon)",
               "오송생명과학단지": "Osong Bio Valley", "원주 의료기기 클러스터": "Wonju medical device cluster",
               "홍릉 강소연구개발특구": "Hongneung R&D special zone (Seoul)"}


def place(name: str) -> str:
    try:
        return PLACE_NAMES[name]
    except KeyError:
        raise KeyError(f"no English name for the place {name!r}: add it to PLACE_NAMES in analysis/report/english.py") from None


def times(ratio: float) -> str:
    return f"{float(ratio):.1f} times"


def usd(row: pd.Series) -> prov.Cited:
    """A venture amount in US$, saying the exchange rate where the source printed won."""
    how = (f"converted from won at that year's ECB average of {t.rate(row['krw_per_usd'])} KRW per US$"
           if row["currency"] == "KRW" else None)
    return prov.cite(t.usd(row["amount_usd"]), row, how=how)


def density_figures(ind: pd.DataFrame) -> dict:
    jobs = density.jobs_growth(ind)
    first, last = jobs["first"], jobs["last"]
    kr = density.largest_korean_cluster_jobs(ind)
    about = "about " if kr["qualifier"] in ("approx", "at_least", "more_than") else ""
    return {
        "first_year": prov.label(jobs["first_year"]), "last_year": prov.label(jobs["last_year"]),
        "jobs": prov.cite(t.num(last["value"]), last),
        "growth": prov.cite(t.pct(100 * (float(last["value"]) / float(first["value"]) - 1), 0), [first, last],
                            how="growth between the two years' job counts", kind="change"),
        "kr_cluster": prov.label(place(kr["entity"])), "kr_year": prov.label(int(kr["year"])),
        "kr_jobs": prov.cite(f"{about}{t.num(kr['value'])}{t.dagger(kr['evidence'])}", kr),
    }


def investment_figures(venture: pd.DataFrame) -> dict:
    year = investment.latest_common_year(venture)
    ma = investment.at(venture, investment.MA_SERIES, year)
    kr = investment.at(venture, investment.KR_SERIES, year)
    return {"year": prov.label(year), "ma": usd(ma), "kr": usd(kr), "ma_basis": named(ma), "kr_basis": named(kr),
            "ratio": prov.cite(times(float(ma["amount_usd"]) / float(kr["amount_usd"])), [ma, kr], how="ratio of the two US$ amounts",
                               kind="ratio")}


def _hospital_counts(rh: pd.DataFrame, rnd: str) -> dict:
    rows = rh[rh["round"] == rnd]
    capital = int(rows["capital_region"].sum())
    n = prov.cite(str(len(rows)), rows, how="hospitals counted in the list", kind="count")
    cap = prov.cite(str(capital), rows, how="hospitals of the list in Seoul, Incheon or Gyeonggi", kind="count")
    return {"year": prov.label(hospitals.ROUND_YEAR[rnd]), "n": n, "capital": cap,
            "share": prov.cite(t.pct(100 * capital / len(rows), 0), [cap, n], how="capital-region hospitals ÷ all", kind="share")}


def hospital_figures(rh: pd.DataFrame, ind: pd.DataFrame) -> dict:
    year = hospitals.partners_year(ind)
    partners = value_at(ind, "partners_research_funds", year)
    korea = value_at(ind, "kr_rh_research_funds_mohw", year)
    return {"first": _hospital_counts(rh, "2013_designation"), "now": _hospital_counts(rh, "2025_certification"),
            "partners_year": prov.label(year), "partners_basis": named(partners), "korea_basis": named(korea),
            "partners_ratio": prov.cite(times(float(partners["value"]) / float(korea["value"])), [partners, korea],
                                        how="ratio of the two research budgets (in won, as the Korean sources print them)", kind="ratio")}


def verdict_counts(claims: pd.DataFrame) -> prov.Cited:
    """'5 confirmed, 2 contradicted by the data, …' in the order the report lists verdicts."""
    parts = []
    for verdict, words in VERDICTS_EN.items():
        rows = claims[claims["verdict"] == verdict]
        if len(rows):
            parts.append(prov.cite(f"{len(rows)} {words}", rows, how="claims with this verdict", mark=False, kind="count"))
    return prov.join(parts, "; ")


def claims_checked(claims: pd.DataFrame) -> prov.Cited:
    return prov.cite(f"{len(claims)} claims", claims, how="claims checked", mark=False, kind="count")


def findings(tables: dict[str, pd.DataFrame]) -> dict:
    """Everything the English page and abstract say, keyed by finding."""
    return {"density": density_figures(tables["indicators"]), "investment": investment_figures(tables["venture_investment"]),
            "hospitals": hospital_figures(tables["research_hospitals"], tables["indicators"]),
            "verdicts": verdict_counts(tables["claims"]), "claims": claims_checked(tables["claims"])}
