"""The chapters' prose as the tests read it (through the one reader, analysis.render.qmd): the
numbers typed by hand into it, which must come from an inline expression over clean data."""

from __future__ import annotations

import re
from pathlib import Path

from analysis.checks.pairing import ALLOWED, HAND_NUMBER
from analysis.render import qmd


def prose_without_code(line: str) -> str:
    """A prose line with inline expressions, inline code, links' targets and cross-refs removed."""
    line = qmd.INLINE.sub(" ", line)
    line = re.sub(r"`[^`]*`", " ", line)
    line = re.sub(r"\]\([^)]*\)", "]", line)
    line = re.sub(r"[@#][\w-]+", " ", line)
    line = re.sub(r"\b(19|20)\d\d-[01]\d(-[0-3]\d)?\b", " ", line)  # dates are like years
    return line


def hand_typed_numbers(path: Path) -> list[tuple[str, int, str]]:
    found = []
    in_comment = False
    for block in qmd.blocks(path):
        if block.kind != "prose":
            continue
        for offset, text in enumerate(block.source.splitlines()):
            if "<!--" in text:
                in_comment = True
            if in_comment:
                in_comment = "-->" not in text
                continue
            for number in HAND_NUMBER.findall(prose_without_code(text)):
                if not ALLOWED.match(number):
                    found.append((block.file, block.line + offset, number))
    return found
