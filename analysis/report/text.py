"""Number formats for the report's prose, so every inline figure is spelled one way.

Units readers know (DESIGN.md): 억원/조원 for KRW, US$ M/bn for USD, one decimal for ratios and
shares. Each function takes a number computed from clean data and returns the text to inline.
"""

from __future__ import annotations

from analysis.units import format_krw, format_usd


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


def sources_table_markdown(sources) -> str:
    """The sources appendix as a Markdown pipe table, one row per sidecar."""
    head = "| 원자료 | 발행 | 제목 | 공표일 | 근거 | 이용 조건 |\n|---|---|---|---|---|---|\n"
    rows = []
    for r in sources.sort_values("source_id").itertuples():
        evidence = "2차†" if r.evidence == "secondary" else "1차"
        title = str(r.title).replace("|", "\\|")
        licence = str(r.license_name).replace("|", "\\|")
        rows.append(f"| `{r.source_id}` | {r.producer} | [{title}]({r.url_main}) | {r.date_published} | {evidence} | {licence} |")
    return head + "\n".join(rows) + "\n"


MISSING = "—"


def num(value, digits: int = 0) -> str:
    """Thousands separators; '—' for a missing value (never 0, never nan)."""
    if value is None or (isinstance(value, float) and value != value) or str(value) in ("<NA>", "nan"):
        return MISSING
    return f"{float(value):,.{digits}f}"


def markdown_table(rows: list[dict], columns: list[tuple[str, str, str]]) -> str:
    """A pipe table; columns are (header, key, align) with align 'l' or 'r' (numbers right-aligned,
    DESIGN: 'Tables right-align numbers'). None becomes '—'."""
    head = "| " + " | ".join(h for h, _, _ in columns) + " |"
    rule = "|" + "|".join("---:" if a == "r" else ":---" for _, _, a in columns) + "|"
    body = []
    for row in rows:
        cells = []
        for _, key, _ in columns:
            value = row.get(key)
            cells.append(MISSING if value is None or str(value) in ("", "<NA>", "nan") else str(value).replace("|", "\\|"))
        body.append("| " + " | ".join(cells) + " |")
    return "\n".join([head, rule, *body]) + "\n"


def dagger(evidence: str) -> str:
    """Secondary evidence is marked wherever its figure appears."""
    return "†" if evidence == "secondary" else ""
