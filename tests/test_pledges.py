"""Pledges: the status rule (one test per rule), the raw checks (file:row:column), and dates that
cannot be true refused in both pledge tables."""

import datetime as dt

import pandas as pd
import pytest

from analysis.build.cleaning import pledges as P
from analysis.build.cleaning.pledges import Observation as O
from analysis.errors import CleaningError
from analysis.build.sources import RawSource

AS_OF = dt.date(2026, 12, 3)


# ---------------------------------------------------------------- the status rule

def test_rule1_a_delivery_report_is_delivered_even_after_the_deadline():
    d = P.decide_status("2025", [O("2024", "started"), O("2026-03-02", "delivered")], AS_OF)
    assert d.status == "delivered" and "기한 후" in d.detail


def test_rule2_a_passed_deadline_with_no_delivery_report_is_overdue_never_delivered():
    assert P.decide_status("2025", [], AS_OF).status == "overdue_no_report"
    assert P.STATUSES["overdue_no_report"] == "기한 경과, 이행 보고 없음"


def test_rule2_kist_boston_centre_planned_end_2024_with_no_opening_report():
    """Planned for the end of 2024, a plan reported, no opening found: its own status, not delivered."""
    d = P.decide_status("2024-12", [O("2024", "started")], AS_OF)
    assert d.status == "overdue_no_report" and d.effective_deadline == "2024-12"


def test_rule2_a_start_or_cut_does_not_stop_a_deadline_passing():
    assert P.decide_status("2025", [O("2024", "started"), O("2025-03", "scaled_down")], AS_OF).status == "overdue_no_report"


def test_rule2_a_delayed_deadline_that_has_passed_too_is_overdue():
    d = P.decide_status("2024", [O("2024-06", "delayed", "2025-06")], AS_OF)
    assert d.status == "overdue_no_report" and d.effective_deadline == "2025-06" and "원래 2024" in d.detail


def test_rule3_delay_and_cut_before_the_new_deadline():
    obs = [O("2024", "delayed", "2028"), O("2024", "scaled_down"), O("2025-02-13", "started")]
    d = P.decide_status("2025", obs, AS_OF)
    assert (d.status, d.effective_deadline) == ("delayed_scaled_down", "2028")


def test_rule3_the_latest_delay_sets_the_deadline():
    d = P.decide_status("2025", [O("2024-01", "delayed", "2026"), O("2025-05", "delayed", "2028")], AS_OF)
    assert (d.status, d.effective_deadline) == ("delayed", "2028")


def test_rule3_a_cut_alone():
    assert P.decide_status("2027", [O("2025", "scaled_down")], AS_OF).status == "scaled_down"


def test_rule4_started_before_the_deadline_or_without_one():
    assert P.decide_status("2027", [O("2025", "started")], AS_OF).status == "started"
    assert P.decide_status(None, [O("2025", "started")], AS_OF).status == "started"


def test_rule5_only_the_plan_restated_is_its_own_status_never_started():
    """KIST's Boston centre: an interview (2024) and a briefing (2025-02) restate the plan; neither is a start."""
    d = P.decide_status("2027", [O("2024", "planned"), O("2025-02-16", "planned")], AS_OF)
    assert d.status == "planned_only" and P.STATUSES["planned_only"] == "계획만 보고"
    assert P.decide_status("2027", [O("2024", "planned"), O("2025", "started")], AS_OF).status == "started"
    assert P.decide_status("2025", [O("2024", "planned")], AS_OF).status == "overdue_no_report"


def test_rule6_nothing_reported():
    assert P.decide_status("2027", [], AS_OF).status == "not_due_no_report"
    assert P.decide_status(None, [], AS_OF).status == "no_deadline_no_report"


def test_a_deadline_passes_after_the_last_day_it_can_mean():
    assert not P.deadline_passed("2025", dt.date(2025, 12, 31))
    assert P.deadline_passed("2025", dt.date(2026, 1, 1))
    assert not P.deadline_passed("2026-12", AS_OF) and P.deadline_passed("2026-11", AS_OF)


def test_observations_after_the_report_date_are_not_yet_known():
    assert P.decide_status("2025", [O("2027-01", "delivered")], AS_OF).status == "overdue_no_report"


def test_every_status_has_a_label():
    assert set(P.STATUSES) == {"delivered", "delayed_scaled_down", "delayed", "scaled_down", "overdue_no_report", "started",
                               "planned_only", "not_due_no_report", "no_deadline_no_report"}


# ---------------------------------------------------------------- raw tables

PLEDGE_HEADER = "pledge_id,date,pledger,pledge,target,deadline,deadline_as_printed,quote,location\n"
STATUS_HEADER = "pledge_id,date,status,figure,new_deadline,quote,location\n"


def sources(tmp_path, pledge_rows, status_rows=None, published="2023-05-12", status_published="2024"):
    """Two raw folders on disk (a pledge source, a status source) with minimal sidecar fields."""
    out = {}
    for sid, name, header, rows, pub in (("p1", "pledges.csv", PLEDGE_HEADER, pledge_rows, published),
                                         ("s1", "pledge_status.csv", STATUS_HEADER, status_rows, status_published)):
        if rows is None:
            continue
        folder = tmp_path / "data" / "raw" / sid
        folder.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(header + "".join(r + "\n" for r in rows), encoding="utf-8")
        out[sid] = RawSource(sid, folder / name, {"date_published": pub, "date_accessed": "2026-12-03", "evidence": "secondary"})
    return out


GOOD = "HN-FIRMS,2023-05-12,과기정통부,입주 기업 500개로,500개,2025,2025년,입주 기업을 … 500개로 늘리고,본문"


def test_clean_pledges_decides_status_from_rows_and_the_report_date(tmp_path):
    src = sources(tmp_path, [GOOD, "LABHUB,2023-03-22,중기부,랩허브 구축,2천726억원,2025,2025년까지,2025년까지 구축을 완료,본문"],
                  ["LABHUB,2024,지연,,2028,2028년은 돼야 가동,1문단"])
    p, s = P.clean_pledges(src, tmp_path, today=AS_OF)
    assert dict(zip(p["pledge_id"], p["status"])) == {"HN-FIRMS": "overdue_no_report", "LABHUB": "delayed"}
    assert p["status_as_of"].unique().tolist() == ["2026-12-03"]
    assert p.loc[p["pledge_id"] == "LABHUB", "target_value"].iloc[0] == 272_600_000_000
    assert s["observation"].tolist() == ["delayed"] and s["source_row"].tolist() == [2]


@pytest.mark.parametrize(("row", "column", "message"), [
    ("HN-FIRMS,2052-05-12,과기정통부,x,500개,2025,2025년,q,본문", "date", "is after today"),
    ("HN-FIRMS,2023-06-01,과기정통부,x,500개,2025,2025년,q,본문", "date", "after its source's date_published 2023-05-12"),
    ("HN-FIRMS,12 May 2023,과기정통부,x,500개,2025,2025년,q,본문", "date", "expected YYYY"),
    ("HN-FIRMS,2023-05-12,과기정통부,x,많이,2025,2025년,q,본문", "target", ""),
    ("HN-FIRMS,2023-05-12,과기정통부,x,500개,2025,,q,본문", "deadline_as_printed", "needs the words"),
    ("HN-FIRMS,2023-05-12,과기정통부,x,500개,2025,2025년,,본문", "quote", "empty quote"),
])
def test_bad_pledge_rows_name_file_row_column(tmp_path, row, column, message):
    with pytest.raises(CleaningError, match=rf"^data/raw/p1/pledges.csv:3:{column}: .*{message}"):
        P.clean_pledges(sources(tmp_path, [GOOD.replace("HN-FIRMS", "OTHER"), row]), tmp_path, today=AS_OF)


def test_a_pledge_deadline_may_lie_ahead(tmp_path):
    p, _ = P.clean_pledges(sources(tmp_path, [GOOD.replace(",2025,2025년,", ",2031,2031년까지,")]), tmp_path, today=AS_OF)
    assert p["status"].tolist() == ["not_due_no_report"]


def test_a_pledge_defined_twice_is_refused(tmp_path):
    with pytest.raises(CleaningError, match=r"pledges.csv:3:pledge_id: pledge 'HN-FIRMS' is already defined at data/raw/p1/pledges.csv:2"):
        P.clean_pledges(sources(tmp_path, [GOOD, GOOD]), tmp_path, today=AS_OF)


@pytest.mark.parametrize(("row", "column", "message"), [
    ("HN-FIRMS,2052-01-01,착수,,,q,본문", "date", "is after today"),
    ("HN-FIRMS,2025-03,착수,,,q,본문", "date", "after its source's date_published 2024"),
    ("NOPE,2024,착수,,,q,본문", "pledge_id", "unknown pledge 'NOPE'"),
    ("HN-FIRMS,2024,완료,,,q,본문", "status", "expected one of"),
    ("HN-FIRMS,2024,지연,,,q,본문", "new_deadline", "empty"),
    ("HN-FIRMS,2024,착수,,2028,q,본문", "new_deadline", "only a delay"),
    ("HN-FIRMS,2024,착수,,,,본문", "quote", "verbatim quote"),
])
def test_bad_status_rows_name_file_row_column(tmp_path, row, column, message):
    with pytest.raises(CleaningError, match=rf"^data/raw/s1/pledge_status.csv:2:{column}: .*{message}"):
        P.clean_pledges(sources(tmp_path, [GOOD], [row]), tmp_path, today=AS_OF)


def test_status_rows_dated_ahead_of_today_are_refused_whatever_the_sidecar_says(tmp_path):
    src = sources(tmp_path, [GOOD], ["HN-FIRMS,2027-01-05,이행,,,q,본문"], status_published="2027")
    with pytest.raises(CleaningError, match=r"pledge_status.csv:2:date: the date 2027-01-05 is after today \(2026-12-03\)"):
        P.clean_pledges(src, tmp_path, today=AS_OF)


def test_an_observation_figure_is_parsed_with_its_unit_and_what_it_counts(tmp_path):
    """The Boston–Korea selection: 17 projects selected and 203 applied, each a number with a unit."""
    rows = ["HN-FIRMS,2024,착수,17건,,총 203건의 과제가 지원해 … 총 17건이 우수과제로,본문,선정된 우수과제",
            "HN-FIRMS,2024,착수,203건,,총 203건의 과제가 지원해 … 총 17건이 우수과제로,본문,지원한 과제",
            "HN-FIRMS,2024,축소,2만6천㎡,,연면적이 2만6천㎡로 변경됐다,본문,",
            "HN-FIRMS,2024,지연,,2027,2027년말 준공,본문,"]
    src = sources(tmp_path, [GOOD], rows)
    (tmp_path / "data/raw/s1/pledge_status.csv").write_text(STATUS_HEADER.strip() + ",figure_of\n" + "".join(r + "\n" for r in rows),
                                                           encoding="utf-8")
    _, s = P.clean_pledges(src, tmp_path, today=AS_OF)
    assert s["figure_value"].tolist()[:3] == [17.0, 203.0, 26_000.0] and pd.isna(s["figure_value"].iloc[3])
    assert s["figure_unit"].tolist()[:3] == ["count", "count", "m2"]
    assert s["figure_of"].tolist()[:2] == ["선정된 우수과제", "지원한 과제"] and pd.isna(s["figure_of"].iloc[2])


def test_a_negative_or_unparseable_observation_figure_is_refused_at_its_cell(tmp_path):
    with pytest.raises(CleaningError, match=r"^data/raw/s1/pledge_status.csv:2:figure: '-17건' is -17 count; allowed for a count: 0 or more"):
        P.clean_pledges(sources(tmp_path, [GOOD], ["HN-FIRMS,2024,착수,-17건,,q,본문"]), tmp_path, today=AS_OF)
    with pytest.raises(CleaningError, match=r"^data/raw/p1/pledges.csv:2:target: '-500개' is -500 count; allowed for a count: 0 or more"):
        P.clean_pledges(sources(tmp_path, [GOOD.replace(",500개,", ",-500개,")]), tmp_path, today=AS_OF)


def test_announcements_are_their_own_kind_and_a_bad_kind_is_refused(tmp_path):
    """State-visit results (MOUs signed, investment announced) are not promises: kind 발표."""
    header = PLEDGE_HEADER.strip() + ",kind\n"
    src = sources(tmp_path, [GOOD])
    path = tmp_path / "data/raw/p1/pledges.csv"
    path.write_text(header + GOOD + ",\n" + "VISIT-INVEST,2023-05-04,방미,투자 유치,59억 달러,,,59억 달러의 투자 유치,본문,발표\n", encoding="utf-8")
    p, _ = P.clean_pledges(src, tmp_path, today=AS_OF)
    assert dict(zip(p["pledge_id"], p["kind"])) == {"HN-FIRMS": "pledge", "VISIT-INVEST": "announcement"}
    assert dict(zip(p["pledge_id"], p["kind_label"]))["VISIT-INVEST"] == "방미 발표"
    path.write_text(header + GOOD + ",약속함\n", encoding="utf-8")
    with pytest.raises(CleaningError, match=r"^data/raw/p1/pledges.csv:2:kind: expected one of \['약속', '발표'\]"):
        P.clean_pledges(src, tmp_path, today=AS_OF)


def test_figure_of_without_a_figure_is_refused(tmp_path):
    src = sources(tmp_path, [GOOD], [])
    (tmp_path / "data/raw/s1/pledge_status.csv").write_text(STATUS_HEADER.strip() + ",figure_of\nHN-FIRMS,2024,착수,,,q,본문,선정 과제\n",
                                                           encoding="utf-8")
    with pytest.raises(CleaningError, match=r"pledge_status.csv:2:figure_of: says what a figure counts, but the row has no figure"):
        P.clean_pledges(src, tmp_path, today=AS_OF)


def test_report_date_is_the_newest_access_date():
    def src(acc):
        return RawSource("x", None, {"date_accessed": acc})
    assert P.report_date({"a": src("2026-11-24"), "b": src("2026-12-03")}) == dt.date(2026, 12, 3)
