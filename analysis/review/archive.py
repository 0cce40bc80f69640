"""The editions archive read as untrusted input: what may be in the folder, and what each entry of
``editions.json`` must hold.

The archive comes back from the ``editions`` branch (``tools/editions-branch.sh fetch``), from a
folder anyone can edit, or from an earlier run that was killed. The site step copies it into
``_site/``, writes into it, and builds pages and ``git`` calls from its index; so before anything
is read, the folder is checked (:func:`check_tree`): only ``editions.json``, ``index.html`` and
edition folders, each holding only the files an edition has, every one a plain file (no symbolic
link, which would make the site write through it or publish the file it points at; no device or
pipe). Each entry of the index is then type-checked field by field (:func:`check_entries`), and a
problem is named by file, entry and field.
"""

from __future__ import annotations

import os
import re
import stat
from datetime import date
from pathlib import Path

INDEX_JSON = "editions.json"
INDEX_HTML = "index.html"
# What each edition folder holds (named as in the site's root, pages.py, but flat).
REPORT, PDF, DATA_ZIP, RECORD, CHANGES = "index.html", "index.pdf", "boston-report-data.zip", "edition.json", "changes.html"
EDITION_FILES = (REPORT, PDF, DATA_ZIP, RECORD, CHANGES)
ID = re.compile(r"^\d{4}-\d{2}-\d{2}(?:-[2-9]|-[1-9]\d+)?$")
COMMIT = re.compile(r"^(?:[0-9a-f]{40}|[0-9a-f]{64})$")
SHA256 = re.compile(r"^[0-9a-f]{64}$")
FIELDS = ("id", "date", "commit", "data_sha256", "previous", "cutoffs", "verdicts", "changes")
CUTOFF_FIELDS = {"series_id": str, "label": str, "year": int, "source_id": str, "published": str}
CHANGE_FIELDS = ("added", "removed", "changed", "verdicts", "latest_years")
MAX_LISTED = 10


class EditionsError(Exception):
    """The archive cannot take this edition, or holds what this code never writes: the message names each path or field."""


def _kind(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISREG(mode):
        return "a file"
    return "a special file (device, pipe or socket)"


def tree_problems(archive: Path) -> list[str]:
    """Every entry of the archive folder that is not what an archive holds, read without following
    any link: at the top ``editions.json``, ``index.html`` and folders named like an edition
    (``2026-12-03``, ``2026-12-03-2``); inside an edition folder only its files (EDITION_FILES)."""
    problems = []

    def expect(path: Path, want: str) -> bool:
        st = os.lstat(path)
        have = _kind(st.st_mode)
        if have != want:
            extra = f" to {os.readlink(path)}" if stat.S_ISLNK(st.st_mode) else ""
            problems.append(f"{path}: {have}{extra}, where the archive holds {want}")
            return False
        return True

    for top in sorted(os.scandir(archive), key=lambda e: e.name):
        path = Path(top.path)
        if top.name in (INDEX_JSON, INDEX_HTML):
            expect(path, "a file")
        elif ID.match(top.name):
            if expect(path, "a folder"):
                for inner in sorted(os.scandir(path), key=lambda e: e.name):
                    if inner.name not in EDITION_FILES:
                        problems.append(f"{inner.path}: not a file an edition holds ({', '.join(EDITION_FILES)})")
                    else:
                        expect(Path(inner.path), "a file")
        else:
            problems.append(f"{path}: not part of an editions archive (only {INDEX_JSON}, {INDEX_HTML} and edition "
                            "folders named YYYY-MM-DD or YYYY-MM-DD-N)")
    return problems


def check_tree(archive: Path) -> None:
    """Raise :class:`EditionsError` listing what :func:`tree_problems` found."""
    if not archive.exists():
        return
    if archive.is_symlink() or not archive.is_dir():
        raise EditionsError(f"{archive}: the editions archive must be a folder, not {_kind(os.lstat(archive).st_mode)}")
    problems = tree_problems(archive)
    if problems:
        shown = problems[:MAX_LISTED] + ([f"… and {len(problems) - MAX_LISTED} more"] if len(problems) > MAX_LISTED else [])
        raise EditionsError(f"{archive}: the editions archive holds what this code never writes; nothing was written or "
                           "published (fetch the archive again, or remove these by hand after a look):\n"
                           + "\n".join(f"  - {p}" for p in shown))


# --------------------------------------------------------------------------- editions.json

def _count(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _iso_date(value) -> bool:
    if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _field_problem(field: str, value, earlier: list[str]) -> tuple[str, str, object] | None:
    """What is wrong with one field of an entry, or None: (where inside the field, what was
    expected, what is there). ``earlier``: the ids of the entries before this one."""
    if field == "date":
        return None if _iso_date(value) else ("", "a date YYYY-MM-DD", value)
    if field == "commit":
        return None if isinstance(value, str) and COMMIT.match(value) else ("", "a full commit id (40 or 64 hex digits)", value)
    if field == "data_sha256":
        return None if isinstance(value, str) and SHA256.match(value) else ("", "a sha256 (64 hex digits)", value)
    if field == "previous":
        wanted = earlier[-1] if earlier else None
        return None if value == wanted and (value is None or isinstance(value, str)) else (
            "", f"the id of the edition before it ({wanted!r})" if earlier else "null (the first edition)", value)
    if field == "cutoffs":
        if not isinstance(value, list):
            return "", "a list of cut-offs", value
        for n, c in enumerate(value):
            if not isinstance(c, dict) or set(c) != set(CUTOFF_FIELDS):
                return f"[{n}]", f"an object with {', '.join(CUTOFF_FIELDS)}", c
            for key, kind in CUTOFF_FIELDS.items():
                if not (_count(c[key]) if kind is int else isinstance(c[key], kind)):
                    return f"[{n}].{key}", "a year" if kind is int else "text", c[key]
        return None
    if field == "verdicts":
        ok = isinstance(value, dict) and all(isinstance(k, str) and _count(v) for k, v in value.items())
        return None if ok else ("", "an object of verdict -> count (whole numbers)", value)
    if field == "changes":
        ok = value is None or (isinstance(value, dict) and set(value) == set(CHANGE_FIELDS) and all(_count(v) for v in value.values()))
        return None if ok else ("", f"null or an object of {', '.join(CHANGE_FIELDS)} (whole numbers)", value)
    raise ValueError(field)


def _shown(value) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:79] + "…"


def check_entries(path: Path, archive: Path, entries) -> list[dict]:
    """The editions of an index, every field type-checked and each id a folder of ``archive``;
    otherwise :class:`EditionsError` names the file, the entry, the field and what was expected."""
    if not isinstance(entries, list):
        raise EditionsError(f"{path}: editions: expected a list")
    ids: list[str] = []
    for i, entry in enumerate(entries):
        at = f"{path}: editions[{i}]"
        if not isinstance(entry, dict):
            raise EditionsError(f"{at}: expected an object with {', '.join(FIELDS)}")
        missing = [f for f in FIELDS if f not in entry]
        if missing:
            raise EditionsError(f"{at} lacks {', '.join(missing)}")
        unknown = sorted(set(entry) - set(FIELDS))
        if unknown:
            raise EditionsError(f"{at}: unknown field(s) {', '.join(map(repr, unknown))} (an entry holds {', '.join(FIELDS)})")
        edition_id = entry["id"]
        folder = archive / edition_id if isinstance(edition_id, str) and ID.match(edition_id) else None
        if folder is None or folder.is_symlink() or not folder.is_dir():
            raise EditionsError(f"{at}.id: {_shown(edition_id)} is not an edition folder of {archive}")
        if edition_id in ids:
            raise EditionsError(f"{at}.id: {edition_id!r} is listed twice")
        for field in FIELDS[1:]:
            problem = _field_problem(field, entry[field], ids)
            if problem:
                inside, expected, got = problem
                raise EditionsError(f"{at}.{field}{inside}: expected {expected}, got {_shown(got)}")
        ids.append(edition_id)
    return entries
