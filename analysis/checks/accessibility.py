"""Readable by every reader: each page checked for WCAG 2.1 A and AA, and for what axe cannot see.

Every page is opened offline in Chromium at a desktop's and a phone's width (:mod:`analysis.checks.browser`)
and, once its charts are drawn:

- axe-core (the npm package pinned in ``tools/axe-core``, injected from that local file: nothing is
  fetched) runs its WCAG 2.0/2.1 A and AA rules (tags ``wcag2a``, ``wcag2aa``, ``wcag21a``,
  ``wcag21aa``). Any violation is a problem naming the rule, the page, the width and the elements.
- ``a11y-probe.js`` reads what axe does not judge: a skip link first, whose target exists; headings
  in order (never a level skipped going down) and one h1 at least; every table with header cells
  and a name (a caption, or the figure caption Quarto gives it); the page's language and passages
  in the other language unmarked; ids used twice; every provenance tooltip reached through
  ``aria-describedby`` (one element, role tooltip, not empty); every chart a named
  ``graphics-document`` described by its longer text, with its data in tables, compared with
  ``data/clean/`` (:mod:`analysis.checks.text_alternatives`).
- The keyboard alone: the first Tab reaches the skip link and shows it; following it, the next Tab
  lands inside the page's main content; Tab reaches a provenance link, whose tooltip then shows;
  Escape hides it with the focus left where it was; on the next link the next tooltip shows.

Pages whose text is not ours (Great Expectations' Data Docs) are checked the same way, and what
axe finds there is listed (:data:`DATA_DOCS_KNOWN`, docs/accessibility.md): a rule
not in that list is a problem, so the list stays true.
"""

from __future__ import annotations

from pathlib import Path

from analysis.checks.findings import Findings

AXE = Path("tools") / "axe-core" / "node_modules" / "axe-core" / "axe.min.js"
PROBE = Path(__file__).with_name("a11y-probe.js")
MAKE_TARGET = "make axe-core"
WCAG_TAGS = ("wcag2a", "wcag2aa", "wcag21a", "wcag21aa")
MAX_NODES = 3  # elements named per violation
MAX_ITEMS = 8  # problems of one kind named per page and width
MAX_TABS = 400  # Tab presses to reach the first provenance link (the report's table of contents comes first)

# What axe-core finds in Great Expectations' own Data Docs that the site step cannot fix (what it
# can, analysis.review.datadocs.accessible fixes: the language, the index's tab list, colours);
# what remains is made by bootstrap-table's script when the page opens. docs/accessibility.md lists
# them; a violation of any other rule there is a problem.
DATA_DOCS_KNOWN = {
    "label": "bootstrap-table's filter inputs on the index (added by its script) have no label",
    "select-name": "bootstrap-table's filter drop-downs on the index (added by its script) have no accessible name",
    "scrollable-region-focusable": "bootstrap-table's scrolling table bodies (a phone's width) cannot be reached by keyboard",
}


class AccessibilityError(RuntimeError):
    """The accessibility check cannot run (axe-core is not installed); the message says what to run."""


def axe_script(root: Path | None = None) -> Path:
    """axe-core's script: the project's (``root``) or else this checkout's, where ``make axe-core``
    installs it (a copy of the project's data, as the tests make, has no tools of its own)."""
    from analysis.paths import PACKAGE_ROOT  # noqa: PLC0415

    for base in ([Path(root)] if root is not None else []) + [PACKAGE_ROOT]:
        if (base / AXE).is_file():
            return base / AXE
    raise AccessibilityError(f"{AXE} is missing: run `{MAKE_TARGET}` (npm ci in tools/axe-core; the accessibility "
                             "rules the output checks run in every page)")


# --------------------------------------------------------------------------- in the browser

AXE_RUN = """async (tags) => {
  const result = await axe.run(document, {runOnly: {type: "tag", values: tags}, resultTypes: ["violations"]});
  return {version: axe.version, violations: result.violations.map(v => ({
    id: v.id, impact: v.impact, help: v.help, tags: v.tags,
    nodes: v.nodes.map(n => ({target: n.target.map(String), html: n.html.slice(0, 160),
                              summary: (n.failureSummary || "").replace(/\\s+/g, " ").slice(0, 240)}))}))};
}"""

# Shown: displayed, in the window's height and whole across its width (a tooltip cut off at the
# window's edge is not readable).
VISIBLE = """el => {
  if (!el) return false;
  const s = getComputedStyle(el), r = el.getBoundingClientRect();
  return s.display !== "none" && s.visibility !== "hidden" && r.width > 1 && r.height > 1 && r.bottom > 0 && r.top < innerHeight
         && r.left >= -1 && r.right <= document.documentElement.clientWidth + 1;
}"""

FOCUS = """(visible) => {
  const a = document.activeElement;
  if (!a || a === document.body) return {tag: null};
  const tip = a.matches("a.prov") ? document.getElementById(a.getAttribute("aria-describedby") || "") : null;
  const main = document.querySelector("main, [role='main']");
  const href = a.getAttribute("href") || "";
  const target = href.startsWith("#") && href.length > 1 ? document.getElementById(decodeURIComponent(href.slice(1))) : null;
  const own = tip && a.contains(tip) ? a.textContent.replace(tip.textContent, "") : a.textContent;  // the link's words, not its tooltip's
  return {tag: a.tagName.toLowerCase(), href: href, text: (own || "").trim().slice(0, 40),
          prov: a.matches("a.prov"), inMain: Boolean(main && main.contains(a)), shown: visible(a),
          skip: Boolean(target && main && (target === main || target.contains(main))),
          tip: tip ? tip.id : null, tipShown: visible(tip)};
}"""


# Whether the main content holds anything Tab can reach (else the Tab after the skip link leaves the page).
MAIN_FOCUSABLE = """() => Boolean(document.querySelector(["a[href]", "button", "input", "select", "textarea",
  "[tabindex]:not([tabindex='-1'])"].map(s => "main " + s + ", [role='main'] " + s).join(", ")))"""


def _focus(page) -> dict:
    return page.evaluate(f"(() => {{ const visible = {VISIBLE}; return ({FOCUS})(visible); }})()")


def keyboard_walk(page, tips: bool, max_tabs: int = MAX_TABS) -> dict:
    """The page read with the keyboard alone, from the top: the skip link, then (``tips``) the first
    two provenance links and their tooltips (shown on focus, hidden by Escape)."""
    page.evaluate("() => { window.scrollTo(0, 0); if (document.activeElement) document.activeElement.blur(); }")
    out: dict = {"tips": tips}
    page.keyboard.press("Tab")
    out["first"] = _focus(page)
    if out["first"].get("skip") and page.evaluate(MAIN_FOCUSABLE):
        page.keyboard.press("Enter")
        page.keyboard.press("Tab")
        out["after_skip"] = _focus(page)
    if not tips:
        return out
    for _ in range(max_tabs):
        if _focus(page).get("prov"):
            break
        page.keyboard.press("Tab")
    on = _focus(page)
    out["tip"] = on
    if not on.get("prov"):
        return out
    page.keyboard.press("Escape")
    out["escaped"] = _focus(page)
    page.keyboard.press("Tab")
    out["next"] = _focus(page)
    page.keyboard.press("Shift+Tab")
    out["back"] = _focus(page)
    return out


def audit(page, axe_js: str, *, keyboard: bool) -> dict:
    """axe-core's WCAG 2.1 A/AA violations, the probe's reading and (``keyboard``) the keyboard walk."""
    page.add_script_tag(content=axe_js)
    found = {"axe": page.evaluate(AXE_RUN, list(WCAG_TAGS))}
    page.add_script_tag(content=PROBE.read_text(encoding="utf-8"))
    found["page"] = page.evaluate("bostonA11y()")
    if keyboard:
        found["keyboard"] = keyboard_walk(page, tips=bool(found["page"]["tips"]))
    return found


# --------------------------------------------------------------------------- what it means

def axe_problems(at: str, axe: dict, known: dict[str, str] | None = None) -> tuple[list[str], list[str]]:
    """Violations as problems (rule, impact, what it asks, the elements), and as notes those in
    ``known`` (a page that is not ours, whose known violations are listed)."""
    problems, notes = [], []
    for v in axe["violations"]:
        nodes = "; ".join(f"{' '.join(n['target'])} {n['html']!r}" for n in v["nodes"][:MAX_NODES])
        more = f" … and {len(v['nodes']) - MAX_NODES} more" if len(v["nodes"]) > MAX_NODES else ""
        line = f"{at}: axe {v['id']} ({v['impact']}): {v['help']} — {len(v['nodes'])} element(s): {nodes}{more}"
        (notes if known is not None and v["id"] in known else problems).append(line)
    return problems, notes


def heading_problems(at: str, headings: list[dict]) -> list[str]:
    problems = []
    if not any(h["level"] == 1 for h in headings):
        problems.append(f"{at}: no h1 heading")
    previous = None
    for h in headings:
        if previous is not None and h["level"] > previous["level"] + 1:
            problems.append(f"{at}: heading h{h['level']} {h['text']!r} follows h{previous['level']} {previous['text']!r} "
                            "(a level is skipped)")
        previous = h
    return problems[:MAX_ITEMS]


def table_problems(at: str, tables: list[dict]) -> list[str]:
    problems = []
    for t in tables:
        if t.get("layout"):
            continue
        if not t["headers"]:
            problems.append(f"{at}: a table in #{t['where']} has no header cells (th)")
        if not t["name"]:
            problems.append(f"{at}: a table in #{t['where']} has no caption")
    return problems[:MAX_ITEMS]


def skip_problems(at: str, skip: dict | None) -> list[str]:
    if skip is None:
        return [f"{at}: the first thing the keyboard reaches is not a link (no skip link)"]
    if not skip["target"]:
        return [f"{at}: the first link {skip['text']!r} points at {skip['href']!r}, which is no element of the page (no skip link)"]
    if not skip["main"]:
        return [f"{at}: the first link {skip['text']!r} points at {skip['href']!r}, not at the page's main content (no skip link)"]
    return []


def tooltip_problems(at: str, tips: list[dict], duplicate_ids: list[str]) -> list[str]:
    problems = []
    bad = [t for t in tips if not (t["tip"] and t["role"] == "tooltip" and t["inside"] and t["filled"])]
    if bad:
        problems.append(f"{at}: {len(bad)} provenance link(s) not described by a tooltip of their own (aria-describedby to a "
                        f"role=tooltip inside the link, not empty), e.g. {bad[0]}")
    if duplicate_ids:
        problems.append(f"{at}: {len(duplicate_ids)} id(s) used twice, e.g. {duplicate_ids[:MAX_ITEMS]}")
    return problems


def lang_problems(at: str, lang: str | None, expected: str | None, passages: list[dict]) -> list[str]:
    problems = []
    if not lang:
        problems.append(f"{at}: <html> has no lang")
    elif expected and lang.split("-")[0].lower() != expected:
        problems.append(f"{at}: <html lang={lang!r}>, expected {expected!r}")
    for p in passages[:MAX_ITEMS]:
        other = "English" if p["lang"] == "ko" else "Korean"
        problems.append(f"{at}: {other} text in #{p['where']} is marked lang={p['lang']!r}: {p['text']!r}")
    if len(passages) > MAX_ITEMS:
        problems.append(f"{at}: … and {len(passages) - MAX_ITEMS} more passage(s) in the other language, unmarked")
    return problems


def keyboard_problems(at: str, walk: dict | None) -> list[str]:
    if walk is None:
        return []
    problems = []
    first = walk.get("first") or {}
    if not (first.get("tag") == "a" and first.get("skip")):
        problems.append(f"{at}: the first Tab reaches {first.get('tag')} {first.get('text')!r}, not a skip link to the main content")
    elif not first.get("shown"):
        problems.append(f"{at}: the skip link is not visible when it has the focus")
    after = walk.get("after_skip")
    if after is not None and not after.get("inMain"):
        problems.append(f"{at}: after the skip link, the next Tab reaches {after.get('tag')} {after.get('text')!r}, outside the "
                        "main content")
    if not walk.get("tips"):
        return problems
    tip = walk.get("tip") or {}
    if not tip.get("prov"):
        problems.append(f"{at}: the keyboard reaches no provenance link in {MAX_TABS} Tabs")
        return problems
    if not tip.get("tipShown"):
        problems.append(f"{at}: the tooltip of {tip.get('text')!r} does not show when the link has the keyboard focus")
    escaped = walk.get("escaped") or {}
    if escaped.get("tip") != tip.get("tip"):
        problems.append(f"{at}: Escape moved the focus away from {tip.get('text')!r}")
    elif escaped.get("tipShown"):
        problems.append(f"{at}: Escape does not close the tooltip of {tip.get('text')!r}")
    nxt = walk.get("next") or {}
    if nxt.get("prov") and not nxt.get("tipShown"):
        problems.append(f"{at}: the tooltip of the next link {nxt.get('text')!r} does not show on focus (after Escape on the one before)")
    back = walk.get("back") or {}
    if back.get("prov") and not back.get("tipShown"):
        problems.append(f"{at}: the tooltip of {back.get('text')!r} stays closed when the focus comes back to it")
    return problems


def chart_problems(at: str, charts: list[dict], tables) -> list[str]:
    """Each chart a named graphics-document, described, with its data in tables that say what
    ``data/clean/`` says the figure draws (``tables``: :class:`analysis.checks.chart_expectations.Tables`,
    or None for no comparison)."""
    from analysis.checks.chart_expectations import expected  # noqa: PLC0415
    from analysis.checks.text_alternatives import check  # noqa: PLC0415

    problems = []
    for chart in charts:
        figure = chart.get("figure") or chart.get("element") or "?"
        if chart.get("role") != "graphics-document":
            problems.append(f"{at}: {figure}: the chart's element has role {chart.get('role')!r}, not graphics-document")
        if chart.get("describedby") != chart.get("found"):
            problems.append(f"{at}: {figure}: aria-describedby names an element the page does not have")
        marks = expected(figure, tables) if tables is not None else None
        problems += [f"{at}: {p}" for p in check(figure, chart, marks)]
        for table in chart.get("tables", []):
            if not table.get("rowHeaders"):
                problems.append(f"{at}: {figure}: a row of its data table has no row header (th scope=row)")
    return problems


def check_audit(name: str, width: int, found: dict, *, lang: str | None, tables=None, keyboard: bool = True,
                known: dict[str, str] | None = None) -> Findings:
    """One page at one width. ``lang``: the page's expected language; ``tables``: the clean tables
    its charts are compared with; ``keyboard``: the keyboard walk is judged (the skip link, and the
    tooltips where the page has any); ``known``: a page that is not ours (GX's Data Docs), whose
    violations of these rules are notes and whose structure is not judged, its language is."""
    f = Findings()
    at = f"{name} at {width} px"
    problems, notes = axe_problems(at, found["axe"], known)
    f.problems += problems
    f.notes += notes
    seen = found["page"]
    if known is None:
        f.problems += skip_problems(at, seen["skip"])
        f.problems += heading_problems(at, seen["headings"])
        f.problems += tooltip_problems(at, seen["tips"], seen["duplicateIds"])
        f.problems += lang_problems(at, seen["lang"], lang, seen["passages"])
        f.problems += chart_problems(at, seen["charts"], tables)
        if keyboard:
            f.problems += keyboard_problems(at, found.get("keyboard"))
    else:
        f.problems += lang_problems(at, seen["lang"], lang, [])
    f.problems += table_problems(at, seen["tables"]) if known is None else []
    f.notes.append(f"{at}: axe-core {found['axe']['version']} (WCAG 2.1 A/AA): {len(problems)} violation(s)"
                   + (f", {len(notes)} known in a page that is not ours" if known is not None else "")
                   + f"; {len(seen['headings'])} heading(s), {len(seen['tables'])} table(s), {len(seen['charts'])} chart(s), "
                     f"{len(seen['tips'])} tooltip(s)" + ("; walked with the keyboard" if found.get("keyboard") and known is None else ""))
    return f
