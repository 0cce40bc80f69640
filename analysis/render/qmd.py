"""The one reader of the project's Markdown: the Quarto sources (includes expanded, code cells with
their ``#|`` options, inline ``{python}`` expressions, prose) and the Markdown the chapters emit
(fenced blocks, whose text is literal). The executor builds its notebooks from it, the post-render
step finds its payloads with it, and the tests read the chapters through it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

INCLUDE = re.compile(r"\{\{<\s*include\s+(\S+)\s*>\}\}")
FENCE = re.compile(r"^(`{3,})\{python\}\s*$")
# An inline expression as Quarto's notebook.py finds it: one backtick, {python}, a space, no backtick.
INLINE = re.compile(r"(?<!`)`\{python\}[ \t]([^`]+)`")
FRONT_MATTER = re.compile(r"\A---\n.*?\n---\n", re.DOTALL)
# A fenced div: an opening fence carries attributes, a closing fence is colons alone.
DIV_OPEN = re.compile(r"^:{3,}\s*\{([^}]*)\}\s*$|^:{3,}\s*[\w-]+\s*$")
DIV_CLOSE = re.compile(r"^:{3,}\s*$")
CONDITION = re.compile(r"\.content-(visible|hidden)\b.*?\b(when|unless)-format=\"([\w-]+)\"")
FORMATS = ("html", "typst")  # the formats this project renders
# A fenced block of emitted Markdown (code or raw): closed by the same fence with no info string.
FENCED = re.compile(r"^(`{3,}|~{3,})[^\n]*\n.*?^\1[ \t]*$", re.MULTILINE | re.DOTALL)


@dataclass
class Block:
    """A code cell (``source`` is its code, ``options`` its ``#|`` lines) or the prose between two
    code cells; ``file`` and ``line`` say where it starts, includes followed."""

    kind: str  # "code" | "prose"
    source: str
    file: str
    line: int
    options: dict = field(default_factory=dict)
    formats: tuple[str, ...] = FORMATS  # the formats that show it (inside a conditional div: fewer)


@dataclass
class Cell:
    """What the tests read: a code cell, an inline expression or one line of prose."""

    kind: str  # "code" | "inline" | "prose"
    source: str
    file: str
    line: int
    options: dict = field(default_factory=dict)


def expand_includes(path: Path, seen: tuple[Path, ...] = (), base: Path | None = None) -> list[tuple[str, str, int]]:
    """(file, text line, line number) for the document with includes expanded in place. As in
    Quarto, every include's path is relative to the folder of the document being rendered, also
    inside an included file; the front matter's lines stay as blank lines (line numbers hold)."""
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


def included_files(path: Path) -> list[Path]:
    """The source and every file it includes: what its execution reads of the documents."""
    return sorted({Path(file) for file, _, _ in expand_includes(path)} | {path})


def parse_options(code: str) -> dict:
    opts = {}
    for line in code.splitlines():
        m = re.match(r"#\|\s*([\w-]+)\s*:\s*(.*)$", line)
        if m:
            opts[m.group(1)] = m.group(2).strip().strip('"')
    return opts


def shown_in(attributes: str, outer: tuple[str, ...]) -> tuple[str, ...]:
    """The formats that show a div's content: Quarto's content-visible/-hidden with when-/unless-format."""
    m = CONDITION.search(attributes)
    if not m:
        return outer
    visible, when, fmt = m.group(1) == "visible", m.group(2) == "when", m.group(3)
    keep = (lambda f: f == fmt) if visible == when else (lambda f: f != fmt)
    return tuple(f for f in outer if keep(f))


def blocks(path: Path) -> list[Block]:
    """Code cells and the prose between them, in document order (blank-only prose is dropped); a
    fenced div's fence lines start a new prose block, so that each block knows the formats that
    show it (a conditional div may open in one block and close several blocks later)."""
    lines = expand_includes(path)
    out: list[Block] = []
    prose: list[str] = []
    prose_at: tuple[str, int] | None = None
    divs: list[tuple[str, ...]] = [FORMATS]  # the formats each open div shows

    def flush() -> None:
        nonlocal prose_at
        text = "\n".join(prose).strip("\n")
        if text.strip() and prose_at:
            out.append(Block("prose", text, *prose_at, formats=divs[-1]))
        prose.clear()
        prose_at = None

    i = 0
    while i < len(lines):
        file, line, n = lines[i]
        opened, closed = DIV_OPEN.match(line), DIV_CLOSE.match(line)
        if opened or (closed and len(divs) > 1):
            flush()
            prose_at = (file, n)
            prose.append(line)
            flush_at = divs[-1] if opened else divs[-2]
            if opened:
                divs.append(shown_in(opened.group(1) or "", divs[-1]))
            else:
                divs.pop()
            out.append(Block("prose", "\n".join(prose), *prose_at, formats=flush_at))
            prose.clear()
            prose_at = None
            i += 1
            continue
        fence = FENCE.match(line)
        if fence:
            flush()
            body, j = [], i + 1
            while j < len(lines) and lines[j][1].rstrip() != fence.group(1):
                body.append(lines[j][1])
                j += 1
            if j == len(lines):
                raise ValueError(f"{file}:{n}: code cell is never closed")
            code = "\n".join(body)
            out.append(Block("code", code, file, n, parse_options(code), divs[-1]))
            i = j + 1
            continue
        if prose_at is None and line.strip():
            prose_at = (file, n)
        prose.append(line)
        i += 1
    flush()
    return out


def inline_expressions(text: str) -> list[str]:
    return [e.strip() for e in INLINE.findall(text)]


def cells(path: Path) -> list[Cell]:
    """Code cells, inline expressions and prose lines in document order."""
    out: list[Cell] = []
    for block in blocks(path):
        if block.kind == "code":
            out.append(Cell("code", block.source, block.file, block.line, block.options))
            continue
        for offset, line in enumerate(block.source.splitlines()):
            out += [Cell("inline", e, block.file, block.line + offset) for e in inline_expressions(line)]
            out.append(Cell("prose", line, block.file, block.line + offset))
    return out


def fenced_chunks(markdown: str) -> list[tuple[str, bool]]:
    """Emitted Markdown cut into its fenced blocks (code or raw, True) and the Markdown between them
    (False), in order: what is inside a fence is literal or raw, never Markdown to rewrite."""
    chunks, at = [], 0
    for block in FENCED.finditer(markdown):
        chunks += [(markdown[at:block.start()], False), (block.group(0), True)]
        at = block.end()
    return chunks + [(markdown[at:], False)]


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
