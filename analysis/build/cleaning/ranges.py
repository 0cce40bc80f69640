"""Values that cannot be true are refused where they were typed.

Why here and not only in the gate: the Great Expectations suites (``expectations/*.json``) also
bound amounts, shares and counts, but they run on the clean tables, about fifteen seconds later,
and they name a clean column and a source id — not the raw file, its line, the raw column or the
text as it was printed. A transcription slip (a minus sign, a share above 100 %, a count with a
sign) is found faster and fixed more surely when the message points at the cell that holds it:
``data/raw/<source>/figures.csv:5:value: '-$3.1 billion' is -3.1e+09 USD; allowed: 0 or more``.
The suites stay as the gate behind this check (they also guard hand edits of ``data/clean/``).

Each table's cleaning module calls :func:`refuse_outside` with the range its column allows; the
ranges are stated once, here, by the kind of value.
"""

from __future__ import annotations

import math

from analysis.errors import CleaningError

# What a kind of value may be, whatever the series: (low, high), None = open. Amounts and counts
# cannot be negative; a share is a part of a whole. Series-specific plausible ranges (a unit
# slip of 억 for 조) are narrower and live with each series (indicators.PLAUSIBLE).
KIND_RANGES: dict[str, tuple[float | None, float | None]] = {
    "amount": (0.0, None),
    "count": (0.0, None),
    "share": (0.0, 100.0),
    "rate": (0.0, None),  # an exchange rate, an index level: more than 0 (see STRICT_LOW)
    "trading_days": (0.0, 366.0),
}
# Units that make a parsed figure an amount of money (else a count or a measure).
MONEY = {"KRW", "USD"}
# Kinds whose lower bound itself is not allowed (a rate of 0 would divide by zero).
STRICT_LOW = {"rate"}


def describe(low: float | None, high: float | None, strict_low: bool = False) -> str:
    """The allowed range in words, for the message."""
    if strict_low and low is not None:
        return f"more than {low:,.6g}" + (f" and at most {high:,.6g}" if high is not None else "")
    if low is not None and high is not None:
        return f"{low:,.6g} to {high:,.6g}"
    if low is not None:
        return f"{low:,.6g} or more"
    return f"{high:,.6g} or less"


def outside(value: float | None, low: float | None, high: float | None, strict_low: bool = False) -> bool:
    """True for a value that is present and outside [low, high] (a NaN is outside any range:
    a figure that parsed to "not a number" is not a figure)."""
    if value is None:
        return False
    v = float(value)
    if math.isnan(v):
        return True
    return (low is not None and (v <= low if strict_low else v < low)) or (high is not None and v > high)


def refuse_outside(file: str, row: int | None, column: str, printed: str, value: float | None, kind: str,
                   unit: str | None = None, low: float | None = None, high: float | None = None) -> None:
    """Stop the build at ``file:row:column`` when ``value`` (parsed from ``printed``) is outside
    the range of its ``kind`` (or the explicit ``low``/``high``, which narrow it)."""
    kind_low, kind_high = KIND_RANGES[kind]
    low = kind_low if low is None else (low if kind_low is None else max(low, kind_low))
    high = kind_high if high is None else (high if kind_high is None else min(high, kind_high))
    strict = kind in STRICT_LOW
    if outside(value, low, high, strict):
        shown = f"{float(value):,.6g}" + (f" {unit}" if unit else "")
        article = "an" if kind[0] in "aeiou" else "a"
        raise CleaningError(file, row, column, f"{printed!r} is {shown}; allowed for {article} {kind}: {describe(low, high, strict)}")


def refuse_column_outside(df, label: str, column: str, kind: str, unit: str | None = None) -> None:
    """Every row of a snapshot table (``source_row`` and the printed cell kept as text before
    parsing) inside the range of its kind."""
    for row in df.itertuples():
        refuse_outside(label, row.source_row, column, str(getattr(row, column)), float(getattr(row, column)), kind, unit)
