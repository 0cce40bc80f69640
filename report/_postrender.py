"""Quarto `post-render`: remove the CDN jQuery/RequireJS loaders Quarto adds to pages with script
outputs, and fail if the HTML still references anything remote (see analysis/offline.py)."""

import os
import sys
from pathlib import Path

from analysis.report.offline import main

out_dir = Path(os.environ.get("QUARTO_PROJECT_OUTPUT_DIR", "_output"))
files = [f for f in os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "").splitlines() if f]
if not files:
    files = [str(p) for p in out_dir.glob("*.html")]
sys.exit(main(files))
