"""Column contracts of the clean tables: one place that gives dtype, unit and meaning, used to
enforce dtypes when a table is built, to read published CSVs back with the same dtypes, and to
write the data dictionary. The GX suites check the same contract from the outside."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

PANDAS_DTYPES = {"string": "string", "int": "Int64", "float": "Float64", "bool": "boolean"}


@dataclass(frozen=True)
class Column:
    name: str
    dtype: str  # one of PANDAS_DTYPES
    unit: str
    description: str
    origin: str  # where the value comes from: a raw column, a sidecar field, or a derivation


@dataclass(frozen=True)
class TableSchema:
    name: str
    description: str
    key: tuple[str, ...]
    columns: tuple[Column, ...]

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    def enforce(self, df: pd.DataFrame) -> pd.DataFrame:
        """Exact columns in contract order, explicit dtypes, sorted by key, so that the same data
        always serialise to the same bytes."""
        missing = [c for c in self.names if c not in df.columns]
        if missing:
            raise ValueError(f"{self.name}: cleaning produced no column(s) {missing}")
        out = df[self.names].copy()
        for col in self.columns:
            out[col.name] = out[col.name].astype(PANDAS_DTYPES[col.dtype])
        # Key uniqueness is the GX suite's job (expect_compound_columns_to_be_unique), so that a
        # duplicated raw row fails the gate with the gate's message, like every other contract.
        return out.sort_values(list(self.key), kind="mergesort").reset_index(drop=True)

    def read_csv(self, path) -> pd.DataFrame:
        df = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
        df = df.replace({"": None})
        for col in self.columns:
            if col.name not in df.columns:
                continue
            if col.dtype == "bool":
                df[col.name] = df[col.name].map({"True": True, "False": False, None: None}).astype("boolean")
            elif col.dtype in ("int", "float"):
                df[col.name] = pd.to_numeric(df[col.name]).astype(PANDAS_DTYPES[col.dtype])
            else:
                df[col.name] = df[col.name].astype("string")
        return df


def write_csv(df: pd.DataFrame, path) -> None:
    """One serialisation for every clean table (UTF-8, LF, no index, empty string for missing)."""
    df.to_csv(path, index=False, lineterminator="\n", encoding="utf-8", na_rep="")


def dictionary_rows(schemas: list[TableSchema]) -> pd.DataFrame:
    rows = [
        {"table": s.name, "column": c.name, "dtype": c.dtype, "unit": c.unit, "description": c.description,
         "source": c.origin, "key": c.name in s.key}
        for s in schemas
        for c in s.columns
    ]
    return pd.DataFrame(rows)
