import datetime

import pytest
from django.core.exceptions import ValidationError

from commitments.periods import Quarter


def test_the_period_before_2025_26_q1_is_2024_25_q4():
    assert Quarter.parse("2025/26 Q1").previous == Quarter.parse("2024/25 Q4")
    assert str(Quarter.parse("2024/25 Q4").next) == "2025/26 Q1"


def test_a_period_prints_as_year_slash_year_and_quarter():
    assert str(Quarter(2025, 3)) == "2025/26 Q3"
    assert str(Quarter(1999, 4)) == "1999/00 Q4"


def test_both_spellings_are_accepted():
    assert Quarter.parse("2025-26 Q3") == Quarter.parse("2025/26 Q3") == Quarter(2025, 3)
    assert Quarter.parse(" 2025/26 q3 ") == Quarter(2025, 3)


@pytest.mark.parametrize(
    "text, start, end",
    [
        ("2025/26 Q1", datetime.date(2025, 4, 1), datetime.date(2025, 6, 30)),
        ("2025/26 Q2", datetime.date(2025, 7, 1), datetime.date(2025, 9, 30)),
        ("2025/26 Q3", datetime.date(2025, 10, 1), datetime.date(2025, 12, 31)),
        ("2025/26 Q4", datetime.date(2026, 1, 1), datetime.date(2026, 3, 31)),
    ],
)
def test_each_quarter_has_its_dates(text, start, end):
    quarter = Quarter.parse(text)
    assert (quarter.start, quarter.end) == (start, end)
    assert Quarter.containing(start) == quarter == Quarter.containing(end)


def test_quarter_five_is_rejected_with_a_clear_message():
    with pytest.raises(ValidationError) as error:
        Quarter.parse("2025/26 Q5")
    assert "'2025/26 Q5' has no quarter Q5: use Q1 to Q4." in error.value.messages


@pytest.mark.parametrize("text", ["2025/27 Q1", "Q3 2025", "", "2025/26"])
def test_malformed_periods_are_rejected(text):
    with pytest.raises(ValidationError):
        Quarter.parse(text)


def test_periods_order_in_time():
    assert Quarter.parse("2024/25 Q4") < Quarter.parse("2025/26 Q1") < Quarter.parse("2025/26 Q2")
