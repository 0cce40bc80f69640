"""The data-quality appendix (tables 9 and 10) and the claims table, on hand-made validation
summaries: the warnings column adds up to the warnings the text counts, the cross-table checks are
one Korean row per check, and claim ids sort as people number them."""

import re

import pandas as pd
import pytest

from analysis.report import quality
from analysis.review import pages
from conftest import ROOT


def check(name, table, success=True, severity="critical", examples=(), failed=0):
    return {"name": name, "table": table, "severity": severity, "success": success, "message": "english message",
            "examples": list(examples), "failed": failed}


SUMMARY = {
    "success": True,
    "tables": [{"table": "indicators", "rows": 5, "expectations": 3, "failures": []},
               {"table": "sources", "rows": 2, "expectations": 4,
                "failures": [{"severity": "warning", "table": "sources", "expectation": "x"}]}],
    "crosschecks": [check("source_id exists in sources", "indicators"), check("source_id exists in sources", "sources"),
                    check("sources agree on repeated figures", "indicators", success=False, severity="warning", failed=1,
                          examples=[{"series_id": "s", "entity": "매사추세츠", "year": "2008", "period": "FY",
                                     "printed": ["54,280 (a:4)", "54,829 (b:4)"]}])],
    "blocking": [],
    "warnings": ["[warning] sources: x", "[warning] indicators: sources agree on repeated figures — …"],
}


def rows(markdown: str) -> list[list[str]]:
    lines = [line for line in markdown.strip().splitlines() if line.startswith("|")]
    return [[re.sub(r"\\(.)", r"\1", cell.strip()) for cell in line.strip("|").split("|")] for line in lines[2:]]


def test_the_warnings_column_adds_up_to_the_warnings_the_text_counts():
    """Table 9 once showed 0 on every row while the text said 경고 1건: a failed cross-table check
    of severity 'warning' counts on its table's row."""
    table = {r[0].strip("`"): r for r in rows(quality.tables_overview(SUMMARY))}
    assert table["indicators"][4] == "1" and table["sources"][4] == "1"
    assert sum(int(r[4]) for r in table.values()) == quality.counts(SUMMARY)["warnings"]
    assert all(r[3] == "0" for r in table.values())


def test_cross_table_checks_are_one_korean_row_per_check():
    """Table 10 once repeated a check for every table, in English."""
    out = quality.crosschecks_table(SUMMARY)
    body = rows(out)
    assert len(body) == 2, out
    assert [r[0] for r in body] == [quality.CHECK_LABELS["source_id exists in sources"],
                                    quality.CHECK_LABELS["sources agree on repeated figures"]]
    assert "`indicators`, `sources`" in body[0][2] and body[0][3] == "통과"
    assert body[1][1] == "경고" and body[1][3].startswith("경고: indicators 1건") and "54,829 (b:4)" in body[1][3]
    for name in ("source_id exists in sources", "sources agree on repeated figures", "english message"):
        assert name not in out
    assert quality.counts(SUMMARY)["crosscheck_kinds"] == 2


def test_a_check_without_a_korean_description_stops_the_render():
    unknown = {**SUMMARY, "crosschecks": [check("a new check", "indicators")]}
    with pytest.raises(KeyError, match="a new check.*CHECK_LABELS"):
        quality.crosschecks_table(unknown)


def test_every_cross_table_check_the_build_runs_has_a_korean_description():
    from analysis.build.crosschecks import run_crosschecks
    from analysis.report.data import load_all

    names = {c.name for c in run_crosschecks(load_all())}
    assert len(names) >= 10
    assert names <= set(quality.CHECK_LABELS), names - set(quality.CHECK_LABELS)
    assert all(re.search("[가-힣]", label) for label in quality.CHECK_LABELS.values())


def test_claim_ids_sort_as_people_number_them():
    claims = pd.DataFrame({"claim_id": ["K10", "K2", "K8b", "K8a", "M1", "K11"], "claim": "c", "claimant": "x",
                           "verdict": "confirmed", "data_value": "—", "detail": "d", "evidence_rows": ""})
    order = [r[0] for r in rows(quality.claims_table(claims))]
    assert order == ["K2", "K8a", "K8b", "K10", "K11", "M1"]


def test_the_quality_appendix_points_to_the_sites_data_docs(monkeypatch):
    """The appendix once sent readers to build/data_docs/, which only a checkout that ran the build has."""
    text = (ROOT / "report" / "chapters" / "appendix-quality.qmd").read_text(encoding="utf-8")
    assert "build/data_docs" not in text and "q_site.on_site(q_site.DATA_DOCS" in text
    monkeypatch.delenv(pages.URL_ENV, raising=False)
    assert "`data-docs/index.html`" in pages.on_site(pages.DATA_DOCS, "데이터 검증 결과")
    monkeypatch.setenv(pages.URL_ENV, "https://example.org/boston/")
    assert pages.on_site(pages.DATA_DOCS, "데이터 검증 결과") == "[데이터 검증 결과](https://example.org/boston/data-docs/index.html)"
