"""The PDF's charts are the HTML's charts: every image in the PDF is, pixel for pixel, the Vega-Lite
spec that the HTML page draws, exported as the PDF's PNGs are (vl-convert at the report's scale
and density).

Why: the HTML draws each chart in the browser from its spec; the PDF holds a PNG made during the
execution. Both come from one spec by design (``charts.html_and_png``), and this is the proof on
the published files: if a PNG came from another spec (a stale cache, another execution, a chart
built twice with different data), its pixels differ from the HTML spec's.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

from analysis.checks.findings import Findings

CHART_CALL = re.compile(r'bostonChart\("#[A-Za-z0-9_-]+", ')
FIGURE_ID = re.compile(r'\sid="(fig-[A-Za-z0-9_-]+)"')


def html_charts(page: str) -> list[tuple[str, dict]]:
    """(figure id, Vega-Lite spec) of every chart in the page, in page order. The spec is decoded
    as JSON where the call puts it, so no string inside it can move the cut."""
    decoder = json.JSONDecoder()
    out = []
    figures = [(m.start(), m.group(1)) for m in FIGURE_ID.finditer(page)]
    for call in CHART_CALL.finditer(page):
        spec, _ = decoder.raw_decode(page, call.end())
        figure = next((fid for at, fid in reversed(figures) if at < call.start()), "?")
        out.append((figure, spec))
    return out


def pdf_images(pdf: Path) -> list[tuple[int, object]]:
    """(page number, PIL image) of every image drawn in the PDF, in page order."""
    import pikepdf  # noqa: PLC0415

    out = []
    with pikepdf.open(pdf) as doc:
        for number, page in enumerate(doc.pages, start=1):
            for _, image in page.get_images().items():
                out.append((number, pikepdf.PdfImage(image).as_pil_image()))
    return out


def _pixels(image) -> tuple[tuple[int, int], bytes]:
    rgba = image.convert("RGBA")
    return rgba.size, rgba.tobytes()


def check_pdf_charts(html: Path, pdf: Path) -> Findings:
    """Every chart of the HTML against the PDF's image at the same place in the document."""
    import vl_convert as vlc  # noqa: PLC0415
    from PIL import Image  # noqa: PLC0415

    from analysis.report.charts import PNG_PPI, PNG_SCALE, register_fonts  # noqa: PLC0415

    f = Findings()
    charts = html_charts(html.read_text(encoding="utf-8"))
    images = pdf_images(pdf)
    if len(images) != len(charts):
        f.problems.append(f"{pdf.name}: {len(images)} image(s) for the HTML's {len(charts)} chart(s)")
    register_fonts()
    same = 0
    for (figure, spec), (page, image) in zip(charts, images):
        drawn = Image.open(io.BytesIO(vlc.vegalite_to_png(spec, scale=PNG_SCALE, ppi=PNG_PPI)))
        if _pixels(drawn) != _pixels(image):
            f.problems.append(f"{pdf.name} page {page}: the image for {figure} is not its HTML spec drawn for print "
                              f"(image {image.size[0]}×{image.size[1]} px, spec drawn {drawn.size[0]}×{drawn.size[1]} px)")
        else:
            same += 1
    f.notes.append(f"{pdf.name}: {same}/{len(charts)} chart images are, pixel for pixel, the HTML's specs drawn for print")
    return f
