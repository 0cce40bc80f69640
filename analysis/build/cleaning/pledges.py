"""Clean tables ``pledges`` and ``pledge_status``: what Korea promised in answer to the Boston
comparison (2023 on), by when, and every dated, sourced observation of what happened since.

Why a table of its own: a pledge is not a figure of the cluster and not an event, it is a
promise with a deadline, and a reader wants, promise by promise, whether it was kept. The status
shown is never typed by hand: :func:`decide_status` derives it from the observation rows and the
report's date, so a deadline that passed with no delivery report reads "기한 경과, 이행 보고
없음", never "delivered", and a new observation changes it only through a raw row with its source.

Raw files: ``pledges.csv`` (one row per pledge, as printed) and ``pledge_status.csv`` (one row per
observation); each lives in its own source folder with its sidecar like every raw file.

Not every row of ``pledges.csv`` is a promise. Results announced during the 2023 state visit (MOUs
signed, investment announced) have no deliverable and no deadline: the optional column ``kind``
says ``발표`` for them (``약속`` when absent), the clean column ``kind`` is ``announcement`` or
``pledge``, and the report counts the two apart. An observation's figure is parsed like a
pledge's target (number and unit), and the optional column ``figure_of`` says what it counts
(the 17 projects selected and the 203 that applied are two figures of one observation). A pledge's
own date and an observation's date (when it was said or seen) are refused after today or after
their source's publication (:mod:`analysis.build.cleaning.dated`); a deadline may lie ahead.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import pandas as pd

from analysis.build.cleaning.dated import publication_dates, refuse_impossible_dates
from analysis.errors import CleaningError
from analysis.build.schema import Column, TableSchema
from analysis.build.sources import RawSource, is_partial_date, parse_partial_date, read_named_tables
from analysis.build.cleaning.figures import quantity_at
from analysis.build.cleaning.ranges import MONEY, refuse_outside

PLEDGE_FILE = "pledges.csv"
STATUS_FILE = "pledge_status.csv"
PLEDGE_COLUMNS = ("pledge_id", "date", "pledger", "pledge", "target", "deadline", "deadline_as_printed", "quote", "location")
STATUS_COLUMNS = ("pledge_id", "date", "status", "figure", "new_deadline", "quote", "location")
# Optional raw columns (absent = the default): what a row of pledges.csv is, what a figure counts.
PLEDGE_KINDS = {"약속": "pledge", "발표": "announcement"}
KIND_LABELS = {"pledge": "약속", "announcement": "방미 발표"}
OPTIONAL_PLEDGE_COLUMNS = {"kind": "약속"}
OPTIONAL_STATUS_COLUMNS = {"figure_of": ""}
# What a source can report about a pledge, in the raw files' Korean, and the code used in the
# clean table. "No public report found" is not an observation a source makes: it is what the rule
# concludes when there is none.
OBSERVATIONS = {"착수": "started", "지연": "delayed", "축소": "scaled_down", "이행": "delivered", "계획": "planned"}
# The status a pledge is given, decided by decide_status; Korean labels as the report prints them.
STATUSES = {
    "delivered": "이행",
    "delayed_scaled_down": "지연·축소",
    "delayed": "지연",
    "scaled_down": "축소",
    "overdue_no_report": "기한 경과, 이행 보고 없음",
    "started": "진행 중",
    "planned_only": "계획만 보고",
    "not_due_no_report": "기한 전, 보고 없음",
    "no_deadline_no_report": "기한 없음, 후속 보고 없음",
}

PLEDGE_SCHEMA = TableSchema(
    name="pledges",
    description="Korea's pledges after the Boston comparison (2023 on), each with its status decided by rule from the observations.",
    key=("pledge_id",),
    columns=(
        Column("pledge_id", "string", "", "Short id of the pledge (also in pledge_status).", "raw: pledge_id"),
        Column("date", "string", "YYYY[-MM[-DD]]", "When the pledge was made or printed.", "raw: date"),
        Column("year", "int", "year", "Year of the pledge.", "derived: date"),
        Column("kind", "string", "", "pledge (a promise with a deliverable) or announcement (a result announced during the 2023 state visit).",
               "raw: kind (약속/발표; 약속 when absent)"),
        Column("kind_label", "string", "", "The kind as the report prints it (Korean).", "analysis.build.cleaning.pledges.KIND_LABELS"),
        Column("pledger", "string", "", "Who pledged.", "raw: pledger"),
        Column("pledge", "string", "", "What was pledged (short, in the source's words).", "raw: pledge"),
        Column("target_as_published", "string", "", "The target figure as printed.", "raw: target"),
        Column("target_value", "float", "target_unit", "That figure parsed.", "parsed from raw: target"),
        Column("target_unit", "string", "", "Unit of target_value; empty when the source prints none.", "parsed from raw: target"),
        Column("deadline", "string", "YYYY[-MM[-DD]]", "Deadline as far as printed; empty when none was given.", "raw: deadline"),
        Column("deadline_as_printed", "string", "", "The deadline in the source's words ('2025년까지', '2년 내에').", "raw: deadline_as_printed"),
        Column("effective_deadline", "string", "YYYY[-MM[-DD]]", "The deadline after the latest reported delay.", "analysis.build.cleaning.pledges.decide_status"),
        Column("status", "string", "", "delivered, delayed, scaled_down, delayed_scaled_down, overdue_no_report, started, "
               "planned_only, not_due_no_report or no_deadline_no_report.", "analysis.build.cleaning.pledges.decide_status"),
        Column("status_label", "string", "", "The status as the report prints it (Korean).", "analysis.build.cleaning.pledges.STATUSES"),
        Column("status_as_of", "string", "YYYY-MM-DD", "The report's date the status is decided at: the newest date_accessed of any source.",
               "sidecars: date_accessed"),
        Column("status_detail", "string", "", "How the rule reached the status (Korean).", "analysis.build.cleaning.pledges.decide_status"),
        Column("n_observations", "int", "rows", "Observation rows for this pledge.", "pledge_status"),
        Column("quote", "string", "", "Verbatim quote of the pledge.", "raw: quote"),
        Column("evidence", "string", "", "primary or secondary.", "sidecar: evidence"),
        Column("source_id", "string", "", "Raw source folder.", "data/raw/<source_id>"),
        Column("source_row", "int", "line", "Line of the raw file.", "raw file line number"),
    ),
)

STATUS_SCHEMA = TableSchema(
    name="pledge_status",
    description="Dated, sourced observations of what happened to each pledge (started, delayed, scaled down, delivered).",
    key=("pledge_id", "date", "source_id", "source_row"),
    columns=(
        Column("pledge_id", "string", "", "The pledge observed (pledges.pledge_id).", "raw: pledge_id"),
        Column("date", "string", "YYYY[-MM[-DD]]", "When it was observed or reported.", "raw: date"),
        Column("year", "int", "year", "Year of the observation.", "derived: date"),
        Column("observation", "string", "", "started, delayed, scaled_down, delivered or planned (the plan restated).", "raw: status"),
        Column("figure_as_published", "string", "", "The figure the source gives with it, as printed.", "raw: figure"),
        Column("figure_value", "float", "figure_unit", "That figure parsed.", "parsed from raw: figure"),
        Column("figure_unit", "string", "", "Unit of figure_value (count for a bare or counter-word number).", "parsed from raw: figure"),
        Column("figure_of", "string", "", "What the figure counts, in the source's terms.", "raw: figure_of"),
        Column("new_deadline", "string", "YYYY[-MM[-DD]]", "For a delay: the new date given.", "raw: new_deadline"),
        Column("quote", "string", "", "Verbatim quote.", "raw: quote"),
        Column("evidence", "string", "", "primary or secondary.", "sidecar: evidence"),
        Column("source_id", "string", "", "Raw source folder.", "data/raw/<source_id>"),
        Column("source_row", "int", "line", "Line of the raw file.", "raw file line number"),
    ),
)


@dataclass(frozen=True)
class Observation:
    """One dated observation of a pledge, as the rule needs it."""

    date: str
    kind: str  # a value of OBSERVATIONS
    new_deadline: str | None = None


@dataclass(frozen=True)
class Decision:
    status: str
    effective_deadline: str | None
    detail: str


def deadline_passed(deadline: str | None, as_of: dt.date) -> bool:
    """A deadline has passed once the last day it can mean is before the report's date: '2025'
    has passed on 2026-01-01, not on 2025-06-30 (a year-end promise is not late in June)."""
    if not deadline:
        return False
    span = parse_partial_date(deadline)
    return span is not None and span[1] < as_of


def decide_status(deadline: str | None, observations: Sequence[Observation], as_of: dt.date) -> Decision:
    """The status of one pledge from its observations and the report's date, by these rules in order:

    1. a delivery report -> delivered (whenever it came);
    2. the deadline, moved by the latest reported delay, has passed -> overdue_no_report, whatever
       else was reported (a start, a delay, a cut is not a delivery);
    3. a reported delay and a reported cut -> delayed_scaled_down; a delay alone -> delayed; a cut
       alone -> scaled_down;
    4. a reported start -> started;
    5. only the plan restated (no start, delay, cut or delivery) -> planned_only;
    6. nothing reported: not_due_no_report before the deadline, no_deadline_no_report without one.

    Observations dated after ``as_of`` are not yet known at the report's date and are ignored.
    """
    seen = [o for o in observations if (parse_partial_date(o.date) or (dt.date.max,))[0] <= as_of]
    kinds = {o.kind for o in seen}
    delays = sorted((o for o in seen if o.kind == "delayed" and o.new_deadline), key=lambda o: o.date)
    effective = delays[-1].new_deadline if delays else (deadline or None)
    if "delivered" in kinds:
        when = max(o.date for o in seen if o.kind == "delivered")
        late = " (기한 후)" if deadline and deadline_passed(deadline, parse_partial_date(when)[0]) else ""
        return Decision("delivered", effective, f"{when} 이행 보고{late}.")
    if deadline_passed(effective, as_of):
        moved = f"(연기된 기한 {effective}, 원래 {deadline})" if delays else f"({effective})"
        return Decision("overdue_no_report", effective, f"기한{moved}이 {as_of.isoformat()} 현재 지났고 이행 보고가 없다.")
    if "delayed" in kinds and "scaled_down" in kinds:
        return Decision("delayed_scaled_down", effective, f"기한이 {effective}(으)로 연기되고 규모가 축소됐다는 보고가 있다.")
    if "delayed" in kinds:
        return Decision("delayed", effective, f"기한이 {effective}(으)로 연기됐다는 보고가 있다.")
    if "scaled_down" in kinds:
        return Decision("scaled_down", effective, "규모가 축소됐다는 보고가 있다.")
    if "started" in kinds:
        return Decision("started", effective, "착수 보고가 있고 기한 전이다." if effective else "착수 보고가 있다(기한 없음).")
    if "planned" in kinds:
        return Decision("planned_only", effective, "계획을 다시 밝힌 보고만 있고 착수·이행 보고가 없다.")
    if effective:
        return Decision("not_due_no_report", effective, f"기한({effective}) 전이고 아직 보고가 없다.")
    return Decision("no_deadline_no_report", None, "기한이 없고 후속 보고를 찾지 못했다.")


def with_defaults(df: pd.DataFrame, optional: Mapping[str, str]) -> pd.DataFrame:
    """Optional raw columns: a file without the column, or a row with the cell empty, takes the default."""
    out = df.copy()
    for column, default in optional.items():
        out[column] = out[column].replace("", default).fillna(default) if column in out.columns else default
    return out


def report_date(sources: Mapping[str, RawSource]) -> dt.date:
    """The date statuses are decided at: the newest ``date_accessed`` of any source, i.e. the day
    the sources were last checked. Not the build's clock: "no report found" is only true as of the
    last search, and the clean data stay the same bytes until a source is checked again."""
    return max(parse_partial_date(str(s.meta["date_accessed"]))[1] for s in sources.values())


def _check_date_cell(row, column: str, value: str, required: bool) -> None:
    if not value:
        if required:
            raise CleaningError(row.file, row.source_row, column, "empty; expected YYYY, YYYY-MM or YYYY-MM-DD")
        return
    if not is_partial_date(value):
        raise CleaningError(row.file, row.source_row, column, f"expected YYYY, YYYY-MM or YYYY-MM-DD, found {value!r}")


def parse_pledges(df: pd.DataFrame) -> pd.DataFrame:
    """Pledge rows: dates checked, the target parsed from its printed notation, ids unique."""
    out = df.copy()
    values, units, seen = [], [], {}
    for row in out.itertuples():
        if not row.pledge_id:
            raise CleaningError(row.file, row.source_row, "pledge_id", "empty pledge id")
        if row.pledge_id in seen:
            raise CleaningError(row.file, row.source_row, "pledge_id", f"pledge {row.pledge_id!r} is already defined at {seen[row.pledge_id]}")
        seen[row.pledge_id] = f"{row.file}:{row.source_row}"
        for column in ("pledger", "pledge", "quote"):
            if not getattr(row, column):
                raise CleaningError(row.file, row.source_row, column, f"empty {column}; a pledge is recorded as printed, with its quote")
        _check_date_cell(row, "date", row.date, required=True)
        _check_date_cell(row, "deadline", row.deadline, required=False)
        if row.deadline and not row.deadline_as_printed:
            raise CleaningError(row.file, row.source_row, "deadline_as_printed", "a deadline needs the words the source used for it")
        if row.kind not in PLEDGE_KINDS:
            raise CleaningError(row.file, row.source_row, "kind", f"expected one of {list(PLEDGE_KINDS)} (or no column: 약속), found {row.kind!r}")
        if row.target:
            q = quantity_at(row, "target", row.target)
            for v in (q.value, q.low, q.high):
                refuse_outside(row.file, row.source_row, "target", row.target, v, "amount" if q.unit in MONEY else "count", q.unit)
            values.append(q.value if q.value is not None else q.high)
            units.append(q.unit)  # None when the source prints no unit ('200억'): not guessed
        else:
            values.append(None), units.append(None)
    return out.assign(year=out["date"].str[:4].astype(int), kind=out["kind"].map(PLEDGE_KINDS),
                      kind_label=out["kind"].map(PLEDGE_KINDS).map(KIND_LABELS), target_as_published=out["target"].replace("", None),
                      target_value=values, target_unit=units, deadline=out["deadline"].replace("", None),
                      deadline_as_printed=out["deadline_as_printed"].replace("", None))


def parse_status_rows(df: pd.DataFrame, pledge_ids: set[str]) -> pd.DataFrame:
    """Observation rows: a known pledge, a known kind, a date; a delay names its new deadline; the
    figure, when there is one, is parsed (number and unit) and cannot be negative."""
    out = df.copy()
    values, units = [], []
    for row in out.itertuples():
        if row.pledge_id not in pledge_ids:
            raise CleaningError(row.file, row.source_row, "pledge_id", f"unknown pledge {row.pledge_id!r}; known: {sorted(pledge_ids)}")
        if row.status not in OBSERVATIONS:
            raise CleaningError(row.file, row.source_row, "status", f"expected one of {list(OBSERVATIONS)}, found {row.status!r}")
        _check_date_cell(row, "date", row.date, required=True)
        _check_date_cell(row, "new_deadline", row.new_deadline, required=row.status == "지연")
        if row.new_deadline and row.status != "지연":
            raise CleaningError(row.file, row.source_row, "new_deadline", "only a delay (지연) gives a new deadline")
        if not row.quote:
            raise CleaningError(row.file, row.source_row, "quote", "an observation needs its verbatim quote")
        if row.figure:
            q = quantity_at(row, "figure", row.figure)
            for v in (q.value, q.low, q.high):
                refuse_outside(row.file, row.source_row, "figure", row.figure, v, "amount" if q.unit in MONEY else "count", q.unit)
            values.append(q.value if q.value is not None else q.high)
            units.append(q.unit or "count")
        else:
            if row.figure_of:
                raise CleaningError(row.file, row.source_row, "figure_of", "says what a figure counts, but the row has no figure")
            values.append(None), units.append(None)
    return out.assign(year=out["date"].str[:4].astype(int), observation=out["status"].map(OBSERVATIONS),
                      figure_as_published=out["figure"].replace("", None), figure_value=values, figure_unit=units,
                      figure_of=out["figure_of"].replace("", None), new_deadline=out["new_deadline"].replace("", None))


def attach_status(pledges: pd.DataFrame, status: pd.DataFrame, as_of: dt.date) -> pd.DataFrame:
    """Each pledge with the status :func:`decide_status` gives it at ``as_of``."""
    out = pledges.copy()
    decided = []
    for row in out.itertuples():
        rows = status[status["pledge_id"] == row.pledge_id]
        obs = [Observation(r.date, r.observation, r.new_deadline if isinstance(r.new_deadline, str) else None) for r in rows.itertuples()]
        d = decide_status(row.deadline if isinstance(row.deadline, str) else None, obs, as_of)
        decided.append({"effective_deadline": d.effective_deadline, "status": d.status, "status_label": STATUSES[d.status],
                        "status_detail": d.detail, "n_observations": len(obs)})
    extra = pd.DataFrame(decided, index=out.index, columns=["effective_deadline", "status", "status_label", "status_detail", "n_observations"])
    return pd.concat([out, extra], axis=1).assign(status_as_of=as_of.isoformat())


def clean_pledges(sources: Mapping[str, RawSource], root, today: dt.date | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Both tables: pledges with their decided status, and the observations they rest on."""
    raw_p = with_defaults(read_named_tables(sources, root, PLEDGE_FILE, PLEDGE_COLUMNS), OPTIONAL_PLEDGE_COLUMNS)
    if raw_p.empty:
        raise CleaningError("data/raw", None, None, f"no {PLEDGE_FILE} source found for pledges")
    raw_s = with_defaults(read_named_tables(sources, root, STATUS_FILE, STATUS_COLUMNS), OPTIONAL_STATUS_COLUMNS)
    published = publication_dates(sources)
    pledges = parse_pledges(raw_p)
    refuse_impossible_dates(pledges, "date", published, today)
    status = parse_status_rows(raw_s, set(pledges["pledge_id"]))
    refuse_impossible_dates(status, "date", published, today)
    decided = attach_status(pledges, status, report_date(sources))
    return PLEDGE_SCHEMA.enforce(decided), STATUS_SCHEMA.enforce(status.assign(quote=status["quote"].replace("", None)))
