"""``boston-report site``: the published site, assembled from a finished render into ``_site/``.

What a reviewer opens (the layout is :mod:`analysis.review.pages`'s): the landing page and the
English summary (rendered by Quarto with the report), the report's HTML and PDF, the clean data as
one zip, the Great Expectations Data Docs of these data (made offline, :mod:`.datadocs`), and the
editions archive (:mod:`.editions`), to which this render is added as an edition when it is of a
committed checkout. Every link is relative, so the site works from any sub-path and from disk.

The render must be this checkout's (:func:`analysis.edition.check_render`): a site that
showed one commit's report beside another commit's data would be worse than none. The site is
written to a staging folder and exchanged with ``_site/`` in one atomic step (:mod:`analysis.folders`,
as ``data/clean/``), under a lock (``.site.lock``): a failed or killed run leaves the last site whole,
and the next run removes what a killed one left (``.site-staging-*``) before it starts.
"""

from __future__ import annotations

import os
import re
import shutil
import stat
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis import folders
from analysis.paths import ProjectPaths
from analysis.report import citation
from analysis import markup as m
from analysis.edition import Edition, check_files, check_render
from analysis.review import editions, pages
from analysis.review.listing import md_escape

ZIP_FOLDER = "boston-report-data"  # the folder the zip unpacks into
ZIP_README = "README.md"
DATA_DOCS_ASSETS = Path("tools") / "datadocs-assets" / "node_modules"
COMMAND = "boston-report site"
# A file of data/clean/ as an entry of the zip: a plain name (no folder, no backslash, no leading dot
# or dash), since an unzip program writes it as a path on the reader's disk.
ZIP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")


class SiteError(Exception):
    """The site cannot be assembled: a one-paragraph message saying what to run."""


@dataclass(frozen=True)
class Site:
    folder: Path
    edition: Edition
    archived: editions.Added | None  # None: the render was not archived (uncommitted changes)
    notes: tuple[str, ...]


# --------------------------------------------------------------------------- the data zip

def zip_readme(edition: Edition, tables: dict[str, pd.DataFrame], cff: dict, files: list[Path]) -> str:
    """What the zip is, which edition, how to cite it and under which licences — in the zip itself,
    since a downloaded file loses the page it came from. Markdown, read in a text editor or on a
    code host: every data string (the title, the licences) goes through listing.md_escape."""
    rows = {name: len(df) for name, df in tables.items()}
    lines = [f"# {md_escape(cff['title'])} — 정제 데이터 (clean data)", "",
             f"- 판 (edition): {md_escape(edition.date)}",
             f"- 커밋 (commit): {md_escape(edition.commit or 'unknown')}",
             f"- data/clean/ sha256: {md_escape(edition.data_sha256)}", "",
             "이 zip은 그 커밋의 `data/clean/`을 바이트 그대로 담는다. 각 행의 `source_id`는 `sources.csv`의 출처(제목, 발행처, URL, "
             "원본 파일의 sha256)를, 각 열의 뜻과 단위는 `data_dictionary.csv`를 보라.",
             "This zip holds that commit's `data/clean/` byte for byte: every row's `source_id` names its source in "
             "`sources.csv`; `data_dictionary.csv` gives each column's meaning and unit.", "",
             "## 파일 (files)", ""]
    lines += [f"- {m.code(p.name)}" + (f" — {rows[p.stem]} rows" if p.stem in rows else "") for p in files]
    lines += ["", "## 인용 (citation)", "", md_escape(citation.plain(cff, edition, pages.site_url())), "",
              "## 라이선스 (licences)", ""]
    for line in citation.licence_lines(tables["sources"]):
        bullet = line[:len(line) - len(line.lstrip(" -"))]  # "- " or "  - ": the list's own markup
        lines.append(bullet + md_escape(line[len(bullet):]))
    return "\n".join([*lines, ""])


def clean_files(clean: Path) -> list[Path]:
    """The files of data/clean/ the zip holds, each a plain file with a plain name; anything else
    (a link, a folder, a name an unzip program would read as a path) stops the site, named."""
    files, problems = [], []
    for entry in sorted(os.scandir(clean), key=lambda e: e.name):
        mode = os.lstat(entry.path).st_mode
        if not stat.S_ISREG(mode):
            problems.append(f"{entry.name} is {'a symbolic link' if stat.S_ISLNK(mode) else 'not a plain file'}")
        elif not ZIP_NAME.match(entry.name):
            problems.append(f"{entry.name!r} is not a plain file name (letters, digits, '.', '_', '-')")
        else:
            files.append(Path(entry.path))
    if problems:
        raise SiteError(f"{clean}: the data zip holds data/clean/ byte for byte, and these cannot go into it: "
                        + "; ".join(problems) + ". Build again (`make build`) to write data/clean/ afresh")
    return files


def write_data_zip(clean: Path, edition: Edition, tables: dict[str, pd.DataFrame], cff: dict, out: Path) -> None:
    """Every file of data/clean/ and the README, in name order with fixed times and modes: the
    same edition gives the same bytes."""
    files = clean_files(clean)
    stamp = tuple(int(part) for part in edition.date.split("-")) + (0, 0, 0)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        for name, data in [(ZIP_README, zip_readme(edition, tables, cff, files).encode("utf-8")),
                           *[(p.name, p.read_bytes()) for p in files]]:
            info = zipfile.ZipInfo(f"{ZIP_FOLDER}/{name}", date_time=stamp)  # type: ignore[arg-type]
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, data)


# --------------------------------------------------------------------------- the steps

def _rendered_files(paths: ProjectPaths) -> dict[str, Path]:
    """The render's pages by their place in the site; missing ones are named."""
    site_pages = paths.rendered / "site"
    files = {pages.LANDING: site_pages / "index.html", pages.ENGLISH: site_pages / "en.html",
             pages.REPORT: paths.rendered / "index.html", pages.PDF: paths.rendered / "index.pdf"}
    missing = [paths.relative(p) for p in files.values() if not p.is_file()]
    if missing:
        raise SiteError(f"the render lacks {', '.join(missing)}: render the whole project first (`make report`; "
                        "`--to html` renders no PDF)")
    links = [paths.relative(p) for p in files.values() if p.is_symlink()]
    if links:  # copied, a link would publish the file it points at
        raise SiteError(f"{', '.join(links)}: a symbolic link where the render writes a file; render again (`make report`)")
    return files


def _data_docs(paths: ProjectPaths, out: Path, assets: Path, work: Path) -> None:
    """Validate data/clean/ again, writing Data Docs into ``work`` (inside the staging folder, so a
    kill leaves nothing elsewhere), then make them work offline in ``out``."""
    from analysis.build.pipeline import read_published  # noqa: PLC0415 - Great Expectations takes seconds to import
    from analysis.review.datadocs import publish_data_docs  # noqa: PLC0415
    from analysis.build.validate import validate_tables  # noqa: PLC0415

    if not assets.is_dir():
        raise SiteError(f"{paths.relative(assets)} is missing: run `make datadocs-assets` (npm ci; the Data Docs' "
                        "scripts and styles, served from the site instead of CDNs)")
    work.mkdir()
    try:
        report = validate_tables(read_published(paths), paths.expectations, work)
        if not report.success:
            raise SiteError("data/clean/ fails its expectations now: " + "; ".join(report.blocking[:3]))
        publish_data_docs(work, out, assets)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _archive(paths: ProjectPaths, archive: Path, edition: Edition, staging: Path, tables,
             progress) -> editions.Added | None:
    """Add the edition to the archive (when committed) and copy the archive's editions into the site."""
    added = None
    if edition.commit is not None and not edition.dirty:
        files = {editions.REPORT: staging / pages.REPORT, editions.PDF: staging / pages.PDF,
                 editions.DATA_ZIP: staging / pages.DATA_ZIP}
        added = editions.add(archive, paths, edition, files, tables, progress)
    editions.copy_into(archive, staging / Path(pages.EDITIONS).parent)
    return added


def assemble(paths: ProjectPaths, archive: Path, out: Path | None = None, assets: Path | None = None,
             progress=lambda message: print(message, file=sys.stderr)) -> Site:
    out = out or paths.site
    assets = assets or paths.root / DATA_DOCS_ASSETS
    edition = check_render(paths.rendered, paths.root)
    rendered = _rendered_files(paths)
    check_files(paths.rendered, list(rendered.values()))
    from analysis.report.data import load_all  # noqa: PLC0415

    tables = load_all(str(paths.root))
    cff = citation.load_cff(paths.root)
    out.parent.mkdir(parents=True, exist_ok=True)
    with folders.folder_lock(out, COMMAND):
        # What a killed run left: its staging folder, or (two renames, no exchange) the old site moved aside.
        folders.recover(out, progress, legacy=(out.with_name(out.name + ".previous"),))
        editions.load(archive)  # an archive that is not what this code writes stops the site before any work
        staging = folders.new_staging(out)
        try:
            added, notes = _fill(paths, archive, staging, edition, rendered, tables, cff, assets, progress)
            folders.replace(staging, out)
        except BaseException:
            shutil.rmtree(staging, ignore_errors=True)
            raise
    return Site(out, edition, added, tuple(notes))


def _fill(paths: ProjectPaths, archive: Path, staging: Path, edition: Edition, rendered: dict[str, Path], tables, cff: dict,
          assets: Path, progress) -> tuple[editions.Added | None, list[str]]:
    """Everything the site holds, written into ``staging``."""
    progress(f"site: edition {edition.date}, commit {edition.short}")
    for place, source in rendered.items():
        (staging / place).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, staging / place)
    write_data_zip(paths.clean, edition, tables, cff, staging / pages.DATA_ZIP)
    progress("site: Data Docs (validating data/clean/ again, a few seconds)")
    _data_docs(paths, staging / Path(pages.DATA_DOCS).parent, assets, staging / ".data-docs-work")
    added = _archive(paths, archive, edition, staging, tables, progress)
    if added is None:
        notes = [f"not archived as an edition: the checkout has uncommitted changes ({edition.short}); "
                 f"the site's 판 목록 shows the archive ({paths.relative(archive)}) as it is"]
    elif added.new:
        notes = [f"archived as edition {added.entry['id']} in {paths.relative(archive)}"]
    else:
        notes = [f"this commit's data are already edition {added.entry['id']}: the archive is unchanged"]
    (staging / ".nojekyll").write_bytes(b"")  # GitHub Pages: serve the files as they are
    return added, notes
