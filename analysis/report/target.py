"""Which output Quarto is executing the chapters for, so a helper can emit what that format needs."""

from __future__ import annotations

import json
import os
from pathlib import Path

FORCE_ENV = "BOSTON_REPORT_FORMAT"  # tests set it to try each format without Quarto


def output_format() -> str | None:
    """'html', 'typst', … from the execute-info file Quarto (1.8+) names in QUARTO_EXECUTE_INFO;
    None outside a Quarto render (tests, Jupyter) unless BOSTON_REPORT_FORMAT says otherwise."""
    forced = os.environ.get(FORCE_ENV)
    if forced:
        return forced
    path = os.environ.get("QUARTO_EXECUTE_INFO")
    if not path:
        return None
    try:
        return json.loads(Path(path).read_text(encoding="utf-8"))["format"]["identifier"]["base-format"]
    except (OSError, ValueError, KeyError, TypeError):
        return None




def is_print() -> bool:
    """Typst/PDF (and any other non-HTML format): no hover, so references are printed."""
    return output_format() not in ("html", None)
