"""ISO week arithmetic (app.weeks): status updates, weekly snapshots, their commands."""

from datetime import date, datetime

import pytest

from app.weeks import (
    WeekError,
    iso_week,
    last_weeks,
    monday_of,
    parse_week,
    requested_week,
    shift_week,
    week_start,
)


@pytest.mark.parametrize(
    ("day", "week"),
    [
        (date(2027, 2, 1), "2027-W05"),
        (date(2027, 1, 3), "2026-W53"),  # a Sunday still in 2026's last week
        (date(2026, 12, 28), "2026-W53"),
        (date(2025, 12, 29), "2026-W01"),  # a Monday already in 2026's first week
        (date(2027, 1, 1), "2026-W53"),
        (datetime(2027, 2, 7, 23, 59), "2027-W05"),
    ],
)
def test_iso_week(day, week):
    assert iso_week(day) == week


def test_week_start_is_monday_midnight():
    assert week_start("2027-W05") == datetime(2027, 2, 1)
    assert week_start("2026-W01") == datetime(2025, 12, 29)


@pytest.mark.parametrize(
    ("week", "weeks", "shifted"),
    [
        ("2027-W05", -1, "2027-W04"),
        ("2027-W01", -1, "2026-W53"),
        ("2026-W53", 1, "2027-W01"),
        ("2025-W52", 1, "2026-W01"),
        ("2027-W05", 0, "2027-W05"),
    ],
)
def test_shift_week_crosses_years(week, weeks, shifted):
    assert shift_week(week, weeks) == shifted


def test_last_weeks_ends_with_the_week_oldest_first():
    assert last_weeks("2027-W02", 4) == ["2026-W52", "2026-W53", "2027-W01", "2027-W02"]
    assert last_weeks("2027-W02", 1) == ["2027-W02"]


@pytest.mark.parametrize("text", ["2027-W5", "2027-W00", "2027-W54", "2025-W53", "W05", "", "x"])
def test_parse_week_refuses_what_is_no_iso_week(text):
    assert parse_week(text) is None


def test_parse_week_accepts_a_53rd_week_only_when_the_year_has_one():
    assert parse_week("2026-W53") == "2026-W53"


def test_monday_of_an_iso_week_or_none():
    assert monday_of("2027-W05") == date(2027, 2, 1)
    assert monday_of("2027-W53") is None
    assert monday_of("2027-5") is None


def test_week_arithmetic_refuses_what_is_no_iso_week():
    with pytest.raises(ValueError, match="not an ISO week"):
        last_weeks("2027-W53", 4)


def test_requested_week_is_an_iso_week_that_has_begun():
    now = datetime(2027, 2, 3, 12)
    assert requested_week(None, now) == "2027-W05"
    assert requested_week("2026-W53", now) == "2026-W53"
    with pytest.raises(WeekError, match="'2027-5' is not an ISO week: write it like 2027-W05."):
        requested_week("2027-5", now)
    with pytest.raises(WeekError, match="2027-W06 has not begun yet: the current week is 2027-W05"):
        requested_week("2027-W06", now)
