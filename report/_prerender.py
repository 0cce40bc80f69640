"""Quarto's `pre-render` for this project: build and gate the data, then execute every document
once for every format (analysis/render/prerender.py). Quarto runs it with its own Python
(QUARTO_PYTHON), which must be the project's environment: `make report` sets that up."""

import sys
from pathlib import Path

try:
    from analysis.render.prerender import main
except ImportError as exc:
    print(f"pre-render: cannot import the project's 'analysis' package with {sys.executable} ({exc}).\n"
          "Run `make report`, or set QUARTO_PYTHON to the project's .venv/bin/python.", file=sys.stderr)
    sys.exit(1)

sys.exit(main(Path(__file__).resolve().parent.parent))
