"""Weekly opening hours with several intervals a day, in one canonical JSON form.

Canonical form (database JSON, API, imports): `{"mo": ["08:00-12:00", "13:00-17:00"], "sa": [...]}`
- only open days, in week order mo, tu, we, th, fr, sa, su; each day's intervals "HH:MM-HH:MM",
sorted, with touching or overlapping intervals merged, start < end, 00:00..24:00 (24:00 only as an
end). Intervals past midnight are not supported: a night is written as two days' intervals.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

DAYS: tuple[str, ...] = ("mo", "tu", "we", "th", "fr", "sa", "su")
MINUTES_PER_DAY = 24 * 60
OpeningHours = dict[str, list[str]]

_DAY_NAMES: tuple[tuple[str, ...], ...] = (
    ("mo", "mon", "monday"),
    ("tu", "tue", "tues", "tuesday"),
    ("we", "wed", "weds", "wednesday"),
    ("th", "thu", "thur", "thurs", "thursday"),
    ("fr", "fri", "friday"),
    ("sa", "sat", "saturday"),
    ("su", "sun", "sunday"),
)
_SINGLE_DAY = {name: day for day, names in enumerate(_DAY_NAMES) for name in names}
_PUBLIC_HOLIDAY = -1
_DAY_GROUPS: dict[str, tuple[int, ...]] = {
    "daily": tuple(range(7)),
    "everyday": tuple(range(7)),
    "weekdays": tuple(range(5)),
    "weekday": tuple(range(5)),
    "weekends": (5, 6),
    "weekend": (5, 6),
    "ph": (_PUBLIC_HOLIDAY,),
}
_CLOSED_WORDS = frozenset({"off", "closed"})
_RANGE_WORDS = frozenset({"to", "through", "thru", "till", "until"})
_ALWAYS = frozenset({"24/7", "24x7", "24 / 7"})

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<time>[0-9]{1,2}(?:[:.h]?[0-9]{2})?(?:\s*[ap]\.?\s*m\b\.?)?)
      | (?P<word>[^\W\d_]+\.?)
      | (?P<dash>[-\u2010-\u2015\u2212])
      | (?P<comma>[,&])
      | (?P<colon>:)
      | (?P<other>\S)
    )""",
    re.VERBOSE | re.IGNORECASE,
)
_TIME = re.compile(
    r"([0-9]{1,2})(?:[:.h]?([0-9]{2}))?(?:\s*([ap])\.?\s*m\.?)?", re.IGNORECASE | re.ASCII
)
_INTERVAL = re.compile(r"\s*([0-9]{1,2}):([0-9]{2})\s*-\s*([0-9]{1,2}):([0-9]{2})\s*", re.ASCII)


class OpeningHoursError(ValueError):
    """Text or JSON that is not valid opening hours; the message names the offending part."""


@dataclass(frozen=True, slots=True)
class _Token:
    kind: str
    text: str
    start: int
    end: int

    @property
    def word(self) -> str:
        return self.text.casefold().rstrip(".") if self.kind == "word" else ""


def _tokenize(rule: str) -> list[_Token]:
    tokens = []
    for match in _TOKEN.finditer(rule):
        kind = str(match.lastgroup)
        text = match[kind]
        if kind == "word" and text.casefold() == "and":
            kind = "comma"  # "Mon and Wed", "9-12 and 13-17"
        tokens.append(_Token(kind, text, match.start(kind), match.end()))
    return tokens


def parse_opening_hours(text: str) -> OpeningHours:
    """Parse opening hours as people and CRMs write them into the canonical form.

    A practical subset of OpenStreetMap `opening_hours`: rules separated by ";" (a later rule
    replaces the days it names), "," before a day starts an additional rule that adds to them;
    days as OSM two-letter codes or English names ("Mo-Fr", "Mon,Wed", "Fr-Mo" wraps the week,
    "daily", "weekdays"); times "08:00", "8:00", "8", "9am", separated by "-", an en dash or
    "to"; "off"/"closed"; "24/7". A rule without days applies to every day. "PH off" is accepted
    and ignored (public holidays are outside a weekly model).

    Raises `OpeningHoursError` naming the offending part, e.g. `'Mo-Fx': unknown day 'Fx'`.
    """
    if not isinstance(text, str):
        raise OpeningHoursError("opening hours must be text")
    rules = [rule for rule in re.split(r"[;\n]", text) if rule.strip()]
    if not rules:
        raise OpeningHoursError("opening hours are empty")
    week: list[list[tuple[int, int]]] = [[] for _ in DAYS]
    for rule in rules:
        for days, spans, additive in _parse_rule(rule):
            for day in days:
                # An additional rule adds intervals, but its "off" still closes the day.
                week[day] = [*week[day], *spans] if additive and spans else list(spans)
    return _canonical(week)


def format_opening_hours(hours: Mapping[str, Sequence[str]]) -> str:
    """Compact OSM-like text; days with the same intervals share one rule ("Mo-Fr 08:00-17:00")."""
    canonical = validate_opening_hours(hours)
    if not canonical:
        return "off"
    if len(canonical) == 7 and all(v == ["00:00-24:00"] for v in canonical.values()):
        return "24/7"
    groups: dict[tuple[str, ...], list[int]] = {}
    for day, name in enumerate(DAYS):
        if name in canonical:
            groups.setdefault(tuple(canonical[name]), []).append(day)
    return "; ".join(f"{_days_text(days)} {','.join(spans)}" for spans, days in groups.items())


def validate_opening_hours(hours: Mapping[str, Sequence[str]]) -> OpeningHours:
    """Check and normalise the canonical JSON form (day keys, "HH:MM-HH:MM" lists).

    Day keys may also be written as English names ("Monday", "Tue"); intervals are sorted and
    merged, empty days dropped. Raises `OpeningHoursError` naming the day and the interval.
    """
    if not isinstance(hours, Mapping):
        raise OpeningHoursError("opening hours must be an object mapping days to interval lists")
    week: list[list[tuple[int, int]] | None] = [None] * 7
    for key, value in hours.items():
        day = _SINGLE_DAY.get(key.strip().casefold().rstrip(".")) if isinstance(key, str) else None
        if day is None:
            raise OpeningHoursError(f"unknown day {key!r}; use {', '.join(DAYS)}")
        if week[day] is not None:
            raise OpeningHoursError(f"{key!r}: {DAYS[day]} is given twice")
        if isinstance(value, str) or not isinstance(value, Sequence):
            raise OpeningHoursError(f"{key!r}: expected a list of 'HH:MM-HH:MM' strings")
        week[day] = [_interval(item, key) for item in value]
    return _canonical([spans or [] for spans in week])


def intervals_s(hours: Mapping[str, Sequence[str]], weekday: int) -> list[tuple[int, int]]:
    """Open intervals on `weekday` (0 = Monday, as `date.weekday()`), in seconds since midnight."""
    if not 0 <= weekday <= 6:
        raise ValueError(f"weekday must be 0 (Monday) .. 6 (Sunday), got {weekday}")
    key = DAYS[weekday]
    spans = _merge([_interval(item, key) for item in hours.get(key, ())])
    return [(start * 60, end * 60) for start, end in spans]


def _parse_rule(rule: str) -> list[tuple[tuple[int, ...], list[tuple[int, int]], bool]]:
    """One ";"-separated rule: (days, spans, additive) for it and each ", Day ..." inside it."""
    if rule.strip().casefold() in _ALWAYS:
        return [(tuple(range(7)), [(0, MINUTES_PER_DAY)], False)]
    tokens = _tokenize(rule)
    parsed: list[tuple[tuple[int, ...], list[tuple[int, int]], bool]] = []
    i = 0
    while True:
        days, i = _days(tokens, i, rule)
        if i < len(tokens) and tokens[i].kind == "colon":
            i += 1
        if i < len(tokens) and tokens[i].word in _CLOSED_WORDS:
            spans: list[tuple[int, int]] = []
            i += 1
        else:
            spans, i = _spans(tokens, i, rule)
        if _PUBLIC_HOLIDAY in days:
            if spans:
                raise OpeningHoursError(
                    f"{rule.strip()!r}: hours on public holidays (PH) are not supported"
                )
            days = tuple(day for day in days if day != _PUBLIC_HOLIDAY)
        parsed.append((days, spans, bool(parsed)))
        if i >= len(tokens):
            return parsed
        if tokens[i].kind != "comma":
            raise OpeningHoursError(f"{rule.strip()!r}: unexpected {tokens[i].text!r}")
        i += 1


def _days(tokens: list[_Token], i: int, rule: str) -> tuple[tuple[int, ...], int]:
    """The day selector starting at `i` (every day when the rule has none) and where it ends."""
    if i >= len(tokens) or tokens[i].kind != "word" or tokens[i].word in _CLOSED_WORDS:
        return tuple(range(7)), i
    first = i
    days: list[int] = []
    while True:
        group = _day_group(tokens, first, i, rule)
        i += 1
        if _is_day_range(tokens, i):
            last = _day_group(tokens, first, i + 1, rule)
            if len(group) != 1 or len(last) != 1 or _PUBLIC_HOLIDAY in (*group, *last):
                part = rule[tokens[first].start : tokens[i + 1].end]
                raise OpeningHoursError(f"{part!r}: a day range needs single days at both ends")
            group = tuple((group[0] + k) % 7 for k in range((last[0] - group[0]) % 7 + 1))
            i += 2
        days.extend(group)
        if i + 1 < len(tokens) and tokens[i].kind == "comma" and tokens[i + 1].kind == "word":
            i += 1
        elif not (i < len(tokens) and tokens[i].word in _SINGLE_DAY):
            return tuple(dict.fromkeys(days)), i


def _is_day_range(tokens: list[_Token], i: int) -> bool:
    """Whether tokens[i] joins two days into a range ("Mo-Fr", "Monday to Friday")."""
    if i + 1 >= len(tokens) or tokens[i + 1].kind != "word":
        return False
    return tokens[i].kind == "dash" or tokens[i].word in _RANGE_WORDS


def _day_group(tokens: list[_Token], first: int, i: int, rule: str) -> tuple[int, ...]:
    word = tokens[i].word
    if word in _SINGLE_DAY:
        return (_SINGLE_DAY[word],)
    if word in _DAY_GROUPS:
        return _DAY_GROUPS[word]
    part = rule[tokens[first].start : tokens[i].end]
    if part == tokens[i].text:
        part = rule.strip()
    raise OpeningHoursError(f"{part!r}: unknown day {tokens[i].text!r}")


def _spans(tokens: list[_Token], i: int, rule: str) -> tuple[list[tuple[int, int]], int]:
    """Time spans from `i` up to the end or a ", Day" that starts an additional rule."""
    spans: list[tuple[int, int]] = []
    while True:
        if i + 2 >= len(tokens) or tokens[i].kind != "time" or tokens[i + 2].kind != "time":
            found = f"found {tokens[i].text!r}" if i < len(tokens) else "found nothing"
            raise OpeningHoursError(
                f"{rule.strip()!r}: expected times like 08:00-17:00 or 'off', {found}"
            )
        if not (tokens[i + 1].kind == "dash" or tokens[i + 1].word in _RANGE_WORDS):
            raise OpeningHoursError(f"{rule.strip()!r}: unexpected {tokens[i + 1].text!r}")
        part = rule[tokens[i].start : tokens[i + 2].end]
        (start, start_meridiem), (end, end_meridiem) = (
            _clock(tokens[i].text, part),
            _clock(tokens[i + 2].text, part),
        )
        if not (start_meridiem or end_meridiem) and 0 < end < start < min(13 * 60, end + 12 * 60):
            end += 12 * 60  # "9-5", "10:30-2:30": people mean an afternoon end, not the night
        spans.append(_span(start, end, part))
        i += 3
        if i + 1 < len(tokens) and tokens[i].kind == "comma" and tokens[i + 1].kind == "time":
            i += 1
        elif not (i < len(tokens) and tokens[i].kind == "time"):
            return spans, i


def _clock(text: str, part: str) -> tuple[int, bool]:
    """Minutes since midnight of "8", "08:00", "8.30", "0830", "9am", "12:30 p.m.", and whether
    it said am/pm."""
    match = _TIME.fullmatch(text.strip())
    if match is None:
        raise OpeningHoursError(f"{part!r}: {text!r} is not a time")
    hour, minute = int(match[1]), int(match[2] or 0)
    if match[3]:
        if not 1 <= hour <= 12:
            raise OpeningHoursError(f"{part!r}: {text!r} is not a 12-hour time")
        hour = hour % 12 + (12 if match[3].casefold() == "p" else 0)
    if minute > 59 or hour > 24 or (hour == 24 and minute):
        raise OpeningHoursError(f"{part!r}: {text!r} is not a time of day")
    return hour * 60 + minute, bool(match[3])


def _span(start: int, end: int, part: str) -> tuple[int, int]:
    if end == 0 and start > 0:
        end = MINUTES_PER_DAY  # "18:00-00:00" closes at midnight
    if start == MINUTES_PER_DAY:
        raise OpeningHoursError(f"{part!r}: an interval cannot start at 24:00")
    if end == start:
        raise OpeningHoursError(f"{part!r}: the interval is empty")
    if end < start:
        raise OpeningHoursError(
            f"{part!r}: intervals past midnight are not supported; write "
            f"{_hhmm(start)}-24:00 on this day and 00:00-{_hhmm(end)} on the next"
        )
    return start, end


def _interval(item: object, key: object) -> tuple[int, int]:
    """One canonical "HH:MM-HH:MM" string in minutes."""
    match = _INTERVAL.fullmatch(item) if isinstance(item, str) else None
    if match is None:
        raise OpeningHoursError(f"{key!r}: {item!r} is not an interval like '08:00-17:00'")
    part = f"{key}: {item}"
    start_h, start_m, end_h, end_m = (int(g) for g in match.groups())
    for hour, minute in ((start_h, start_m), (end_h, end_m)):
        if minute > 59 or hour > 24 or (hour == 24 and minute):
            raise OpeningHoursError(f"{part!r}: {hour:02d}:{minute:02d} is not a time of day")
    return _span(start_h * 60 + start_m, end_h * 60 + end_m, part)


def _merge(spans: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged


def _canonical(week: Sequence[Sequence[tuple[int, int]]]) -> OpeningHours:
    return {
        DAYS[day]: [f"{_hhmm(start)}-{_hhmm(end)}" for start, end in _merge(spans)]
        for day, spans in enumerate(week)
        if spans
    }


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _days_text(days: Sequence[int]) -> str:
    """[0, 1, 2, 4] -> "Mo-We,Fr": runs of three or more days as ranges."""
    runs: list[list[int]] = []
    for day in days:
        if runs and day == runs[-1][-1] + 1:
            runs[-1].append(day)
        else:
            runs.append([day])
    names: list[str] = []
    for run in runs:
        titled = [DAYS[d].title() for d in run]
        names.extend([f"{titled[0]}-{titled[-1]}"] if len(run) >= 3 else titled)
    return ",".join(names)
