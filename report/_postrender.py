"""Quarto `post-render`: put what the pre-render held apart from Quarto back into the HTML pages
(the chart specs and CSV files, analysis/render/payloads.py; the Vega bundle, vegabundle.py),
fail if the HTML references anything remote (see analysis/render/offline.py), and
record which edition this render is (date, commit, data) next to the report, for the site. The
chart images Quarto copies beside the PDF (report/_charts/) go: the PDF holds them already."""

import os
import shutil
import sys
from pathlib import Path

from analysis.render.render import inside_job

if inside_job():
    sys.exit(0)  # one of `boston-report render`'s parallel Quarto processes: it post-renders once, after them

from analysis.paths import CHART_IMAGES, ProjectPaths  # noqa: E402 - after the check: these imports take time
from analysis import edition  # noqa: E402
from analysis.render import payloads, vegabundle
from analysis.render.execute import SOURCES, notebook_path  # noqa: E402
from analysis.render.offline import main  # noqa: E402

paths = ProjectPaths.from_env(os.environ.get("BOSTON_REPORT_ROOT") or Path(__file__).resolve().parent.parent)
out_dir = Path(os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", paths.output))
files = [f for f in os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "").splitlines() if f]
if not files:
    files = [str(p) for p in out_dir.rglob("*.html")]
try:
    held = payloads.payloads_of([notebook_path(paths.root / source) for source in SOURCES])
    payloads.rewrite_pages([Path(f) for f in files],
                           [payloads.payload_filler(held), vegabundle.bundle_filler(paths.root / "report" / vegabundle.INCLUDE)])
except (payloads.PayloadError, vegabundle.BundleError) as exc:
    print(f"post-render: {exc}", file=sys.stderr)
    sys.exit(1)
code = main(files)
shutil.rmtree(out_dir / "report" / CHART_IMAGES, ignore_errors=True)
if code == 0 and paths.rendered.is_dir():
    (paths.rendered / edition.RECORD).write_text(edition.current(paths.root).to_json(), encoding="utf-8")
sys.exit(code)
