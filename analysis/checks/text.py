"""How the report's text reads, checked on the rendered files (part of ``boston-report check-output``).

Korean breaks between words, never inside one: "재현 가/능한" or "(누/적)" is a typesetting error a
Korean reader stops at. Neither Typst nor a browser avoids it by default (both may break between
any two Hangul syllables), so the PDF's template and the HTML's style sheet each say so, and these
checks measure what was drawn:

- PDF (pdfplumber): where a line ends in Hangul and the next line of the same text block starts
  with Hangul, the two words joined must not be one word of the source text (the HTML page
  rendered from the same notebook): if the source has "가능한" and not "가 능한", the line broke
  inside a word. A table caption must not be the last text on its page (stranded away from its
  table), nor a chart's caption the first on a page with no image above it.
- HTML (headless Chromium, offline, at desktop and phone width): the position of every character
  of Korean text; two letters of one word (Hangul beside Hangul, a digit or a Latin letter, or a
  middle dot after Hangul) on different lines are a break inside a word. A table cell whose lines
  hold fewer than five characters (a table squeezed into a phone: columns two to four characters
  wide), a block that scrolls sideways or cuts its text off (a BibTeX line), and text set in a
  first font that has no Hangul (Latin in one face, Hangul in another, as "(KERI) 2020" once was)
  are problems too.
"""

from __future__ import annotations

import re
import subprocess
from html.parser import HTMLParser
from pathlib import Path

from analysis.checks.output import WIDTHS, Findings, browse, probe, OFFLINE_POLICY

HANGUL = re.compile("[\uac00-\ud7a3]")
MAX_EXAMPLES = 8
# A caption this close to the foot of the text area, with nothing under it, is stranded.
CAPTION_LABEL = re.compile(r"^(표|그림)\s*\d+\s*:")


# --------------------------------------------------------------------------- the source text

class _Text(HTMLParser):
    """The text of an HTML page, without scripts and styles."""

    def __init__(self) -> None:
        super().__init__()
        self.skip = 0
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in ("script", "style"):
            self.skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self.skip:
            self.skip -= 1

    def handle_data(self, data: str) -> None:
        if not self.skip:
            self.parts.append(data)


def page_text(html: str) -> str:
    """The page's text with every run of white space as one space."""
    parser = _Text()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


# --------------------------------------------------------------------------- PDF

def _lines_broken_inside_words(words: list[dict], source: str) -> list[tuple[str, str]]:
    """(end of a line, start of the next) for each line break inside a Korean word. ``words`` are in
    the order they were drawn (one text block's lines follow each other, a table cell's too)."""
    found = []
    for a, b in zip(words, words[1:]):
        new_line = b["top"] > a["bottom"] - 2 and b["x0"] < a["x1"]
        if not new_line or not (HANGUL.match(a["text"][-1]) and HANGUL.match(b["text"][0])):
            continue
        if a["text"] + b["text"] in source and f"{a['text']} {b['text']}" not in source:
            found.append((a["text"], b["text"]))
    return found


def _line_at(words: list[dict], pick) -> tuple[str, float, float]:
    """The text, top and bottom of the line holding the word ``pick`` chooses (the first or last)."""
    anchor = pick(words, key=lambda w: w["top"])
    line = sorted((w for w in words if abs(w["top"] - anchor["top"]) < 2), key=lambda w: w["x0"])
    return " ".join(w["text"] for w in line), min(w["top"] for w in line), max(w["bottom"] for w in line)


def _stranded(page, words: list[dict], margin_y: float) -> list[str]:
    """A table's caption (above its table) that ends its page, or a chart's caption (below its
    image) that begins a page without the image: the caption and what it captions are apart."""
    height = float(page.height)
    words = [w for w in words if not (w["text"].isdigit() and w["top"] > height - margin_y)]  # the page number
    if not words:
        return []
    out = []
    last, _, _ = _line_at(words, max)
    first, first_top, _ = _line_at(words, min)
    if last.startswith("표") and CAPTION_LABEL.match(last):
        out.append(f"the caption {last[:40]!r} ends the page, its table is on the next")
    if first.startswith("그림") and CAPTION_LABEL.match(first) and not any(im["bottom"] <= first_top + 1 for im in page.images):
        out.append(f"the caption {first[:40]!r} begins the page, its chart is on the one before")
    return out


def check_pdf(pdf: Path, source: str | None, *, margin_y: float) -> Findings:
    """Lines of the PDF that break inside a Korean word of ``source`` (the text the PDF was set
    from; None: not checked), and captions stranded away from their table or chart."""
    import pdfplumber  # noqa: PLC0415

    f = Findings()
    total, pages = 0, []
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            # x_tolerance 1 pt: a space between Korean words at 8.5 pt is about 2 pt wide.
            words = page.extract_words(use_text_flow=True, x_tolerance=1, keep_blank_chars=False)
            broken = _lines_broken_inside_words(words, source) if source is not None else []
            if broken:
                total += len(broken)
                pages.append(number)
                if len(pages) <= MAX_EXAMPLES:
                    shown = ", ".join(f"{a}/{b}" for a, b in broken[:4])
                    f.problems.append(f"{pdf.name} page {number}: {len(broken)} line(s) break inside a Korean word: {shown}")
            f.problems += [f"{pdf.name} page {number}: {problem}" for problem in _stranded(page, words, margin_y)]
    if len(pages) > MAX_EXAMPLES:
        f.problems.append(f"{pdf.name}: {total} line break(s) inside Korean words in all, on pages {pages}")
    if source is not None:
        f.notes.append(f"{pdf.name}: {total} line break(s) inside a Korean word")
    return f


# --------------------------------------------------------------------------- HTML

# Measures the page once its charts are drawn (their height moves the text) and its fonts loaded.
TEXT_PROBE_SCRIPT = r"""<script>
window.addEventListener("load", () => {
  const started = Date.now();
  const HANGUL = /[\uac00-\ud7a3]/, LETTER = /[\p{L}\p{N}]/u;
  const wordPair = (a, b) => (HANGUL.test(a) && (LETTER.test(b) || b === "·")) || (LETTER.test(a) && HANGUL.test(b));
  const skip = el => el.closest("script, style, svg, .prov-tip, .boston-chart, [hidden]");
  const where = el => { const f = el.closest("[id]"); return f ? f.id : el.tagName.toLowerCase(); };
  const block = el => { while (el && getComputedStyle(el).display.startsWith("inline")) el = el.parentElement; return el; };
  function koreanBreaks() {
    // Every character of the page's text in drawing order; two letters of one word (no space
    // between them, in the same block) on different lines are a break inside that word.
    const found = [], range = document.createRange();
    const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
    let prev = null, node;
    while ((node = walker.nextNode())) {
      const el = node.parentElement;
      // A visually hidden label (1 px wide, clipped) holds text for screen readers only.
      if (!el || skip(el) || el.getBoundingClientRect().width <= 2) { prev = null; continue; }
      const box = block(el), text = node.data;
      if (prev && prev.block !== box) prev = null;
      for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (/\s/.test(ch)) { prev = null; continue; }
        range.setStart(node, i); range.setEnd(node, i + 1);
        const rects = range.getClientRects();
        if (!rects.length) { prev = null; continue; }
        const r = rects[0];
        const context = ((prev ? prev.context : "") + ch).slice(-12);
        if (prev && wordPair(prev.ch, ch) && r.top >= prev.bottom - 2 && r.left < prev.right) {
          found.push({where: where(el), text: prev.context.slice(-8) + "/" + text.slice(i, i + 8)});
        }
        prev = {ch: ch, bottom: r.bottom, right: r.right, block: box, context: context};
      }
    }
    return found;
  }
  function narrowCells() {
    const out = [];
    // Body cells only: a header of several short words stacks them, which reads.
    document.querySelectorAll("td").forEach(td => {
      const s = getComputedStyle(td), size = parseFloat(s.fontSize);
      const inner = td.clientWidth - parseFloat(s.paddingLeft) - parseFloat(s.paddingRight);
      const text = td.textContent.replace(/\s+/g, "");
      // More than five Hangul letters in a cell narrower than five characters (figures are narrow).
      if (td.clientWidth && (text.match(/[\uac00-\ud7a3]/g) || []).length > 5 && inner < 5 * size) {
        out.push({where: where(td), text: text.slice(0, 20), width: Math.round(inner), chars: +(inner / size).toFixed(1)});
      }
    });
    return out;
  }
  function sideways() {
    const out = [];
    document.querySelectorAll("main *, #quarto-document-content *").forEach(el => {
      if (skip(el) || el.clientWidth <= 2) return;  // a visually hidden label (1 px, clipped) holds text for screen readers
      const overflow = getComputedStyle(el).overflowX;
      if (["auto", "scroll", "hidden", "clip"].includes(overflow) && el.scrollWidth > el.clientWidth + 1) {
        out.push({where: where(el), tag: el.tagName.toLowerCase(), width: el.clientWidth, content: el.scrollWidth,
                  text: el.textContent.trim().slice(0, 40)});
      }
    });
    return out;
  }
  function fonts() {
    const out = {};
    ["body", "h1.title", ".subtitle", "h2", "p", "td", "figcaption"].forEach(sel => {
      const el = document.querySelector(sel);
      if (el) out[sel] = getComputedStyle(el).fontFamily.split(",")[0].trim().replace(/^["']|["']$/g, "");
    });
    return out;
  }
  const report = () => {
    const pending = Array.from(document.querySelectorAll(".boston-chart"))
      .filter(c => !["done", "failed"].includes(c.getAttribute("data-boston-fit")));
    if (pending.length && Date.now() - started < 30000) return setTimeout(report, 250);
    // Text a reader opens (a chart's description and data tables, a <details>) is measured open:
    // opened, the page lays its tables out again (reading.html), then it is read.
    const closed = Array.from(document.querySelectorAll("details:not([open])"));
    closed.forEach(d => { d.open = true; });
    document.fonts.ready.then(() => setTimeout(() => {
      const seen = JSON.stringify({viewport: window.innerWidth, page: document.documentElement.scrollWidth,
                                   breaks: koreanBreaks(), narrow: narrowCells(),
                                   sideways: sideways(), fonts: fonts(), lang: document.documentElement.lang,
                                   opened: closed.length});
      document.documentElement.setAttribute("data-boston-check", seen);
      if (window.parent !== window) window.parent.postMessage(seen, "*");
    }, closed.length ? 400 : 0));
  };
  setTimeout(report, 500);
});
</script>
"""
TEXT_PROBE = probe(OFFLINE_POLICY, TEXT_PROBE_SCRIPT)


def font_has(family: str, lang: str) -> bool:
    """Whether fontconfig knows ``family`` with glyphs for ``lang`` (a generic name such as
    system-ui or sans-serif is no answer: it stands for whatever the machine maps it to)."""
    if family.lower() in ("system-ui", "sans-serif", "serif", "monospace", "-apple-system", "ui-sans-serif"):
        return False
    run = subprocess.run(["fc-list", f":family={family}:lang={lang}", "family"], capture_output=True, text=True)
    return run.returncode == 0 and bool(run.stdout.strip())


def check_seen(name: str, seen: dict, width: int) -> Findings:
    """What the text probe saw at one window width, as problems and a note."""
    f = Findings()
    at = f"{name} at {width} px"
    breaks = seen.get("breaks", [])
    if breaks:
        shown = "; ".join(f"{b['text']!r} in #{b['where']}" for b in breaks[:MAX_EXAMPLES])
        f.problems.append(f"{at}: {len(breaks)} line break(s) inside a Korean word: {shown}")
    for cell in seen.get("narrow", [])[:MAX_EXAMPLES]:
        f.problems.append(f"{at}: a table cell in #{cell['where']} is {cell['width']} px wide, {cell['chars']} characters a line "
                          f"({cell['text']!r}): the table cannot be read as rows")
    for block in seen.get("sideways", [])[:MAX_EXAMPLES]:
        f.problems.append(f"{at}: <{block['tag']}> in #{block['where']} holds {block['content']} px of content in {block['width']} px "
                          f"({block['text']!r}): it scrolls sideways or cuts the text off")
    if seen.get("page", 0) > seen.get("viewport", width) + 1:
        f.problems.append(f"{at}: the page is {seen['page']} px wide in a {seen['viewport']} px window: a word too long for its line "
                          "widens it (it scrolls sideways)")
    if seen.get("lang") == "ko":
        for selector, family in seen.get("fonts", {}).items():
            if not (font_has(family, "ko") and font_has(family, "en")):
                f.problems.append(f"{at}: {selector} is set first in {family!r}, which is not an installed font with both Hangul and "
                                  "Latin glyphs: Latin letters and Hangul come from different faces")
    f.notes.append(f"{at}: {len(breaks)} Korean word(s) broken across lines, {len(seen.get('narrow', []))} too narrow table cell(s), "
                   f"{len(seen.get('sideways', []))} block(s) scrolling sideways, fonts {sorted(set(seen.get('fonts', {}).values()))}")
    return f


def check_html(html: Path, chromium: str | None, name: str | None = None) -> Findings:
    name = name or html.name
    if chromium is None:
        return Findings(problems=[f"{name}: Chromium not found: the text layout was not measured"])
    f = Findings()
    for width in WIDTHS:
        f.extend(check_seen(name, browse(html, chromium, width, probe_html=TEXT_PROBE), width))
    return f


# --------------------------------------------------------------------------- the command's part

def pages_beside(html: Path) -> list[Path]:
    """The report and the site's pages rendered with it (the landing and English pages share its styles)."""
    return [html, *sorted((html.parent / "site").glob("*.html"))]


def run_checks(html: Path | None, pdf: Path | None, chromium: str | None, *, margin_y: float) -> Findings:
    f = Findings()
    html = html if html is not None and html.exists() else None
    if html is not None:
        for page in pages_beside(html):
            f.extend(check_html(page, chromium, page.relative_to(html.parent).as_posix()))
    if pdf is not None and pdf.exists():
        f.extend(check_pdf(pdf, page_text(html.read_text(encoding="utf-8")) if html else None, margin_y=margin_y))
    return f
