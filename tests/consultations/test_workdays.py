from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consultations.workdays import add_working_days, is_working_day, local_date, working_days_between

dates = st.dates(min_value=date(2020, 1, 1), max_value=date(2035, 12, 31))
counts = st.integers(min_value=0, max_value=60)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2025, 5, 1), False),  # Labour Day
        (date(2025, 5, 2), True),
        (date(2025, 5, 3), False),  # Constitution Day (a Saturday in 2025 anyway)
        (date(2024, 5, 3), False),  # Constitution Day on a Friday
        (date(2025, 4, 21), False),  # Easter Monday
        (date(2026, 4, 6), False),  # Easter Monday
        (date(2025, 6, 19), False),  # Corpus Christi
        (date(2026, 6, 4), False),  # Corpus Christi
        (date(2025, 11, 11), False),  # Independence Day
        (date(2025, 11, 10), True),
        (date(2024, 12, 24), True),  # Christmas Eve became a holiday only in 2025
        (date(2025, 12, 24), False),
        (date(2025, 12, 25), False),
        (date(2025, 12, 26), False),
        (date(2025, 12, 29), True),
        (date(2026, 1, 1), False),
        (date(2026, 1, 6), False),  # Epiphany
        (date(2025, 8, 15), False),
        (date(2025, 7, 5), False),  # Saturday
        (date(2025, 7, 6), False),  # Sunday
        (date(2025, 7, 7), True),
    ],
)
def test_is_working_day(day, expected):
    assert is_working_day(day) is expected


def test_a_datetime_is_refused_because_it_would_miss_holidays():
    with pytest.raises(TypeError):
        is_working_day(datetime(2025, 5, 1, 12, tzinfo=UTC))


@pytest.mark.parametrize(
    ("start", "days", "due"),
    [
        # Tuesday 29 April 2025: 30 April is day 1, 1 May a holiday, 2 May day 2, then a weekend with 3 May.
        (date(2025, 4, 29), 1, date(2025, 4, 30)),
        (date(2025, 4, 29), 2, date(2025, 5, 2)),
        (date(2025, 4, 29), 3, date(2025, 5, 5)),
        # Thursday before Easter 2025: Good Friday works, Easter Monday does not.
        (date(2025, 4, 17), 1, date(2025, 4, 18)),
        (date(2025, 4, 17), 2, date(2025, 4, 22)),
        # Corpus Christi on Thursday 4 June 2026.
        (date(2026, 6, 3), 1, date(2026, 6, 5)),
        # Independence Day, Tuesday 11 November 2025.
        (date(2025, 11, 10), 1, date(2025, 11, 12)),
        # Christmas 2025: Wed 24, Thu 25, Fri 26 are all holidays.
        (date(2025, 12, 23), 1, date(2025, 12, 29)),
        # Across the year boundary, skipping 1 January (Thursday) and 6 January 2026 (Tuesday).
        (date(2025, 12, 30), 1, date(2025, 12, 31)),
        (date(2025, 12, 30), 2, date(2026, 1, 2)),
        (date(2025, 12, 31), 3, date(2026, 1, 7)),
        # A legal question submitted on Monday 2 June 2025: 14 working days with Corpus Christi on 19 June.
        (date(2025, 6, 2), 14, date(2025, 6, 23)),
    ],
)
def test_add_working_days_around_holidays(start, days, due):
    assert add_working_days(start, days) == due


def test_a_case_submitted_on_a_weekend_or_holiday_starts_counting_on_the_next_working_day():
    friday = date(2025, 7, 4)
    for submitted in (date(2025, 7, 5), date(2025, 7, 6)):
        assert add_working_days(submitted, 1) == date(2025, 7, 7)
        assert add_working_days(submitted, 10) == add_working_days(friday, 10)
    # Submitted on Christmas Day: the first counted day is Monday 29 December.
    assert add_working_days(date(2025, 12, 25), 1) == date(2025, 12, 29)


def test_zero_days_keeps_the_date():
    assert add_working_days(date(2025, 5, 1), 0) == date(2025, 5, 1)


def test_negative_days_count_backwards_for_reminders():
    # Two working days before Monday 5 May 2025 skip the weekend, 3 May and 1 May.
    assert add_working_days(date(2025, 5, 5), -1) == date(2025, 5, 2)
    assert add_working_days(date(2025, 5, 5), -2) == date(2025, 4, 30)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        (date(2025, 5, 5), date(2025, 5, 5), 0),
        (date(2025, 5, 5), date(2025, 5, 6), 1),
        (date(2025, 4, 30), date(2025, 5, 5), 2),  # 2 and 5 May
        (date(2025, 12, 23), date(2026, 1, 7), 6),  # 29, 30, 31 Dec, 2, 5 and 7 Jan
        (date(2025, 1, 1), date(2026, 1, 1), 251),  # 261 weekdays in 2025, 10 of them holidays
        (date(2025, 5, 6), date(2025, 5, 5), -1),
    ],
)
def test_working_days_between(start, end, expected):
    assert working_days_between(start, end) == expected


def test_pausing_moves_the_due_date_by_the_working_days_paused():
    due = add_working_days(date(2025, 12, 10), 10)
    assert due == date(2025, 12, 29)
    # Paused on Friday 19 December, resumed on Monday 29 December: the clock stood still on 22, 23 and
    # 29 December (24-26 December are holidays); the day of pausing still counted.
    paused_days = working_days_between(date(2025, 12, 19), date(2025, 12, 29))
    assert paused_days == 3
    assert add_working_days(due, paused_days) == date(2026, 1, 2)


def test_pausing_and_resuming_on_the_same_day_changes_nothing():
    assert working_days_between(date(2025, 3, 3), date(2025, 3, 3)) == 0


def test_an_extension_is_added_to_the_due_date_in_working_days():
    due = date(2025, 10, 31)  # a Friday before All Saints' Day (a Saturday)
    assert add_working_days(due, 5) == date(2025, 11, 7)
    assert add_working_days(date(2025, 11, 7), 2) == date(2025, 11, 12)  # skips 11 November


def test_local_date_uses_warsaw_time():
    # 23:30 UTC on 31 December is already New Year's Day in Poland (UTC+1 in winter).
    assert local_date(datetime(2025, 12, 31, 23, 30, tzinfo=UTC)) == date(2026, 1, 1)
    # 22:30 UTC on 30 April is already 1 May in summer time (UTC+2).
    assert local_date(datetime(2025, 4, 30, 22, 30, tzinfo=UTC)) == date(2025, 5, 1)
    assert local_date(datetime(2025, 4, 30, 21, 30, tzinfo=UTC)) == date(2025, 4, 30)


def test_local_date_refuses_naive_datetimes():
    with pytest.raises(ValueError):
        local_date(datetime(2025, 1, 1, 12))


@given(dates, st.integers(min_value=1, max_value=60))
def test_the_due_date_is_always_a_working_day(start, days):
    assert is_working_day(add_working_days(start, days))
    assert is_working_day(add_working_days(start, -days))


@given(dates, st.integers(min_value=-60, max_value=59))
def test_add_working_days_is_strictly_increasing_in_days(start, days):
    assert add_working_days(start, days) < add_working_days(start, days + 1)


@given(dates, counts)
def test_working_days_between_inverts_add_working_days(start, days):
    assert working_days_between(start, add_working_days(start, days)) == days


@given(dates, counts)
def test_counting_back_returns_to_a_working_day(start, days):
    if is_working_day(start):
        assert add_working_days(add_working_days(start, days), -days) == start


@given(dates, dates)
def test_working_days_between_matches_a_day_by_day_count(start, end):
    low, high = min(start, end), max(start, end)
    expected = sum(1 for i in range(1, (high - low).days + 1) if is_working_day(low + timedelta(days=i)))
    assert working_days_between(start, end) == (expected if end >= start else -expected)


@given(dates, dates, dates)
def test_working_days_between_is_additive(a, b, c):
    assert working_days_between(a, c) == working_days_between(a, b) + working_days_between(b, c)
