"""Opening hours: parsing what people write, the canonical form, formatting and round trips."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from app.accounts.opening_hours import (
    DAYS,
    OpeningHoursError,
    format_opening_hours,
    intervals_s,
    parse_opening_hours,
    validate_opening_hours,
)

SPLIT_WEEK = ["08:00-12:00", "13:00-17:00"]
WHOLE_DAY = ["00:00-24:00"]


def week(days: str, spans: list[str]) -> dict[str, list[str]]:
    return {day: list(spans) for day in days.split()}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Mo-Fr 08:00-12:00,13:00-17:00; Sa 09:00-12:00",
            week("mo tu we th fr", SPLIT_WEEK) | {"sa": ["09:00-12:00"]},
        ),
        ("Mo,We,Fr 9:00-17:30", week("mo we fr", ["09:00-17:30"])),
        ("24/7", week("mo tu we th fr sa su", WHOLE_DAY)),
        ("Mo-Su 00:00-24:00", week("mo tu we th fr sa su", WHOLE_DAY)),
        ("Mo-Fr 08:00-17:00; We off", week("mo tu th fr", ["08:00-17:00"])),
        ("Mo-Fr 08:00-17:00; Sa closed", week("mo tu we th fr", ["08:00-17:00"])),
        ("Monday to Friday 9am-5pm", week("mo tu we th fr", ["09:00-17:00"])),
        ("Mon, Wed: 9:00 am - 12:30 pm", week("mo we", ["09:00-12:30"])),
        ("Tues & Thurs 8.30\u201312.00 and 13.00 to 17.00", week("tu th", ["08:30-12:00", "13:00-17:00"])),
        ("Fr-Mo 10:00-14:00", week("mo fr sa su", ["10:00-14:00"])),
        ("Sa-Tu 10:00-14:00", week("mo tu sa su", ["10:00-14:00"])),
        ("weekdays 8-17", week("mo tu we th fr", ["08:00-17:00"])),
        ("Mo-Fr 9-5", week("mo tu we th fr", ["09:00-17:00"])),
        ("08:00-18:00", week("mo tu we th fr sa su", ["08:00-18:00"])),
        ("Mo-Fr 08:00-17:00; PH off", week("mo tu we th fr", ["08:00-17:00"])),
        ("Su 18:00-00:00", {"su": ["18:00-24:00"]}),
        ("off", {}),
        # Overlapping and touching intervals merge; the order they were written in does not matter.
        ("Mo 13:00-17:00,08:00-12:00,11:00-13:00", {"mo": ["08:00-17:00"]}),
        # "," before a day adds to the days; ";" replaces them.
        ("Mo-Fr 08:00-12:00, Fr 14:00-16:00", week("mo tu we th", ["08:00-12:00"]) | {"fr": ["08:00-12:00", "14:00-16:00"]}),
        ("Mo-Fr 08:00-12:00; Fr 14:00-16:00", week("mo tu we th", ["08:00-12:00"]) | {"fr": ["14:00-16:00"]}),
        ("Mo-Fr 08:00-17:00, We off", week("mo tu th fr", ["08:00-17:00"])),
        ("Mo 0800-1200", {"mo": ["08:00-12:00"]}),
        ("Mo 12am-6am", {"mo": ["00:00-06:00"]}),
    ],
)  # fmt: skip
def test_parses_what_people_write(text: str, expected: dict[str, list[str]]) -> None:
    assert parse_opening_hours(text) == expected


def test_days_come_out_in_week_order() -> None:
    assert list(parse_opening_hours("Su 10-12; Mo 10-12; We 10-12")) == ["mo", "we", "su"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Mo-Fx 08:00-12:00", "'Mo-Fx': unknown day 'Fx'"),
        ("Jan 08:00-12:00", "unknown day 'Jan'"),
        ("Mo-Fr 22:00-02:00", "'22:00-02:00': intervals past midnight are not supported"),
        ("Mo-Fr", "'Mo-Fr': expected times like 08:00-17:00 or 'off', found nothing"),
        ("Mo-Fr 08:00-17:00 by appointment", "unexpected 'by'"),
        ("Mo 25:00-26:00", "'25:00' is not a time of day"),
        ("Mo 08:75-09:00", "'08:75' is not a time of day"),
        ("Mo 13pm-14pm", "'13pm' is not a 12-hour time"),
        ("Mo 24:00-24:00", "cannot start at 24:00"),
        ("Mo 09:00-09:00", "the interval is empty"),
        ("PH 10:00-12:00", "public holidays (PH) are not supported"),
        ("Mo-weekend 10-12", "a day range needs single days at both ends"),
        ("Mo 08:00-12:00 +", "unexpected '+'"),
        ("   ", "opening hours are empty"),
    ],
)
def test_errors_name_the_offending_part(text: str, message: str) -> None:
    with pytest.raises(OpeningHoursError) as caught:
        parse_opening_hours(text)
    assert message in str(caught.value)
    assert isinstance(caught.value, ValueError)


def test_format_groups_days_with_the_same_intervals() -> None:
    hours = week("mo tu we th fr", SPLIT_WEEK) | {"sa": ["09:00-12:00"]}
    assert format_opening_hours(hours) == "Mo-Fr 08:00-12:00,13:00-17:00; Sa 09:00-12:00"
    assert format_opening_hours(week("mo we fr", ["09:00-17:30"])) == "Mo,We,Fr 09:00-17:30"
    assert (
        format_opening_hours(week("mo tu th fr sa", ["08:00-17:00"])) == "Mo,Tu,Th-Sa 08:00-17:00"
    )
    assert format_opening_hours(week("mo tu we th fr sa su", WHOLE_DAY)) == "24/7"
    assert format_opening_hours({}) == "off"


def test_validate_normalises_the_json_form() -> None:
    raw = {"Monday": ["13:00-17:00", "8:00-12:00", "11:30-13:00"], "sa": [], "Tue": ["9:00-10:00"]}
    assert validate_opening_hours(raw) == {"mo": ["08:00-17:00"], "tu": ["09:00-10:00"]}


@pytest.mark.parametrize(
    ("hours", "message"),
    [
        ({"xx": ["08:00-12:00"]}, "unknown day 'xx'"),
        ({"mo": "08:00-12:00"}, "expected a list"),
        ({"mo": ["8-12"]}, "'8-12' is not an interval like '08:00-17:00'"),
        ({"mo": ["22:00-02:00"]}, "intervals past midnight are not supported"),
        ({"mo": ["08:00-12:00"], "Monday": ["13:00-14:00"]}, "mo is given twice"),
        ({"mo": [8]}, "8 is not an interval"),
    ],
)
def test_validate_rejects_what_is_not_canonical(hours: object, message: str) -> None:
    with pytest.raises(OpeningHoursError) as caught:
        validate_opening_hours(hours)  # type: ignore[arg-type]
    assert message in str(caught.value)


def test_intervals_in_seconds_for_a_python_weekday() -> None:
    hours = parse_opening_hours("Mo-Fr 08:00-12:00,13:00-17:30; Su 00:00-24:00")
    assert intervals_s(hours, 0) == [(8 * 3600, 12 * 3600), (13 * 3600, 17 * 3600 + 1800)]
    assert intervals_s(hours, 5) == []
    assert intervals_s(hours, 6) == [(0, 86_400)]
    with pytest.raises(ValueError, match="weekday"):
        intervals_s(hours, 7)


@st.composite
def canonical_hours(draw: st.DrawFn) -> dict[str, list[str]]:
    """Canonical weeks: on random days, intervals between distinct sorted times (in minutes), so
    consecutive intervals never touch and the canonical form would not merge them."""
    hours: dict[str, list[str]] = {}
    for day in DAYS:
        times = sorted(draw(st.sets(st.integers(0, 24 * 60), max_size=6)))
        ends = [f"{t // 60:02d}:{t % 60:02d}" for t in times[: len(times) // 2 * 2]]
        if ends:
            hours[day] = [f"{a}-{b}" for a, b in zip(ends[::2], ends[1::2], strict=True)]
    return hours


@given(canonical_hours())
def test_format_then_parse_gives_the_hours_back(hours: dict[str, list[str]]) -> None:
    assert validate_opening_hours(hours) == hours
    assert parse_opening_hours(format_opening_hours(hours)) == hours


@given(st.text(max_size=40))
def test_parse_raises_only_opening_hours_errors(text: str) -> None:
    try:
        hours = parse_opening_hours(text)
    except OpeningHoursError:
        return
    assert validate_opening_hours(hours) == hours
