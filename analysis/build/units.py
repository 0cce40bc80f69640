"""Turn the number notations that Korean and English sources print into numbers.

Sources write the same quantity in many ways: ``8,417억원``, ``1.1조원``, ``2조 7,260억원``,
``48억달러``, ``$4.8B``, ``US$15M (약 200억원)``, ``7만4천개 이상``, ``약 1천여개``, ``1∼2%``,
``약 4만㎡``, ``70,000 sf``. Raw files keep that notation (so a reviewer can compare them with the
source); this module is the one place where notation becomes a number. Qualifiers that change the
meaning of a figure ("approximately", "at least", a range) are kept as fields, never dropped.

Anything not understood raises :class:`UnitParseError` quoting the text: a figure that is silently
misread is worse than a build that stops.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Literal

Bound = Literal["at_least", "more_than", "at_most", "less_than"]

# Korean number words, largest first. 여/餘 ("-odd") is a qualifier, not a scale.
KOREAN_SCALES: dict[str, Decimal] = {
    "조": Decimal(10) ** 12,
    "억": Decimal(10) ** 8,
    "만": Decimal(10) ** 4,
    "천": Decimal(10) ** 3,
    "백": Decimal(10) ** 2,
}
ENGLISH_SCALES: dict[str, Decimal] = {
    "trillion": Decimal(10) ** 12,
    "billion": Decimal(10) ** 9,
    "bn": Decimal(10) ** 9,
    "b": Decimal(10) ** 9,
    "million": Decimal(10) ** 6,
    "mn": Decimal(10) ** 6,
    "m": Decimal(10) ** 6,
    "thousand": Decimal(10) ** 3,
    "k": Decimal(10) ** 3,
}
# Unit words after the number -> canonical unit. Longest keys are tried first.
UNIT_WORDS: dict[str, str] = {
    "원": "KRW",
    "달러": "USD",
    "불": "USD",
    "%": "percent",
    "퍼센트": "percent",
    "percent": "percent",
    "%p": "percentage_point",
    "개사": "count",
    "社": "count",
    "사": "count",
    "가지": "count",
    "개국": "count",
    "개": "count",
    "곳": "count",
    "명": "count",
    "건": "count",
    "개소": "count",
    "km²": "km2",
    "km2": "km2",
    "㎢": "km2",
    "m²": "m2",
    "m2": "m2",
    "㎡": "m2",
    "sq ft": "sqft",
    "sf": "sqft",
    "square feet": "sqft",
    "ℓ": "L",
    "리터": "L",
    "l": "L",
}
CURRENCY_PREFIXES: dict[str, str] = {"us$": "USD", "$": "USD", "₩": "KRW", "krw": "KRW", "usd": "USD"}
APPROX_WORDS = ("약", "대략", "approximately", "approx.", "about", "around", "nearly", "almost", "~", "∼", "〜")
LEADING_BOUNDS: dict[str, Bound] = {
    ">=": "at_least",
    "≥": "at_least",
    ">": "more_than",
    "more than": "more_than",
    "over": "more_than",
    "<=": "at_most",
    "≤": "at_most",
    "<": "less_than",
    "less than": "less_than",
    "under": "less_than",
}
TRAILING_BOUNDS: dict[str, Bound] = {
    "이상": "at_least",
    "초과": "more_than",
    "넘는": "more_than",
    "넘게": "more_than",
    "이하": "at_most",
    "미만": "less_than",
    "+": "at_least",
    "or more": "at_least",
}
# Korean words after a figure that mean "about": 1900개 가까이, 300명 안팎, 50억 가량.
TRAILING_APPROX = ("가까이", "안팎", "정도", "내외", "가량", "남짓")
RANGE_SEPARATORS = ("∼", "~", "〜", "–", "-", "—")


class UnitParseError(ValueError):
    """A figure's notation could not be read; the message quotes the text."""

    def __init__(self, text: str, reason: str) -> None:
        self.text = text
        self.reason = reason
        super().__init__(f"cannot parse {text!r}: {reason}")


@dataclass(frozen=True)
class Quantity:
    """A parsed figure.

    ``value`` is the point value in ``unit`` (KRW and USD in currency units, not 억 or millions);
    for a range it is ``None`` and ``low``/``high`` hold the ends. ``alt`` holds a parenthetical
    second notation of the same figure (``US$15M (약 200억원)``), which is often a conversion made by
    the source and is kept so that a reviewer can see it.
    """

    text: str
    value: float | None
    unit: str | None
    low: float | None = None
    high: float | None = None
    approx: bool = False
    bound: Bound | None = None
    qualifiers: tuple[str, ...] = ()
    alt: Quantity | None = None

    @property
    def is_range(self) -> bool:
        return self.value is None and self.low is not None

    @property
    def qualifier(self) -> str:
        """One word for tables and GX checks: exact, approx, at_least, …, range."""
        if self.is_range:
            return "range"
        if self.bound:
            return self.bound
        return "approx" if self.approx else "exact"


# --------------------------------------------------------------------------- parsing helpers

_NUMBER = r"\d[\d,]*(?:\.\d+)?|\.\d+"
_KOREAN_NUMBER = re.compile(rf"^(?:(?:{_NUMBER})?\s*[조억만천백]\s*)+(?:{_NUMBER})?|^(?:{_NUMBER})")


def _normalise(text: str) -> str:
    """NFKC would turn ㎡ into 'm2' and ∼ into '~', which is what we want, but it also turns
    '²' into '2': that too is fine because unit words list both spellings."""
    out = unicodedata.normalize("NFKC", text)
    out = out.replace("\u00a0", " ").replace("，", ",")
    return re.sub(r"\s+", " ", out).strip()


def _to_decimal(token: str, text: str) -> Decimal:
    token = token.replace(",", "").strip()
    if not token:
        raise UnitParseError(text, "no digits")
    if "," in token or not re.fullmatch(r"\d+(?:\.\d+)?|\.\d+", token):
        raise UnitParseError(text, f"{token!r} is not a number")
    try:
        return Decimal(token)
    except InvalidOperation as exc:  # pragma: no cover - regex above guards this
        raise UnitParseError(text, f"{token!r} is not a number") from exc


def _check_separators(token: str, text: str) -> None:
    """Thousands separators must group by three: '8,41 7' or '84,17' are typos, not numbers."""
    integer = token.split(".")[0]
    if "," in integer and not re.fullmatch(r"\d{1,3}(?:,\d{3})+", integer):
        raise UnitParseError(text, f"misplaced thousands separator in {token!r}")


BIG_SCALES = ("조", "억", "만")


def parse_korean_number(token: str, text: str | None = None) -> Decimal:
    """``2조 7,260억`` -> 2726000000000; ``7만4천`` -> 74000; ``1.1조`` -> 1.1e12; ``74,256`` -> 74256;
    ``1천795억`` -> 179500000000.

    Korean amounts are sums of groups, largest first: 조, 억 and 만 close a group, and within a group
    천 and 백 count up to the next big word ('1천795억' is 1,795억, '5천억' is 5,000억). A part
    without a scale word is units.
    """
    text = text if text is not None else token
    compact = token.replace(" ", "")
    if not compact:
        raise UnitParseError(text, "no digits")
    total, group = Decimal(0), Decimal(0)
    last_big = last_small = None
    seen = False
    pos = 0
    for match in re.finditer(rf"({_NUMBER})?([조억만천백])", compact):
        if match.start() != pos:
            raise UnitParseError(text, f"unexpected {compact[pos:match.start()]!r}")
        number, word = match.group(1), match.group(2)
        scale = KOREAN_SCALES[word]
        if number:
            _check_separators(number, text)
        if word in BIG_SCALES:
            if last_big is not None and scale >= last_big:
                raise UnitParseError(text, f"scale words out of order at {word!r}")
            if not number and last_small is None:
                raise UnitParseError(text, f"no number before {word!r}")
            total += (group + (_to_decimal(number, text) if number else 0)) * scale
            group, last_big, last_small = Decimal(0), scale, None
        else:
            if last_small is not None and scale >= last_small:
                raise UnitParseError(text, f"scale words out of order at {word!r}")
            if not number:
                raise UnitParseError(text, f"no number before {word!r}")
            group += _to_decimal(number, text) * scale
            last_small = scale
        seen = True
        pos = match.end()
    rest = compact[pos:]
    if rest:
        _check_separators(rest, text)
        group += _to_decimal(rest, text)
    elif not seen:
        raise UnitParseError(text, "no digits")
    return total + group


def _strip_words(s: str, words, *, leading: bool) -> tuple[str, list[str]]:
    found: list[str] = []
    changed = True
    while changed:
        changed = False
        for word in sorted(words, key=len, reverse=True):
            low = s.lower()
            if leading and low.startswith(word):
                s, changed = s[len(word):].strip(), True
            elif not leading and low.endswith(word):
                s, changed = s[: len(s) - len(word)].strip(), True
            else:
                continue
            found.append(word)
            break
    return s, found


def _split_parenthetical(s: str) -> tuple[str, str | None]:
    match = re.fullmatch(r"(.*?)\s*\(([^()]*)\)\s*", s)
    if match and match.group(1):
        return match.group(1), match.group(2)
    return s, None


def _split_range(s: str) -> tuple[str, str] | None:
    """``1∼2%`` or ``1~2%`` or ``$1–2B``: a separator between two numbers, not a leading '~'."""
    for sep in RANGE_SEPARATORS:
        idx = s.find(sep, 1)
        if idx > 0 and re.search(r"[\d조억만천]\s*$", s[:idx]) and re.match(r"\s*[$\d.]", s[idx + 1:]):
            return s[:idx].strip(), s[idx + 1:].strip()
    return None


def _unit_from_suffix(rest: str) -> tuple[str | None, Decimal, str]:
    """Read an English scale word (B, M, billion) and a unit word from what follows the number.

    A word boundary keeps 'm2' (square metres, after NFKC) and 'km2' from being read as millions.
    """
    scale = Decimal(1)
    rest = rest.strip()
    scale_match = re.match(r"(trillion|billion|million|thousand|bn|mn|b|m|k)\b", rest, re.IGNORECASE)
    if scale_match:
        scale = ENGLISH_SCALES[scale_match.group(1).lower()]
        rest = rest[scale_match.end():].strip()
    for word in sorted(UNIT_WORDS, key=len, reverse=True):
        if rest.lower().startswith(word.lower()):
            return UNIT_WORDS[word], scale, rest[len(word):].strip()
    return None, scale, rest


def _parse_point(s: str, text: str) -> tuple[Decimal, str | None, list[str]]:
    """One number with its currency prefix, scale and unit, but no qualifiers."""
    unit = None
    s = s.strip()
    for prefix in sorted(CURRENCY_PREFIXES, key=len, reverse=True):
        if s.lower().startswith(prefix):
            unit, s = CURRENCY_PREFIXES[prefix], s[len(prefix):].strip()
            break
    match = _KOREAN_NUMBER.match(s)
    if not match or not re.search(r"\d|[조억만천백]", match.group(0)):
        raise UnitParseError(text, "no number found")
    number_text = match.group(0).strip()
    value = parse_korean_number(number_text, text)
    suffix_unit, scale, rest = _unit_from_suffix(s[match.end():])
    if suffix_unit and unit and suffix_unit != unit:
        raise UnitParseError(text, f"two units: {unit} and {suffix_unit}")
    unit = unit or suffix_unit
    extras = [rest] if rest else []
    return value * scale, unit, extras


def parse_quantity(text: str, *, default_unit: str | None = None) -> Quantity:
    """Parse one figure as printed. ``default_unit`` applies where the unit sits in a table header.

    >>> parse_quantity("2조 7,260억원").value
    2726000000000.0
    >>> q = parse_quantity("7만4천개 이상"); (q.value, q.unit, q.bound)
    (74000.0, 'count', 'at_least')
    """
    if not isinstance(text, str) or not text.strip():
        raise UnitParseError(str(text), "empty value")
    s = _normalise(text)
    main, paren = _split_parenthetical(s)
    alt = parse_quantity(paren) if paren else None

    qualifiers: list[str] = []
    approx = False
    bound: Bound | None = None
    sign = 1.0

    main, found = _strip_words(main, APPROX_WORDS, leading=True)
    approx = approx or bool(found)
    qualifiers += found
    main, found = _strip_words(main, LEADING_BOUNDS, leading=True)
    if found:
        bound = LEADING_BOUNDS[found[0]]
        qualifiers += found
    main, found = _strip_words(main, TRAILING_APPROX, leading=False)
    approx = approx or bool(found)
    qualifiers += found
    main, found = _strip_words(main, TRAILING_BOUNDS, leading=False)
    if found:
        bound = bound or TRAILING_BOUNDS[found[0]]
        qualifiers += found
    if re.search(r"\d\s*여", main) or "여개" in main or "여곳" in main or "여명" in main:
        approx = True
        qualifiers.append("여")
        main = re.sub(r"(?<=[\d조억만천백])\s*여", "", main)

    if main[:1] in ("-", "\u2212"):
        # Growth rates and corrections are printed with a minus; amounts should never be, and
        # the GX suites (amount > 0) catch one that is.
        sign, main = -1.0, main[1:].strip()

    rng = _split_range(main)
    if rng:
        (lo, lo_unit, lo_extra), (hi, hi_unit, hi_extra) = _parse_point(rng[0], s), _parse_point(rng[1], s)
        unit = hi_unit or lo_unit or default_unit
        if lo_extra or hi_extra:
            raise UnitParseError(text, f"unexpected text {' '.join(lo_extra + hi_extra)!r}")
        if lo > hi:
            raise UnitParseError(text, "range is reversed")
        if sign < 0:
            raise UnitParseError(text, "a negative range is not a notation any source uses")
        qualifiers.append("range")
        return Quantity(text, None, unit, float(lo), float(hi), approx, bound, tuple(qualifiers), alt)

    value, unit, extras = _parse_point(main, s)
    if extras:
        raise UnitParseError(text, f"unexpected text {extras[0]!r}")
    return Quantity(text, sign * float(value), unit or default_unit, None, None, approx, bound, tuple(qualifiers), alt)


def parse_amount(text: str, currency: str | None = None) -> Quantity:
    """A money figure. ``currency`` is the unit printed in a table header (``억원`` columns), and
    must agree with a unit printed in the cell if there is one."""
    q = parse_quantity(text, default_unit=currency)
    if q.unit not in ("KRW", "USD"):
        raise UnitParseError(text, f"expected a KRW or USD amount, found unit {q.unit!r}")
    if currency and q.unit != currency:
        raise UnitParseError(text, f"expected a {currency} amount, found {q.unit}")
    return q


def parse_percent(text: str) -> Quantity:
    q = parse_quantity(text)
    if q.unit != "percent":
        raise UnitParseError(text, "expected a percentage such as '24.6%'")
    return q


def with_header_unit(value: str, header_unit: str) -> str:
    """Join a cell and the unit its table prints in the header, because the parser reads a figure
    as a reader would: ``2,928`` + ``억원``, ``1,795억`` + ``원``, ``$364.98`` + ``M`` (a "$M"
    column), ``663.80`` + ``$M``. A cell that already ends in a unit is left alone."""
    value, header_unit = value.strip(), header_unit.strip()
    if not header_unit:
        return value
    if header_unit.startswith("$"):
        header_unit = header_unit[1:]
        if not value.startswith(("$", "US$")):
            value = "$" + value
    if header_unit and re.search(r"[\d조억만천]$", value):
        return f"{value}{header_unit}"
    return value


# --------------------------------------------------------------------------- formatting

def format_krw(amount: float) -> str:
    """KRW in the notation Korean readers expect: ``2조 7,260억원``, ``8,417억원``, ``24억원``.

    Amounts are rounded to the nearest 억; a reader of a policy report never needs less.
    """
    if amount < 0:
        return "-" + format_krw(-amount)
    eok = int(Decimal(repr(float(amount))) / KOREAN_SCALES["억"] + Decimal("0.5"))
    jo, rest = divmod(eok, 10_000)
    parts = []
    if jo:
        parts.append(f"{jo:,}조")
    if rest or not jo:
        parts.append(f"{rest:,}억")
    return " ".join(parts) + "원"


def format_usd(amount: float, digits: int = 1, *, prefix: str = "$", billion: str = "B", million: str = "M") -> str:
    """``$4.8B`` / ``$933.5M``: the notation MassBio and the US trade press use. The report's
    prose uses ``prefix="US$", billion="bn"`` (DESIGN: "US$ M/bn")."""
    if abs(amount) >= 1e9:
        return f"{prefix}{amount / 1e9:,.{digits}f}{billion}"
    if abs(amount) >= 1e6:
        return f"{prefix}{amount / 1e6:,.{digits}f}{million}"
    return f"{prefix}{amount:,.0f}"


def scaled(q: Quantity, factor: float) -> Quantity:
    """The same figure in another unit size (e.g. km² to m²), qualifiers kept."""
    return replace(
        q,
        value=None if q.value is None else q.value * factor,
        low=None if q.low is None else q.low * factor,
        high=None if q.high is None else q.high * factor,
    )
