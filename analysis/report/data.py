"""Read the published clean tables (``data/clean/``) with their contract dtypes.

This is all the report needs from the pipeline: notebooks never read raw data and never clean.
"""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from analysis.build.cleaning import SCHEMAS
from analysis.paths import ProjectPaths


@lru_cache(maxsize=None)
def _load(name: str, root: str) -> pd.DataFrame:
    if name not in SCHEMAS:
        raise KeyError(f"no clean table {name!r}; tables: {sorted(SCHEMAS)}")
    path = ProjectPaths.from_env(root).clean / f"{name}.csv"
    if not path.exists():
        raise FileNotFoundError(f"{path} not found: run `boston-report build` first")
    return SCHEMAS[name].read_csv(path)


def load(name: str, root: str | None = None) -> pd.DataFrame:
    """A copy of one clean table (callers may modify it freely)."""
    return _load(name, str(ProjectPaths.from_env(root).root)).copy()


def load_all(root: str | None = None) -> dict[str, pd.DataFrame]:
    """Every clean table, by name (copies)."""
    return {name: load(name, root) for name in SCHEMAS}


def load_dictionary(root: str | None = None) -> pd.DataFrame:
    """data/clean/data_dictionary.csv: every column's type, unit, meaning and origin."""
    return pd.read_csv(ProjectPaths.from_env(root).clean / "data_dictionary.csv", dtype=str, keep_default_na=False)
