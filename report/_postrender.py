"""Quarto's `post-render` for this project: the pages made whole, checked offline, recorded as an
edition and published to _output/ in one step (analysis/render/postrender.py)."""

import os
import sys
from pathlib import Path

from analysis.paths import ProjectPaths
from analysis.render.postrender import main

paths = ProjectPaths.from_env(Path(__file__).resolve().parent.parent)
sys.exit(main(paths, Path(os.environ["QUARTO_PROJECT_OUTPUT_DIR"]),
              [f for f in os.environ.get("QUARTO_PROJECT_OUTPUT_FILES", "").splitlines() if f]))
