"""The site's charts read back like the report's (``boston-report check-site``).

Every page of ``_site/`` that draws charts is opened (as the file it is, in a browser with no
network) at desktop and phone width, and each chart is compared with the data it was drawn from:
the report and the current edition (the report's copy in the archive, byte for byte) with
``data/clean/``; an archived edition with the data zip published beside it
(``editions/<id>/boston-report-data.zip``). An archived edition is never rewritten, so what its
charts draw against today's declarations of the figures is reported as a note, not a failure —
also when its data are today's: it was drawn by the chart code of its day. The current edition and
the report must be exact.
"""

from __future__ import annotations

import tempfile
import zipfile
from pathlib import Path

from analysis.checks.browser import BrowserError, read_pages_isolated
from analysis.checks.chart_expectations import FIGURES
from analysis.checks.charts import check_reading
from analysis.checks.findings import Findings
from analysis.review import pages as site_pages

EDITION_ZIP = "boston-report-data.zip"


def chart_pages(site: Path) -> list[Path]:
    """The site's HTML pages that draw at least one chart."""
    return [p for p in sorted(site.rglob("*.html")) if "bostonChart(" in p.read_text(encoding="utf-8", errors="replace")]


def _is_current(page: Path, site: Path) -> bool:
    """Whether an edition's page is the report itself (the current edition's copy, byte for byte)."""
    report = site / site_pages.REPORT
    return report.is_file() and report.read_bytes() == page.read_bytes()


def _unpack(archive: Path, into: Path) -> Path:
    """An edition's tables, for its charts: only the .csv members, by their base names (never a path
    from the archive)."""
    with zipfile.ZipFile(archive) as z:
        for name in z.namelist():
            if name.endswith(".csv") and "/" in name.strip("/") and not name.startswith("/") and ".." not in name:
                (into / Path(name).name).write_bytes(z.read(name))
    return into


def check_site_charts(site: Path, clean: Path, chromium: str) -> Findings:
    f = Findings()
    pages = chart_pages(site)
    if not pages:
        f.notes.append("charts: no page of the site draws a chart")
        return f
    try:
        readings = read_pages_isolated([p.resolve().as_uri() for p in pages], chromium=chromium)
    except BrowserError as exc:
        f.problems.append(f"the site's charts could not be read back: {exc}")
        return f
    by_page = {p.resolve().as_uri(): p for p in pages}
    with tempfile.TemporaryDirectory(prefix="site-charts-") as tmp:
        for reading in readings:
            page = by_page[reading.page]
            name = page.relative_to(site).as_posix()
            archive = page.with_name(EDITION_ZIP)
            if not archive.is_file() or _is_current(page, site):
                f.extend(check_reading(reading, clean, name=name, required=tuple(FIGURES)))
                continue
            own = Path(tmp) / page.parent.name
            if not own.is_dir():
                own.mkdir()
                _unpack(archive, own)
            past = check_reading(reading, own, name=name)
            f.notes += past.notes + [f"archived, never rewritten: {p}" for p in past.problems]
    return f
