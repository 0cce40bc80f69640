"""Where each number comes from, as the reader sees it.

- :func:`cite` turns a figure (a number taken or computed from clean rows) into Markdown that
  carries its provenance. In the HTML it is a link to the source's entry in the appendix whose
  tooltip (on hover and on keyboard focus, pure CSS, no script) shows each source's producer,
  title and date, the figure as printed and the verbatim quote. In the PDF it is followed by the
  sources' reference numbers ([12]), linked to the same entries.
  Every figure also carries what it is, machine-readable (:func:`figure_of`): for each row it
  rests on, series, entity, period, year, unit and definition basis; a computed figure (ratio,
  share, per-deal, sum, change) carries its operands'. In the HTML this is the link's
  ``data-figure`` attribute (JSON), which readers' tools and the pairing check
  (:mod:`analysis.checks.pairing`) read. A ratio, share, per-unit figure or sum whose operands
  are of different periods is refused (:func:`require_same_period`).
- :func:`phrase` builds a chart title from text and cited figures, keeping which spans are
  figures; :func:`basis` names a figure's definition in the text (so a check can see it is named).
- :func:`label` is for inline text that is not a figure (a name, a year); it refuses numbers.
- :func:`source_line` under every chart and table names its sources by number and, in the HTML,
  offers the rows drawn as a CSV file embedded in the page.
- :func:`sources_list` is the numbered appendix the references point to.

Everything is built from the clean ``sources`` table (the sidecars) registered once by
:func:`setup`, and every string from data goes through :mod:`analysis.markup`.
"""

from __future__ import annotations

import base64
import html
import itertools
import json
import math
import re
from dataclasses import dataclass

import pandas as pd

from analysis.report import evidence as unconfirmed
from analysis import markup as m
from analysis.markup import Markup

SECONDARY_NOTE = "† 2차 자료: 원 자료를 인용한 보도."
EVIDENCE_TEXT = {"primary": "1차 자료", "secondary": "2차 자료†"}
AS_PRINTED_COLUMNS = ("value_as_published", "figure_as_published", "figure_as_printed")
QUOTE_LIMIT = 220
# Numbers a label may hold: years and single digits (section numbers, "3대"); anything else is a figure.
_LABEL_NUMBER = re.compile(r"\d[\d,.]*")
_ALLOWED_IN_LABEL = re.compile(r"^(19\d\d|20\d\d|\d)$")
_DATES = re.compile(r"\b(?:19|20)\d\d-[01]\d(?:-[0-3]\d)?\b")

_state: dict = {"sources": None, "numbers": {}, "report": ""}
_tip_ids = itertools.count(1)


def setup(sources: pd.DataFrame, report: str = "") -> None:
    """Register the clean sources table (call once, in the report's setup cell). ``report`` is the
    relative address of the report for a page that is not the report itself (a site page): its
    figures then link to the source entries in the report's appendix."""
    _state["sources"] = sources.set_index("source_id", drop=False)
    _state["numbers"] = source_numbers(sources)
    _state["report"] = report


def target(fragment: str) -> str:
    """Where a link to a part of the report goes from the page being rendered."""
    return f"{_state['report']}#{fragment}"


def ref(section_id: str, name: str) -> "Label":
    """A reference to a report section: Quarto's cross-reference in the report ('섹션 3'), a link
    named after the section on a site page (where the cross-reference has nothing to resolve)."""
    if not _state["report"]:
        return Label(f"@{m.code(section_id).strip('`')}")
    return Label(m.link(name, target(section_id), relative=True))


def _sources() -> pd.DataFrame:
    if _state["sources"] is None:
        raise RuntimeError("provenance.setup(sources) must be called before citing")
    return _state["sources"]


def source_numbers(sources: pd.DataFrame) -> dict[str, int]:
    """The reference number of every source: its position in the appendix list (sorted by id)."""
    return {sid: n for n, sid in enumerate(sorted(sources["source_id"]), start=1)}


def anchor(source_id: str) -> str:
    """The HTML id (and Typst label) of a source's entry in the appendix."""
    return f"src-{m.code(source_id).strip('`')}"


@dataclass(frozen=True)
class Evidence:
    """One clean row's provenance: its source, the figure as printed, the verbatim quote."""

    source_id: str
    as_printed: str | None
    quote: str | None


def _text(value) -> str | None:
    return None if m.is_blank(value) else str(value)


def _record_evidence(r: dict) -> Evidence | None:
    sid = _text(r.get("source_id"))
    if sid is None:
        return None
    printed = next((_text(r.get(c)) for c in AS_PRINTED_COLUMNS if _text(r.get(c))), None)
    return Evidence(sid, printed, _text(r.get("quote")))


def evidence_of(rows) -> list[Evidence]:
    """Evidence from clean rows: a DataFrame, a Series (one row), a cited figure or a list of these."""
    if isinstance(rows, Cited):
        return list(rows.evidence)
    if isinstance(rows, (list, tuple)):
        return list(dict.fromkeys(e for part in rows for e in evidence_of(part)))
    if isinstance(rows, pd.Series):
        records = [rows.to_dict()]
    else:
        cols = [c for c in ("source_id", "quote", *AS_PRINTED_COLUMNS) if c in rows.columns]
        records = rows[cols].to_dict("records")
    return list(dict.fromkeys(e for e in map(_record_evidence, records) if e is not None))


def describe_source(source_id: str) -> str:
    """'Producer, “Title” (date)†' — how a source is named in tooltips and source lines."""
    row = _sources().loc[source_id]
    dagger = "†" if row["evidence"] == "secondary" else ""
    return f"{row['producer']}, “{row['title']}” ({row['date_published']}){dagger}"


class Cited(Markup):
    """A figure's Markdown with its provenance attached (``sources``: the source ids behind it;
    ``plain``: the figure as plain text, for a chart title; ``figures``: each figure's plain text
    and metadata, one for a figure, several for :func:`join`; ``evidence``: the rows' evidence, so
    that a figure can be the operand of another)."""

    sources: tuple[str, ...] = ()
    plain: str = ""
    figures: tuple[dict, ...] = ()
    evidence: tuple["Evidence", ...] = ()


class Label(Markup):
    """Inline text that is not a figure (a name, a year)."""


class Meta(Markup):
    """A number about this project's own processing (checks run, tables validated), not a figure
    from a source."""


def _short(text: str, limit: int = QUOTE_LIMIT) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _raw_html(fragment: str) -> str:
    """An inline raw-HTML span for Pandoc: one line (a newline would end a table row), no backtick
    may end it, no '|' may split a table cell."""
    return "`" + m.one_line(fragment).replace("`", "&#96;").replace("|", "&#124;") + "`{=html}"


TOOLTIP_SOURCES = 8  # a tooltip lists this many sources, then says how many more the figure rests on


def _lang(text: str) -> str:
    """A ``lang`` attribute for a part of a tooltip in a language of its own (an English source's
    title or quote inside the Korean tooltip), so that a screen reader reads it in that language."""
    found = m.language_of(text)
    return f' lang="{found}"' if found else ""


def _tooltip(evidence: list[Evidence], how: str | None) -> str:
    numbers = _state["numbers"]
    parts = [f'<span class="prov-how"{_lang(how)}>{html.escape(how)}</span>'] if how else []
    shown = evidence[:TOOLTIP_SOURCES]
    for ev in shown:
        source = describe_source(ev.source_id)
        parts.append(f'<span class="prov-src"{_lang(source)}>[{numbers[ev.source_id]}] {html.escape(source)}</span>')
        if ev.as_printed:
            parts.append(f'<span class="prov-printed">원문 표기: <span{_lang(ev.as_printed)}>{html.escape(ev.as_printed)}</span></span>')
        if ev.quote:
            parts.append(f'<span class="prov-quote"{_lang(ev.quote)}>“{html.escape(_short(ev.quote))}”</span>')
    if len(evidence) > len(shown):
        rest = sorted({numbers[e.source_id] for e in evidence[len(shown):]})
        parts.append(f'<span class="prov-more">… 외 {len(evidence) - len(shown)}개 행: [{"], [".join(map(str, rest))}]</span>')
    return "".join(parts)


def _refs(ids: list[str]) -> str:
    numbers = _state["numbers"]
    return "^" + ",".join(f"[\\[{numbers[s]}\\]](#{anchor(s)})" for s in sorted(ids, key=numbers.get)) + "^"


# --------------------------------------------------------------------------- what a figure is

# The fields of a figure's metadata for each row it rests on, and the columns of the clean tables
# they are read from (the first column a row has wins; a table without any gives null).
ROW_FIELDS: dict[str, tuple[str, ...]] = {
    "series": ("series_id", "pledge_id", "claim_id", "round", "category"),
    "entity": ("entity", "hospital", "pledger", "region"),
    "period": ("period",),
    "year": ("year",),
    "unit": ("unit", "currency", "figure_unit", "target_unit"),
    "basis": ("basis",),
    "source": ("source_id",),
    "row": ("source_row",),
}
# How a figure was obtained. 'value': as printed (one figure, perhaps from sources that agree);
# 'count': rows counted; 'summary': a verdict's summary stating several rows' figures. Computed
# from operands: 'ratio' (a ÷ b), 'share' (part ÷ whole), 'per' (an amount ÷ a count of the same
# scope), 'sum', 'change' (one series from one year to another).
VALUE_KINDS = ("value", "count", "summary")
SAME_PERIOD_KINDS = ("ratio", "share", "per", "sum")
KINDS = (*VALUE_KINDS, *SAME_PERIOD_KINDS, "change")


class MixedPeriods(ValueError):
    """Figures of different periods compared or combined in one computed figure."""


def _plain(value):
    """A cell as JSON: None for a missing value, ints for whole numbers (years, rows)."""
    if m.is_blank(value):
        return None
    if hasattr(value, "item"):
        value = value.item()
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return value if isinstance(value, (int, float, bool)) else str(value)


def row_meta(row: dict) -> dict:
    """One clean row's metadata: series, entity, period, year, unit, basis, source and line."""
    return {field: _plain(next((row[c] for c in columns if c in row and not m.is_blank(row[c])), None))
            for field, columns in ROW_FIELDS.items()}


def _records(rows) -> list[dict]:
    if isinstance(rows, pd.Series):
        return [rows.to_dict()]
    return rows.to_dict("records")


def _operand(part) -> dict:
    """An operand as a figure: a cited figure's own metadata, or a row as printed."""
    if isinstance(part, Cited):
        if len(part.figures) != 1:
            raise ValueError(f"{part.plain!r} joins {len(part.figures)} figures: an operand is one figure")
        return part.figures[0]["figure"]
    return {"kind": "value", "of": [row_meta(r) for r in _records(part)]}


def operands_of(rows) -> list[dict]:
    """The operands of a computed figure: each cited figure, Series or row of a DataFrame is one."""
    parts = rows if isinstance(rows, (list, tuple)) else [rows]
    out = []
    for part in parts:
        if isinstance(part, pd.DataFrame):
            out += [_operand(r) for _, r in part.iterrows()]
        else:
            out.append(_operand(part))
    return out


def rows_of(rows) -> list[dict]:
    """The metadata of every row behind rows, cited figures or a list of them."""
    parts = rows if isinstance(rows, (list, tuple)) else [rows]
    out = []
    for part in parts:
        out += [r for f in part.figures for r in leaves(f["figure"])] if isinstance(part, Cited) else [row_meta(r) for r in _records(part)]
    return out


def leaves(figure: dict) -> list[dict]:
    """The rows a figure finally rests on (through the operands of computed figures)."""
    out = []
    for part in figure.get("of", []):
        out += leaves(part) if "kind" in part else [part]
    return out


def periods(figure: dict) -> set[tuple]:
    """The (year, period) pairs of the rows a figure rests on."""
    return {(r["year"], r["period"]) for r in leaves(figure)}


def describe(figure: dict, limit: int = 3) -> str:
    """A figure's metadata in a line, for an error message: kind, then its rows."""
    rows = list({json.dumps(r, ensure_ascii=False, sort_keys=True): r for r in leaves(figure)}.values())
    shown = "; ".join(f"{r['series']} {r['entity']} {r['year']} {r['period']} {r['unit']} basis “{_short(str(r['basis']), 70)}”"
                      for r in rows[:limit])
    more = f"; … {len(rows) - limit} more row(s)" if len(rows) > limit else ""
    return f"{figure['kind']}: {shown}{more}"


def require_same_period(operands, kind: str = "ratio") -> None:
    """The one guard for figures computed from others: a ratio, share, per-unit figure or sum
    whose operands are of different years or periods (a full year against a half, 2023 against
    2024) is refused, naming each operand. ``operands``: figures' metadata, or what
    :func:`operands_of` takes (rows, cited figures)."""
    given = operands if isinstance(operands, list) else [operands]
    figures = given if all(isinstance(o, dict) and "kind" in o for o in given) else operands_of(operands)
    found = set().union(*(periods(f) for f in figures)) if figures else set()
    if len(found) > 1:
        raise MixedPeriods(f"a {kind} of figures from different periods ({', '.join(f'{y} {p}' for y, p in sorted(found, key=str))}) "
                           f"is not computed: " + " | ".join(describe(f) for f in figures))


def _require_one_series(figures: list[dict]) -> None:
    """A change is one series of one entity at one kind of period, from one year to another."""
    found = {(r["series"], r["entity"], r["period"]) for f in figures for r in leaves(f)}
    if len(found) > 1:
        raise MixedPeriods("a change is computed within one series, entity and kind of period, not across "
                           + " | ".join(describe(f) for f in figures))


def figure_of(rows, kind: str = "value", how: str | None = None) -> dict:
    """A figure's metadata: its kind, how it was computed, and what it rests on (rows for a
    value, count or summary; operands, each a figure, for a computed figure). A computed figure
    whose operands are of different periods is refused here, for every helper that cites one."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of figure {kind!r}: one of {KINDS}")
    if kind in VALUE_KINDS:
        rows_meta = rows_of(rows)
        if kind == "value" and len({(r["series"], r["entity"], r["year"], r["period"]) for r in rows_meta}) > 1:
            raise ValueError("a 'value' rests on one figure (sources that agree); figures from several rows are computed: "
                             f"say which kind ({', '.join(KINDS[1:])}): {describe({'kind': kind, 'of': rows_meta})}")
        figure = {"kind": kind, "of": list({json.dumps(r, sort_keys=True): r for r in rows_meta}.values())}
    else:
        figure = {"kind": kind, "of": operands_of(rows)}
        if kind in SAME_PERIOD_KINDS:
            require_same_period(figure["of"], kind)
        else:
            _require_one_series(figure["of"])
    if how:
        figure["how"] = how
    return figure


def _figure_attribute(figure: dict) -> str:
    """The metadata as a single-quoted attribute: JSON's double quotes need no escaping (a third of
    the bytes), and ``'``, ``&``, ``<`` and ``>`` are escaped."""
    text = html.escape(json.dumps(figure, ensure_ascii=False, separators=(",", ":")), quote=False).replace("'", "&#x27;")
    return f" data-figure='{text}'"


def cite(text, rows, *, how: str | None = None, mark: bool = True, kind: str = "value") -> Cited:
    """A figure with its provenance. ``rows`` are the clean rows it was taken or computed from
    (for a computed ``kind``, its operands: rows or cited figures); ``how`` says how it was
    computed when it is not printed as such (a ratio, a share). ``kind`` says what it is (see
    :data:`KINDS`); a ratio, share, per-unit figure or sum of different periods is refused.
    ``mark=False`` leaves out the printed reference numbers (table cells: the source line under
    the table serves the PDF reader)."""
    evidence = evidence_of(rows)
    if not evidence:
        raise ValueError(f"figure {text!r} has no source rows: every figure in the report needs its provenance")
    unconfirmed.refuse_unhedged(text, rows)  # a figure not seen in its source's text is never stated as fact
    ids = list(dict.fromkeys(e.source_id for e in evidence))
    unknown = [s for s in ids if s not in _state["numbers"]]
    if unknown:
        raise KeyError(f"figure {text!r}: source(s) {unknown} not in the sources table")
    try:
        figure = figure_of(rows, kind, how)
    except ValueError as exc:
        raise type(exc)(f"figure {text!r}: {exc}") from None
    # The page: the figure with its tooltip and metadata; the PDF: the figure with its reference numbers.
    tip = f"prov-tip-{next(_tip_ids)}"
    page = _raw_html(
        f'<a class="prov" href="{html.escape(target(anchor(ids[0])))}" aria-describedby="{tip}"{_figure_attribute(figure)}>{html.escape(str(text))}'
        f'<span class="prov-tip" role="tooltip" id="{tip}" lang="ko">{_tooltip(evidence, how)}</span></a>')
    out = Cited(m.per_format(page, str(m.escape(text)) + (_refs(ids) if mark else "")))
    out.sources = tuple(ids)
    out.plain = str(text)
    out.figures = ({"text": str(text), "figure": figure},)
    out.evidence = tuple(evidence)
    return out


class Named(Label):
    """Words that name a figure's definition (basis) in the text: in the HTML a span whose
    ``data-basis`` is the basis named, so that the pairing check sees it named."""

    basis: str = ""
    plain: str = ""


def basis(rows, text: str) -> Named:
    """``text`` (e.g. 'MassBio 기준') names the definition of the figure from ``rows`` (a row, rows
    or a cited figure, all of one basis). Like :func:`label`, it holds no figure."""
    found = {r["basis"] for r in rows_of(rows)}
    if len(found) != 1 or None in found:
        raise ValueError(f"{text!r} names one basis, but the rows have {sorted(map(str, found))}")
    words = label(text)
    page = _raw_html(f'<span class="prov-basis" data-basis="{html.escape(str(next(iter(found))))}">{html.escape(text)}</span>')
    out = Named(m.per_format(page, str(words)))
    out.basis = next(iter(found))
    out.plain = text
    return out


class Phrase(str):
    """A chart title or subtitle made of text and cited figures. ``marks`` say which parts are
    figures (with their metadata) and which name a basis: the chart's ``usermeta``, which the
    pairing check reads (the browser draws the title; the check cannot see its figures otherwise)."""

    marks: tuple[dict, ...] = ()


def phrase(*parts) -> Phrase:
    """A title from parts: cited figures (:func:`cite`, :func:`join`), basis names (:func:`basis`)
    and plain text, which like :func:`label` may hold years and single digits but no figure."""
    text, marks = "", []
    for part in parts:
        if isinstance(part, Cited):
            marks += [{"text": f["text"], "figure": f["figure"]} for f in part.figures]
            text += part.plain
        elif isinstance(part, Named):
            marks.append({"text": part.plain, "basis": part.basis})
            text += part.plain
        else:
            label(part)  # refuses a figure typed into a title
            text += str(part)
    out = Phrase(text)
    out.marks = tuple(marks)
    return out


def label(value) -> Label:
    """Inline text that is not a figure. A number in it other than a year or a single digit is
    refused: a figure must come with its provenance (:func:`cite`)."""
    text = str(value)
    for number in _LABEL_NUMBER.findall(_DATES.sub(" ", text)):
        if not _ALLOWED_IN_LABEL.match(number.strip(".,")):
            raise ValueError(f"{text!r} holds the figure {number!r}: use provenance.cite() with its source rows")
    return Label(m.escape(text))


def join(parts, sep: str = ", ") -> Cited:
    """Several cited figures as one (e.g. '54,280 / 54,829'), keeping every source."""
    parts = list(parts)
    out = Cited(m.escape(sep).join(parts))
    out.sources = tuple(dict.fromkeys(s for p in parts for s in getattr(p, "sources", ())))
    out.plain = sep.join(getattr(p, "plain", str(p)) for p in parts)
    out.figures = tuple(f for p in parts for f in getattr(p, "figures", ()))
    out.evidence = tuple(dict.fromkeys(e for p in parts for e in getattr(p, "evidence", ())))
    return out


def meta(value) -> Meta:
    return Meta(m.escape(f"{value:,}" if isinstance(value, int) else value))


# --------------------------------------------------------------------------- source lines and downloads

def _ids(source_ids) -> list[str]:
    return [s for s in dict.fromkeys(source_ids) if isinstance(s, str) and s]


def csv_link(data: pd.DataFrame, name: str) -> Markup:
    """In the HTML, the rows a chart or table drew, as a CSV file embedded in the page (a data:
    URI: nothing is fetched). Nothing in the PDF (raw HTML, which the PDF drops)."""
    rows = data[data["source_id"].notna()] if "source_id" in data.columns else data
    payload = base64.b64encode(rows.to_csv(index=False, lineterminator="\n").encode("utf-8")).decode("ascii")
    filename = re.sub(r"[^A-Za-z0-9_.-]", "-", name) + ".csv"
    return Markup(_raw_html(f'<a class="csv-download" download="{filename}" href="data:text/csv;charset=utf-8;base64,{payload}">'
                            f"데이터 CSV ({len(rows)}행)</a>"))


def short_source(source_id: str) -> str:
    """'Producer (date)†': a source as a source line names it (the title is in the appendix entry)."""
    row = _sources().loc[source_id]
    producer = re.split(r" \(| — |, ", str(row["producer"]))[0]
    return f"{producer} ({row['date_published']}){'†' if row['evidence'] == 'secondary' else ''}"


def source_line(source_ids, sources: pd.DataFrame | None = None, *, data: pd.DataFrame | None = None, name: str | None = None) -> Markup:
    """'출처: [n] Producer (date); …' under a chart or table: each source by its reference number in
    the appendix (which gives its title and address), secondary sources with a dagger (†); with
    ``data`` the HTML also offers the rows drawn as CSV."""
    if sources is not None:
        setup(sources)
    table = _sources()
    numbers = _state["numbers"]
    ids = sorted(_ids(source_ids), key=numbers.get)
    parts = [Markup(f"[\\[{numbers[sid]}\\]](#{anchor(sid)}) ") + m.escape(short_source(sid)) for sid in ids]
    line = Markup("출처: ") + Markup("; ").join(parts) + Markup("\\.")
    if any(table.loc[sid, "evidence"] == "secondary" for sid in ids):
        line = line + Markup(" ") + m.escape(SECONDARY_NOTE)
    if data is not None:
        line = line + Markup(" ") + csv_link(data, name or "data")
    return line


def source_entry(number: int, row) -> Markup:
    """One entry of the appendix list: number, producer, linked title, date, evidence, licence, id."""
    return Markup(
        f"[\\[{number}\\]]{{#{anchor(row.source_id)}}} {m.escape(row.producer)}, "
        f"{m.link('“' + str(row.title) + '”', row.url_main, lang=m.language_of(row.title))}\\. "
        f"{m.escape(f'공표 {row.date_published}, 열람 {row.date_accessed}.')} {m.escape(EVIDENCE_TEXT[row.evidence])}\\. "
        f"{m.escape(f'이용 조건: {row.license_name}.')} {m.code(row.source_id)}"
    )


def sources_list(sources: pd.DataFrame) -> Markup:
    """The sources appendix: one paragraph per sidecar, numbered as the references cite them.
    A list, not a table: long titles and licences stay readable on an A4 page."""
    numbers = source_numbers(sources)
    rows = sources.set_index("source_id", drop=False).loc[sorted(numbers)]
    return Markup("\n\n".join(source_entry(numbers[r.source_id], r) for r in rows.itertuples()) + "\n")


def dataset_links(tables: dict[str, pd.DataFrame]) -> Markup:
    """The whole clean dataset (and the data dictionary), each table as an embedded CSV: a list
    shown in the HTML only (the PDF cannot hold the files)."""
    items = [Markup("- ") + m.code(name) + Markup(": ") + csv_link(df, name) for name, df in tables.items()]
    return m.per_format_block("\n".join(items), "")


def annotate(df: pd.DataFrame) -> pd.DataFrame:
    """Columns a chart's tooltip shows and its click follows: source, figure as printed, quote, link."""
    out = df.copy()
    numbers = _state["numbers"]
    ids = out["source_id"] if "source_id" in out else pd.Series([None] * len(out), index=out.index)
    out["출처"] = [f"[{numbers[s]}] {describe_source(s)}" if isinstance(s, str) else "" for s in ids]
    printed = next((c for c in AS_PRINTED_COLUMNS if c in out), None)
    out["원문 표기"] = out[printed].astype(object).where(out[printed].notna(), "") if printed else ""
    out["인용"] = (out["quote"].astype(object).where(out["quote"].notna(), "").map(lambda q: _short(str(q), 160))
                 if "quote" in out else "")
    out["href"] = [f"#{anchor(s)}" if isinstance(s, str) else None for s in ids]
    return out

