"""Colours a reader can tell apart, checked from the palette in code (WCAG 2.1, 1.4.3 and 1.4.11).

axe-core measures the contrast of a page's text, but not of a chart's bars, lines and points, nor of
the PNGs in the PDF; and colour must never be the only cue, so a mark must at least stand out from
the page. Here every colour a Vega-Lite spec draws a mark in (a mark's own colour, and each colour
of a colour scale) is measured against the page's white:

- a mark (bar, line, point, rule, area) needs 3:1 (non-text contrast), after its opacity;
- a text mark needs 4.5:1, as text;
- bars drawn side by side (grouped by an x or y offset) touch, so each must also stand out from
  its neighbour: either every pair of the scale's colours has 3:1, or the bars are parted by an
  edge of the page's colour (``stroke`` white, one pixel or more), which makes each bar's
  neighbour the page.

Named palettes (the verdicts' text colours, the pledge statuses' colours) are checked the same way
by :func:`palette_problems`. Contrast is WCAG's: (L1 + 0.05) / (L2 + 0.05) of relative luminances.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterator

WHITE = "#ffffff"
TEXT = 4.5
GRAPHIC = 3.0
# Colours that draw nothing: a hollow symbol's fill, a mark's missing stroke.
NO_INK = {None, "", "none", "transparent"}
_NAMED = {"white": "#ffffff", "black": "#000000"}


def rgb(color: str) -> tuple[float, float, float]:
    """'#A41034' (or '#abc', 'white', 'black') as red, green and blue in 0–1."""
    text = _NAMED.get(str(color).strip().lower(), str(color).strip().lower())
    if not re.fullmatch(r"#([0-9a-f]{3}|[0-9a-f]{6})", text):
        raise ValueError(f"not a colour this check reads: {color!r} (write it as #rrggbb)")
    digits = text[1:] if len(text) == 7 else "".join(c * 2 for c in text[1:])
    return tuple(int(digits[i:i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def luminance(color: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours, 1 to 21."""
    la, lb = sorted((luminance(a), luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def over(color: str, opacity: float, background: str = WHITE) -> str:
    """The colour a translucent mark shows over the background."""
    fg, bg = rgb(color), rgb(background)
    mixed = (opacity * f + (1 - opacity) * g for f, g in zip(fg, bg))
    return "#" + "".join(f"{round(c * 255):02x}" for c in mixed)


def palette_problems(name: str, colors: dict[str, str], minimum: float, background: str = WHITE) -> list[str]:
    """Each colour of a named palette against the background."""
    return [f"{name}: {key!r} is drawn in {color}, {ratio(color, background):.2f}:1 against {background} "
            f"(at least {minimum}:1 is needed)"
            for key, color in colors.items() if ratio(color, background) < minimum]


# --------------------------------------------------------------------------- a Vega-Lite spec

def _views(spec: dict, path: str = "chart") -> Iterator[tuple[str, dict]]:
    """Every unit view of a spec (inside layers and concatenations), with where it is."""
    if "mark" in spec:
        yield path, spec
    for key in ("layer", "hconcat", "vconcat", "concat"):
        for n, part in enumerate(spec.get(key, []) or []):
            yield from _views(part, f"{path}.{key}[{n}]")
    if isinstance(spec.get("spec"), dict):
        yield from _views(spec["spec"], f"{path}.spec")


def _mark(view: dict) -> dict:
    mark = view["mark"]
    return {"type": mark} if isinstance(mark, str) else dict(mark)


def _channel_colours(encoding: dict, channel: str) -> list[str]:
    """Colours a colour channel can draw: its scale's range, a fixed value, a condition's value."""
    enc = encoding.get(channel)
    if not isinstance(enc, dict):
        return []
    out = []
    scale_range = (enc.get("scale") or {}).get("range")
    if isinstance(scale_range, list):
        out += [c for c in scale_range if isinstance(c, str)]
    for part in [enc, *([enc["condition"]] if isinstance(enc.get("condition"), dict) else enc.get("condition") or [])]:
        if isinstance(part, dict) and isinstance(part.get("value"), str):
            out.append(part["value"])
    return out


def _inks(view: dict, config: dict) -> list[str]:
    """The colours a view's marks are drawn in (the page's own colour and no-ink values left out)."""
    mark, encoding = _mark(view), view.get("encoding") or {}
    found: list[str] = []
    for channel in ("color", "fill", "stroke"):
        colours = _channel_colours(encoding, channel)
        found += colours
        if not colours and channel != "color" and isinstance(mark.get(channel), str):
            found.append(mark[channel])
    if not any(_channel_colours(encoding, c) for c in ("color", "fill", "stroke")) and isinstance(mark.get("color"), str):
        found.append(mark["color"])
    if not found:  # Vega-Lite's default mark colour, or the theme's
        found.append(((config.get("mark") or {}).get("color")) or "#4c78a8")
    return [c for c in dict.fromkeys(found) if c not in NO_INK]


def _separated(mark: dict, background: str) -> bool:
    stroke = mark.get("stroke")
    return isinstance(stroke, str) and stroke not in NO_INK and ratio(stroke, background) < 1.01 and float(mark.get("strokeWidth", 0)) >= 1


def spec_problems(spec: dict, name: str, background: str = WHITE) -> list[str]:
    """Every colour a spec draws a mark in, against the background and, for bars that touch,
    against each other (or parted by an edge of the background's colour)."""
    config = spec.get("config") or {}
    problems: list[str] = []
    for where, view in _views(spec):
        mark = _mark(view)
        kind = mark.get("type")
        opacity = float(mark.get("opacity", 1))
        minimum = TEXT if kind == "text" else GRAPHIC
        inks = [c for c in _inks(view, config) if ratio(c, background) >= 1.01 or kind == "text"]
        for ink in inks:
            shown = over(ink, opacity, background) if opacity < 1 else ink
            if ratio(shown, background) < minimum:
                seen = f"{ink} at opacity {opacity}" if opacity < 1 else ink
                problems.append(f"{name} ({where}, {kind}): drawn in {seen}, {ratio(shown, background):.2f}:1 against the page's "
                                f"{background} (at least {minimum}:1 is needed)")
        encoding = view.get("encoding") or {}
        touching = kind == "bar" and ("xOffset" in encoding or "yOffset" in encoding)
        if touching and not _separated(mark, background):
            for a, b in itertools.combinations(inks, 2):
                if ratio(a, b) < GRAPHIC:
                    problems.append(f"{name} ({where}, bar): bars side by side in {a} and {b} touch with {ratio(a, b):.2f}:1 between "
                                    f"them and no edge of the page's colour between (stroke {background}, 1 px) parting them")
    for part, key in (("title", "color"), ("title", "subtitleColor"), ("axis", "labelColor"), ("axis", "titleColor"),
                      ("legend", "labelColor"), ("legend", "titleColor")):
        color = (config.get(part) or {}).get(key)
        if isinstance(color, str) and ratio(color, background) < TEXT:
            problems.append(f"{name} (config.{part}.{key}): text in {color}, {ratio(color, background):.2f}:1 (at least {TEXT}:1)")
    return problems
