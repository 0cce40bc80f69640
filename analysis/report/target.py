"""Whether the chapters are being executed for a render (and so for every format at once)."""

from __future__ import annotations

import os

# Set by the pre-render's one execution (analysis.report.execute) for the kernel it starts.
EXECUTING_ENV = "BOSTON_REPORT_EXECUTING"


def rendering() -> bool:
    """True while the chapters execute for a render: the pre-render's execution, which serves
    every format, or Quarto executing a ``.qmd`` itself (a direct ``quarto render report/index.qmd``),
    which names an execute-info file. Outside a render (Jupyter, tests) a chart shows as a
    notebook shows it."""
    return os.environ.get(EXECUTING_ENV) == "1" or bool(os.environ.get("QUARTO_EXECUTE_INFO"))
