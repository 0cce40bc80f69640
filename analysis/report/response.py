"""Numbers, the timeline and the table for the 한국의 대응 (Korea's response) chapter."""

from __future__ import annotations

import pandas as pd

from analysis.report import evidence
from analysis import markup as m
from analysis.report import provenance as prov
from analysis.report import text as t

CATEGORY_LABELS = {"regulation": "규제", "response": "대응"}
# An event is a plan when its text states a target or a plan, not something that happened.
PLAN_WORDS = ("목표", "계획")


def is_plan(event: str) -> bool:
    return any(word in str(event) for word in PLAN_WORDS)


def events_table(events: pd.DataFrame) -> m.Markup:
    """The dated timeline of regulation and response; a target is marked as a plan, and a figure
    keeps its printed form, its provenance and the dagger of secondary evidence."""
    rows = []
    for _, e in events.sort_values(["date", "source_row"]).iterrows():
        figure = None if pd.isna(e["figure_as_published"]) else prov.cite(
            evidence.hedge(f"{e['figure_as_published']}{t.dagger(e['evidence'])}", e), e, mark=False)
        kind = evidence.MARK if evidence.unconfirmed_in(e) else "계획·목표" if is_plan(e["event"]) else "사실"
        rows.append({"date": e["date"], "cat": CATEGORY_LABELS[e["category"]], "event": e["event"], "kind": kind, "figure": figure})
    return m.table(rows, [m.Column("날짜", "date", "l", 1.2), m.Column("구분", "cat", "l", 0.7), m.Column("내용", "event", "l", 4.6),
                          m.Column("성격", "kind", "l", 0.9), m.Column("수치", "figure", "r", 1.6)])


def _start(date: str) -> pd.Timestamp:
    """Where a partial date sits on the axis: a year at its middle, a month at its 15th."""
    parts = str(date).split("-")
    return pd.Timestamp(int(parts[0]), int(parts[1]) if len(parts) > 1 else 7, int(parts[2]) if len(parts) > 2 else (15 if len(parts) > 1 else 1))


def timeline_frame(events: pd.DataFrame) -> pd.DataFrame:
    out = events.sort_values(["date", "source_row"]).copy()
    out["category"] = out["category"].map(CATEGORY_LABELS)
    out["kind"] = out["event"].map(lambda e: "계획·목표" if is_plan(e) else "사실")
    out["date_start"] = out["date"].map(_start).dt.strftime("%Y-%m-%d")
    # A figure not seen in its source's text says so in the tooltip too.
    out["figure_as_published"] = [None if pd.isna(f) else evidence.hedge(f, r) for f, (_, r) in zip(out["figure_as_published"], out.iterrows())]
    return out


def event(events: pd.DataFrame, contains: str) -> pd.Series:
    """The one event whose text contains ``contains`` (a chapter's named reference to the timeline)."""
    hits = events[events["event"].str.contains(contains, regex=False)]
    if len(hits) != 1:
        raise KeyError(f"expected one event containing {contains!r}, found {len(hits)}")
    return hits.iloc[0]


def figure(events: pd.DataFrame, contains: str) -> prov.Cited:
    """An event's figure for a sentence that states it: refused (evidence.UnconfirmedStatement) when
    the event's row marks it unconfirmed — such a figure is not stated as fact."""
    e = event(events, contains)
    return prov.cite(f"{e['figure_as_published']}{t.dagger(e['evidence'])}", e)


# --------------------------------------------------------------------------- pledges

# Status colours, in the order the legend lists them: delivered green, delays and cuts amber and
# orange, overdue red, under way blue, nothing reported yet greys (Okabe-Ito-like, darkened until
# each has 3:1 or more against the white page; readable in grey print because the status is always
# written next to the colour: in the chart above each bar, in the table in its cell).
STATUS_COLORS = {
    "이행": "#009E73",
    "진행 중": "#0F4C81",
    "계획만 보고": "#3289C7",
    "지연": "#B8860B",
    "축소": "#C0659A",
    "지연·축소": "#D55E00",
    "기한 경과, 이행 보고 없음": "#B2182B",
    "기한 전, 보고 없음": "#6E6E6E",
    "기한 없음, 후속 보고 없음": "#949494",
}
STATUS_COLOR_NAMES = {"이행": "초록", "진행 중": "파랑", "계획만 보고": "하늘", "지연": "겨자", "축소": "분홍", "지연·축소": "주황",
                      "기한 경과, 이행 보고 없음": "빨강", "기한 전, 보고 없음": "회색", "기한 없음, 후속 보고 없음": "옅은 회색"}
STATUS_RULES = {
    "이행": "이행(개소·완공·달성)을 알린 보도나 발표가 있다. 기한 뒤에 나왔어도 이행이다.",
    "진행 중": "착수 보고가 있고 기한이 아직 지나지 않았다(또는 기한이 없다).",
    "계획만 보고": "계획을 다시 밝힌 보고만 있고 착수·이행 보고는 없으며, 기한은 아직 지나지 않았다.",
    "지연": "기한을 늦춘다는 보고가 있고, 늦춘 기한은 아직 지나지 않았다.",
    "축소": "규모를 줄인다는 보고가 있고, 기한은 아직 지나지 않았다.",
    "지연·축소": "기한 연기와 규모 축소가 모두 보고되었고, 늦춘 기한은 아직 지나지 않았다.",
    "기한 경과, 이행 보고 없음": "(늦춘 것이 있으면 늦춘) 기한이 판정 기준일 전에 지났는데 이행 보고를 찾지 못했다. 착수나 연기 보고가 있어도 이행이 아니다.",
    "기한 전, 보고 없음": "기한 전이고 아직 어떤 보고도 찾지 못했다.",
    "기한 없음, 후속 보고 없음": "약속에 기한이 없고 그 뒤의 보고를 찾지 못했다.",
}
OBSERVATION_LABELS = {"started": "착수", "delayed": "지연", "scaled_down": "축소", "delivered": "이행", "planned": "계획"}
LABEL_CHARS = 24


def pledge_label(pledge: pd.Series) -> str:
    """The chart's row name for a pledge: its text, cut to fit the axis (the table gives it whole)."""
    text = str(pledge["pledge"])
    return text if len(text) <= LABEL_CHARS else text[: LABEL_CHARS - 1] + "…"


def _end(date: str) -> pd.Timestamp:
    """Where a deadline sits on the axis: the last day it can mean ('2025년까지' is 2025-12-31)."""
    from analysis.build.sources import parse_partial_date  # noqa: PLC0415

    return pd.Timestamp(parse_partial_date(str(date))[1])


def pledge_frames(pledges: pd.DataFrame, status: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The timeline's data: ``spans`` (one row per pledge, promise to moved deadline, or to the
    report's date, dashed, when no deadline was given) and ``marks`` (promise, deadlines and every
    observation, each with its own source row). ``date``, ``start`` and ``end`` are where the chart
    places them; ``when`` is the date as the source gives it ('2025', '2025-03'), for the text."""
    ordered = pledges.sort_values(["date", "pledge_id"]).reset_index(drop=True)
    spans, marks = [], []
    for _, p in ordered.iterrows():
        label = pledge_label(p)
        open_end = pd.isna(p["effective_deadline"])
        end = _end(p["status_as_of"]) if open_end else _end(p["effective_deadline"])
        spans.append({**p.to_dict(), "label": label, "start": _start(p["date"]).strftime("%Y-%m-%d"),
                      "end": end.strftime("%Y-%m-%d"), "open_end": bool(open_end), "when": str(p["date"])})
        marks.append({**p.to_dict(), "label": label, "date": _start(p["date"]).strftime("%Y-%m-%d"), "what": "약속",
                      "figure_as_published": p["target_as_published"], "when": str(p["date"])})
        if not pd.isna(p["deadline"]):
            marks.append({**p.to_dict(), "label": label, "date": _end(p["deadline"]).strftime("%Y-%m-%d"), "what": "기한",
                          "figure_as_published": p["deadline_as_printed"], "when": str(p["deadline"])})
        for _, o in status[status["pledge_id"] == p["pledge_id"]].iterrows():
            marks.append({**o.to_dict(), "label": label, "date": _start(o["date"]).strftime("%Y-%m-%d"),
                          "what": OBSERVATION_LABELS[o["observation"]], "when": str(o["date"])})
            if not pd.isna(o["new_deadline"]):
                marks.append({**o.to_dict(), "label": label, "date": _end(o["new_deadline"]).strftime("%Y-%m-%d"), "what": "새 기한",
                              "when": str(o["new_deadline"])})
    return pd.DataFrame(spans), pd.DataFrame(marks)


def promises(pledges: pd.DataFrame) -> pd.DataFrame:
    """The rows that are pledges (a deliverable, usually a deadline), not state-visit announcements."""
    return pledges[pledges["kind"] == "pledge"]


def announcements(pledges: pd.DataFrame) -> pd.DataFrame:
    """Results announced during the 2023 state visit (MOUs signed, investment announced): counted apart."""
    return pledges[pledges["kind"] == "announcement"]


def status_counts(pledges: pd.DataFrame) -> dict[str, prov.Cited]:
    """How many pledges (announcements are not pledges) have each status label, each count cited to
    the pledges it counts."""
    pledges = promises(pledges)
    out = {}
    for label in STATUS_COLORS:
        rows = pledges[pledges["status_label"] == label]
        out[label] = prov.cite(f"{len(rows)}건", rows, how=f"상태가 '{label}'인 약속 수 (판정 규칙은 표 아래)", kind="count") if len(rows) else None
    return out


def _observations_cell(rows: pd.DataFrame) -> m.Markup:
    parts = []
    for _, o in rows.sort_values(["date", "source_row"]).iterrows():
        figure = "" if pd.isna(o["figure_as_published"]) else f" {o['figure_as_published']}"
        if figure and not pd.isna(o.get("figure_of")):
            figure += f" ({o['figure_of']})"
        moved = f" (새 기한 {o['new_deadline']})" if not pd.isna(o["new_deadline"]) else ""
        head = m.escape(f"{o['date']} {OBSERVATION_LABELS[o['observation']]}{moved}")
        if figure:
            cited = prov.cite(figure.strip() + t.dagger(o["evidence"]), o, mark=False)
            parts.append(m.Markup(f"{head} {cited}"))
        else:
            parts.append(head + t.dagger(o["evidence"]))
    return m.Markup("; ").join(parts) if parts else m.Markup("보고 없음")


def pledges_table(pledges: pd.DataFrame, status: pd.DataFrame) -> m.Markup:
    """One row per pledge a reader can scan: who, what, target and deadline as printed, what was
    observed since (dated), and the status the rule gives."""
    rows = []
    for _, p in pledges.sort_values(["date", "pledge_id"]).iterrows():
        target = None if pd.isna(p["target_as_published"]) else prov.cite(f"{p['target_as_published']}{t.dagger(p['evidence'])}", p, mark=False)
        deadline = None if pd.isna(p["deadline_as_printed"]) else p["deadline_as_printed"]
        rows.append({"date": p["date"], "kind": p["kind_label"], "who": p["pledger"], "what": p["pledge"], "target": target, "deadline": deadline,
                     "obs": _observations_cell(status[status["pledge_id"] == p["pledge_id"]]),
                     "status": m.strong(p["status_label"])})
    # Widths hold each column's longest word on one line of the PDF ("2023-03-22", "과학기술정보통신부·",
    # "2천726억원†", "2025년까지"): Korean never breaks inside a word, nor Typst inside a date.
    return m.table(rows, [m.Column("약속한 날", "date", "l", 1.1), m.Column("구분", "kind", "l", 0.8), m.Column("누가", "who", "l", 2.05),
                          m.Column("무엇을", "what", "l", 2.1), m.Column("목표", "target", "r", 1.35), m.Column("기한", "deadline", "l", 1.3),
                          m.Column("그 뒤 (날짜순)", "obs", "l", 1.55), m.Column("상태", "status", "l", 1.2)])


def status_legend_table() -> m.Markup:
    """The status colours and the rule behind each, for the section (the reading guide points here)."""
    rows = [{"label": m.strong(label), "color": STATUS_COLOR_NAMES[label], "rule": STATUS_RULES[label]} for label in STATUS_COLORS]
    return m.table(rows, [m.Column("상태", "label", "l", 1.4), m.Column("색", "color", "l", 0.6), m.Column("판정 규칙", "rule", "l", 5.0)])
