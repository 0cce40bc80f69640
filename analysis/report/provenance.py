"""Where each number comes from, as the reader sees it: the numbered source list of the appendix
and the source line under every chart and table, both generated from the sidecars (the clean
``sources`` table) and built only from escaped text (:mod:`analysis.report.markup`)."""

from __future__ import annotations

import pandas as pd

from analysis.report import markup as m
from analysis.report.markup import Markup

SECONDARY_NOTE = "† 2차 자료: 원 자료를 인용한 보도."
EVIDENCE_TEXT = {"primary": "1차 자료", "secondary": "2차 자료†"}


def source_numbers(sources: pd.DataFrame) -> dict[str, int]:
    """The reference number of every source: its position in the appendix list (sorted by id)."""
    return {sid: n for n, sid in enumerate(sorted(sources["source_id"]), start=1)}


def anchor(source_id: str) -> str:
    """The HTML id (and Typst label) of a source's entry in the appendix."""
    return f"src-{m.code(source_id).strip('`')}"


def _ids(source_ids) -> list[str]:
    return [s for s in dict.fromkeys(source_ids) if isinstance(s, str) and s]


def source_line(source_ids, sources: pd.DataFrame) -> Markup:
    """'출처: …' under a chart or table. Each source carries its reference number in the appendix,
    and secondary sources a dagger (†), so the reader sees which figures a story quoted."""
    table = sources.set_index("source_id")
    numbers = source_numbers(sources)
    parts = []
    for sid in _ids(source_ids):
        row = table.loc[sid]
        dagger = "†" if row["evidence"] == "secondary" else ""
        ref = Markup(f"[\\[{numbers[sid]}\\]](#{anchor(sid)})")
        parts.append(ref + Markup(" ") + m.escape(f"{row['producer']}, “{row['title']}” ({row['date_published']}){dagger}"))
    line = Markup("출처: ") + Markup("; ").join(parts) + Markup("\\.")
    if any(table.loc[sid, "evidence"] == "secondary" for sid in _ids(source_ids)):
        line = line + Markup(" ") + m.escape(SECONDARY_NOTE)
    return line


def source_entry(number: int, row) -> Markup:
    """One entry of the appendix list: number, producer, linked title, date, evidence, licence, id."""
    return Markup(
        f"[\\[{number}\\]]{{#{anchor(row.source_id)}}} {m.escape(row.producer)}, "
        f"{m.link('“' + str(row.title) + '”', row.url_main)}\\. "
        f"{m.escape(f'공표 {row.date_published}, 열람 {row.date_accessed}.')} {m.escape(EVIDENCE_TEXT[row.evidence])}\\. "
        f"{m.escape(f'이용 조건: {row.license_name}.')} {m.code(row.source_id)}"
    )


def sources_list(sources: pd.DataFrame) -> Markup:
    """The sources appendix: one paragraph per sidecar, numbered as the source lines cite them.
    A list, not a table: long titles and licences stay readable on an A4 page."""
    numbers = source_numbers(sources)
    rows = sources.set_index("source_id", drop=False).loc[sorted(numbers)]
    return Markup("\n\n".join(source_entry(numbers[r.source_id], r) for r in rows.itertuples()) + "\n")
