"""What a chart says in words: the text alternative of every chart, computed from the rows it draws.

A reader who cannot see a chart (a screen reader, a braille display, the PDF read aloud) gets three
things, each made from the same rows the chart draws (its frame, from ``data/clean/`` through the
chapter helpers), with every number formatted by :mod:`analysis.report.text` as the prose formats it:

- ``summary``: one sentence, the chart's title, then what is compared (the kind of chart and its
  axis), the key numbers (each series' first and last figure, or the largest and smallest) and the
  direction. In the HTML it is the chart's accessible name (the Vega-Lite ``description``, which
  Vega puts on the chart's container as its ``aria-label``); in the PDF it begins the image's alt text.
- ``details``: a longer description (each series' range, highest and lowest, the years without a
  figure), the chart's accessible description (``aria-describedby``) and the rest of the PDF's alt text.
- ``tables``: the rows drawn, as tables a screen reader can browse (caption, column headers, a row
  header on every row), beside the chart in the HTML.

A figure from a secondary source carries its dagger (†) and one its row marks unconfirmed says so
("원문 미확인", :func:`analysis.report.evidence.hedge`), as in the prose. Nothing here escapes: the
renderer (:mod:`analysis.report.charts`) puts the words into HTML, Markdown and the spec through
each format's one escaping helper.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from analysis.report import evidence as unconfirmed
from analysis.report import text as t

EVIDENCE_WORDS = {"primary": "1차 자료", "secondary": "2차 자료(보도 인용)"}
SECONDARY_NOTE = "†는 2차 자료(원 자료를 인용한 보도)의 수치"
MISSING = "—"


@dataclass(frozen=True)
class Table:
    """Rows as a screen reader browses them: a caption, column headers, and each row's first cell
    as its header."""

    caption: str
    columns: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class ChartText:
    """A chart's text alternative (see the module's docstring). ``title`` and ``key`` make the
    summary: the chart's title, then what it compares and its key numbers."""

    title: str
    key: str
    details: str
    tables: tuple[Table, ...]

    @property
    def summary(self) -> str:
        return f"{_sentence(self.title)} {_sentence(self.key)}".strip()

    @property
    def alt(self) -> str:
        """The PDF image's alt text: the summary, then the longer description."""
        return f"{self.summary} {_sentence(self.details)}".strip()

    def as_json(self) -> dict:
        return {"title": self.title, "key": self.key, "details": self.details,
                "tables": [{"caption": tb.caption, "columns": list(tb.columns), "rows": [list(r) for r in tb.rows]}
                           for tb in self.tables]}

    @classmethod
    def from_json(cls, data: dict) -> "ChartText":
        tables = tuple(Table(tb["caption"], tuple(tb["columns"]), tuple(tuple(r) for r in tb["rows"])) for tb in data["tables"])
        return cls(data["title"], data["key"], data["details"], tables)


def _sentence(text: str) -> str:
    text = str(text).strip()
    return text if not text or text.endswith((".", "?", "!")) else text + "."


# --------------------------------------------------------------------------- figures as the prose writes them

def digits(fmt: str) -> int:
    """Decimals of a chart's number format (',.1f' -> 1), so the text rounds as the tooltip does."""
    m = re.search(r"\.(\d+)f", str(fmt))
    return int(m.group(1)) if m else 0


def _percent(axis: str) -> bool:
    return "%" in str(axis)


def figure(row: pd.Series, places: int, axis: str = "") -> str:
    """One drawn value as the prose writes it: thousands separators (or a percentage on a % axis),
    a dagger for a secondary source, '(원문 미확인)' for a row marked unconfirmed."""
    value = float(row["value"])
    text = t.pct(value, places) if _percent(axis) else t.num(value, places)
    text += t.dagger(row.get("evidence"))
    return unconfirmed.hedge(text, row) if {"source_id", "source_row"} <= set(row.index) else text


def evidence_word(row: pd.Series) -> str:
    return EVIDENCE_WORDS.get(row.get("evidence"), MISSING)


def _year(value, word: str = "년") -> str:
    return f"{int(value)}{word}"


def _with_values(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["value"].notna()]


def _secondary_note(rows: pd.DataFrame, shapes: bool) -> str:
    if "evidence" not in rows or not (rows["evidence"] == "secondary").any():
        return ""
    return SECONDARY_NOTE + (", 그래프에서는 삼각형 점." if shapes else ".")


def trend(rows: pd.DataFrame, places: int, axis: str, year_word: str = "년") -> str:
    """'2006년 46,117에서 2024년 117,108까지 증가': a series' first and last figure and the way it went."""
    have = _with_values(rows).sort_values("year")
    if have.empty:
        return "수치 없음"
    first, last = have.iloc[0], have.iloc[-1]
    if len(have) == 1:
        return f"{_year(first['year'], year_word)} {figure(first, places, axis)}"
    a, b = float(first["value"]), float(last["value"])
    if round(a, places) == round(b, places):
        and_ = "과" if year_word.endswith("년") else "와"  # the particle after 년 (a final consonant) or 회계연도
        return f"{_year(first['year'], year_word)}{and_} {_year(last['year'], year_word)} 모두 {figure(last, places, axis)}"
    direction = "증가" if b > a else "감소"
    return (f"{_year(first['year'], year_word)} {figure(first, places, axis)}에서 "
            f"{_year(last['year'], year_word)} {figure(last, places, axis)}까지 {direction}")


def extremes(rows: pd.DataFrame, places: int, axis: str, year_word: str = "년", slots: list[int] | None = None) -> str:
    """'수치가 있는 해 12개, 최고 2024년 117,108, 최저 2006년 46,117, 수치가 없는 해 2016년': a
    series' range. Years without a figure are those between its first and last (or the chart's
    ``slots``) where nothing is drawn."""
    have = _with_values(rows).sort_values("year")
    if have.empty:
        return "수치 없음"
    years = [int(y) for y in have["year"]]
    span = range(years[0], years[-1] + 1) if slots is None else [y for y in slots if years[0] <= y <= years[-1]]
    gaps = [y for y in span if y not in years]
    if len(have) == 1:
        out = f"{_year(years[0], year_word)} {figure(have.iloc[0], places, axis)} 하나"
    else:
        top = have.loc[have["value"].astype(float).idxmax()]
        low = have.loc[have["value"].astype(float).idxmin()]
        out = (f"수치가 있는 해 {len(have)}개, 최고 {_year(top['year'], year_word)} {figure(top, places, axis)}, "
               f"최저 {_year(low['year'], year_word)} {figure(low, places, axis)}")
    if gaps:
        out += f", 수치가 없는 해 {', '.join(_year(y, year_word) for y in gaps)}"
    return out


def _groups(rows: pd.DataFrame, field: str, order: list[str] | None = None) -> list[tuple[str, pd.DataFrame]]:
    names = order if order is not None else list(dict.fromkeys(rows[field].dropna()))
    return [(str(name), rows[rows[field] == name]) for name in names if (rows[field] == name).any()]


# --------------------------------------------------------------------------- one text per kind of chart

def series(rows: pd.DataFrame, *, title: str, kind: str, axis: str, fmt: str, group: str = "label",
           group_title: str = "계열", order: list[str] | None = None, slots: list[int] | None = None,
           shapes: bool = False, year_word: str = "년") -> ChartText:
    """Yearly series (lines, bars by year): each series from its first to its last figure."""
    places = digits(fmt)
    groups = _groups(rows, group, order)
    key = f"{kind}, {axis}: " + "; ".join(f"{name} {trend(g, places, axis, year_word)}" for name, g in groups)
    details = " ".join(f"{name}: {extremes(g, places, axis, year_word, slots)}." for name, g in groups)
    details = f"{details} {_secondary_note(rows, shapes)}".strip()
    table = Table(f"{title}: 그래프의 데이터", (group_title, "연도", axis, "근거"),
                  tuple((name, str(int(r["year"])), figure(r, places, axis), evidence_word(r))
                        for name, g in groups for _, r in _with_values(g).sort_values("year").iterrows()))
    return ChartText(title, key, details, (table,))


def panels(rows: pd.DataFrame, *, title: str, kind: str, panel: str, panel_titles: dict[str, str], fmt: str,
           group: str | None = "label", axes: dict[str, str] | None = None, slots: dict[str, list[int]] | None = None,
           shapes: bool = False) -> ChartText:
    """Panels side by side, one per period or metric, each with yearly series of its own."""
    places = digits(fmt)
    keys, details, body = [], [], []
    for value, panel_title in panel_titles.items():
        part = rows[rows[panel] == value]
        axis = (axes or {}).get(value, "")
        slot = (slots or {}).get(value)
        groups = _groups(part, group) if group else [("", part)]
        keys.append(f"{panel_title}: " + ", ".join(f"{name} {trend(g, places, axis)}".strip() for name, g in groups))
        details += [f"{panel_title}{' ' + name if name else ''}: {extremes(g, places, axis, slots=slot)}." for name, g in groups]
        body += [(panel_title, *((name,) if group else ()), str(int(r["year"])), figure(r, places, axis), evidence_word(r))
                 for name, g in groups for _, r in _with_values(g).sort_values("year").iterrows()]
    columns = ("그래프", *(("계열",) if group else ()), "연도", "값", "근거")
    key = f"{kind} {len(panel_titles)}개: " + "; ".join(keys)
    text = f"{' '.join(details)} {_secondary_note(rows, shapes)}".strip()
    return ChartText(title, key, text, (Table(f"{title}: 그래프의 데이터", columns, tuple(body)),))


def ranking(rows: pd.DataFrame, *, title: str, kind: str, axis: str, fmt: str, group: str = "label",
            group_title: str = "대상", year_word: str = "년", year_title: str = "연도") -> ChartText:
    """One bar per place and year (several years in a row per place): the newest year ranked, and
    each place from its first to its last figure."""
    places = digits(fmt)
    have = _with_values(rows)
    newest = int(have["year"].max())
    at = have[have["year"] == newest].sort_values("value", ascending=False)
    top, low = at.iloc[0], at.iloc[-1]
    key = (f"{kind}, {axis}: {_year(newest, year_word)} 수치가 있는 {len(at)}곳 가운데 최대 {top[group]} "
           f"{figure(top, places, axis)}, 최소 {low[group]} {figure(low, places, axis)}")
    order = list(have.groupby(group)["value"].max().sort_values(ascending=False).index)
    groups = _groups(rows, group, order)
    details = " ".join(f"{name}: {trend(g, places, axis, year_word)}." for name, g in groups)
    details = f"{details} {_secondary_note(rows, False)}".strip()
    table = Table(f"{title}: 그래프의 데이터", (group_title, year_title, axis, "근거"),
                  tuple((name, str(int(r["year"])), figure(r, places, axis), evidence_word(r))
                        for name, g in groups for _, r in _with_values(g).sort_values("year").iterrows()))
    return ChartText(title, key, details, (table,))


def comparison(rows: pd.DataFrame, *, title: str, kind: str, panel: str, panel_titles: dict[str, str], fmt: str,
               group: str = "label", with_year: bool = False, category: str | None = None,
               shapes: bool = False) -> ChartText:
    """Panels of places compared on one metric each (M&A by country, clusters by size): per panel
    the largest and the smallest, and every figure in the description."""
    places = digits(fmt)
    keys, details, body = [], [], []
    for value, axis in panel_titles.items():
        part = _with_values(rows[rows[panel] == value]).sort_values("value", ascending=False)
        if part.empty:
            continue

        def one(r) -> str:
            return f"{r[group]} {figure(r, places, axis)}" + (f" ({_year(r['year'])})" if with_year else "")

        top, low = part.iloc[0], part.iloc[-1]
        metric = value if axis == value else f"{value} ({axis})"
        keys.append(f"{metric}: " + (one(top) if len(part) == 1 else f"최대 {one(top)}, 최소 {one(low)}"))
        details.append(f"{metric}, 큰 순서: " + ", ".join(one(r) for _, r in part.iterrows()) + ".")
        body += [(str(r[group]), metric, *((str(r[category]),) if category else ()), str(int(r["year"])),
                  figure(r, places, axis), evidence_word(r)) for _, r in part.iterrows()]
    years = sorted({int(y) for y in _with_values(rows)["year"]})
    when = "" if with_year or len(years) != 1 else f", {_year(years[0])}"
    key = f"{kind} {len(keys)}개{when}: " + "; ".join(keys)
    columns = ("대상", "지표", *(("구분",) if category else ()), "연도", "값", "근거")
    text = f"{' '.join(details)} {_secondary_note(rows, shapes)}".strip()
    return ChartText(title, key, text, (Table(f"{title}: 그래프의 데이터", columns, tuple(body)),))


def events(rows: pd.DataFrame, *, title: str, categories: list[str], kinds: dict[str, str]) -> ChartText:
    """Dated events in bands (the regulation and response timeline): how many of each category and
    kind, and each band's first and last date, as the sources date them ('2025', '2025-03' or a
    day; ordered by where the chart places them, ``date_start``). The table holds every event."""
    rows = rows.sort_values("date_start", kind="stable")
    count = len(rows)
    by_category = _groups(rows, "category", categories)
    first, last = str(rows["date"].iloc[0])[:4], str(rows["date"].iloc[-1])[:4]
    key = (f"연표, {first}–{last}년 사건 {count}건: " + ", ".join(f"{name} {len(g)}건" for name, g in by_category)
           + "; " + ", ".join(f"{kind} {int((rows['kind'] == kind).sum())}건({shape})" for kind, shape in kinds.items()))
    details = " ".join(f"{name}: {g['date'].iloc[0]}부터 {g['date'].iloc[-1]}까지 {len(g)}건." for name, g in by_category)
    details = f"{details} {_secondary_note(rows, False)}".strip()
    body = tuple((name, str(r["date"]), str(r["kind"]), unconfirmed.hedge(str(r["event"]) + t.dagger(r.get("evidence")), r),
                  evidence_word(r))
                 for name, g in by_category for _, r in g.iterrows())
    return ChartText(title, key, details, (Table(f"{title}: 연표의 사건", ("구분", "날짜", "성격", "내용", "근거"), body),))


def pledges(spans: pd.DataFrame, marks: pd.DataFrame, *, title: str, statuses: list[str], as_of: str) -> ChartText:
    """The pledges' schedule: how many pledges of each status, and per pledge (one table row each)
    its promise, its deadline and every dated observation, with the dates as the sources give them
    (``when``; the chart places a partial date within its year or month) and the pledge's whole text."""
    counts = [(s, int((spans["status_label"] == s).sum())) for s in statuses if (spans["status_label"] == s).any()]
    key = (f"약속 {len(spans)}건의 일정표(막대는 약속한 날부터 기한까지, 판정 기준일 {as_of}): "
           + ", ".join(f"{status} {n}건" for status, n in counts))
    details, body = [], []
    for _, p in spans.iterrows():
        own = marks[marks["label"] == p["label"]]
        promised = "; ".join(str(m["when"]) for _, m in own.iterrows() if m["what"] == "약속")
        deadline = "; ".join(str(m["when"]) for _, m in own.iterrows() if m["what"] == "기한") or "없음"
        seen = "; ".join(f"{m['what']} {m['when']}" for _, m in own.iterrows() if m["what"] not in ("약속", "기한"))
        details.append(f"{p['pledge']}: 상태 {p['status_label']}, 약속 {promised}, 기한 {deadline}" + (f"; {seen}" if seen else "") + ".")
        body.append((str(p["pledge"]), str(p["status_label"]), promised, deadline, seen or "없음"))
    return ChartText(title, key, " ".join(details),
                     (Table(f"{title}: 약속별 날짜 (판정 기준일 {as_of})", ("약속", "상태", "약속한 날", "기한", "관측"), tuple(body)),))


def combined(texts: list[ChartText], *, title: str) -> ChartText:
    """Small charts side by side under one title (the summary): each one's words in turn."""
    key = f"그래프 {len(texts)}개: " + "; ".join(f"{x.title}: {x.key}" for x in texts)
    details = " ".join(f"{x.title}: {x.details}" for x in texts)
    return ChartText(title, key, details, tuple(tb for x in texts for tb in x.tables))
