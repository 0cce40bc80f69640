"""Cleaning: one module per clean table, each exposing ``SCHEMA`` and a ``clean_<table>()``.

``build_tables`` runs them in dependency order (the FX table before anything converted with it)
and checks that every transcribed figure row belongs to a series some table cleans.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from analysis.build import claims
from analysis.build.cleaning import cpi, events, fx, indicators, pledges, research_hospitals, sources_table, venture
from analysis.build.cleaning.figures import check_series_known, read_figures
from analysis.errors import context
from analysis.build.schema import TableSchema
from analysis.build.sources import RawSource

SCHEMAS: dict[str, TableSchema] = {s.name: s for s in (
    sources_table.SCHEMA, fx.SCHEMA, cpi.SCHEMA, venture.SCHEMA, indicators.SCHEMA, research_hospitals.SCHEMA, events.SCHEMA,
    pledges.PLEDGE_SCHEMA, pledges.STATUS_SCHEMA, claims.SCHEMA)}
KNOWN_SERIES: set[str] = set(venture.SERIES) | set(indicators.SERIES)


def build_tables(sources: Mapping[str, RawSource], root: Path,
                 progress: Callable[[str], None] = lambda _: None) -> dict[str, pd.DataFrame]:
    """Clean every table in dependency order: FX before the venture table it converts with, every
    table before the claims that are checked against them."""
    with context("reading figures.csv files"):
        check_series_known(read_figures(sources, root), KNOWN_SERIES)
    pledge_tables: dict[str, pd.DataFrame] = {}

    def pledge_table(name: str) -> pd.DataFrame:
        # One cleaning step yields both tables (statuses are decided from the observations).
        if not pledge_tables:
            pledge_tables["pledges"], pledge_tables["pledge_status"] = pledges.clean_pledges(sources, root)
        return pledge_tables[name]

    steps: list[tuple[str, Callable[[dict], pd.DataFrame]]] = [
        ("sources", lambda t: sources_table.clean_sources(sources, root)),
        ("fx_krw_usd", lambda t: fx.clean_fx_krw_usd(sources, root)),
        ("cpi_u", lambda t: cpi.clean_cpi_u(sources, root)),
        ("venture_investment", lambda t: venture.clean_venture_investment(sources, root, t["fx_krw_usd"])),
        ("indicators", lambda t: indicators.clean_indicators(sources, root)),
        ("research_hospitals", lambda t: research_hospitals.clean_research_hospitals(sources, root)),
        ("events", lambda t: events.clean_events(sources, root)),
        ("pledges", lambda t: pledge_table("pledges")),
        ("pledge_status", lambda t: pledge_table("pledge_status")),
        ("claims", lambda t: claims.run_checks(claims.read_claims(sources, root), t)),
    ]
    tables: dict[str, pd.DataFrame] = {}
    for name, step in steps:
        with context(f"cleaning {name}"):
            tables[name] = step(tables)
        progress(f"{name}: {len(tables[name])} rows")
    counts = tables["claims"]["verdict"].value_counts().to_dict()
    progress(f"claims checked: {', '.join(f'{k} {v}' for k, v in sorted(counts.items()))}")
    return tables
