"""The editions archive: every published edition kept under ``editions/<id>/``, an index of them,
and for each edition after the first a "무엇이 바뀌었나" page against the one before.

The archive is a folder (``_editions/`` in a checkout; the workflow keeps it on the ``editions``
branch between deploys). It only grows: an edition, once archived, is never rewritten or removed,
so a link a reviewer once shared keeps showing what it showed. Adding the edition of a commit that
is already archived (the same commit and data) changes nothing. Each edition's entry in
``editions.json`` records what a reviewer compares editions by — date, commit, each series' data
cut-off, the claims' verdict counts — at the time it was published, so the index never has to
re-read old data; the change page is written once, when the edition is added, from
``boston-report diff`` against the previous edition's commit.

The archive is untrusted input wherever it is read (:mod:`.archive`: no links, nothing outside the
layout, every entry of the index type-checked). Adding an edition replaces the archive folder in one
atomic step (:mod:`analysis.folders`): a staging copy, hard-linked from the archive, gets the new
edition and index, then is exchanged with the archive; a run killed at any point leaves the last
complete archive, and the next run removes what it left. Into the site go only the editions the
index lists, and an index page written here from the checked entries.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import folders
from analysis.paths import ProjectPaths
from analysis.edition import Edition
from analysis.report.quality import VERDICT_LABELS
from analysis.report.summary import latest_rows
from analysis.review import datadiff
from analysis.review import html as h
from analysis.review.archive import (CHANGES, DATA_ZIP, FIELDS, INDEX_HTML, INDEX_JSON, PDF, RECORD,  # noqa: F401 (re-exported)
                                     REPORT, EditionsError, check_entries, check_tree)

FORMAT = 1
COMMAND = "boston-report site"  # what writes the archive, for the message a second run gets


@dataclass(frozen=True)
class Added:
    """What :func:`add` did: the edition's entry, and whether it was new."""

    entry: dict
    new: bool


# --------------------------------------------------------------------------- what an entry records

def cutoffs(tables: dict[str, pd.DataFrame]) -> list[dict]:
    """Each series the report draws and its latest year, as 요약's 자료 기준 table shows it."""
    return [{"series_id": r["series_id"], "label": r["series"], "year": int(r["row"]["year"]),
             "source_id": str(r["row"]["source_id"]), "published": r["published"]}
            for r in latest_rows(tables, tables["sources"])]


def verdicts(claims: pd.DataFrame) -> dict[str, int]:
    """Claims per verdict, in the report's order of verdicts; verdicts with no claim are left out."""
    counts = claims["verdict"].value_counts()
    return {v: int(counts[v]) for v in VERDICT_LABELS if v in counts.index}


def change_counts(diff: datadiff.DataDiff) -> dict[str, int]:
    return {"added": sum(len(t.added) for t in diff.tables), "removed": sum(len(t.removed) for t in diff.tables),
            "changed": sum(len(t.changed) for t in diff.tables), "verdicts": len(diff.verdicts),
            "latest_years": len(diff.latest_years)}


# --------------------------------------------------------------------------- the index

def load(archive: Path) -> list[dict]:
    """The archived editions, oldest first, after the folder and every entry were checked
    (:mod:`.archive`); an empty archive (no index yet) has none."""
    check_tree(archive)
    path = archive / INDEX_JSON
    if not path.exists():
        return []
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:  # ValueError: bad JSON, bad UTF-8, a number too long
        raise EditionsError(f"{path}: not readable as JSON ({type(exc).__name__}: {str(exc)[:200]})") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or set(doc) != {"format", "editions"}:
        raise EditionsError(f"{path}: expected {{\"format\": {FORMAT}, \"editions\": [...]}}")
    return check_entries(path, archive, doc["editions"])


def write_index(archive: Path, entries: list[dict]) -> None:
    """editions.json and index.html, as new files (never written through an existing one)."""
    text = json.dumps({"format": FORMAT, "editions": entries}, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    for name, content in ((INDEX_JSON, text), (INDEX_HTML, index_page(entries))):
        _write_new(archive / name, content)


def _write_new(path: Path, text: str) -> None:
    """``text`` into a new file at ``path``: a temporary name renamed over it, so that a link or a
    hard-linked file standing there is replaced, not written through."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.unlink(missing_ok=True)
    with open(tmp, "x", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def next_id(entries: list[dict], day: str) -> str:
    """The edition's folder: its date, or date-2, date-3 … when that day already has an edition."""
    taken = {e["id"] for e in entries}
    if day not in taken:
        return day
    n = 2
    while f"{day}-{n}" in taken:
        n += 1
    return f"{day}-{n}"


# --------------------------------------------------------------------------- adding an edition

def add(archive: Path, paths: ProjectPaths, edition: Edition, files: dict[str, Path], tables: dict[str, pd.DataFrame],
        progress: Callable[[str], None] = lambda _: None) -> Added:
    """Archive this edition (its report HTML, PDF and data zip, given in ``files`` by the names
    REPORT, PDF, DATA_ZIP) unless the archive already holds this commit with this data.

    A render with uncommitted changes is not an edition: its commit would not reproduce it. The
    archive is replaced whole (see the module's docstring), under its lock."""
    if edition.commit is None or edition.dirty:
        raise EditionsError(f"the render is of commit {edition.short}: only a committed checkout is archived as an edition "
                            "(commit, render again, then build the site)")
    archive.parent.mkdir(parents=True, exist_ok=True)
    with folders.folder_lock(archive, COMMAND):
        folders.recover(archive, progress)
        entries = load(archive)
        same = next((e for e in entries if e["commit"] == edition.commit and e["data_sha256"] == edition.data_sha256), None)
        if same is not None and not _strays(archive, entries):
            return Added(same, new=False)
        previous = entries[-1] if entries else None
        entry = same or {"id": next_id(entries, edition.date), "date": edition.date, "commit": edition.commit,
                         "data_sha256": edition.data_sha256, "previous": previous["id"] if previous else None,
                         "cutoffs": cutoffs(tables), "verdicts": verdicts(tables["claims"]), "changes": None}
        staging = folders.new_staging(archive)
        try:
            _copy_editions(archive, staging, entries, link=True, progress=progress)
            if same is None:
                _write_edition(staging / entry["id"], paths, edition, files, entry, previous)
            write_index(staging, entries if same else [*entries, entry])
            _sync(staging, staging / entry["id"])
            folders.replace(staging, archive)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return Added(entry, new=same is None)


def _write_edition(folder: Path, paths: ProjectPaths, edition: Edition, files: dict[str, Path], entry: dict,
                   previous: dict | None) -> None:
    """The new edition's folder: its files, its record and (after the first) its change page; the
    entry's change counts are filled in."""
    folder.mkdir()
    for name in (REPORT, PDF, DATA_ZIP):
        shutil.copyfile(files[name], folder / name)
    (folder / RECORD).write_text(edition.to_json(), encoding="utf-8")
    if previous:
        diff, problem = _diff(paths, previous)
        if diff is not None:
            entry["changes"] = change_counts(diff)
        (folder / CHANGES).write_text(changes_page(entry, previous, diff, problem), encoding="utf-8")


def _strays(archive: Path, entries: list[dict]) -> list[Path]:
    """Edition folders the index does not list: an interrupted run of an older version wrote them
    (it wrote the folder before the index); no page links to them."""
    listed = {e["id"] for e in entries}
    return sorted(p for p in archive.iterdir() if p.is_dir() and p.name not in listed) if archive.is_dir() else []


def copy_into(archive: Path, target: Path) -> list[dict]:
    """The site's editions/: each edition the archive's index lists (checked, as files: nothing
    linked), and an index written here from the checked entries. Returns the entries."""
    target.mkdir(parents=True, exist_ok=True)
    if not archive.exists():
        write_index(target, [])
        return []
    with folders.folder_lock(archive, COMMAND, shared=True):
        entries = load(archive)
        _copy_editions(archive, target, entries, link=False)
    write_index(target, entries)
    return entries


def _copy_editions(archive: Path, target: Path, entries: list[dict], *, link: bool,
                   progress: Callable[[str], None] = lambda _: None) -> None:
    """Every edition folder the index lists, file by file (hard links with ``link``: the archive's
    files are never written again). A folder the index does not list is left behind: an
    interrupted run of an older version wrote it, and no page links to it."""
    for folder in _strays(archive, entries):
        progress(f"editions: left out {folder.name}/, which {INDEX_JSON} does not list (an interrupted run wrote it)")
    for entry in entries:
        (target / entry["id"]).mkdir()
        for file in sorted((archive / entry["id"]).iterdir()):
            dest = target / entry["id"] / file.name
            if link:
                try:
                    os.link(file, dest, follow_symlinks=False)
                    continue
                except OSError:
                    pass  # a file system without hard links: a copy then
            shutil.copyfile(file, dest, follow_symlinks=False)


def _sync(*folders: Path) -> None:
    """The new files on disk before the exchange makes them visible."""
    for folder in folders:
        for path in folder.iterdir():
            if path.is_file():
                with path.open("rb") as fh:
                    os.fsync(fh.fileno())


def _diff(paths: ProjectPaths, previous: dict) -> tuple[datadiff.DataDiff | None, str | None]:
    """The clean data now against the previous edition's commit, or why that could not be read."""
    try:
        return datadiff.compute(paths, previous["commit"]), None
    except datadiff.GitError as exc:
        return None, str(exc)


# --------------------------------------------------------------------------- pages

def _nav(depth: int) -> h.Html:
    up = "../" * depth
    return h.element("nav", h.link("← 보스턴의 교훈 (첫 화면)", f"{up}index.html", relative=True), h.Html(" · "),
                     h.link("판 목록", f"{up}editions/index.html", relative=True))


def _short(commit: str) -> str:
    return commit[:12]


def _verdict_text(counts: dict[str, int]) -> str:
    return ", ".join(f"{VERDICT_LABELS.get(v, v)} {n}" for v, n in counts.items())


def _cutoff_text(entry: dict) -> str:
    return ", ".join(f"{c['label']} {c['year']}" for c in entry["cutoffs"])


def _changes_text(entry: dict) -> str:
    c = entry["changes"]
    if entry["previous"] is None:
        return "첫 판"
    if c is None:
        return "비교 못 함 (이전 판의 커밋을 읽을 수 없음)"
    return f"행 추가 {c['added']}, 삭제 {c['removed']}, 변경 {c['changed']}; 판정 변경 {c['verdicts']}; 최신 연도 이동 {c['latest_years']}"


def index_page(entries: list[dict]) -> str:
    """editions/index.html: newest first, each with its files, cut-offs, verdicts and changes."""
    rows = []
    for e in reversed(entries):
        links = h.Html(" · ").join([h.link("HTML", f"{e['id']}/{REPORT}", relative=True),
                                    h.link("PDF", f"{e['id']}/{PDF}", relative=True),
                                    h.link("데이터 (zip)", f"{e['id']}/{DATA_ZIP}", relative=True)]
                                   + ([h.link("무엇이 바뀌었나", f"{e['id']}/{CHANGES}", relative=True)] if e["previous"] else []))
        rows.append([h.element("strong", e["id"]), h.element("code", _short(e["commit"])), links, _verdict_text(e["verdicts"]),
                     _changes_text(e)])
    body = [h.element("h1", "판 목록"),
            h.element("p", "판마다 그때의 보고서(HTML, PDF)와 정제 데이터가 그대로 남는다. 한 번 발행된 판은 바뀌지도 지워지지도 않는다. "
                           "판마다의 자료 기준(지표별 최신 자료 연도)과 주장 판정 수는 발행 당시의 값이며, 기계가 읽는 목록은 ",
                      h.link("editions.json", INDEX_JSON, relative=True), "에 있다.")]
    if not entries:
        body.append(h.element("p", "아직 발행된 판이 없다."))
    else:
        body.append(h.table(["판", "커밋", "파일", "주장 판정", "이전 판 대비"], rows, caption="발행된 판 (최신 판부터)"))
        body.append(h.element("h2", "판별 자료 기준"))
        years = [{c["series_id"]: c["year"] for c in e["cutoffs"]} for e in reversed(entries)]
        cut_rows = [[c["label"], *[y.get(c["series_id"]) for y in years]] for c in entries[-1]["cutoffs"]]
        body.append(h.table(["지표", *[e["id"] for e in reversed(entries)]], cut_rows, right=range(1, len(entries) + 1),
                            caption="지표별 최신 자료 연도, 판마다"))
    return h.page("판 목록 — 보스턴의 교훈", _nav(1), body, description="보스턴 바이오 클러스터 보고서의 모든 판")


def changes_page(entry: dict, previous: dict, diff: datadiff.DataDiff | None, problem: str | None) -> str:
    """editions/<id>/changes.html: what this edition changed against the one before it."""
    title = f"무엇이 바뀌었나: {entry['id']} 판 (이전 판 {previous['id']} 대비)"
    body: list = [h.element("h1", title),
                  h.element("p", "이 판 ", h.element("code", _short(entry["commit"])), " 의 정제 데이터를 이전 판 ",
                            h.element("code", _short(previous["commit"])), " 의 것과 표마다 키로 맞춰 비교했다 (",
                            h.element("code", "boston-report diff " + _short(previous["commit"])), "와 같은 계산). ",
                            h.link("이 판의 보고서", REPORT, relative=True), " · ",
                            h.link("이전 판의 보고서", f"../{previous['id']}/{REPORT}", relative=True))]
    body += _summary_tables(entry, previous)
    if diff is None:
        body.append(h.element("p", "행 단위 비교는 하지 못했다: ", problem or "", " 위의 자료 기준과 판정 수는 두 판의 기록에서 온 것이다."))
    elif diff.empty:
        body.append(h.element("p", "정제 데이터는 이전 판과 같다 (코드나 글만 바뀌었다)."))
    else:
        body += _diff_tables(diff)
    return h.page(title, _nav(2), body, description=title)


def _summary_tables(entry: dict, previous: dict) -> list:
    before = {c["series_id"]: c["year"] for c in previous["cutoffs"]}
    rows = [[c["label"], before.get(c["series_id"]), c["year"],
             "더 새 자료" if c["series_id"] in before and c["year"] > before[c["series_id"]] else ""] for c in entry["cutoffs"]]
    verdict_rows = [[VERDICT_LABELS.get(v, v), previous["verdicts"].get(v, 0), entry["verdicts"].get(v, 0)]
                    for v in VERDICT_LABELS if v in previous["verdicts"] or v in entry["verdicts"]]
    return [h.element("h2", "자료 기준 (지표별 최신 자료 연도)"),
            h.table(["지표", previous["id"], entry["id"], "비고"], rows, right=(1, 2), caption="지표별 최신 자료 연도, 이전 판과 이 판"),
            h.element("h2", "주장 판정 수"),
            h.table(["판정", previous["id"], entry["id"]], verdict_rows, right=(1, 2), caption="판정별 주장 수, 이전 판과 이 판")]


def _diff_tables(diff: datadiff.DataDiff) -> list:
    everything = 10 ** 9  # the page lists every row: it is the record, not a preview
    out: list = [h.element("h2", "표별 변경"),
                 h.table(datadiff.SUMMARY_HEADERS, datadiff.summary_rows(diff), right=(1, 2, 3, 4, 5), caption="표마다 바뀐 행 수")]
    for t in (t for t in diff.tables if not t.empty):
        out.append(h.element("h3", h.element("code", t.table), datadiff.presence(t)))
        if note := datadiff.column_note(t):
            out.append(h.element("p", note))
        for title, headers, rows, right in datadiff.table_sections(t):
            out.append(h.table(headers, rows, right=right, caption=f"{t.table}: {title}"))
    for title, headers, rows, right in datadiff.extra_sections(diff, everything):
        out += [h.element("h2", title), h.table(headers, rows, right=right, caption=title)]
    return out
