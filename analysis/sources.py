"""Load and verify raw sources: one folder per published source under ``data/raw/``, holding one
data file and its ``<file>.meta.yaml`` sidecar (model: OWID snapshot metadata).

The build refuses to run on any sidecar that is missing, incomplete, or whose ``sha256``/``size``
do not match the file, because a raw file changed without its provenance being updated can no
longer be traced to its source. All problems are reported at once, not just the first.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import yaml

from analysis.errors import CleaningError, SourceError

SIDECAR_SUFFIX = ".meta.yaml"
REQUIRED_FIELDS = (
    "title",
    "producer",
    "citation_full",
    "url_main",
    "date_published",
    "date_accessed",
    "license",
    "sha256",
    "size",
    "evidence",
    "notes",
)
LICENSE_FIELDS = ("name", "url")
# primary: the publisher's own page or a full reprint; secondary: a story quoting another source
# (DESIGN.md); snapshot rows are primary data copied from a registry package.
EVIDENCE_LEVELS = ("primary", "secondary")
DATE_FIELDS = ("date_published", "date_accessed")
IGNORED_FILES = {".gitkeep", "README.md"}


@dataclass(frozen=True)
class RawSource:
    """A verified raw file and its provenance."""

    source_id: str
    path: Path
    meta: dict

    @property
    def evidence(self) -> str:
        return self.meta["evidence"]


def is_partial_date(value: str) -> bool:
    """Many news pages show only a year or month; the sidecar records what is known, no more."""
    for fmt in ("%Y-%m-%d", "%Y-%m", "%Y"):
        try:
            dt.datetime.strptime(value, fmt)
        except ValueError:
            continue
        return True
    return False


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecar_path(data_file: Path) -> Path:
    return data_file.with_name(data_file.name + SIDECAR_SUFFIX)


def check_sidecar(meta: object, label: str, data_file: Path) -> list[str]:
    """Every problem with one sidecar's fields and the file's checksum, as readable sentences."""
    if not isinstance(meta, dict):
        return [f"{label}: not a YAML mapping"]
    problems = []
    for field in REQUIRED_FIELDS:
        if field not in meta:
            problems.append(f"{label}: missing field '{field}'")
        elif meta[field] in (None, "", [], {}):
            problems.append(f"{label}: field '{field}' is empty")
    lic = meta.get("license")
    if isinstance(lic, dict):
        problems += [f"{label}: missing field 'license.{k}'" for k in LICENSE_FIELDS if not lic.get(k)]
    elif "license" in meta and lic:
        problems.append(f"{label}: field 'license' must have 'name' and 'url'")
    for field in DATE_FIELDS:
        value = meta.get(field)
        if value and not isinstance(value, dt.date):
            if not is_partial_date(str(value)):
                problems.append(f"{label}: field '{field}' is {value!r}, expected a date YYYY-MM-DD (or YYYY-MM, YYYY where the source gives no day)")
    if meta.get("evidence") and meta["evidence"] not in EVIDENCE_LEVELS:
        problems.append(f"{label}: field 'evidence' is {meta['evidence']!r}, expected one of {EVIDENCE_LEVELS}")
    url = meta.get("url_main")
    if url and not re.match(r"https?://", str(url)):
        problems.append(f"{label}: field 'url_main' is {url!r}, expected an http(s) address")
    if meta.get("sha256") and meta["sha256"] != sha256_of(data_file):
        problems.append(
            f"{label}: sha256 does not match {data_file.name} (sidecar {str(meta['sha256'])[:12]}…, "
            f"file {sha256_of(data_file)[:12]}…): the file changed without its sidecar; "
            f"check the change, then run `boston-report checksum {data_file.name}`"
        )
    if meta.get("size") not in (None, "") and meta["size"] != data_file.stat().st_size:
        problems.append(f"{label}: size is {meta['size']} but {data_file.name} has {data_file.stat().st_size} bytes")
    return problems


def load_sources(raw_dir: Path, project_root: Path | None = None) -> dict[str, RawSource]:
    """Verify every raw folder and return its sources keyed by ``source_id`` (the folder name).

    Raises :class:`SourceError` listing every problem found, so an analyst fixes them in one pass.
    """
    root = project_root or raw_dir.parent.parent

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(root))
        except ValueError:
            return str(p)

    if not raw_dir.is_dir():
        raise SourceError([f"{rel(raw_dir)}: raw data folder not found"])
    problems: list[str] = []
    sources: dict[str, RawSource] = {}
    for folder in sorted(p for p in raw_dir.iterdir() if p.is_dir()):
        files = sorted(f for f in folder.iterdir() if f.is_file() and f.name not in IGNORED_FILES)
        data_files = [f for f in files if not f.name.endswith(SIDECAR_SUFFIX)]
        sidecars = [f for f in files if f.name.endswith(SIDECAR_SUFFIX)]
        for orphan in sidecars:
            if orphan.name[: -len(SIDECAR_SUFFIX)] not in {f.name for f in data_files}:
                problems.append(f"{rel(orphan)}: sidecar without its data file")
        if len(data_files) != 1:
            problems.append(f"{rel(folder)}: expected exactly one data file per source folder, found {len(data_files)}")
            continue
        data_file = data_files[0]
        meta_file = sidecar_path(data_file)
        if not meta_file.exists():
            problems.append(f"{rel(data_file)}: no sidecar {meta_file.name}")
            continue
        try:
            meta = yaml.safe_load(meta_file.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            problems.append(f"{rel(meta_file)}: not valid YAML ({exc})")
            continue
        found = check_sidecar(meta, rel(meta_file), data_file)
        problems += found
        if not found:
            sources[folder.name] = RawSource(folder.name, data_file, meta)
    if problems:
        raise SourceError(problems)
    return sources


def update_checksum(data_file: Path) -> dict:
    """Write the file's current sha256 and size into its sidecar (after a reviewed change)."""
    meta_file = sidecar_path(data_file)
    text = meta_file.read_text(encoding="utf-8")
    new = {"sha256": sha256_of(data_file), "size": data_file.stat().st_size}
    for key, value in new.items():
        pattern = re.compile(rf"^{key}:.*$", re.MULTILINE)
        text = pattern.sub(f"{key}: {value}", text) if pattern.search(text) else text + f"{key}: {value}\n"
    meta_file.write_text(text, encoding="utf-8")
    return new


def label_of(source: RawSource, root: Path) -> str:
    """The raw file's path as messages show it: relative to the project."""
    return str(source.path.relative_to(root)) if source.path.is_relative_to(root) else str(source.path)


def read_named_tables(sources: dict, root: Path, filename: str, required_columns: tuple[str, ...]) -> pd.DataFrame:
    """Every raw file called ``filename`` (e.g. all ``events.csv``), stacked, with ``file`` and
    ``evidence`` columns; empty when there is none."""
    frames = [read_raw_table(src, required_columns, label_of(src, root)).assign(file=label_of(src, root), evidence=src.evidence)
              for src in sources.values() if src.path.name == filename]
    if not frames:
        return pd.DataFrame(columns=["source_id", "source_row", *required_columns, "file", "evidence"])
    return pd.concat(frames, ignore_index=True)


def read_raw_table(source: RawSource, required_columns: tuple[str, ...], label: str) -> pd.DataFrame:
    """A raw CSV as strings (never let pandas guess numbers from notation), with the line number
    of each row in ``source_row`` so that every clean row traces back to a raw row."""
    try:
        df = pd.read_csv(source.path, dtype=str, keep_default_na=False, encoding="utf-8")
    except (UnicodeDecodeError, pd.errors.ParserError) as exc:
        raise CleaningError(label, None, None, f"cannot read as UTF-8 CSV: {exc}") from exc
    missing = [c for c in required_columns if c not in df.columns]
    if missing:
        raise CleaningError(label, 1, missing[0], f"missing column(s) {missing}; the header has {list(df.columns)}")
    df = df.apply(lambda col: col.str.strip())
    df.insert(0, "source_row", range(2, len(df) + 2))
    df.insert(0, "source_id", source.source_id)
    return df


def parse_numeric_columns(df: pd.DataFrame, label: str, kinds: dict) -> pd.DataFrame:
    """Snapshot tables hold plain numbers; a cell that is not one is named (file:row:column)."""
    out = df.copy()
    for col, kind in kinds.items():
        for row in out.itertuples():
            try:
                kind(getattr(row, col))
            except ValueError:
                raise CleaningError(label, row.source_row, col, f"expected a number, found {getattr(row, col)!r}") from None
        out[col] = out[col].astype(kind)
    return out
