"""``boston-report site``: the published site, assembled from a finished render into ``_site/``.

What a reviewer opens (the layout is :mod:`analysis.review.pages`'s): the landing page and the
English summary (rendered by Quarto with the report), the report's HTML and PDF, the clean data as
one zip, the Great Expectations Data Docs of these data (made offline, :mod:`.datadocs`), and the
editions archive (:mod:`.editions`), to which this render is added as an edition when it is of a
committed checkout. Every link is relative, so the site works from any sub-path and from disk.

The render must be this checkout's (:func:`analysis.report.edition.check_render`): a site that
showed one commit's report beside another commit's data would be worse than none. The site is
written to a staging folder and swapped in whole, so a failed step leaves the last site as it was.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from analysis.paths import ProjectPaths
from analysis.report import citation
from analysis.report.edition import Edition, check_render
from analysis.report.markup import one_line
from analysis.review import editions, pages

ZIP_FOLDER = "boston-report-data"  # the folder the zip unpacks into
ZIP_README = "README.md"
DATA_DOCS_ASSETS = Path("tools") / "datadocs-assets" / "node_modules"


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
    since a downloaded file loses the page it came from."""
    rows = {name: len(df) for name, df in tables.items()}
    lines = [f"# {one_line(cff['title'])} — 정제 데이터 (clean data)", "",
             f"- 판 (edition): {edition.date}",
             f"- 커밋 (commit): {edition.commit or 'unknown'}",
             f"- data/clean/ sha256: {edition.data_sha256}", "",
             "이 zip은 그 커밋의 `data/clean/`을 바이트 그대로 담는다. 각 행의 `source_id`는 `sources.csv`의 출처(제목, 발행처, URL, "
             "원본 파일의 sha256)를, 각 열의 뜻과 단위는 `data_dictionary.csv`를 보라.",
             "This zip holds that commit's `data/clean/` byte for byte: every row's `source_id` names its source in "
             "`sources.csv`; `data_dictionary.csv` gives each column's meaning and unit.", "",
             "## 파일 (files)", ""]
    lines += [f"- `{p.name}`" + (f" — {rows[p.stem]} rows" if p.stem in rows else "") for p in files]
    lines += ["", "## 인용 (citation)", "", citation.plain(cff, edition, pages.site_url()), "",
              "## 라이선스 (licences)", "", *[one_line(line) for line in citation.licence_lines(tables["sources"])], ""]
    return "\n".join(lines)


def write_data_zip(clean: Path, edition: Edition, tables: dict[str, pd.DataFrame], cff: dict, out: Path) -> None:
    """Every file of data/clean/ and the README, in name order with fixed times and modes: the
    same edition gives the same bytes."""
    files = sorted(p for p in clean.iterdir() if p.is_file())
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
    return files


def _data_docs(paths: ProjectPaths, out: Path, assets: Path) -> None:
    """Validate data/clean/ again, writing Data Docs, then make them work offline."""
    from analysis.pipeline import read_published  # noqa: PLC0415 - Great Expectations takes seconds to import
    from analysis.review.datadocs import publish_data_docs  # noqa: PLC0415
    from analysis.validate import validate_tables  # noqa: PLC0415

    if not assets.is_dir():
        raise SiteError(f"{paths.relative(assets)} is missing: run `make datadocs-assets` (npm ci; the Data Docs' "
                        "scripts and styles, served from the site instead of CDNs)")
    with tempfile.TemporaryDirectory(prefix="data-docs-") as tmp:
        report = validate_tables(read_published(paths), paths.expectations, Path(tmp))
        if not report.success:
            raise SiteError("data/clean/ fails its expectations now: " + "; ".join(report.blocking[:3]))
        publish_data_docs(Path(tmp), out, assets)


def _archive(paths: ProjectPaths, archive: Path, edition: Edition, staging: Path, tables) -> editions.Added | None:
    """Add the edition to the archive (when committed) and copy the archive into the site."""
    added = None
    if edition.commit is not None and not edition.dirty:
        archive.mkdir(parents=True, exist_ok=True)
        files = {editions.REPORT: staging / pages.REPORT, editions.PDF: staging / pages.PDF,
                 editions.DATA_ZIP: staging / pages.DATA_ZIP}
        added = editions.add(archive, paths, edition, files, tables)
    target = staging / Path(pages.EDITIONS).parent
    if archive.is_dir():
        shutil.copytree(archive, target, ignore=shutil.ignore_patterns(".git", ".nojekyll"))
    if not (target / editions.INDEX_JSON).exists():  # no edition yet (a first, uncommitted render)
        target.mkdir(parents=True, exist_ok=True)
        editions.write_index(target, [])
    return added


def assemble(paths: ProjectPaths, archive: Path, out: Path | None = None, assets: Path | None = None,
             progress=lambda message: print(message, file=sys.stderr)) -> Site:
    out = out or paths.site
    assets = assets or paths.root / DATA_DOCS_ASSETS
    edition = check_render(paths.rendered, paths.root)
    rendered = _rendered_files(paths)
    from analysis.report.data import load_all  # noqa: PLC0415

    tables = load_all(str(paths.root))
    cff = citation.load_cff(paths.root)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".site-staging-", dir=out.parent))
    notes = []
    try:
        progress(f"site: edition {edition.date}, commit {edition.short}")
        for place, source in rendered.items():
            (staging / place).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, staging / place)
        write_data_zip(paths.clean, edition, tables, cff, staging / pages.DATA_ZIP)
        progress("site: Data Docs (validating data/clean/ again, a few seconds)")
        _data_docs(paths, staging / Path(pages.DATA_DOCS).parent, assets)
        added = _archive(paths, archive, edition, staging, tables)
        if added is None:
            notes.append(f"not archived as an edition: the checkout has uncommitted changes ({edition.short}); "
                         f"the site's 판 목록 shows the archive ({paths.relative(archive)}) as it is")
        elif added.new:
            notes.append(f"archived as edition {added.entry['id']} in {paths.relative(archive)}")
        else:
            notes.append(f"this commit's data are already edition {added.entry['id']}: the archive is unchanged")
        (staging / ".nojekyll").write_bytes(b"")  # GitHub Pages: serve the files as they are
        _swap(staging, out)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return Site(out, edition, added, tuple(notes))


def _swap(staging: Path, out: Path) -> None:
    """Replace the old site by the new one in two renames (the old one is kept until the new is in place)."""
    old = out.with_name(out.name + ".previous")
    shutil.rmtree(old, ignore_errors=True)
    if out.exists():
        out.rename(old)
    staging.rename(out)
    out.chmod(0o755)  # mkdtemp made it private
    shutil.rmtree(old, ignore_errors=True)
