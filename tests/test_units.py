"""The notation parser, one notation per test, its refusals, and round trips (hypothesis)."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from analysis.build.units import (
    UnitParseError,
    format_krw,
    format_usd,
    parse_amount,
    parse_korean_number,
    parse_percent,
    parse_quantity,
    scaled,
    with_header_unit,
)


@pytest.mark.parametrize(
    ("text", "value", "unit"),
    [
        ("8,417억원", 841_700_000_000, "KRW"),
        ("1.1조원", 1_100_000_000_000, "KRW"),
        ("2조 7,260억원", 2_726_000_000_000, "KRW"),
        ("7조9000억원", 7_900_000_000_000, "KRW"),
        ("1조1,033억원", 1_103_300_000_000, "KRW"),
        ("48억달러", 4_800_000_000, "USD"),
        ("$4.8B", 4_800_000_000, "USD"),
        ("$4.8 billion", 4_800_000_000, "USD"),
        ("$933.5M", 933_500_000, "USD"),
        ("$2,256.20M", 2_256_200_000, "USD"),
        ("US$5.9B", 5_900_000_000, "USD"),
        ("26%", 26, "percent"),
        ("31 percent", 31, "percent"),
        ("2.59km²", 2.59, "km2"),
        ("1.38㎢", 1.38, "km2"),
        ("462.8만㎡", 4_628_000, "m2"),
        ("70,000 sf", 70_000, "sqft"),
        ("19M sf", 19_000_000, "sqft"),
        ("56만ℓ", 560_000, "L"),
        ("74,256", 74_256, None),
        ("3,385억", 338_500_000_000, None),
        # 천 and 백 count up within a group closed by 조, 억 or 만, as Korean reads them.
        ("1천795억원", 179_500_000_000, "KRW"),
        ("3천385억원", 338_500_000_000, "KRW"),
        ("5천억원", 500_000_000_000, "KRW"),
        ("1천만원", 10_000_000, "KRW"),
        ("2조5천억원", 2_500_000_000_000, "KRW"),
        ("136억6000만달러", 13_660_000_000, "USD"),
        ("1천41명", 1_041, "count"),
        ("22사", 22, "count"),
        ("368社", 368, "count"),
    ],
)
def test_point_notations(text, value, unit):
    q = parse_quantity(text)
    assert q.value == pytest.approx(value, rel=1e-12)
    assert q.unit == unit
    assert q.qualifier == "exact"


@pytest.mark.parametrize("text", ["1900개 가까이", "300명 안팎", "50억원 가량"])
def test_trailing_korean_approximately(text):
    q = parse_quantity(text)
    assert q.approx and q.qualifier == "approx"


def test_approximately_and_at_least_are_kept():
    q = parse_quantity("7만4천개 이상")
    assert (q.value, q.unit, q.bound, q.approx) == (74_000, "count", "at_least", False)
    q = parse_quantity("약 1천여개")
    assert (q.value, q.unit, q.approx) == (1_000, "count", True)
    assert set(q.qualifiers) == {"약", "여"}
    q = parse_quantity("약 4만㎡")
    assert (q.value, q.unit, q.qualifier) == (40_000, "m2", "approx")


@pytest.mark.parametrize(("text", "bound"), [(">48,000", "more_than"), ("1,000+", "at_least"),
                                             ("more than 311,000", "more_than"), ("more than $2.1 billion", "more_than"),
                                             ("<1,500억", "less_than"), ("3억원 미만", "less_than")])
def test_bounds(text, bound):
    assert parse_quantity(text).bound == bound


@pytest.mark.parametrize("text", ["1∼2%", "1~2%", "1〜2%"])
def test_ranges_keep_both_ends(text):
    q = parse_quantity(text)
    assert q.value is None and q.is_range
    assert (q.low, q.high, q.unit, q.qualifier) == (1, 2, "percent", "range")


def test_leading_tilde_is_approximately_not_a_range():
    q = parse_quantity("~20%")
    assert (q.value, q.approx, q.is_range) == (20, True, False)


def test_parenthetical_second_notation_is_kept_as_alt():
    q = parse_quantity("US$15M (약 200억원)")
    assert (q.value, q.unit) == (15_000_000, "USD")
    assert (q.alt.value, q.alt.unit, q.alt.approx) == (20_000_000_000, "KRW", True)


def test_minus_sign_gives_a_negative_value():
    assert parse_quantity("-$4.8B").value == -4_800_000_000
    assert parse_quantity("−9%").value == -9


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("8,41 7억원", "separator"),
        ("84,17억원", "separator"),
        ("abc", "no number"),
        ("", "empty"),
        ("억원", "no number"),
        ("5조 6조", "out of order"),
        ("1억2조", "out of order"),
        ("2천1천억", "out of order"),
        ("3백2천", "out of order"),
        ("조원", "no number"),
        ("12 apples", "unexpected text"),
        ("2∼1%", "reversed"),
        ("US$15억원", "two units"),
        ("-1∼2%", "negative range"),
    ],
)
def test_unparseable_text_raises_and_quotes_it(text, reason):
    with pytest.raises(UnitParseError) as err:
        parse_quantity(text)
    assert reason in str(err.value)
    assert repr(text) in str(err.value)


def test_parse_amount_checks_the_currency_of_the_header():
    assert parse_amount("2,928", currency="KRW").unit == "KRW"
    with pytest.raises(UnitParseError, match="expected a KRW amount"):
        parse_amount("$4.8B", currency="KRW")
    with pytest.raises(UnitParseError, match="KRW or USD"):
        parse_amount("26%")


def test_parse_percent_refuses_other_units():
    assert parse_percent("24.6%").value == pytest.approx(24.6)
    with pytest.raises(UnitParseError, match="percentage"):
        parse_percent("24.6")


def test_with_header_unit_joins_only_where_the_unit_is_missing():
    assert with_header_unit("2,928", "억원") == "2,928억원"
    assert with_header_unit("1,795억", "원") == "1,795억원"
    assert with_header_unit("1조1,033억원", "억원") == "1조1,033억원"
    assert with_header_unit("$364.98", "M") == "$364.98M"
    assert with_header_unit("663.80", "$M") == "$663.80M"
    assert with_header_unit("74,256", "") == "74,256"
    assert parse_amount(with_header_unit("663.80", "$M")).value == pytest.approx(663_800_000)


def test_scaled_converts_every_end():
    q = scaled(parse_quantity("1∼2km²"), 1e6)
    assert (q.low, q.high) == (1e6, 2e6)


def test_format_krw_and_usd_use_readers_notation():
    assert format_krw(2_726_000_000_000) == "2조 7,260억원"
    assert format_krw(841_700_000_000) == "8,417억원"
    assert format_krw(1_000_000_000_000) == "1조원"
    assert format_usd(4_800_000_000) == "$4.8B"
    assert format_usd(933_500_000) == "$933.5M"


@given(st.integers(min_value=1, max_value=99_999_999))
def test_krw_round_trip_in_eok(eok):
    amount = eok * 100_000_000
    assert parse_amount(format_krw(amount)).value == amount


@given(st.integers(min_value=1, max_value=999_999), st.sampled_from(["B", "M"]))
def test_usd_round_trip(tenths, scale):
    text = f"${tenths / 10:,.1f}{scale}"
    factor = 1e9 if scale == "B" else 1e6
    assert parse_amount(text).value == pytest.approx(tenths / 10 * factor, rel=1e-12)


@given(st.integers(min_value=0, max_value=9999), st.integers(min_value=0, max_value=9999), st.integers(min_value=0, max_value=9999))
def test_korean_number_is_the_sum_of_its_parts(jo, eok, man):
    parts = [f"{n:,}{w}" for n, w in ((jo, "조"), (eok, "억"), (man, "만")) if n]
    if not parts:
        return
    expected = jo * 10**12 + eok * 10**8 + man * 10**4
    assert parse_korean_number(" ".join(parts)) == expected
    assert parse_korean_number("".join(parts)) == expected


@given(st.integers(min_value=1, max_value=10**9))
def test_thousands_separated_integers_round_trip(n):
    assert parse_quantity(f"{n:,}").value == n


def test_report_usd_style_parses_back():
    text = format_usd(4_825_000_000, 2, prefix="US$", billion="bn")
    assert text == "US$4.83bn"
    assert parse_amount(text).value == 4_830_000_000


def test_report_text_formats():
    from analysis.report import text as t

    assert t.num(74256) == "74,256" and t.num(None) == "—" and t.num(float("nan")) == "—"
    assert t.times(5.714) == "5.7배" and t.pct(25.79) == "25.8%" and t.krw(841_700_000_000) == "8,417억원"


def test_year_and_number_read_from_a_sentence():
    from analysis.report import text as t

    assert t.year_in("2018년 … 매사추세츠주의 벤처캐피탈 투자액은 48억달러로 사상 최대") == 2018
    with pytest.raises(ValueError):
        t.year_in("2018년과 2019년")
    with pytest.raises(ValueError):
        t.year_in("연도 없음")
    assert t.number_after("While 18 of the world’s 20 largest drugmakers", "world’s") == "20"
    with pytest.raises(ValueError):
        t.number_after("no number here", "world’s")
