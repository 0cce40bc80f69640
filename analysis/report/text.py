"""Number formats for the report's prose, so every inline figure is spelled one way.

Units readers know (DESIGN.md): 억원/조원 for KRW, US$ M/bn for USD, one decimal for ratios and
shares. Each function takes a number computed from clean data and returns the text to inline.
"""

from __future__ import annotations

from analysis.markup import MISSING
from analysis.build.units import format_krw, format_usd


def usd(amount: float, digits: int = 1) -> str:
    return format_usd(float(amount), digits, prefix="US$", billion="bn")


def krw(amount: float) -> str:
    return format_krw(float(amount))


def rate(krw_per_usd: float) -> str:
    return f"{float(krw_per_usd):,.1f}"


def times(ratio: float) -> str:
    return f"{float(ratio):.1f}배"


def pct(value: float, digits: int = 1) -> str:
    return f"{float(value):.{digits}f}%"


def years(values) -> str:
    """'2016년, 2021년' for a list of years."""
    return ", ".join(f"{int(y)}년" for y in values)



def num(value, digits: int = 0) -> str:
    """Thousands separators; '—' for a missing value (never 0, never nan)."""
    if value is None or (isinstance(value, float) and value != value) or str(value) in ("<NA>", "nan"):
        return MISSING
    return f"{float(value):,.{digits}f}"


def dagger(evidence: str) -> str:
    """Secondary evidence is marked wherever its figure appears."""
    return "†" if evidence == "secondary" else ""


def year_in(text: str) -> int:
    """The year a sentence is about ('2018년 … 48억달러' -> 2018), so a chapter need not type it."""
    import re  # noqa: PLC0415

    years = re.findall(r"(?<!\d)((?:19|20)\d\d)년", str(text))
    if len(set(years)) != 1:
        raise ValueError(f"expected one year in {text!r}, found {years}")
    return int(years[0])


def number_after(text: str, word: str) -> str:
    """The number printed right after ``word`` in a quote ('world’s 20 largest' -> '20'): a figure
    that is part of a definition is read from the source's words, not typed."""
    import re  # noqa: PLC0415

    m = re.search(re.escape(word) + r"\s*([\d,.]+)", str(text))
    if not m:
        raise ValueError(f"no number after {word!r} in {text!r}")
    return m.group(1)
