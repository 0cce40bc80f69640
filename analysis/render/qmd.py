"""The one reader of the project's Markdown: the Quarto sources (includes expanded, code cells with
their ``#|`` options, inline ``{python}`` expressions, prose, conditional divs) and the Markdown the
chapters emit (fenced blocks, whose text is literal). The executor builds its notebooks from it,
the payload step skips fenced blocks with it, and the tests read the chapters through it."""

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
    """A code cell (with its ``#|`` options) or the prose between two; where it starts, includes followed."""

    kind: str  # "code" | "prose"
    source: str
    file: str
    line: int
    options: dict = field(default_factory=dict)
    formats: tuple[str, ...] = FORMATS  # the formats that show it (inside a conditional div: fewer)


def expand_includes(path: Path, seen: tuple[Path, ...] = (), base: Path | None = None) -> list[tuple[str, str, int]]:
    """(file, line, number) of the document with includes expanded in place, each include's path
    relative to the rendered document's folder, as in Quarto; the front matter becomes blank lines."""
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
        if opened or (closed and len(divs) > 1):  # a fence line is a block of its own
            flush()
            out.append(Block("prose", line, file, n, formats=divs[-1] if opened else divs[-2]))
            divs.append(shown_in(opened.group(1) or "", divs[-1])) if opened else divs.pop()
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


def fenced_chunks(markdown: str) -> list[tuple[str, bool]]:
    """Emitted Markdown cut into its fenced blocks (code or raw, True) and the Markdown between them
    (False), in order: what is inside a fence is literal or raw, never Markdown to rewrite."""
    chunks, at = [], 0
    for block in FENCED.finditer(markdown):
        chunks += [(markdown[at:block.start()], False), (block.group(0), True)]
        at = block.end()
    return chunks + [(markdown[at:], False)]


def front_matter(path: Path) -> dict:
    """A document's YAML front matter (empty when it has none)."""
    import yaml  # noqa: PLC0415

    m = FRONT_MATTER.match(path.read_text(encoding="utf-8"))
    return (yaml.safe_load(m.group(0).strip().strip("-")) or {}) if m else {}
