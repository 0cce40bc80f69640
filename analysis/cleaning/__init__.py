"""Cleaning: one module per clean table, each exposing ``SCHEMA`` and a ``clean_<table>()``.

``build_tables`` runs them in dependency order (the FX table before anything converted with it)
and checks that every transcribed figure row belongs to a series some table cleans.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

import pandas as pd

from analysis import claims
from analysis.cleaning import cpi, events, fx, indicators, research_hospitals, sources_table, venture
from analysis.cleaning.figures import check_series_known, read_figures
from analysis.schema import TableSchema
from analysis.sources import RawSource

SCHEMAS: dict[str, TableSchema] = {s.name: s for s in (
    sources_table.SCHEMA, fx.SCHEMA, cpi.SCHEMA, venture.SCHEMA, indicators.SCHEMA, research_hospitals.SCHEMA, events.SCHEMA,
    claims.SCHEMA)}
KNOWN_SERIES: set[str] = set(venture.SERIES) | set(indicators.SERIES)


def build_tables(sources: Mapping[str, RawSource], root: Path,
                 progress: Callable[[str], None] = lambda _: None) -> dict[str, pd.DataFrame]:
    check_series_known(read_figures(sources, root), KNOWN_SERIES)
    tables: dict[str, pd.DataFrame] = {}
    tables["sources"] = sources_table.clean_sources(sources, root)
    progress(f"sources: {len(tables['sources'])} rows")
    tables["fx_krw_usd"] = fx.clean_fx_krw_usd(sources, root)
    progress(f"fx_krw_usd: {len(tables['fx_krw_usd'])} rows")
    tables["cpi_u"] = cpi.clean_cpi_u(sources, root)
    progress(f"cpi_u: {len(tables['cpi_u'])} rows")
    tables["venture_investment"] = venture.clean_venture_investment(sources, root, tables["fx_krw_usd"])
    progress(f"venture_investment: {len(tables['venture_investment'])} rows")
    tables["indicators"] = indicators.clean_indicators(sources, root)
    progress(f"indicators: {len(tables['indicators'])} rows")
    tables["research_hospitals"] = research_hospitals.clean_research_hospitals(sources, root)
    progress(f"research_hospitals: {len(tables['research_hospitals'])} rows")
    tables["events"] = events.clean_events(sources, root)
    progress(f"events: {len(tables['events'])} rows")
    # Last: the claims are checked against the tables cleaned above.
    tables["claims"] = claims.run_checks(claims.read_claims(sources, root), tables)
    counts = tables["claims"]["verdict"].value_counts().to_dict()
    progress(f"claims: {len(tables['claims'])} checked ({', '.join(f'{k} {v}' for k, v in sorted(counts.items()))})")
    return tables
