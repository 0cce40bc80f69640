"""Checks on the rendered report, read the way a reviewer reads it (``boston-report check-output``).

Every test before the render can pass while the PDF prints long tables on top of each other or the
HTML fetches a script from a CDN; these checks look at the files Quarto wrote.

PDF (pdfplumber): every claim id and source id of the appendices is in the text; no word lies
outside the page's text area (the page number excepted) or on top of another word; every chart is
an embedded image inside the text area; every font is embedded and Noto Sans CJK KR is among them;
no glyph was drawn as the missing-glyph box (Typst draws CID 0 where no font has the character).

HTML: no remote reference of any kind in tags, attributes or CSS; no math element (prose is never
math); and, opened as ``file://`` in headless Chromium with the network cut and a Content Security
Policy that reports any attempt to load something from outside the file, every chart draws an SVG
and the page logs no JavaScript error. On the report and the site's pages beside it, figures that
are compared, combined or nested share their period and definition or the text names them
(:mod:`analysis.checks.pairing`).

Accessibility: the report and the site's pages beside it pass axe-core's WCAG 2.1 A/AA rules at
desktop and phone width, with what axe cannot see checked too (:mod:`analysis.checks.accessibility`),
and every chart's text alternative says what ``data/clean/`` says it draws; the PDF is tagged,
declares PDF/UA-1, its language and title, and gives every Figure alt text, the chart's own
(:mod:`analysis.checks.pdf_access`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from html.parser import HTMLParser
from pathlib import Path

from analysis.checks.findings import Findings, print_findings  # noqa: F401 - the checks' one result type
from analysis.checks.netguard import FLAGS as NETWORK_FLAGS, GUARD
from analysis.render.offline import remote_resources

KOREAN_FONT = "NotoSansCJKkr"
NOTDEF = "(cid:0)"
POINTS = {"pt": 1.0, "mm": 72 / 25.4, "cm": 72 / 2.54, "in": 72.0}
TOLERANCE_PT = 3.0  # glyph boxes reach a little past the text block (ascenders, italics)


def length_pt(value: str) -> float:
    """'2.2cm' -> points (Typst margins as written in report/index.qmd)."""
    m = re.fullmatch(r"\s*([\d.]+)\s*(pt|mm|cm|in)\s*", str(value))
    if not m:
        raise ValueError(f"not a length: {value!r}")
    return float(m.group(1)) * POINTS[m.group(2)]


# --------------------------------------------------------------------------- PDF

def _overlaps(chars: list[dict]) -> list[tuple[dict, dict]]:
    """Pairs of glyphs drawn on top of each other: their boxes share more than half of the smaller
    box, and they are not neighbours in the text they were drawn from (Typst squeezes runs of CJK
    punctuation such as '···', so neighbours may overlap; overprinted rows are separate runs).
    Glyphs, not words: word extraction merges overprinted lines into one garbled line."""
    found = []
    ordered = sorted(((n, c) for n, c in enumerate(chars) if c["text"].strip()), key=lambda nc: nc[1]["top"])
    for i, (na, a) in enumerate(ordered):
        for nb, b in ordered[i + 1:]:
            if b["top"] >= a["bottom"]:
                break
            if abs(na - nb) <= 2:
                continue
            dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
            dy = min(a["bottom"], b["bottom"]) - max(a["top"], b["top"])
            if dx <= 0 or dy <= 0:
                continue
            smaller = min((a["x1"] - a["x0"]) * (a["bottom"] - a["top"]), (b["x1"] - b["x0"]) * (b["bottom"] - b["top"]))
            if smaller > 0 and dx * dy > smaller / 2:
                found.append((a, b))
    return found


def _outside(box: dict, page_w: float, page_h: float, margin_x: float, margin_y: float) -> bool:
    return (box["x0"] < margin_x - TOLERANCE_PT or box["x1"] > page_w - margin_x + TOLERANCE_PT
            or box["top"] < margin_y - TOLERANCE_PT or box["bottom"] > page_h - margin_y + TOLERANCE_PT)


def _is_page_number(word: dict, page_h: float, margin_y: float) -> bool:
    return word["text"].isdigit() and word["top"] > page_h - margin_y


def _fonts(page) -> list[tuple[str, bool]]:
    """(base font name, embedded?) for every font on a page."""
    from pdfminer.pdftypes import resolve1  # noqa: PLC0415

    out = []
    for ref in (resolve1(page.page_obj.resources.get("Font")) or {}).values():
        font = resolve1(ref)
        name = str(font.get("BaseFont", "?")).lstrip("/'").rstrip("'")
        desc_font = resolve1(resolve1(font["DescendantFonts"])[0]) if "DescendantFonts" in font else font
        descriptor = resolve1(desc_font.get("FontDescriptor")) or {}
        out.append((name, any(k in descriptor for k in ("FontFile", "FontFile2", "FontFile3"))))
    return out


def check_pdf(pdf: Path, *, claim_ids: list[str], source_ids: list[str], charts: int, margin_x: float, margin_y: float) -> Findings:
    import pdfplumber  # noqa: PLC0415

    f = Findings()
    texts, images, fonts = [], 0, {}
    with pdfplumber.open(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            w, h = float(page.width), float(page.height)
            words = page.extract_words(keep_blank_chars=False, use_text_flow=False)
            texts.append("\n".join(word["text"] for word in words))
            outside = [x for x in words if _outside(x, w, h, margin_x, margin_y) and not _is_page_number(x, h, margin_y)]
            if outside:
                f.problems.append(f"{pdf.name} page {number}: {len(outside)} word(s) outside the text area, "
                                  f"e.g. {outside[0]['text']!r} at x={outside[0]['x0']:.0f}–{outside[0]['x1']:.0f}, "
                                  f"y={outside[0]['top']:.0f}–{outside[0]['bottom']:.0f} pt (page {w:.0f}×{h:.0f})")
            pairs = _overlaps(page.chars)
            if pairs:
                a, b = pairs[0]
                f.problems.append(f"{pdf.name} page {number}: {len(pairs)} pair(s) of overlapping glyphs, e.g. {a['text']!r} over "
                                  f"{b['text']!r} at x={a['x0']:.0f}, y={a['top']:.0f} pt")
            boxes = [c for c in page.chars if c["text"] == NOTDEF]
            if boxes:
                f.problems.append(f"{pdf.name} page {number}: {len(boxes)} missing-glyph box(es) in {boxes[0]['fontname']}")
            for image in page.images:
                images += 1
                if _outside(image, w, h, margin_x, margin_y):
                    f.problems.append(f"{pdf.name} page {number}: an image reaches outside the text area")
            for name, embedded in _fonts(page):
                fonts[name.split("+", 1)[-1]] = embedded
    text = "\n".join(texts)
    flat = re.sub(r"\s+", "", text)
    missing_claims = [c for c in claim_ids if not re.search(rf"(?<![A-Za-z0-9]){re.escape(c)}(?![0-9])", text)]
    missing_sources = [s for s in source_ids if s not in flat]
    if missing_claims:
        f.problems.append(f"{pdf.name}: claim id(s) not in the PDF text: {missing_claims}")
    if missing_sources:
        f.problems.append(f"{pdf.name}: {len(missing_sources)} source id(s) not in the PDF text, e.g. {missing_sources[:3]}")
    if images < charts:
        f.problems.append(f"{pdf.name}: {images} embedded image(s) for {charts} chart(s)")
    not_embedded = sorted(n for n, e in fonts.items() if not e)
    if not_embedded:
        f.problems.append(f"{pdf.name}: font(s) not embedded: {not_embedded}")
    if not any(n.startswith(KOREAN_FONT) for n in fonts):
        f.problems.append(f"{pdf.name}: Noto Sans CJK KR is not embedded (fonts: {sorted(fonts)})")
    f.notes.append(f"{pdf.name}: {len(texts)} pages, {len(claim_ids) - len(missing_claims)}/{len(claim_ids)} claim ids and "
                   f"{len(source_ids) - len(missing_sources)}/{len(source_ids)} source ids found, "
                   f"{images} images for {charts} charts, fonts {sorted(fonts)}")
    return f


# --------------------------------------------------------------------------- HTML

class _MathFinder(HTMLParser):
    """Math as Pandoc writes it (<span class="math inline">, MathML) or a MathJax/KaTeX loader."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "math" or "math" in a.get("class", "").split() or re.search(r"mathjax|katex", a.get("src", "") + a.get("id", ""), re.I):
            self.found.append(f"<{tag} {' '.join(f'{k}={v[:40]!r}' for k, v in a.items())}>")


def math_elements(html: str) -> list[str]:
    finder = _MathFinder()
    finder.feed(html)
    return finder.found


def _short(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[:limit] + f"… ({len(text)} characters)"

# The page as a file: nothing may load but what is inside it.
OFFLINE_POLICY = ("default-src 'none'; script-src 'unsafe-inline' 'unsafe-eval' data:; style-src 'unsafe-inline' data:; img-src data: blob:; "
                  "font-src data:; media-src data:; connect-src 'none'; frame-src 'none'")
# Injected into the page: report errors, console errors and any load the policy refuses; what it
# saw goes into the data-boston-check attribute of <html> (read back from --dump-dom).
PROBE_SCRIPT = """<script>
window.__bostonErrors = [];
window.addEventListener("error", e => __bostonErrors.push("error: " + (e.message || (e.target && (e.target.src || e.target.href)) || "?")), true);
window.addEventListener("unhandledrejection", e => __bostonErrors.push("unhandled rejection: " + e.reason));
document.addEventListener("securitypolicyviolation", e => __bostonErrors.push("blocked load: " + e.blockedURI + " (" + e.violatedDirective + ")"));
(function () { const orig = console.error; console.error = function () { __bostonErrors.push("console.error: " + Array.from(arguments).join(" ")); return orig.apply(console, arguments); }; })();
window.addEventListener("load", () => {
  const started = Date.now();
  const report = () => {
    const charts = Array.from(document.querySelectorAll(".boston-chart"));
    const pending = charts.filter(c => !["done", "failed"].includes(c.getAttribute("data-boston-fit")));
    if (pending.length && Date.now() - started < 30000) return setTimeout(report, 250);
    const drawn = charts.filter(c => c.querySelector("svg"));
    // A chart wider than its column scrolls sideways or is cut off; so does a page wider than the window.
    const wide = drawn.map(c => ({id: c.id, svg: Math.round(c.querySelector("svg").getBoundingClientRect().width), column: c.clientWidth}))
                      .filter(w => w.svg > w.column + 1);
    const seen = JSON.stringify({
      charts: charts.length, svgs: drawn.length, pending: pending.length, wide: wide, errors: __bostonErrors,
      viewport: window.innerWidth, page: document.documentElement.scrollWidth});
    document.documentElement.setAttribute("data-boston-check", seen);
    if (window.parent !== window) window.parent.postMessage(seen, "*");
  };
  setTimeout(report, 1000);
});
</script>
"""


def probe(policy: str, script: str = PROBE_SCRIPT) -> str:
    """The probe under a Content Security Policy (a meta element: it covers what follows it), with
    the guard against what the policy cannot stop (analysis.checks.netguard)."""
    return f'<meta http-equiv="Content-Security-Policy" content="{policy}">\n' + script + GUARD


PROBE = probe(OFFLINE_POLICY)


def insert_probe(page: str, probe_html: str) -> str | None:
    """The page with the probe first in its <head>, so that it sees every load; None without a <head>."""
    head = re.search(r"<head[^>]*>", page, re.IGNORECASE)
    return None if head is None else page[: head.end()] + probe_html + page[head.end():]


def read_seen(dom: str) -> dict | None:
    """What the probe saw, from Chromium's --dump-dom; None if it never reported."""
    import html as html_lib  # noqa: PLC0415

    m = re.search(r'data-boston-check="([^"]*)"', dom)
    return json.loads(html_lib.unescape(m.group(1))) if m else None
# The widths a reader opens the report at: a desktop browser and a phone (390 CSS px, as an iPhone 14).
WIDTHS = (1280, 390)
# Headless Chromium will not make a window narrower than 500 px, so the page is opened in a frame
# of the width wanted, and its probe reports to this page.
FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe src="{src}" style="border:0;width:{width}px;height:900px"></iframe>
<script>window.addEventListener("message", e => document.documentElement.setAttribute("data-boston-check", e.data));</script>
</body></html>"""
# The network cut: every host goes to a proxy that is not there, and no name (nor IP literal:
# Chromium maps those too) resolves. Loopback bypasses the proxy implicitly, so LOOPBACK_FLAGS
# excepts 127.0.0.1 from the resolver rule for a page served from this machine (sitecheck).
NO_HOSTS = "MAP * ~NOTFOUND"
CHROMIUM_FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--disable-extensions", "--proxy-server=127.0.0.1:9",
                  f"--host-resolver-rules={NO_HOSTS}", "--virtual-time-budget=60000", "--dump-dom", *NETWORK_FLAGS)
LOOPBACK_FLAGS = tuple(f"--host-resolver-rules={NO_HOSTS}, EXCLUDE 127.0.0.1" if flag.startswith("--host-resolver-rules=") else flag
                       for flag in CHROMIUM_FLAGS)


def find_chromium() -> str | None:
    for name in (os.environ.get("CHROMIUM"), "chromium", "chromium-browser", "google-chrome"):
        if name and shutil.which(name):
            return shutil.which(name)
    return None


def _without_network(cmd: list[str]) -> list[str]:
    """Run in a network namespace of its own where the system allows it (root in CI): no network at all."""
    if shutil.which("unshare") and subprocess.run(["unshare", "-rn", "true"], capture_output=True).returncode == 0:
        return ["unshare", "-rn", *cmd]
    return cmd


def browse(html: Path, chromium: str, width: int = WIDTHS[0], probe_html: str = PROBE) -> dict:
    """Open a probed copy of the page offline, ``width`` CSS pixels wide, and return what the probe saw."""
    probed_page = insert_probe(html.read_text(encoding="utf-8"), probe_html)
    if probed_page is None:
        raise ValueError(f"{html}: no <head>")
    with tempfile.TemporaryDirectory() as tmp:
        probed = Path(tmp) / html.name
        probed.write_text(probed_page, encoding="utf-8")
        frame = Path(tmp) / "frame-for-check.html"
        frame.write_text(FRAME.format(src=probed.name, width=width), encoding="utf-8")
        cmd = _without_network([chromium, *CHROMIUM_FLAGS, f"--window-size={max(width + 40, 600)},1000", f"--user-data-dir={tmp}/profile",
                                frame.as_uri()])
        run = subprocess.run(cmd, capture_output=True, text=True, timeout=180)
    seen = read_seen(run.stdout)
    if seen is None:
        raise RuntimeError(f"Chromium did not report on {html.name} (exit {run.returncode}): {run.stderr.strip()[-400:]}")
    return seen


def check_html(html: Path, *, charts: int, chromium: str | None) -> Findings:
    f = Findings()
    page = html.read_text(encoding="utf-8")
    remote = remote_resources(page)
    if remote:
        f.problems.append(f"{html.name}: {len(remote)} remote reference(s), e.g. {[_short(r, 100) for r in remote[:3]]}")
    math = math_elements(page)
    if math:
        f.problems.append(f"{html.name}: {len(math)} math element(s), e.g. {_short(math[0])}: prose must never become math")
    if chromium is None:
        f.problems.append(f"{html.name}: Chromium not found (set CHROMIUM or install Debian's chromium): the page was not opened")
        return f
    for width in WIDTHS:
        f.extend(check_seen(html.name, browse(html, chromium, width), charts, width))
    return f


def check_seen(name: str, seen: dict, charts: int, width: int) -> Findings:
    """What the probe saw at one window width, as problems and a note."""
    f = Findings()
    at = f"{name} at {width} px"
    if seen["charts"] < charts or seen["svgs"] != seen["charts"]:
        f.problems.append(f"{at}: {seen['svgs']} of {seen['charts']} chart(s) drew an SVG ({charts} expected)")
    if seen.get("pending"):
        f.problems.append(f"{at}: {seen['pending']} chart(s) still being fitted after 30 s")
    for w in seen.get("wide", [])[:10]:
        f.problems.append(f"{at}: chart {w['id']} is {w['svg']} px wide in a {w['column']} px column (it would scroll or be cut off)")
    if seen.get("page", 0) > seen.get("viewport", width) + 1:
        f.problems.append(f"{at}: the page is {seen['page']} px wide in a {seen['viewport']} px window (it scrolls sideways)")
    for error in seen["errors"][:10]:
        f.problems.append(f"{at}: {_short(error)}")
    f.notes.append(f"{at}: opened offline: {seen['svgs']}/{seen['charts']} charts drew SVG, {len(seen.get('wide', []))} wider than "
                   f"their column, page {seen.get('page')} px in {seen.get('viewport')} px, {len(seen['errors'])} JavaScript error(s)")
    return f


# --------------------------------------------------------------------------- the command

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

    from analysis.render.qmd import front_matter  # noqa: PLC0415

    layers = [yaml.safe_load((root / "_quarto.yml").read_text(encoding="utf-8")) or {}]
    folder = root
    for part in Path(document).parent.parts:
        folder = folder / part
        meta = folder / "_metadata.yml"
        if meta.exists():
            layers.append(yaml.safe_load(meta.read_text(encoding="utf-8")) or {})
    layers.append(front_matter(root / document))
    config: dict = {}
    for layer in layers:
        config = _merge(config, layer)
    return config


def expected_from_project(root: Path) -> dict:
    """What the rendered report must hold, from the clean data and the report's own sources."""
    from analysis.render import qmd  # noqa: PLC0415
    from analysis.report.data import load  # noqa: PLC0415

    margin = document_config(root)["format"]["typst"]["margin"]
    blocks = qmd.blocks(root / "report" / "index.qmd")
    return {
        "root": root,
        "claim_ids": sorted(load("claims", root)["claim_id"]),
        "source_ids": sorted(load("sources", root)["source_id"]),
        "charts": sum(1 for b in blocks if b.kind == "code" and b.options.get("label", "").startswith("fig-")),
        "margin_x": length_pt(margin["x"]),
        "margin_y": length_pt(margin["y"]),
        "clean": root / "data" / "clean",
    }


def run_checks(html: Path | None, pdf: Path | None, expected: dict, chromium: str | None) -> Findings:
    f = Findings()
    for path, kind in ((html, "HTML"), (pdf, "PDF")):
        if path is not None and not path.exists():
            f.problems.append(f"{path}: the rendered {kind} does not exist (run `make report`)")
    if html is not None and html.exists():
        from analysis.checks import pairing  # noqa: PLC0415  (it builds on this module's Findings)

        f.extend(check_html(html, charts=expected["charts"], chromium=chromium))
        f.extend(pairing.check_rendered(html))
        f.extend(check_chart_colours(html))
    if pdf is not None and pdf.exists():
        from analysis.checks.pdf_access import check_pdf_access  # noqa: PLC0415

        f.extend(check_pdf(pdf, claim_ids=expected["claim_ids"], source_ids=expected["source_ids"], charts=expected["charts"],
                           margin_x=expected["margin_x"], margin_y=expected["margin_y"]))
        f.extend(check_pdf_access(pdf, html if html is not None and html.exists() else None))
    if html is not None and html.exists() and chromium is not None:
        f.extend(check_in_browser(html, expected["clean"], chromium, expected.get("root")))
    if html is not None and html.exists() and pdf is not None and pdf.exists():
        from analysis.checks.pdf_charts import check_pdf_charts  # noqa: PLC0415

        f.extend(check_pdf_charts(html, pdf))
    from analysis.checks import text as check_text  # noqa: PLC0415 - it builds on this module's browser

    f.extend(check_text.run_checks(html, pdf, chromium, margin_y=expected.get("margin_y", 0.0)))
    return f


def check_chart_colours(html: Path) -> Findings:
    """Every colour each chart of the page draws a mark in, against the white page and, for bars
    that touch, against each other (analysis/checks/contrast.py): the same specs make the PDF's PNGs."""
    from analysis.checks.contrast import spec_problems  # noqa: PLC0415
    from analysis.checks.pdf_charts import html_charts  # noqa: PLC0415

    f = Findings()
    charts = html_charts(html.read_text(encoding="utf-8"))
    for figure, spec in charts:
        f.problems += [f"{html.name}: {p}" for p in spec_problems(spec, figure)]
    f.notes.append(f"{html.name}: the colours of {len(charts)} chart(s) measured against the page (3:1 for marks, 4.5:1 for text)")
    return f


# The language of each page rendered with the report; every other page is Korean.
PAGE_LANG = {"site/en.html": "en"}


def check_in_browser(html: Path, clean: Path, chromium: str, root: Path | None = None) -> Findings:
    """The report and the site's pages rendered with it, at desktop and phone width, in the browser:
    every chart of the report read back and compared with the clean tables (analysis/checks/charts.py),
    and every page audited for accessibility (analysis/checks/accessibility.py)."""
    from analysis.checks.accessibility import AccessibilityError, axe_script, check_audit  # noqa: PLC0415
    from analysis.checks.browser import BrowserError, read_pages_isolated  # noqa: PLC0415
    from analysis.checks.chart_expectations import FIGURES, Tables  # noqa: PLC0415
    from analysis.checks.charts import check_reading  # noqa: PLC0415
    from analysis.checks.text import pages_beside  # noqa: PLC0415

    f = Findings()
    try:
        axe = str(axe_script(root))
    except AccessibilityError as exc:
        f.problems.append(f"{html.name}: the pages were not audited for accessibility: {exc}")
        axe = None
    pages = {p.resolve().as_uri(): p.relative_to(html.parent).as_posix() for p in pages_beside(html)}
    try:
        readings = read_pages_isolated(list(pages), chromium=chromium, axe=axe)
    except BrowserError as exc:
        f.problems.append(f"{html.name}: the pages could not be read in the browser: {exc}")
        return f
    tables = Tables(clean)
    for reading in readings:
        name = pages[reading.page]
        if name == html.name:
            f.extend(check_reading(reading, clean, name=html.name, required=tuple(FIGURES)))
        if reading.audit is not None:
            f.extend(check_audit(name, reading.width, reading.audit, lang=PAGE_LANG.get(name, "ko"), tables=tables, keyboard=True))
    return f


def main(root: Path, html: Path | None, pdf: Path | None) -> int:
    return print_findings("check-output", run_checks(html, pdf, expected_from_project(root), find_chromium()))
