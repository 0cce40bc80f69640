"""Which edition a render is: its date, the commit it was rendered from and the data it shows.

A reviewer cites an edition, not "the report": the 인용 block in the report and on the site names
the date and commit, and the site refuses to publish a render whose data or commit are not those
of the checkout (:func:`check_render`). The edition's date is the day it was rendered (UTC) unless
``BOSTON_REPORT_EDITION_DATE`` fixes it (tests, or re-rendering an old edition under its own date).
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
from dataclasses import asdict, dataclass
from datetime import date, datetime, timezone
from pathlib import Path

DATE_ENV = "BOSTON_REPORT_EDITION_DATE"
RECORD = "edition.json"  # written next to the rendered report by the post-render step


@dataclass(frozen=True)
class Edition:
    date: str  # YYYY-MM-DD
    commit: str | None  # the full commit id; None where git or the repository is missing
    dirty: bool  # tracked files differed from the commit when rendered
    data_sha256: str  # of data/clean/ (every file's name and bytes)

    @property
    def short(self) -> str:
        """The commit as a reader quotes it (12 characters), "-dirty" when tracked files had uncommitted changes, as git describe marks it."""
        if self.commit is None:
            return "unknown"
        return self.commit[:12] + ("-dirty" if self.dirty else "")

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=2, sort_keys=True) + "\n"


def edition_date(today: date | None = None) -> str:
    forced = os.environ.get(DATE_ENV)
    if forced:
        date.fromisoformat(forced)  # a malformed date fails here, not in a reviewer's citation
        return forced
    return (today or datetime.now(timezone.utc).date()).isoformat()


def data_sha256(clean: Path) -> str:
    """One hash of a data/clean/ folder: each file's name and content, in name order."""
    h = hashlib.sha256()
    for path in sorted(p for p in clean.iterdir() if p.is_file()):
        h.update(path.name.encode("utf-8") + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.hexdigest()


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str] | None:
    if shutil.which("git") is None:
        return None
    try:
        return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, timeout=30)
    except (OSError, subprocess.SubprocessError):
        return None


def commit_of(root: Path) -> tuple[str | None, bool]:
    """(HEAD commit, whether tracked files differ from it); (None, False) outside a repository."""
    head = _git(root, "rev-parse", "--verify", "HEAD")
    if head is None or head.returncode != 0:
        return None, False
    status = _git(root, "status", "--porcelain", "--untracked-files=no")
    return head.stdout.strip(), bool(status and status.stdout.strip())


def current(root: Path) -> Edition:
    commit, dirty = commit_of(root)
    return Edition(edition_date(), commit, dirty, data_sha256(root / "data" / "clean"))


_CHECKS = {"date": lambda v: isinstance(v, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", v) is not None,
           "commit": lambda v: v is None or isinstance(v, str) and re.fullmatch(r"[0-9a-f]{40}|[0-9a-f]{64}", v) is not None,
           "dirty": lambda v: isinstance(v, bool),
           "data_sha256": lambda v: isinstance(v, str) and re.fullmatch(r"[0-9a-f]{64}", v) is not None}


def read(path: Path) -> Edition:
    """An edition record, each field checked: its date names a folder of the editions archive and
    its commit goes to git, so neither may be anything but what :func:`current` writes."""
    try:
        fields = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise StaleRender(f"{path}: not readable as JSON ({type(exc).__name__}); render again (`make report`)") from None
    wrong = [k for k, ok in _CHECKS.items() if not isinstance(fields, dict) or k not in fields or not ok(fields[k])]
    if wrong:
        raise StaleRender(f"{path}: {', '.join(wrong)} not as the render writes them; render again (`make report`)")
    try:
        date.fromisoformat(fields["date"])
    except ValueError:
        raise StaleRender(f"{path}: date {fields['date']!r} is not a day; render again (`make report`)") from None
    return Edition(**{k: fields[k] for k in _CHECKS})


def check_render(rendered: Path, root: Path) -> Edition:
    """The edition of a finished render, refused when it is not this checkout's: no record (not
    rendered, or rendered before this step existed), other data, or another commit."""
    record = rendered / RECORD
    if not record.exists():
        raise StaleRender(f"{record}: no edition record; render the report first (`make report`)")
    rendered_edition = read(record)
    now = current(root)
    if rendered_edition.data_sha256 != now.data_sha256:
        raise StaleRender(f"{record}: the render shows other data than data/clean/ now; render again (`make report`)")
    if rendered_edition.commit != now.commit or rendered_edition.dirty != now.dirty:
        raise StaleRender(f"{record}: rendered from commit {rendered_edition.short}, the checkout is at {now.short}; "
                          "render again (`make report`)")
    return rendered_edition


def check_files(rendered: Path, files: list[Path]) -> None:
    """Each file must be one the last render produced, unchanged since (its record holds each
    file's sha256), and no page may hold a payload token the post-render should have put back."""
    record = rendered / RECORD
    for path in files:
        _check_file(record, rendered.parent, path)


def _check_file(record: Path, output: Path, path: Path) -> None:
    from analysis.render.payloads import TOKEN  # noqa: PLC0415

    produced = json.loads(record.read_text(encoding="utf-8")).get("files")
    relative = path.relative_to(output).as_posix()
    if not isinstance(produced, dict) or relative not in produced:
        raise StaleRender(f"{path}: not a file of the last render ({record} lists what it wrote; `--to html` writes no PDF): "
                          "render the whole project (`make report`)")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != produced[relative]:
        raise StaleRender(f"{path}: changed since the render wrote it; render again (`make report`)")
    token = TOKEN.search(data.decode("utf-8", "replace")) if path.suffix == ".html" else None
    if token:
        raise StaleRender(f"{path}: still holds {token.group(0)}, which the post-render should have put back; render again")


def write_record(root: Path, folder: Path, base: Path, produced: list[Path]) -> Path:
    """A render's record in ``folder``: this checkout's edition, and the sha256 of every file the
    render produced (relative to ``base``, the output folder); the site publishes no other file."""
    fields = {**asdict(current(root)),
              "files": {p.relative_to(base).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(produced)}}
    folder.mkdir(parents=True, exist_ok=True)
    (folder / RECORD).write_text(json.dumps(fields, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    return folder / RECORD


class StaleRender(Exception):
    """The render on disk is not the edition the checkout would publish."""
