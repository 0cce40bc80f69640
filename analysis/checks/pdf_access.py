"""The PDF a screen reader can read: tagged, PDF/UA-1, with its language, title and alt text.

The report's Typst PDF is compiled with ``pdf-standard: ua-1`` (report/index.qmd), so Typst refuses
what PDF/UA-1 forbids. This reads the PDF that was written (pikepdf) and checks what a reader's
software relies on:

- tagged: ``/MarkInfo /Marked true`` and a structure tree (``/StructTreeRoot``);
- PDF/UA-1 declared: ``pdfuaid:part`` 1 in the XMP metadata;
- the document's language (``/Lang`` in the catalog) is Korean (``ko``, with its region);
- a title, in the document information or the XMP ``dc:title``, shown as the window title
  (``/ViewerPreferences /DisplayDocTitle true``);
- every ``Figure`` of the structure tree has a non-empty ``/Alt``; and, given the HTML rendered from
  the same execution, the Figures' alt texts begin, in order, with the charts' summaries (the text
  alternative each chart carries in the HTML).

veraPDF, the reference PDF/UA validator, is not run (it cannot be installed where this runs); what
this does and does not verify is in docs/accessibility.md.
"""

from __future__ import annotations

from pathlib import Path

from analysis.checks.findings import Findings

LANGUAGE = "ko"


def read_structure(pdf: Path) -> dict:
    """What the PDF says about itself: marked, language, titles, PDF/UA part, and the structure
    tree's element counts and Figures (their /Alt, in document order)."""
    import pikepdf  # noqa: PLC0415

    with pikepdf.open(pdf) as doc:
        root = doc.Root
        mark_info = root.get("/MarkInfo")
        out: dict = {"marked": bool(mark_info is not None and mark_info.get("/Marked", False)),
                     "lang": str(root["/Lang"]) if "/Lang" in root else None,
                     "info_title": str(doc.docinfo["/Title"]) if "/Title" in doc.docinfo else None}
        with doc.open_metadata() as xmp:
            out["xmp_title"] = xmp.get("dc:title")
            out["ua_part"] = xmp.get("pdfuaid:part")
        prefs = root.get("/ViewerPreferences")
        out["display_title"] = bool(prefs is not None and prefs.get("/DisplayDocTitle", False))
        tree = root.get("/StructTreeRoot")
        out["tree"] = tree is not None
        counts: dict[str, int] = {}
        figures: list[str | None] = []
        seen: set = set()

        def walk(node) -> None:
            if isinstance(node, pikepdf.Array):
                for kid in node:
                    walk(kid)
                return
            if not isinstance(node, pikepdf.Dictionary) or node.get("/Type") in ("/MCR", "/OBJR"):
                return
            if node.objgen != (0, 0):
                if node.objgen in seen:
                    return
                seen.add(node.objgen)
            kind = node.get("/S")
            if kind is not None:
                counts[str(kind)] = counts.get(str(kind), 0) + 1
                if str(kind) == "/Figure":
                    alt = node.get("/Alt")
                    figures.append(str(alt) if alt is not None else None)
            if "/K" in node:
                walk(node["/K"])

        if tree is not None and "/K" in tree:
            walk(tree["/K"])
        out["counts"], out["figures"] = counts, figures
    return out


def html_summaries(html: Path) -> list[str]:
    """Each chart's summary (its spec's description) in the HTML, in page order."""
    from analysis.checks.pdf_charts import html_charts  # noqa: PLC0415

    return [str(spec.get("description") or "") for _, spec in html_charts(html.read_text(encoding="utf-8"))]


def check_structure(name: str, found: dict, summaries: list[str] | None = None) -> Findings:
    f = Findings()
    if not (found["marked"] and found["tree"]):
        f.problems.append(f"{name}: not a tagged PDF (MarkInfo /Marked {found['marked']}, structure tree {found['tree']})")
    if str(found.get("ua_part") or "") != "1":
        f.problems.append(f"{name}: does not declare PDF/UA-1 (XMP pdfuaid:part is {found.get('ua_part')!r})")
    lang = found.get("lang")
    if not lang or lang.split("-")[0].lower() != LANGUAGE:
        f.problems.append(f"{name}: the document language (/Lang) is {lang!r}, not Korean ({LANGUAGE}-KR)")
    title = found.get("info_title") or found.get("xmp_title")
    if not title or not str(title).strip():
        f.problems.append(f"{name}: no document title (Info /Title or XMP dc:title)")
    if not found.get("display_title"):
        f.problems.append(f"{name}: the viewer is not told to show the title (ViewerPreferences /DisplayDocTitle)")
    figures = found.get("figures", [])
    empty = [n for n, alt in enumerate(figures, start=1) if not (alt or "").strip()]
    if empty:
        f.problems.append(f"{name}: {len(empty)} of {len(figures)} Figure(s) in the structure tree without /Alt (figure(s) {empty[:10]})")
    if summaries is not None:
        if len(figures) != len(summaries):
            f.problems.append(f"{name}: {len(figures)} Figure(s) in the structure tree for the HTML's {len(summaries)} chart(s)")
        for n, (alt, summary) in enumerate(zip(figures, summaries), start=1):
            if alt and summary and not alt.startswith(summary):
                f.problems.append(f"{name}: Figure {n}'s alt text is not its chart's text alternative: {alt[:80]!r} for "
                                  f"{summary[:80]!r}")
    f.notes.append(f"{name}: tagged {found['marked'] and found['tree']}, PDF/UA part {found.get('ua_part')}, /Lang {lang}, "
                   f"title {str(title)[:40]!r}, {len(figures)} Figure(s), {len(figures) - len(empty)} with /Alt; "
                   f"structure {dict(sorted(found.get('counts', {}).items()))}")
    return f


def check_pdf_access(pdf: Path, html: Path | None = None) -> Findings:
    return check_structure(pdf.name, read_structure(pdf), html_summaries(html) if html is not None else None)
