"""Values that cannot be negative or out of range are refused by the cleaning step, at the raw cell:
file:row:column, the text as printed and the allowed range. Each check has its seeded failure here
(the end-to-end ones, a negative amount and a share above 100 % in a copy of the project, are in
test_gate.py, with the gate standing behind)."""

import pandas as pd
import pytest

from analysis.build.cleaning import cpi, events, fx, venture
from analysis.build.cleaning.ranges import describe, outside, refuse_outside
from analysis.errors import CleaningError

F = "data/raw/x/figures.csv"


def test_the_allowed_range_in_words():
    assert describe(0, None) == "0 or more"
    assert describe(0, 100) == "0 to 100"
    assert describe(0, None, strict_low=True) == "more than 0"


@pytest.mark.parametrize(("value", "low", "high", "strict", "out"), [
    (-1, 0, None, False, True), (0, 0, None, False, False), (0, 0, None, True, True), (100.1, 0, 100, False, True),
    (100, 0, 100, False, False), (None, 0, 100, False, False), (float("nan"), 0, 100, False, True),
])
def test_outside(value, low, high, strict, out):
    assert outside(value, low, high, strict) is out


def test_refuse_outside_names_the_cell_the_printed_text_and_the_range():
    with pytest.raises(CleaningError, match=r"^data/raw/x/figures.csv:5:value: '-\$3.1 billion' is -3.1e\+09 USD; allowed for an amount: 0 or more$"):
        refuse_outside(F, 5, "value", "-$3.1 billion", -3.1e9, "amount", "USD")
    refuse_outside(F, 5, "value", "$3.1 billion", 3.1e9, "amount", "USD")  # in range: nothing happens


def _figures(rows):
    cols = ["file", "source_row", "source_id", "series", "entity", "measure", "year", "period", "value", "unit", "share_of", "quote", "location"]
    return pd.DataFrame([dict(zip(cols, r)) for r in rows])


def test_a_negative_venture_amount_is_refused_by_cleaning():
    df = _figures([(F, 2, "x", "kr_all_vc_mss", "", "amount", "2025", "FY", "-136,244", "억원", "", "q", "표")])
    with pytest.raises(CleaningError, match=r"^data/raw/x/figures.csv:2:value: '-136,244' is -1.36244e\+13 KRW; allowed for an amount: 0 or more$"):
        venture.parse_amounts(df)


def test_a_share_above_100_or_below_0_is_refused_by_cleaning():
    amounts = _figures([(F, 2, "x", "kr_bio_medical_vc_mss", "", "amount", 2025, "FY", "2조3715억원", "", "", "q", "본문")])
    for printed in ("117.4%", "-17.4%"):
        shares = _figures([(F, 3, "x", "kr_bio_medical_vc_mss", "", "share", 2025, "FY", printed, "", "벤처투자 금액", "q", "본문")])
        with pytest.raises(CleaningError, match=rf"^data/raw/x/figures.csv:3:value: '{printed}' is .*; allowed for a share: 0 to 100$"):
            venture.attach_shares(venture.parse_amounts(amounts), pd.concat([amounts, shares], ignore_index=True))


def test_a_negative_or_zero_exchange_rate_and_a_negative_cpi_are_refused():
    rates = pd.DataFrame({"source_row": [2, 3], "year": ["2024", "2025"], "krw_per_usd": ["1363.5283", "0"], "trading_days": ["256", "255"]})
    with pytest.raises(CleaningError, match=r"^data/raw/ecb/fx.csv:3:krw_per_usd: '0.0' is 0 KRW per USD; allowed for a rate: more than 0$"):
        fx.parse_rates(rates, "data/raw/ecb/fx.csv")
    days = rates.assign(krw_per_usd=["1363.5", "1421.5"], trading_days=["256", "400"])
    with pytest.raises(CleaningError, match=r"fx.csv:3:trading_days: '400' is 400 days; allowed for a trading_days: 0 to 366$"):
        fx.parse_rates(days, "data/raw/ecb/fx.csv")
    index = pd.DataFrame({"source_row": [2], "series_id": ["CUUR0000SA0"], "year": ["2024"], "annual_average": ["-313.689"]})
    with pytest.raises(CleaningError, match=r"^data/raw/bls/cpi.csv:2:annual_average: '-313.689' is -313.689 index points"):
        cpi.parse_index(index, "data/raw/bls/cpi.csv")


def test_a_negative_event_figure_is_refused():
    df = pd.DataFrame([{"file": "data/raw/e/events.csv", "source_row": 2, "date": "2023-04-24", "category": "대응",
                        "event": "투자 발표", "figure": "-25억 달러", "quote": "q", "location": "본문"}])
    with pytest.raises(CleaningError, match=r"^data/raw/e/events.csv:2:figure: '-25억 달러' is -2.5e\+09 USD; allowed for an amount: 0 or more$"):
        events.parse_events(df)
