"""No sentence stronger than its evidence: a figure whose row marks it unconfirmed is never stated as
fact — not in the prose, the summary, a table or a chart title.

A row is *unconfirmed* when the figure was not seen in the source's own text: its ``quote`` is
empty. That is how a raw row says so (docs/data-model.md: "Where the source text was not seen, the row has
no `quote`"), and its sidecar's notes say why (transcribed from the research dossier; the page is not
in the stored corpus; "figure not in the stored text"). Such a figure may still be shown, but only
as what it is: the text that states it must carry :data:`MARK` ("원문 미확인"), which
:func:`hedge` adds. Anything else is refused where the figure is cited:

- :func:`refuse_unhedged` is called by ``provenance.cite`` for every cited figure (prose, summary,
  table cells, the site's pages);
- :func:`refuse_in_title` is called by the chart helpers for every chart title, against the rows the
  chart draws.

The rule looks rows up by their identity in ``data/clean/`` (source id and raw line), not by the
columns a chapter's frame happens to carry, so a figure computed from an unconfirmed row (a ratio,
a sum) is caught too. :func:`setup` registers the clean tables; without it the registry is read from
``data/clean/`` on first use.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import pandas as pd

MARK = "원문 미확인"
# Clean tables whose rows carry a figure and a quote (the others carry no quote column).
TABLES = ("venture_investment", "indicators", "events")
# The printed figure of a row, by table: what a chart title would repeat.
PRINTED = {"venture_investment": "value_as_published", "indicators": "value_as_published", "events": "figure_as_published"}

_state: dict = {"unconfirmed": None}


class UnconfirmedStatement(ValueError):
    """A figure its row marks unconfirmed was about to be stated as fact."""


def unconfirmed_rows(tables: Mapping[str, pd.DataFrame]) -> dict[tuple[str, int], dict]:
    """(source_id, source_row) -> {table, printed figure} for every clean row without a quote."""
    out = {}
    for name in TABLES:
        df = tables.get(name)
        if df is None or "quote" not in df.columns:
            continue
        for r in df[df["quote"].isna() | df["quote"].astype(str).str.strip().eq("")].itertuples():
            printed = getattr(r, PRINTED[name], None)
            out[(str(r.source_id), int(r.source_row))] = {"table": name, "printed": None if pd.isna(printed) else str(printed)}
    return out


def setup(tables: Mapping[str, pd.DataFrame]) -> None:
    """Register the report's clean tables (the report's setup cell calls this)."""
    _state["unconfirmed"] = unconfirmed_rows(tables)


def registry() -> dict[tuple[str, int], dict]:
    if _state["unconfirmed"] is None:
        from analysis.report import data  # noqa: PLC0415 — only when no chapter registered its tables

        setup(data.load_all())
    return _state["unconfirmed"]


def _records(rows) -> Iterable[dict]:
    if rows is None:
        return []
    if isinstance(rows, (list, tuple)):
        return [rec for part in rows for rec in _records(part)]
    if isinstance(rows, pd.Series):
        return [rows.to_dict()]
    if isinstance(rows, pd.DataFrame):
        cols = [c for c in ("source_id", "source_row") if c in rows.columns]
        return rows[cols].to_dict("records") if len(cols) == 2 else []
    return []


def unconfirmed_in(rows) -> list[dict]:
    """The registry entries of the rows a figure rests on (clean rows, a frame, a list of either)."""
    reg, found = registry(), []
    for rec in _records(rows):
        sid, line = rec.get("source_id"), rec.get("source_row")
        if sid is None or line is None or pd.isna(line):
            continue
        hit = reg.get((str(sid), int(line)))
        if hit is not None:
            found.append({"source_id": str(sid), "source_row": int(line), **hit})
    return found


def is_hedged(text: str) -> bool:
    return MARK in str(text)


def hedge(text: str, rows) -> str:
    """The figure as the report may show it: with "(원문 미확인)" when a row it rests on is unconfirmed."""
    return f"{text} ({MARK})" if unconfirmed_in(rows) and not is_hedged(text) else str(text)


def _where(found: list[dict]) -> str:
    return ", ".join(f"{f['source_id']}:{f['source_row']}" for f in found)


# A figure resting on this many rows or fewer states them or is computed from each (a value, a ratio,
# a change); one resting on more is a count or a total over a list, which states none of them.
DIRECT_ROWS = 2


def _row_count(rows) -> int:
    return len({(str(r.get("source_id")), r.get("source_row")) for r in _records(rows)})


def refuse_unhedged(text, rows) -> None:
    """Called for every cited figure: refused when it states, or is computed directly from, a row
    marked unconfirmed and does not say so. Directly: the figure rests on at most
    :data:`DIRECT_ROWS` rows, or its text repeats a number the unconfirmed row printed. A count over
    a longer list of rows ('7곳', the clusters with data) states none of their values."""
    found = unconfirmed_in(rows)
    if not found or is_hedged(text):
        return
    said = _numbers(text)
    direct = _row_count(rows) <= DIRECT_ROWS
    stated = [f for f in found if direct or (_numbers(f["printed"] or "") & said)]
    if stated:
        raise UnconfirmedStatement(
            f"figure {str(text)!r} rests on row(s) marked unconfirmed (no quote: the figure was not seen in the source's text: "
            f"{_where(stated)}); state it as '{MARK}' (evidence.hedge) or leave it out")


_NUMBER = re.compile(r"\d[\d,.]*")


def _numbers(text: str) -> set[str]:
    return {n.replace(",", "").rstrip(".") for n in _NUMBER.findall(str(text))}


def _compact(text: str) -> str:
    return re.sub(r"\s+", "", str(text))


def refuse_in_title(title: str, data: pd.DataFrame | None) -> None:
    """Called for every chart title with the rows the chart draws: a title may not repeat, as fact,
    a figure printed by an unconfirmed row among them ('50명', '462.8만㎡'; compared as printed,
    spaces ignored — a title that restates the figure in other units is not recognised)."""
    if data is None or is_hedged(title):
        return
    said = _compact(title)
    for f in unconfirmed_in(data):
        printed = _compact(f["printed"] or "")
        if printed and printed in said:
            raise UnconfirmedStatement(
                f"chart title {title!r} states {f['printed']!r} from a row marked unconfirmed ({_where([f])}); "
                f"say '{MARK}' in the title or leave the figure out")
