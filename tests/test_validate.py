"""The expectation suites (plain JSON, reviewed like code) agree with the code's own lists, so a
new series, hospital or verdict added in code cannot be silently rejected or accepted by GX."""

import json

import pytest

from analysis.build import claims
from analysis.build.cleaning import SCHEMAS, indicators, pledges, research_hospitals, venture
from analysis.errors import SuiteError
from analysis.build.validate import load_suite_specs

from conftest import ROOT

SUITES = ROOT / "expectations"


def kwargs_of(table, expectation, column):
    spec = json.loads((SUITES / f"{table}.json").read_text(encoding="utf-8"))
    hits = [e["kwargs"] for e in spec["expectations"] if e["type"] == expectation and e["kwargs"].get("column") == column]
    assert hits, f"{table}: no {expectation} on {column}"
    return hits[0]


@pytest.mark.parametrize(("table", "column", "expected"), [
    ("venture_investment", "series_id", sorted(venture.SERIES)),
    ("indicators", "series_id", sorted(indicators.SERIES)),
    ("indicators", "period", list(indicators.PERIODS)),
    ("research_hospitals", "hospital", sorted(research_hospitals.HOSPITALS)),
    ("research_hospitals", "sido", list(research_hospitals.SIDO)),
    ("claims", "verdict", list(claims.VERDICTS)),
    ("pledges", "status", list(pledges.STATUSES)),
    ("pledges", "status_label", list(pledges.STATUSES.values())),
    ("pledge_status", "observation", list(pledges.OBSERVATIONS.values())),
])
def test_value_sets_match_the_code(table, column, expected):
    assert sorted(kwargs_of(table, "expect_column_values_to_be_in_set", column)["value_set"]) == sorted(expected)


@pytest.mark.parametrize("table", sorted(SCHEMAS))
def test_every_table_has_a_suite_with_its_exact_columns(table):
    spec = json.loads((SUITES / f"{table}.json").read_text(encoding="utf-8"))
    ordered = [e for e in spec["expectations"] if e["type"] == "expect_table_columns_to_match_ordered_list"]
    assert ordered and ordered[0]["kwargs"]["column_list"] == SCHEMAS[table].names
    assert all(e.get("severity") in ("critical", "warning") for e in spec["expectations"])


def test_a_table_without_suite_or_suite_without_table_is_an_error(tmp_path):
    (tmp_path / "a.json").write_text('{"name": "a", "expectations": []}', encoding="utf-8")
    with pytest.raises(SuiteError, match=r"no expectation suite for table\(s\) \['b'\]"):
        load_suite_specs(tmp_path, {"a": None, "b": None})
    with pytest.raises(SuiteError, match=r"suite\(s\) \['a'\] .* match no clean table"):
        load_suite_specs(tmp_path, {})
    (tmp_path / "a.json").write_text('{"name": "a", "expectations": [', encoding="utf-8")
    with pytest.raises(SuiteError, match=r"expectations/a.json: not valid JSON"):
        load_suite_specs(tmp_path, {"a": None})


def test_the_report_names_every_verdict():
    from analysis.report.quality import VERDICT_LABELS

    assert list(VERDICT_LABELS) == list(claims.VERDICTS)
