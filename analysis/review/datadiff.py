"""``boston-report diff``: what a change did to the clean data, table by table, for its reviewer.

``data/clean/`` is committed so that data changes are reviewable, but a git diff of wide quoted CSV
rows shows lines, not figures: a re-sorted table, a shifted ``source_row`` and a revised amount look
alike. This module compares the working tree's clean tables with those at a git ref row by row on
each table's key (``SCHEMA.key``), and reports rows added, removed and changed with the figure that
matters before and after, its relative change and its source; claim verdicts that changed; and
series whose latest year moved (what a reader of the report would notice first).

The old tables are read with ``git show REF:data/clean/<table>.csv`` (local, no network).
"""

from __future__ import annotations

import io
import math
import shutil
import subprocess
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from analysis.build.claims import claim_order
from analysis.build.cleaning import SCHEMAS
from analysis.build.cleaning.figures import revisions
from analysis.review.listing import MISSING, fmt_pct, fmt_value, markdown_table, md_escape, more, text_table, to_python, truncate
from analysis.paths import ProjectPaths

CLEAN_DIR = "data/clean"
# The figure a reader looks at in each table, in order of preference: a changed row shows the first
# of these that changed (so an FX revision of a KRW row shows amount_usd, a new edition shows amount).
VALUE_COLUMNS: dict[str, tuple[str, ...]] = {
    "venture_investment": ("amount", "amount_usd"),
    "indicators": ("value", "low", "high"),
    "claims": ("verdict",),
    "sources": ("date_published", "title", "sha256"),
    "fx_krw_usd": ("krw_per_usd",),
    "cpi_u": ("index",),
    "events": ("figure_value", "event"),
    "research_hospitals": ("sido", "city"),
    "pledges": ("status", "deadline"),
    "pledge_status": ("observation", "figure_as_published"),
}
# Unit shown after a figure: a literal, or "@column" for the row's own unit column.
UNITS: dict[tuple[str, str], str] = {
    ("venture_investment", "amount"): "@currency",
    ("venture_investment", "amount_usd"): "USD",
    ("indicators", "value"): "@unit",
    ("indicators", "low"): "@unit",
    ("indicators", "high"): "@unit",
    ("fx_krw_usd", "krw_per_usd"): "KRW/USD",
    ("events", "figure_value"): "@figure_unit",
}
# Series whose latest year a reader tracks: the columns that name one series.
SERIES_COLUMNS: dict[str, tuple[str, ...]] = {
    "venture_investment": ("series_id",),
    "indicators": ("series_id", "entity"),
}
# Columns whose full value tells a reader nothing more than its start (a checksum): cut to N characters.
SHORTENED: dict[str, int] = {"sha256": 12}
# Tables where a later release can revise a figure: the key of one figure and the column compared
# (see analysis.build.cleaning.figures.revisions).
REVISION_KEYS: dict[str, tuple[tuple[str, ...], str]] = {
    "venture_investment": (("series_id", "year", "period"), "amount"),
    "indicators": (("series_id", "entity", "year", "period"), "value"),
}
_SEP = "\x1f"


class GitError(Exception):
    """Git is missing, the folder is not a repository, or the ref is unknown: a one-line message."""


@dataclass(frozen=True)
class Ref:
    """The commit compared against, and how it was chosen (shown in the heading)."""

    commit: str
    label: str


@dataclass(frozen=True)
class RowFigure:
    """An added or removed row: its key as a reader names it, its figure and its source."""

    key: str
    column: str
    value: object
    unit: str
    source_id: str | None


@dataclass(frozen=True)
class RowChange:
    """A row present on both sides whose non-key columns differ."""

    key: str
    column: str
    before: object
    after: object
    unit: str
    pct: float | None
    source_id: str | None
    also_changed: tuple[str, ...] = ()


@dataclass(frozen=True)
class TableDiff:
    table: str
    rows_before: int | None  # None: the table did not exist at the ref
    rows_now: int | None  # None: the table is gone from the working tree
    added: list[RowFigure] = field(default_factory=list)
    removed: list[RowFigure] = field(default_factory=list)
    changed: list[RowChange] = field(default_factory=list)
    columns_added: tuple[str, ...] = ()
    columns_removed: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.columns_added or self.columns_removed)


@dataclass(frozen=True)
class VerdictChange:
    claim_id: str
    before: str | None
    after: str | None


@dataclass(frozen=True)
class LatestYearMove:
    table: str
    series: str
    before: int | None
    after: int | None


@dataclass(frozen=True)
class Revision:
    """A figure a later release revised, in this change: both rows are kept, the newer is used."""

    table: str
    key: str
    before: str  # the figure as printed
    before_source: str  # "source_id, date published"
    after: str
    after_source: str


@dataclass(frozen=True)
class DataDiff:
    ref: Ref
    tables: list[TableDiff]
    verdicts: list[VerdictChange]
    latest_years: list[LatestYearMove]
    titles: dict[str, str]  # source_id -> title, now or (for removed sources) at the ref
    revisions: list[Revision] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return all(t.empty for t in self.tables)


# --- git ---------------------------------------------------------------------------------------


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[bytes]:
    """Run git in the project folder; a missing git becomes a GitError, not a traceback."""
    if shutil.which("git") is None:
        raise GitError("git is not installed (or not on PATH); `boston-report diff` reads old tables with `git show`")
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, timeout=60)
    except (OSError, subprocess.TimeoutExpired) as exc:  # no such folder, git gone mid-run, a hung git
        raise GitError(f"could not run git in {root}: {exc}") from None


def _rev(root: Path, ref: str) -> str | None:
    """The commit a ref names, or None if git does not know it."""
    out = _git(root, "rev-parse", "--verify", "--quiet", "--end-of-options", f"{ref}^{{commit}}")
    return out.stdout.decode().strip() if out.returncode == 0 else None


def resolve_ref(root: Path, ref: str | None = None) -> Ref:
    """REF if given; else where this branch left main (so a branch is compared with what it changes),
    else HEAD (on main itself, or where there is no main: the uncommitted change)."""
    inside = _git(root, "rev-parse", "--is-inside-work-tree")
    if inside.returncode != 0:
        raise GitError(f"{root} is not inside a git repository: {inside.stderr.decode().strip() or 'git rev-parse failed'}")
    if ref is not None:
        commit = _rev(root, ref)
        if commit is None:
            raise GitError(f"unknown git ref {ref!r} (try a branch, a tag, a commit or origin/main after `git fetch`)")
        return Ref(commit, ref)
    head, main = _rev(root, "HEAD"), _rev(root, "refs/heads/main")
    if head is None:
        raise GitError("HEAD has no commit yet; pass a ref to compare with")
    if main is not None and main != head:
        base = _git(root, "merge-base", "HEAD", "refs/heads/main")
        if base.returncode == 0:
            return Ref(base.stdout.decode().strip(), "merge-base of HEAD and main")
    return Ref(head, "HEAD")


def read_at_ref(root: Path, commit: str, table: str) -> pd.DataFrame | None:
    """A clean table as committed at ``commit``, typed by its schema; None if it was not there."""
    spec = f"{commit}:./{CLEAN_DIR}/{table}.csv"
    if _git(root, "cat-file", "-e", spec).returncode != 0:
        return None
    shown = _git(root, "show", spec)
    if shown.returncode != 0:
        raise GitError(f"git show {spec} failed: {shown.stderr.decode().strip()}")
    return SCHEMAS[table].read_csv(io.BytesIO(shown.stdout))


def read_now(paths: ProjectPaths, table: str) -> pd.DataFrame | None:
    """A clean table as it is in the working tree; None if the file is absent."""
    path = paths.clean / f"{table}.csv"
    return SCHEMAS[table].read_csv(path) if path.exists() else None


# --- comparing ---------------------------------------------------------------------------------


def _as_text(df: pd.DataFrame, columns: Iterable[str]) -> pd.DataFrame:
    """Cells as strings for equality: both sides were read with the same schema, so equal data give
    equal strings, and missing compares equal to missing."""
    return pd.DataFrame({c: df[c].astype("string").fillna("\0") for c in columns}, index=df.index)


def _keyed(df: pd.DataFrame, key: list[str]) -> pd.DataFrame:
    """Index rows by their key. A duplicated key (the gate forbids it, an old commit may have it)
    gets an occurrence number so that duplicates pair up in order instead of multiplying."""
    text = _as_text(df, key)
    joined = text.apply(lambda r: _SEP.join(r), axis=1) if len(df) else pd.Series([], dtype=str)
    occurrence = joined.groupby(joined).cumcount().astype(str)
    out = df.copy()
    out.index = pd.Index(joined + _SEP + occurrence, name="_key")
    return out


def _display_key(row: pd.Series, key: list[str]) -> str:
    """How a reader names a row: the key without source_id (shown in its own column) and blanks."""
    shown = [c for c in key if c != "source_id"] or key
    return " ".join(str(v) for v in (to_python(row[c]) for c in shown) if v is not None and str(v) != "")


def _unit(table: str, column: str, row: pd.Series) -> str:
    unit = UNITS.get((table, column), "")
    if unit.startswith("@"):
        value = to_python(row.get(unit[1:]))
        return "" if value is None else str(value)
    return unit


def _source(row: pd.Series) -> str | None:
    value = to_python(row.get("source_id"))
    return None if value is None else str(value)


def relative_change(before: object, after: object) -> float | None:
    """Percent change for two numbers (not booleans) with a non-zero 'before'; None otherwise."""
    before, after = to_python(before), to_python(after)
    numbers = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (before, after))
    if not numbers or before == 0 or any(math.isnan(float(v)) for v in (before, after)):
        return None
    return (float(after) - float(before)) / abs(float(before)) * 100.0


def _figure(table: str, row: pd.Series, key: list[str]) -> RowFigure:
    candidates = [c for c in VALUE_COLUMNS.get(table, ()) if c in row.index]
    column = next((c for c in candidates if to_python(row[c]) is not None), candidates[0] if candidates else "")
    value = to_python(row[column]) if column else None
    return RowFigure(_display_key(row, key), column, value, _unit(table, column, row) if column else "", _source(row))


def _change(table: str, old: pd.Series, new: pd.Series, key: list[str], differing: list[str]) -> RowChange:
    candidates = [c for c in VALUE_COLUMNS.get(table, ()) if c in new.index and c in old.index]
    column = next((c for c in candidates if c in differing), candidates[0] if candidates else differing[0])
    before, after = to_python(old[column]), to_python(new[column])
    unit = _unit(table, column, new) or _unit(table, column, old)
    return RowChange(_display_key(new, key), column, before, after, unit, relative_change(before, after),
                     _source(new) or _source(old), tuple(c for c in differing if c != column))


def diff_table(table: str, old: pd.DataFrame | None, new: pd.DataFrame | None) -> TableDiff:
    """Rows added, removed and changed between two versions of one table, matched on its key.
    A table missing on one side counts as all rows added (or removed)."""
    key = list(SCHEMAS[table].key)
    empty = pd.DataFrame(columns=(new if new is not None else old).columns) if (old is None) != (new is None) else None
    before = _keyed(old if old is not None else empty, key)
    after = _keyed(new if new is not None else empty, key)
    old_keys, new_keys = set(before.index), set(after.index)
    added = [_figure(table, after.loc[k], key) for k in after.index if k not in old_keys]
    removed = [_figure(table, before.loc[k], key) for k in before.index if k not in new_keys]
    common_cols = [c for c in after.columns if c in before.columns and c not in key]
    both = [k for k in after.index if k in old_keys]
    a, b = _as_text(before.loc[both], common_cols), _as_text(after.loc[both], common_cols)
    changed = []
    for k in both:
        differing = [c for c in common_cols if a.at[k, c] != b.at[k, c]]
        if differing:
            changed.append(_change(table, before.loc[k], after.loc[k], key, differing))
    has_both = old is not None and new is not None
    return TableDiff(
        table, None if old is None else len(old), None if new is None else len(new), added, removed, changed,
        tuple(c for c in after.columns if c not in before.columns) if has_both else (),
        tuple(c for c in before.columns if c not in after.columns) if has_both else ())


def verdict_changes(old: pd.DataFrame | None, new: pd.DataFrame | None) -> list[VerdictChange]:
    """Claims on both sides whose verdict moved (new or dropped claims are rows added or removed)."""
    if old is None or new is None:
        return []
    before = {str(r.claim_id): to_python(r.verdict) for r in old.itertuples()}
    out = []
    for r in new.itertuples():
        cid, verdict = str(r.claim_id), to_python(r.verdict)
        if cid in before and before[cid] != verdict:
            out.append(VerdictChange(cid, before[cid], verdict))
    return sorted(out, key=lambda v: claim_order(v.claim_id))


def latest_years(df: pd.DataFrame | None, columns: tuple[str, ...]) -> dict[str, int]:
    """Per series (``series_id`` or ``series_id (entity)``): the latest year the report uses, i.e. the
    max year among preferred rows."""
    if df is None or not len(df) or "preferred" not in df.columns:
        return {}
    rows = df[df["preferred"].fillna(False).astype(bool)]
    out: dict[str, int] = {}
    for r in rows.itertuples():
        values = [to_python(getattr(r, c)) for c in columns]
        name = str(values[0]) + "".join(f" ({v})" for v in values[1:] if v is not None)
        year = to_python(r.year)
        if year is not None:
            out[name] = max(out.get(name, year), year)
    return out


def latest_year_moves(table: str, old: pd.DataFrame | None, new: pd.DataFrame | None) -> list[LatestYearMove]:
    """Series whose latest year differs (a series that appeared or vanished has '—' on one side)."""
    cols = SERIES_COLUMNS[table]
    before, after = latest_years(old, cols), latest_years(new, cols)
    names = sorted(set(before) | set(after))
    return [LatestYearMove(table, n, before.get(n), after.get(n)) for n in names if before.get(n) != after.get(n)]


def _titles(*tables: pd.DataFrame | None) -> dict[str, str]:
    """source_id -> title, the first table given winning (the working tree's, then the ref's)."""
    out: dict[str, str] = {}
    for df in reversed([t for t in tables if t is not None]):
        out.update({str(r.source_id): str(r.title) for r in df.itertuples() if to_python(r.title) is not None})
    return out


def _printed(row: pd.Series, value_col: str) -> str:
    text = to_python(row.get("value_as_published"))
    return str(text) if text is not None else fmt_value(to_python(row[value_col]))


def revisions_since(table: str, old: pd.DataFrame | None, new: pd.DataFrame | None,
                    sources: pd.DataFrame | None) -> list[Revision]:
    """Figures revised by a newer release whose newer row is new since the ref (added, or only now
    preferred): each with the earlier and the newer figure as printed, source and date."""
    if new is None or sources is None or table not in REVISION_KEYS:
        return []
    key, value_col = REVISION_KEYS[table]
    frame = new.copy()
    frame["preferred"] = frame["preferred"].astype(str).str.lower().eq("true")
    frame[value_col] = pd.to_numeric(frame[value_col], errors="coerce")
    dates = dict(zip(sources["source_id"].astype(str), sources["date_published"].astype(str)))
    before_pref = set()
    if old is not None:
        was = old[old["preferred"].astype(str).str.lower().eq("true")]
        before_pref = set(zip(was["source_id"].astype(str), was["source_row"].astype(str)))
    out = []
    for r in revisions(frame, key, value_col, dates):
        a, b = r["after"], r["before"]
        if (str(a["source_id"]), str(a["source_row"])) in before_pref:
            continue
        shown = _display_key(a, list(key))
        out.append(Revision(table, shown, _printed(b, value_col), f"{b['source_id']}, {r['before_date']}",
                            _printed(a, value_col), f"{a['source_id']}, {r['after_date']}"))
    return out


def compute(paths: ProjectPaths, ref: str | None = None) -> DataDiff:
    """The whole comparison: every clean table now against the same table at the ref."""
    resolved = resolve_ref(paths.root, ref)
    old = {t: read_at_ref(paths.root, resolved.commit, t) for t in SCHEMAS}
    new = {t: read_now(paths, t) for t in SCHEMAS}
    tables = [diff_table(t, old[t], new[t]) for t in SCHEMAS if old[t] is not None or new[t] is not None]
    moves = [m for t in SERIES_COLUMNS for m in latest_year_moves(t, old[t], new[t])]
    revised = [r for t in REVISION_KEYS for r in revisions_since(t, old[t], new[t], new["sources"])]
    return DataDiff(resolved, tables, verdict_changes(old["claims"], new["claims"]), moves,
                    _titles(new["sources"], old["sources"]), revised)


# --- output ------------------------------------------------------------------------------------


def _count(n: int | None) -> str:
    return MISSING if n is None else f"{n:,}"


def _year(y: int | None) -> str:
    return MISSING if y is None else str(y)


def _with_unit(value: object, unit: str, column: str = "") -> str:
    text = fmt_value(value)
    if column in SHORTENED and len(text) > SHORTENED[column]:
        text = text[:SHORTENED[column]] + "…"
    return f"{text} {unit}" if unit and text != MISSING else text


def summary_rows(diff: DataDiff) -> list[list[str]]:
    return [[t.table, _count(t.rows_before), _count(t.rows_now), str(len(t.added)), str(len(t.removed)),
             str(len(t.changed))] for t in diff.tables]


SUMMARY_HEADERS = ["table", "rows before", "rows now", "added", "removed", "changed"]
FIGURE_HEADERS = ["row", "column", "figure", "source"]
CHANGE_HEADERS = ["row", "column", "before", "after", "change", "source", "other columns changed"]
TEXT_CELL = 48  # terminal cells per value before it is cut with '…' (Markdown keeps the full text)


def _source_cell(table: str, source_id: str | None) -> str:
    """In the sources table the row is the source: naming it twice would only widen the table."""
    return "" if table == "sources" or not source_id else source_id


def _figure_rows(table: str, items: list[RowFigure]) -> list[list[str]]:
    return [[f.key, f.column, _with_unit(f.value, f.unit, f.column), _source_cell(table, f.source_id)] for f in items]


def _change_rows(table: str, items: list[RowChange]) -> list[list[str]]:
    return [[c.key, c.column, _with_unit(c.before, c.unit, c.column), _with_unit(c.after, c.unit, c.column), fmt_pct(c.pct),
             _source_cell(table, c.source_id), ", ".join(c.also_changed)] for c in items]


def _numeric(values: Iterable[object]) -> bool:
    return all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in values)


def table_sections(t: TableDiff) -> list[tuple[str, list[str], list[list[str]], tuple[int, ...]]]:
    """(title, headers, rows, right-aligned columns) for each non-empty list of a table. Figures are
    right-aligned when they are numbers, so that digits line up; words (a verdict) stay left."""
    out = []
    if t.added:
        right = (2,) if _numeric(f.value for f in t.added) else ()
        out.append((f"added ({len(t.added)})", FIGURE_HEADERS, _figure_rows(t.table, t.added), right))
    if t.removed:
        right = (2,) if _numeric(f.value for f in t.removed) else ()
        out.append((f"removed ({len(t.removed)})", FIGURE_HEADERS, _figure_rows(t.table, t.removed), right))
    if t.changed:
        right = (2, 3, 4) if _numeric(v for c in t.changed for v in (c.before, c.after)) else (4,)
        out.append((f"changed ({len(t.changed)})", CHANGE_HEADERS, _change_rows(t.table, t.changed), right))
    return out


def _sources_shown(diff: DataDiff, limit: int) -> list[str]:
    """The source ids of the rows actually listed (each list cut at ``limit``), in first-seen order:
    the legend gives their titles, so it needs no cap of its own."""
    ids: dict[str, None] = {}
    for t in diff.tables:
        for item in [*t.added[:limit], *t.removed[:limit], *t.changed[:limit]]:
            if item.source_id:
                ids.setdefault(item.source_id, None)
    return list(ids)


def column_note(t: TableDiff) -> str | None:
    parts = [f"columns added: {', '.join(t.columns_added)}" if t.columns_added else "",
             f"columns removed: {', '.join(t.columns_removed)}" if t.columns_removed else ""]
    return "; ".join(p for p in parts if p) or None


def presence(t: TableDiff) -> str:
    """Say so when a whole table appeared or vanished (then every row is listed as added or removed)."""
    if t.rows_before is None:
        return " (not at the ref: all rows added)"
    if t.rows_now is None:
        return " (gone from the working tree: all rows removed)"
    return ""


def _heading(diff: DataDiff) -> str:
    return f"Clean data: working tree vs {diff.ref.commit[:10]} ({diff.ref.label})"


def render_text(diff: DataDiff, limit: int = 15) -> str:
    """The terminal view: a summary table, then each changed table's rows, capped at ``limit``."""
    lines = [_heading(diff), ""]
    lines += text_table(SUMMARY_HEADERS, summary_rows(diff), right=(1, 2, 3, 4, 5))
    if diff.empty:
        return "\n".join(lines + ["", "No change in the clean data."]) + "\n"
    for t in (t for t in diff.tables if not t.empty):
        lines += ["", t.table + presence(t)]
        if note := column_note(t):
            lines.append(f"  {note}")
        for title, headers, rows, right in table_sections(t):
            lines.append(f"  {title}")
            lines += text_table(headers, rows[:limit], right=right, indent="    ", max_cell=TEXT_CELL)
            if cut := more(len(rows), limit):
                lines.append(f"    {cut}")
    lines += _text_extras(diff, limit)
    return "\n".join(lines) + "\n"


def _text_extras(diff: DataDiff, limit: int) -> list[str]:
    lines: list[str] = []
    if diff.verdicts:
        lines += ["", f"claim verdicts changed ({len(diff.verdicts)})"]
        rows = [[v.claim_id, v.before or MISSING, "→", v.after or MISSING] for v in diff.verdicts]
        lines += text_table(["claim", "before", "", "after"], rows[:limit])
        if cut := more(len(rows), limit):
            lines.append(f"  {cut}")
    if diff.revisions:
        lines += ["", f"revised by a newer release ({len(diff.revisions)}; both rows kept, the newer is used)"]
        rows = [[r.table, r.key, r.before, r.before_source, "→", r.after, r.after_source] for r in diff.revisions]
        lines += text_table(["table", "figure", "earlier", "source, published", "", "newer", "source, published"], rows[:limit],
                            right=(2, 5), max_cell=TEXT_CELL + 12)
        if cut := more(len(rows), limit):
            lines.append(f"  {cut}")
    if diff.latest_years:
        lines += ["", f"latest year moved ({len(diff.latest_years)})"]
        rows = [[m.table, m.series, _year(m.before), "→", _year(m.after)] for m in diff.latest_years]
        lines += text_table(["table", "series", "before", "", "after"], rows[:limit], right=(2,))
        if cut := more(len(rows), limit):
            lines.append(f"  {cut}")
    ids = _sources_shown(diff, limit)
    if ids:
        lines += ["", "source titles"]
        lines += text_table(["source_id", "title"], [[i, truncate(diff.titles.get(i, MISSING), 70)] for i in ids])
    return lines


def render_markdown(diff: DataDiff, limit: int = 15) -> str:
    """The pull-request view: GFM tables with every data string escaped (see listing.md_escape)."""
    lines = [f"### {md_escape(_heading(diff))}", ""]
    lines += markdown_table(SUMMARY_HEADERS, summary_rows(diff), right=(1, 2, 3, 4, 5))
    if diff.empty:
        return "\n".join(lines + ["", "No change in the clean data."]) + "\n"
    for t in (t for t in diff.tables if not t.empty):
        lines += ["", f"#### {md_escape(t.table + presence(t))}"]
        if note := column_note(t):
            lines += ["", md_escape(note)]
        for title, headers, rows, right in table_sections(t):
            lines += ["", f"**{md_escape(title)}**", ""]
            lines += markdown_table(headers, rows[:limit], right=right)
            if cut := more(len(rows), limit):
                lines += ["", f"_{md_escape(cut)}_"]
    lines += _markdown_extras(diff, limit)
    return "\n".join(lines) + "\n"


def extra_sections(diff: DataDiff, limit: int) -> list[tuple[str, list[str], list[list[str]], tuple[int, ...]]]:
    """(title, headers, rows, right-aligned columns) after the tables: verdicts that moved, series
    whose latest year moved, and the titles of the sources the listed rows name."""
    sections = []
    if diff.verdicts:
        rows = [[v.claim_id, v.before or MISSING, v.after or MISSING] for v in diff.verdicts]
        sections.append((f"Claim verdicts changed ({len(rows)})", ["claim", "before", "after"], rows, ()))
    if diff.revisions:
        rows = [[r.table, r.key, r.before, r.before_source, r.after, r.after_source] for r in diff.revisions]
        sections.append((f"Revised by a newer release ({len(rows)}; both rows kept, the newer is used)",
                         ["table", "figure", "earlier", "source, published", "newer", "source, published"], rows, (2, 4)))
    if diff.latest_years:
        rows = [[m.table, m.series, _year(m.before), _year(m.after)] for m in diff.latest_years]
        sections.append((f"Latest year moved ({len(rows)})", ["table", "series", "before", "after"], rows, (2, 3)))
    ids = _sources_shown(diff, limit)
    if ids:
        rows = [[i, diff.titles.get(i, MISSING)] for i in ids]
        sections.append((SOURCE_TITLES, ["source_id", "title"], rows, ()))  # fewer than 3 x limit x tables
    return sections


SOURCE_TITLES = "Source titles"


def _markdown_extras(diff: DataDiff, limit: int) -> list[str]:
    lines: list[str] = []
    for title, headers, rows, right in extra_sections(diff, limit):
        shown = rows if title == SOURCE_TITLES else rows[:limit]
        lines += ["", f"#### {md_escape(title)}", ""]
        lines += markdown_table(headers, shown, right=right)
        if cut := more(len(rows), len(shown)):
            lines += ["", f"_{md_escape(cut)}_"]
    return lines
