"""Read the report's Quarto sources the way Quarto does, closely enough to test them without
Quarto: resolve ``{{< include >}}``, split code cells (with their ``#|`` options), inline
``{python}`` expressions and prose. Used by the tests that execute every chapter through a
Jupyter kernel and that look for figures typed by hand into the prose."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

INCLUDE = re.compile(r"\{\{<\s*include\s+(\S+)\s*>\}\}")
FENCE = re.compile(r"^(`{3,})\{python\}\s*$")
INLINE = re.compile(r"`\{python\}\s+([^`]+)`")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)


@dataclass
class Cell:
    kind: str  # "code" | "inline" | "prose"
    source: str
    file: str
    line: int
    options: dict = field(default_factory=dict)


def expand_includes(path: Path, seen: tuple[Path, ...] = (), base: Path | None = None) -> list[tuple[str, str, int]]:
    """(file, text line, line number) for the document with includes expanded in place. As in
    Quarto, every include's path is relative to the folder of the document being rendered, also
    inside an included file."""
    base = base or path.parent
    if path in seen:
        raise ValueError(f"include cycle at {path}")
    out = []
    text = FRONT_MATTER.sub(lambda m: "\n" * m.group(0).count("\n"), path.read_text(encoding="utf-8"))
    for n, line in enumerate(text.splitlines(), start=1):
        m = INCLUDE.search(line)
        if m:
            target = base / m.group(1)
            if not target.exists():
                raise FileNotFoundError(f"{path}:{n}: included file {m.group(1)} not found")
            out += expand_includes(target, (*seen, path), base)
        else:
            out.append((str(path), line, n))
    return out


def parse_options(code: str) -> dict:
    opts = {}
    for line in code.splitlines():
        m = re.match(r"#\|\s*([\w-]+)\s*:\s*(.*)$", line)
        if m:
            opts[m.group(1)] = m.group(2).strip().strip('"')
    return opts


def cells(path: Path) -> list[Cell]:
    """Code cells, inline expressions and prose lines in document order."""
    lines = expand_includes(path)
    out: list[Cell] = []
    i = 0
    while i < len(lines):
        file, line, n = lines[i]
        m = FENCE.match(line)
        if m:
            fence, body, j = m.group(1), [], i + 1
            while j < len(lines) and lines[j][1].rstrip() != fence:
                body.append(lines[j][1])
                j += 1
            if j == len(lines):
                raise ValueError(f"{file}:{n}: code cell is never closed")
            code = "\n".join(body)
            out.append(Cell("code", code, file, n, parse_options(code)))
            i = j + 1
            continue
        for expr in INLINE.findall(line):
            out.append(Cell("inline", expr.strip(), file, n))
        out.append(Cell("prose", line, file, n))
        i += 1
    return out


def prose_without_code(line: str) -> str:
    """A prose line with inline expressions, inline code, links' targets and cross-refs removed."""
    line = INLINE.sub(" ", line)
    line = re.sub(r"`[^`]*`", " ", line)
    line = re.sub(r"\]\([^)]*\)", "]", line)
    line = re.sub(r"[@#][\w-]+", " ", line)
    line = re.sub(r"\b(19|20)\d\d-[01]\d(-[0-3]\d)?\b", " ", line)  # dates are like years
    return line


# Years (1970-2039) and single digits (chapter numbers, "3대 요인") may be typed; anything else
# that looks like a figure must come from an inline expression over clean data.
HAND_NUMBER = re.compile(r"(?<![\w.])(\d[\d,]*(?:\.\d+)?)")
ALLOWED = re.compile(r"^(19[7-9]\d|20[0-3]\d|\d)$")


def hand_typed_numbers(path: Path) -> list[tuple[str, int, str]]:
    found = []
    in_comment = False
    for cell in cells(path):
        if cell.kind != "prose":
            continue
        text = cell.source
        if "<!--" in text:
            in_comment = True
        if in_comment:
            in_comment = "-->" not in text
            continue
        for number in HAND_NUMBER.findall(prose_without_code(text)):
            if not ALLOWED.match(number):
                found.append((cell.file, cell.line, number))
    return found


# --------------------------------------------------------------------------- the Quarto configuration

def front_matter(path: Path) -> dict:
    """A document's YAML front matter (empty when it has none)."""
    import yaml  # noqa: PLC0415

    m = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    return (yaml.safe_load(m.group(0).strip().strip("-")) or {}) if m else {}


def _merge(base: dict, over: dict) -> dict:
    """Quarto's merge of configuration layers, as far as this project uses it: mappings merge key
    by key, anything else in the later layer wins."""
    out = dict(base)
    for key, value in over.items():
        out[key] = _merge(out[key], value) if isinstance(out.get(key), dict) and isinstance(value, dict) else value
    return out


def document_config(root: Path, document: str = "report/index.qmd") -> dict:
    """What Quarto renders a document of this project with: the root _quarto.yml, then each
    _metadata.yml from the project folder down to the document's, then its front matter."""
    import yaml  # noqa: PLC0415

    doc = root / document
    layers = [yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8")) or {}]
    folder = root
    for part in Path(document).parent.parts:
        folder = folder / part
        meta = folder / "_metadata.yml"
        if meta.exists():
            layers.append(yaml.safe_load(meta.read_text(encoding="utf-8")) or {})
    layers.append(front_matter(doc))
    config: dict = {}
    for layer in layers:
        config = _merge(config, layer)
    return config
