"""Clean table ``sources``: one row per raw source, from its sidecar.

Why: the report's source list and every chart's source line are generated from this table, never
retyped, and the gate checks that every ``source_id`` used anywhere exists here and that every
``source_row`` points at a real line of that source's file.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from analysis.build.schema import Column, TableSchema
from analysis.build.sources import RawSource, label_of

SCHEMA = TableSchema(
    name="sources",
    description="Every raw source with its provenance, from the sidecars.",
    key=("source_id",),
    columns=(
        Column("source_id", "string", "", "Raw source folder name.", "data/raw/<source_id>"),
        Column("file", "string", "", "Raw file path relative to the project.", "data/raw"),
        Column("title", "string", "", "Title of the published source.", "sidecar: title"),
        Column("producer", "string", "", "Who published it (and whom it quotes).", "sidecar: producer"),
        Column("citation_full", "string", "", "Full citation.", "sidecar: citation_full"),
        Column("url_main", "string", "", "Address of the source.", "sidecar: url_main"),
        Column("date_published", "string", "YYYY[-MM[-DD]]", "Publication date as far as known.", "sidecar: date_published"),
        Column("date_accessed", "string", "YYYY-MM-DD", "When the figures were transcribed.", "sidecar: date_accessed"),
        Column("evidence", "string", "", "primary or secondary.", "sidecar: evidence"),
        Column("license_name", "string", "", "Terms of reuse.", "sidecar: license.name"),
        Column("license_url", "string", "", "Where the terms are stated.", "sidecar: license.url"),
        Column("package", "string", "", "Registry package and version a snapshot came from.", "sidecar: package"),
        Column("n_rows", "int", "rows", "Data rows in the raw file (for tracing source_row).", "raw file"),
        Column("sha256", "string", "", "Checksum of the raw file, verified at every build.", "sidecar: sha256"),
    ),
)


def count_rows(source: RawSource) -> int:
    with source.path.open(encoding="utf-8-sig") as fh:
        return max(sum(1 for line in fh if line.strip()) - 1, 0)


def clean_sources(sources: Mapping[str, RawSource], root) -> pd.DataFrame:
    rows = []
    for sid, src in sources.items():
        m = src.meta
        pkg = m.get("package")
        rows.append({
            "source_id": sid,
            "file": label_of(src, root),
            "title": m["title"], "producer": m["producer"], "citation_full": m["citation_full"],
            "url_main": m["url_main"], "date_published": str(m["date_published"]), "date_accessed": str(m["date_accessed"]),
            "evidence": m["evidence"], "license_name": m["license"]["name"], "license_url": m["license"]["url"],
            "package": f"{pkg['name']}=={pkg['version']}" if isinstance(pkg, dict) else None,
            "n_rows": count_rows(src), "sha256": m["sha256"],
        })
    return SCHEMA.enforce(pd.DataFrame(rows, columns=SCHEMA.names))
