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

from analysis.errors import CleaningError, SourceError, context
from analysis.build.urls import UnsafeURL, check_url

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
# Optional: `package` for snapshots of registry packages; `next_expected` for when a newer edition
# of the source is due (or was published), read by `boston-report status`.
OPTIONAL_FIELDS = ("package", "next_expected")
TEXT_FIELDS = ("title", "producer", "citation_full", "url_main", "evidence", "notes")
LICENSE_FIELDS = ("name", "url")
PACKAGE_FIELDS = ("name", "version", "member", "member_sha256")
# primary: the publisher's own page or a full reprint; secondary: a story quoting another source
# (DESIGN.md); snapshot rows are primary data copied from a registry package.
EVIDENCE_LEVELS = ("primary", "secondary")
DATE_FIELDS = ("date_published", "date_accessed")
IGNORED_FILES = {".gitkeep", "README.md"}
DATA_FILES = ("figures.csv", "events.csv", "hospitals.csv", "claims.csv", "pledges.csv", "pledge_status.csv", "krw_usd_annual.csv",
              "cpi_u_annual.csv")
SOURCE_ID = re.compile(r"^[a-z0-9][a-z0-9._-]{0,119}$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
# A sidecar is a short provenance record: anything larger, or built with anchors and aliases (which
# can expand exponentially), is refused before YAML constructs it.
MAX_SIDECAR_BYTES = 64 * 1024
MAX_DATA_FILE_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class RawSource:
    """A verified raw file and its provenance."""

    source_id: str
    path: Path
    meta: dict

    @property
    def evidence(self) -> str:
        return self.meta["evidence"]


def parse_partial_date(value: str) -> tuple[dt.date, dt.date] | None:
    """The first and last day a 'YYYY', 'YYYY-MM' or 'YYYY-MM-DD' can mean, or None if it is none of them.
    Many news pages show only a year or month; the sidecar records what is known, no more."""
    for fmt, span in (("%Y-%m-%d", "day"), ("%Y-%m", "month"), ("%Y", "year")):
        if len(value) != {"day": 10, "month": 7, "year": 4}[span]:
            continue
        try:
            first = dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
        if span == "day":
            return first, first
        if span == "month":
            nxt = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return first, nxt - dt.timedelta(days=1)
        return first, first.replace(month=12, day=31)
    return None


def is_partial_date(value: str) -> bool:
    return parse_partial_date(str(value)) is not None


def sha256_of(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def sidecar_path(data_file: Path) -> Path:
    return data_file.with_name(data_file.name + SIDECAR_SUFFIX)


class _SidecarLoader(yaml.SafeLoader):
    """Safe YAML without implicit dates (a date is checked as text, so '2018-13-45' is a clear
    problem, not a ValueError from the YAML library) and without duplicate keys."""

    yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=deep)
            if key in seen:
                raise yaml.constructor.ConstructorError(None, None, f"duplicate key {key!r}", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep=deep)


def read_sidecar(path: Path) -> dict:
    """A sidecar's fields, or SidecarUnreadable saying why it cannot be used."""
    size = path.stat().st_size
    if size > MAX_SIDECAR_BYTES:
        raise SidecarUnreadable(f"{size:,} bytes; a sidecar is at most {MAX_SIDECAR_BYTES:,}")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SidecarUnreadable(f"not UTF-8 text (byte {exc.start})") from None
    try:
        for token in yaml.scan(text, Loader=_SidecarLoader):
            if isinstance(token, (yaml.AnchorToken, yaml.AliasToken)):
                raise SidecarUnreadable(f"line {token.start_mark.line + 1}: YAML anchors and aliases are not allowed in a sidecar")
        meta = yaml.load(text, Loader=_SidecarLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        where = f"line {mark.line + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise SidecarUnreadable(f"{where}not valid YAML ({problem})") from None
    if not isinstance(meta, dict):
        raise SidecarUnreadable(f"expected a YAML mapping of fields, found {type(meta).__name__}")
    return meta


class SidecarUnreadable(Exception):
    """Internal: why a sidecar could not be read (turned into a SourceError line naming the file)."""


def _type_name(value: object) -> str:
    return {bool: "true/false", int: "a number", float: "a number", list: "a list", dict: "a mapping",
            type(None): "empty"}.get(type(value), type(value).__name__)


def _check_text(label: str, field: str, value: object) -> list[str]:
    if not isinstance(value, str):
        return [f"{label}: field '{field}' must be text, found {_type_name(value)} ({str(value)[:40]!r}); quote it"]
    if not value.strip():
        return [f"{label}: field '{field}' is empty"]
    return []


def _check_date(label: str, field: str, value: object) -> list[str]:
    expected = "expected a date 'YYYY-MM-DD' (or 'YYYY-MM', 'YYYY' where the source gives no day)"
    if not isinstance(value, str):
        return [f"{label}: field '{field}' is {_type_name(value)} ({value!r}), {expected} in quotes"]
    if parse_partial_date(value) is None:
        return [f"{label}: field '{field}' is {value!r}, {expected}"]
    return []


def check_dates(label: str, meta: dict, today: dt.date) -> list[str]:
    """A source cannot be published after it was read, or in the future; the newest publication also
    decides which figure is preferred, so such a date would silently change the report."""
    published = parse_partial_date(meta["date_published"])
    accessed = parse_partial_date(meta["date_accessed"])
    problems = []
    if accessed[0] > today:
        problems.append(f"{label}: date_accessed {meta['date_accessed']} is after today ({today})")
    if published[0] > today:
        problems.append(f"{label}: date_published {meta['date_published']} is after today ({today})")
    elif published[0] > accessed[1]:
        problems.append(f"{label}: date_published {meta['date_published']} is after date_accessed {meta['date_accessed']}")
    return problems


def check_sidecar(meta: dict, label: str, data_file: Path, today: dt.date | None = None) -> list[str]:
    """Every problem with one sidecar's fields and the file's checksum, as readable sentences."""
    today = today or dt.date.today()
    problems = [f"{label}: missing field '{f}'" for f in REQUIRED_FIELDS if f not in meta]
    unknown = sorted(str(k) for k in meta if k not in REQUIRED_FIELDS + OPTIONAL_FIELDS)
    if unknown:
        problems.append(f"{label}: unknown field(s) {unknown}; a sidecar has {list(REQUIRED_FIELDS)} and optionally {list(OPTIONAL_FIELDS)}")
    for field in TEXT_FIELDS:
        if field in meta:
            problems += _check_text(label, field, meta[field])
    for field in DATE_FIELDS:
        if field in meta:
            problems += _check_date(label, field, meta[field])
    if "next_expected" in meta:
        problems += _check_date(label, "next_expected", meta["next_expected"])
    if "license" in meta:
        lic = meta["license"]
        if not isinstance(lic, dict):
            problems.append(f"{label}: field 'license' must be a mapping with 'name' and 'url', found {_type_name(lic)}")
        else:
            problems += [f"{label}: missing field 'license.{k}'" for k in LICENSE_FIELDS if k not in lic]
            problems += [f"{label}: unknown field 'license.{k}'" for k in lic if k not in LICENSE_FIELDS]
            for k in LICENSE_FIELDS:
                if k in lic:
                    problems += _check_text(label, f"license.{k}", lic[k])
            if isinstance(lic.get("url"), str) and lic["url"].strip():
                problems += _check_url(label, "license.url", lic["url"])
    if "package" in meta:
        pkg = meta["package"]
        if not isinstance(pkg, dict) or set(pkg) != set(PACKAGE_FIELDS):
            problems.append(f"{label}: field 'package' must be a mapping with exactly {list(PACKAGE_FIELDS)}")
        else:
            for k in PACKAGE_FIELDS:
                problems += _check_text(label, f"package.{k}", pkg[k])
            if isinstance(pkg["member_sha256"], str) and not SHA256.match(pkg["member_sha256"]):
                problems.append(f"{label}: field 'package.member_sha256' must be 64 lowercase hexadecimal characters")
    if isinstance(meta.get("evidence"), str) and meta["evidence"] not in EVIDENCE_LEVELS:
        problems.append(f"{label}: field 'evidence' is {meta['evidence']!r}, expected one of {EVIDENCE_LEVELS}")
    if isinstance(meta.get("url_main"), str) and meta["url_main"].strip():
        problems += _check_url(label, "url_main", meta["url_main"])
    if not any(f"'{f}'" in p for p in problems for f in DATE_FIELDS) and all(f in meta for f in DATE_FIELDS):
        problems += check_dates(label, meta, today)
    if "sha256" in meta:
        sha = meta["sha256"]
        if not isinstance(sha, str) or not SHA256.match(sha):
            problems.append(f"{label}: field 'sha256' must be 64 lowercase hexadecimal characters in quotes, found "
                            f"{_type_name(sha) if not isinstance(sha, str) else repr(sha[:70])}; run `boston-report checksum {data_file.name}`")
        elif sha != sha256_of(data_file):
            problems.append(
                f"{label}: sha256 does not match {data_file.name} (sidecar {sha[:12]}…, file {sha256_of(data_file)[:12]}…): "
                f"the file changed without its sidecar; check the change, then run `boston-report checksum {data_file.name}`")
    if "size" in meta:
        size = meta["size"]
        if not isinstance(size, int) or isinstance(size, bool) or size < 0:
            problems.append(f"{label}: field 'size' must be a whole number of bytes, found {_type_name(size)} {str(size)[:20]!r}")
        elif size != data_file.stat().st_size:
            problems.append(f"{label}: size is {size} but {data_file.name} has {data_file.stat().st_size} bytes")
    return problems


def _check_url(label: str, field: str, value: str) -> list[str]:
    try:
        check_url(value)
    except UnsafeURL as exc:
        return [f"{label}: field '{field}': {exc}"]
    return []


def check_data_file(data_file: Path, label: str) -> list[str]:
    """A raw table must be UTF-8 CSV with a header and at least one row: an empty file would
    silently remove its figures from the report."""
    size = data_file.stat().st_size
    if size > MAX_DATA_FILE_BYTES:
        return [f"{label}: {size:,} bytes; a transcribed source is at most {MAX_DATA_FILE_BYTES:,}"]
    try:
        text = data_file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data_file.read_bytes()[: exc.start].count(b"\n") + 1
        return [f"{label}:{line}: not UTF-8 text (byte {exc.start}); save the file as UTF-8 (it may be CP949/EUC-KR)"]
    if "\x00" in text:
        return [f"{label}:{text[: text.index(chr(0))].count(chr(10)) + 1}: contains a NUL byte; the file is damaged or not text"]
    rows = [line for line in text.splitlines() if line.strip()]
    if not rows:
        return [f"{label}: the file is empty; expected a header line and at least one row"]
    if len(rows) == 1:
        return [f"{label}: the file has a header and no rows"]
    return []


def _inside(path: Path, folder: Path) -> bool:
    return not path.is_symlink() and path.resolve().is_relative_to(folder.resolve())


def load_sources(raw_dir: Path, project_root: Path | None = None, today: dt.date | None = None) -> dict[str, RawSource]:
    """Verify every raw folder and return its sources keyed by ``source_id`` (the folder name).

    ``data/raw/`` is a boundary: symlinks, files outside a source folder, folders whose names
    cannot be ids, stray files and unreadable data are each named, and nothing outside the folder
    is read. Raises :class:`SourceError` listing every problem found, so they are fixed in one pass.
    """
    root = project_root or raw_dir.parent.parent

    def rel(p: Path) -> str:
        try:
            return str(p.relative_to(root))
        except ValueError:
            return str(p)

    if not raw_dir.is_dir() or raw_dir.is_symlink():
        raise SourceError([f"{rel(raw_dir)}: raw data folder not found (or a symlink)"])
    problems: list[str] = []
    sources: dict[str, RawSource] = {}
    for entry in sorted(raw_dir.iterdir()):
        if entry.name in IGNORED_FILES and entry.is_file() and not entry.is_symlink():
            continue
        if entry.is_symlink() or not _inside(entry, raw_dir):
            problems.append(f"{rel(entry)}: is a symbolic link; raw data must be real files inside data/raw/")
            continue
        if not entry.is_dir():
            problems.append(f"{rel(entry)}: stray file; every raw file belongs in a source folder data/raw/<source_id>/")
            continue
        if not SOURCE_ID.match(entry.name):
            problems.append(f"{rel(entry)}: folder name is not a source id (lowercase letters, digits, '.', '_', '-')")
            continue
        with context(rel(entry)):
            problems += _check_folder(entry, rel, sources, today)
    if problems:
        raise SourceError(problems)
    return sources


def _check_folder(folder: Path, rel, sources: dict, today: dt.date | None) -> list[str]:
    problems = []
    entries = sorted(folder.iterdir())
    for entry in entries:
        if entry.is_symlink() or not _inside(entry, folder):
            problems.append(f"{rel(entry)}: is a symbolic link; raw data must be real files inside data/raw/")
        elif entry.is_dir():
            problems.append(f"{rel(entry)}: stray folder inside a source folder")
    files = [f for f in entries if f.is_file() and not f.is_symlink() and f.name not in IGNORED_FILES]
    data_files = [f for f in files if f.name in DATA_FILES]
    sidecars = [f for f in files if f.name.endswith(SIDECAR_SUFFIX)]
    for stray in files:
        if stray not in data_files and stray not in sidecars:
            problems.append(f"{rel(stray)}: stray file; a source folder holds one of {list(DATA_FILES)} and its sidecar")
    for orphan in sidecars:
        if orphan.name[: -len(SIDECAR_SUFFIX)] not in {f.name for f in data_files}:
            problems.append(f"{rel(orphan)}: sidecar without its data file")
    if len(data_files) != 1:
        named = ", ".join(f.name for f in data_files) or "none"
        problems.append(f"{rel(folder)}: expected exactly one data file, found {len(data_files)} ({named})")
        return problems
    data_file = data_files[0]
    meta_file = sidecar_path(data_file)
    if not meta_file.is_file() or meta_file.is_symlink():
        return problems + [f"{rel(data_file)}: no sidecar {meta_file.name}"]
    try:
        meta = read_sidecar(meta_file)
    except SidecarUnreadable as exc:
        return problems + [f"{rel(meta_file)}: {exc}"]
    found = check_data_file(data_file, rel(data_file)) + check_sidecar(meta, rel(meta_file), data_file, today)
    if not found and not problems:
        sources[folder.name] = RawSource(folder.name, data_file, meta)
    return problems + found


def update_checksum(data_file: Path) -> dict:
    """Write the file's current sha256 and size into its sidecar (after a reviewed change)."""
    meta_file = sidecar_path(data_file)
    text = meta_file.read_text(encoding="utf-8")
    new = {"sha256": sha256_of(data_file), "size": data_file.stat().st_size}
    # Quoted: an unquoted all-digit checksum would be read back by YAML as a number.
    written = {"sha256": f"'{new['sha256']}'", "size": str(new["size"])}
    for key, value in written.items():
        pattern = re.compile(rf"^{key}:.*$", re.MULTILINE)
        text = pattern.sub(f"{key}: {value}", text) if pattern.search(text) else text.rstrip("\n") + f"\n{key}: {value}\n"
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
    with context(label):
        return _read_raw_table(source, required_columns, label)


def _read_raw_table(source: RawSource, required_columns: tuple[str, ...], label: str) -> pd.DataFrame:
    try:
        df = pd.read_csv(source.path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, ValueError) as exc:
        raise CleaningError(label, None, None, f"cannot read as UTF-8 CSV: {str(exc).splitlines()[0][:200]}") from None
    unnamed = [c for c in df.columns if str(c).startswith("Unnamed:") or "." in str(c) and str(c).rsplit(".", 1)[0] in df.columns]
    if unnamed:
        raise CleaningError(label, 1, None, f"the header has an empty or repeated column name ({unnamed[0]!r})")
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
