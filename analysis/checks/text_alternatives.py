"""Every chart's text alternative says what the chart draws: read back and compared with ``data/clean/``.

A chart's text alternative (:mod:`analysis.report.chart_text`) is its accessible name (one sentence:
what is compared, the key numbers, the direction), its accessible description (the longer text)
and its data tables. Here what a reader gets is compared with what the figure must draw, as
:mod:`analysis.checks.chart_expectations` declares it from the clean tables alone (not from the
report's chart code):

- the tables: every value cell is a value the figure draws (at the cell's rounding), and every
  value the figure draws is in a cell; a chart of dates only (the timelines) has a row per mark;
- the words: every number in the name and the description, once the chart's title and the
  tables' own words (names, column headers, dates, captions) are set aside, is one of the tables'
  values, a year of the chart's range, a date of its tables or a count of its rows ('5건', '13개');
- the direction: 'X에서 Y까지 증가' says 증가 only when Y is larger than X, and 감소 only when smaller;
- the name holds the chart's title and the description is not empty.

Each problem names the figure and the words that are wrong.
"""

from __future__ import annotations

import re
from collections import Counter

from analysis.checks.chart_expectations import Mark, Num

YEAR_COLUMNS = ("연도", "회계연도")
# Columns of dates as the sources give them ('2025', '2025-03', '2025-03-26'); 관측 lists
# observations with their dates ('지연 2024; 새 기한 2027').
DATE_COLUMNS = ("날짜", "약속한 날", "기한", "관측")
SOURCE_DATE = re.compile(r"(?<![\d-])(?:19|20)\d\d(?:-[01]\d(?:-[0-3]\d)?)?(?![\d-])")
DATE = re.compile(r"(?<![\d-])(?:19|20)\d\d-[01]\d(?:-[0-3]\d)?(?![\d-])")
YEAR = re.compile(r"(?<![\d,.])((?:19|20)\d\d)(?:–((?:19|20)\d\d))?(?=년| 회계연도)")
COUNT = re.compile(r"(?<![\d,.])(\d+)(?=\s*(?:건|곳|개))")
NUMBER = re.compile(r"(?<![\d,.])\d(?:[\d,]*\d)?(?:\.\d+)?%?")
ORDINAL = re.compile(r"(?<![\d,.])\d+(?=차)")  # 1차 자료, 2차 자료: words, not figures
# A value as a cell or the text writes it: '117,108', '3.46%', '1,000†', '4,628,000† (원문 미확인)'.
VALUE_CELL = re.compile(r"^(-?\d[\d,]*(?:\.\d+)?)%?†?(?: \(원문 미확인\))?$")
TREND = re.compile(r"(\d[\d,]*(?:\.\d+)?)%?†?(?: \(원문 미확인\))?에서 (?:19|20)\d\d(?:년| 회계연도) "
                   r"(\d[\d,]*(?:\.\d+)?)%?†?(?: \(원문 미확인\))?까지 (증가|감소)")
MAX_LISTED = 6


def _shown(value: float) -> str:
    """A drawn value as a message shows it: thousands separators, up to four decimals."""
    return f"{value:,.4f}".rstrip("0").rstrip(".")


def _float(text: str) -> float:
    return float(text.replace(",", "").rstrip("%"))


def _places(text: str) -> int:
    return len(text.split(".")[1].rstrip("%")) if "." in text else 0


def drawn_values(marks: list[Mark]) -> list[float]:
    """The values a figure draws, one per data point: a bar's length, a point's value (for a line's
    vertex and its point, once). Dates and the years of a year axis are positions, not values."""
    seen: dict[tuple, float] = {}
    for m in marks:
        if m.kind == "text":
            continue
        nums = [p for p in (m.x, m.y) if isinstance(p, Num) and abs(p.hi) < 1e11]
        if not nums:
            continue
        value = (m.y if isinstance(m.x, Num) and isinstance(m.y, Num) else nums[0]).hi
        seen[(m.panel, m.series, str(m.x), str(m.y))] = value
    return list(seen.values())


def _column_kind(name: str) -> str:
    return "year" if name in YEAR_COLUMNS else "date" if name in DATE_COLUMNS else "other"


def table_cells(tables: list[dict]) -> dict:
    """What the tables hold, by kind: value cells, years, dates, the words (names, headers,
    captions) and the counts their rows allow."""
    values, years, dates, words = [], set(), set(), set()
    counts: set[int] = {len(tables)}
    dated = 0
    for table in tables:
        columns, rows = list(table["columns"]), [list(r) for r in table["rows"]]
        words.update(columns)
        words.add(table["caption"])
        dates.update(DATE.findall(table["caption"]))
        counts.add(len(rows))
        for i, column in enumerate(columns):
            cells = [r[i] for r in rows if i < len(r)]
            kind = _column_kind(column)
            counts.add(len(set(cells)))
            for value, n in Counter(cells).items():
                counts.add(n)
                counts.add(len({r[0] for r in rows if r[i] == value}))
            for cell in cells:
                if kind == "year":
                    years.add(int(cell))
                elif kind == "date":  # as the source gives it: '2025', '2025-03' or a day
                    found = SOURCE_DATE.findall(cell)
                    dated += len(found)
                    dates.update(found)
                    words.update([cell, *found])
                    years.update(int(d[:4]) for d in found)
                elif i > 0 and VALUE_CELL.match(cell):
                    values.append(cell)
                else:
                    words.add(cell)
    return {"values": values, "years": years, "dates": dates, "words": words, "counts": counts, "dated": dated}


def compare_tables(figure: str, tables: list[dict], marks: list[Mark]) -> list[str]:
    """The tables' value cells against the values the figure draws (a multiset, each at the
    cell's rounding); for a chart of dates only, a date in its tables per dated mark."""
    held = table_cells(tables)
    cells = held["values"]
    want = drawn_values(marks)
    problems = []
    if not want:
        points = [m for m in marks if m.kind == "symbol"]
        if held["dated"] != len(points):
            problems.append(f"{figure}: its tables hold {held['dated']} date(s) for the {len(points)} dated mark(s) the chart draws")
        return problems
    left = list(want)
    unmatched = []
    for cell in cells:
        number, places = _float(VALUE_CELL.match(cell).group(1)), _places(VALUE_CELL.match(cell).group(1))
        hit = next((v for v in left if round(v, places) == round(number, places)), None)
        if hit is None:
            unmatched.append(cell)
        else:
            left.remove(hit)
    if unmatched:
        problems.append(f"{figure}: table value(s) {unmatched[:MAX_LISTED]} are not values the chart draws (data/clean/)")
    if left:
        problems.append(f"{figure}: {len(left)} value(s) the chart draws are in no table cell, e.g. "
                        f"{[_shown(v) for v in left[:MAX_LISTED]]}")
    return problems


def _without(text: str, words: set[str]) -> str:
    for word in sorted((w for w in words if w and re.search(r"\d", w)), key=len, reverse=True):
        text = text.replace(word, " ")
    return text


def compare_words(figure: str, text: str, title: str, tables: list[dict]) -> list[str]:
    """Every number in ``text`` (a name or a description) is accounted for by the tables."""
    held = table_cells(tables)
    rest = _without(text.replace(title, " ", 1) if title else text, held["words"])
    problems = []
    for date in DATE.findall(rest):
        if date not in held["dates"]:
            problems.append(f"{figure}: the date {date} is in no table of the chart")
    rest = DATE.sub(" ", rest)
    low, high = (min(held["years"]), max(held["years"])) if held["years"] else (None, None)
    for first, second in YEAR.findall(rest):
        for year in (int(y) for y in (first, second) if y):
            if low is None or not low <= year <= high:
                problems.append(f"{figure}: the year {year} is outside the years of the chart's tables ({low}–{high})")
    rest = YEAR.sub(" ", rest)
    for count in COUNT.findall(rest):
        if int(count) not in held["counts"]:
            problems.append(f"{figure}: '{count}' counts nothing in the chart's tables (rows, or rows of one kind)")
    rest = ORDINAL.sub(" ", COUNT.sub(" ", rest))
    numbers = {VALUE_CELL.match(c).group(1) for c in held["values"]}
    for number in NUMBER.findall(rest):
        if number.rstrip("%") not in numbers:
            problems.append(f"{figure}: the number {number} in its text is not a value of its tables (the values the chart draws)")
    for a, b, direction in TREND.findall(text):
        grew = _float(b) > _float(a)
        if (direction == "증가") != grew:
            problems.append(f"{figure}: says {a}에서 {b}까지 {direction}, but {b} is {'larger' if grew else 'not larger'} than {a}")
    return problems


def check(figure: str, alternative: dict, marks: list[Mark] | None) -> list[str]:
    """One chart's text alternative as read (``name``, ``description``, ``title``, ``tables``, and
    where known the ``role`` of its element) against the marks the figure must draw."""
    problems = []
    name, description, title = alternative.get("name") or "", alternative.get("description") or "", alternative.get("title") or ""
    tables = alternative.get("tables") or []
    if not name.strip():
        problems.append(f"{figure}: the chart has no accessible name (its spec has no description)")
    elif title and title not in name:
        problems.append(f"{figure}: the chart's accessible name does not hold its title {title!r}: {name[:120]!r}")
    if not description.strip():
        problems.append(f"{figure}: the chart has no accessible description (aria-describedby)")
    if not tables:
        problems.append(f"{figure}: the chart's data are in no table beside it")
    for table in tables:
        if not table.get("caption") or not table.get("columns"):
            problems.append(f"{figure}: a data table without a caption or column headers")
    if marks is not None and tables:
        problems += compare_tables(figure, tables, marks)
    for text in (name, description):
        problems += compare_words(figure, text, title, tables)
    return problems
