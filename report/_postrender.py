"""Quarto's `post-render` for this project: the pages made whole, checked offline, recorded as an
edition and published to _output/ in one step (analysis/render/postrender.py)."""

import sys
from pathlib import Path

from analysis.render.postrender import main

sys.exit(main(Path(__file__).resolve().parent.parent))
