"""Parse and format the WHEN and DURATION values people type, and UTC instants.

The grammar is the spec's ("Times and durations"); this module is its single home so
that ``log``, ``report --from``, ``edit`` and ``import`` all agree.  Everything is pure:
the caller passes ``now`` and the zone name, so results are reproducible in tests and a
long-running command sees one consistent "now".

Instants going out are aware UTC ``datetime`` objects truncated to whole seconds (the
store's resolution).  Wall-clock arithmetic uses the standard library's ``zoneinfo``,
whose ``fold`` attribute lets us tell DST gaps and overlaps apart exactly: `log`, `start`,
`stop` and `status` parse WHEN on their start-up path, so nothing heavy is imported
here (pendulum does the calendar arithmetic in `periods`).  Epoch seconds are the
store's instants: `to_epoch`/`from_epoch` are the one conversion and `iso_z` the one
machine format.

Errors are `ParseError`, whose message is one sentence naming the bad input and
showing what would be accepted, ready to print after ``Error:``.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from smbalance.domain import FIRST_EPOCH, LAST_EPOCH, YEAR_RANGE

__all__ = [
    "FUTURE_SLACK",
    "MAX_DURATION_SECONDS",
    "WEEKDAYS",
    "ParseError",
    "SpanError",
    "check_length",
    "check_not_future",
    "check_span",
    "day_bounds",
    "format_duration",
    "format_instant",
    "from_epoch",
    "iso_z",
    "local_date",
    "parse_duration",
    "parse_iso_utc",
    "parse_timezone",
    "parse_week_start",
    "parse_when",
    "start_of_day",
    "to_epoch",
]

UTC = dt.UTC
EPOCH = dt.datetime(1970, 1, 1, tzinfo=UTC)

#: The instants a person may type (see `domain.FIRST_EPOCH`).
FIRST_INSTANT = dt.datetime.fromtimestamp(FIRST_EPOCH, UTC)
LAST_INSTANT = dt.datetime.fromtimestamp(LAST_EPOCH, UTC)

#: Longest duration accepted: ten years, leap days included.  Anything longer is a typo.
MAX_DURATION_SECONDS = 3653 * 86400

DURATION_EXAMPLES = "use e.g. 90m, 1h30m, 1.5h, 1:30 or 45s"
WHEN_EXAMPLES = (
    "use e.g. 2026-11-27 14:00, 14:00, 9am, yesterday 09:30, last mon 09:00, -90m or 2h ago"
)
ZONE_EXAMPLES = "use an IANA name such as Europe/London, America/New_York or UTC"

# Longer inputs are never valid; refusing them early keeps big-number arithmetic cheap.
_MAX_INPUT = 100


class ParseError(ValueError):
    """A WHEN, DURATION, instant or zone that cannot be understood.

    The message is a complete sentence with an example of valid input.
    """


# --------------------------------------------------------------------------- durations

_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"


def _lazy(pattern: str, flags: int) -> Callable[[], re.Pattern[str]]:
    """`pattern`, compiled on first use: compiling every pattern here costs ~3 ms of each
    command's start, and a command uses one or two of them, often none."""
    return functools.cache(lambda: re.compile(pattern, flags))


_HOURS = r"hours|hour|hrs|hr|h"
_MINUTES = r"minutes|minute|mins|min|m"
_SECONDS = r"seconds|second|secs|sec|s"
_UNIT_FORM = _lazy(
    rf"(?:(?P<h>{_NUMBER})\s*(?:{_HOURS}))?\s*"
    rf"(?:(?P<m>{_NUMBER})\s*(?:{_MINUTES}))?\s*"
    rf"(?:(?P<s>{_NUMBER})\s*(?:{_SECONDS}))?",
    re.ASCII,
)
_CLOCK_FORM = _lazy(r"(?P<h>[0-9]+):(?P<m>[0-5][0-9])(?::(?P<s>[0-5][0-9]))?", re.ASCII)
_SCALE = {"h": 3600, "m": 60, "s": 1}


def _duration_value(text: str) -> int | None:
    """Seconds for a well-formed, unsigned duration (may be 0 or huge); None otherwise.

    Fractions are exact (``1.1h`` is 3960 s) and round half up to whole seconds.
    """
    key = text.strip().lower()
    if not key or len(key) > _MAX_INPUT:
        return None
    match = _CLOCK_FORM().fullmatch(key) or _UNIT_FORM().fullmatch(key)
    if match is None or not any(match.groupdict().values()):
        return None
    parts = [(value, _SCALE[unit]) for unit, value in match.groupdict().items() if value]
    if all(value.isdigit() for value, _ in parts):  # whole units, the usual case
        return sum(int(value) * scale for value, scale in parts)
    from fractions import Fraction  # only for a decimal (1.5h): ~2 ms to import

    total = sum(Fraction(value) * scale for value, scale in parts)
    return math.floor(total + Fraction(1, 2))


def _with_missing_unit(text: str) -> str | None:
    """``text`` with the unit it probably lacks (``90`` → ``90m``, ``1h30`` → ``1h30m``)."""
    key = text.strip()
    if not key[-1:].isdigit():
        return None
    for unit in ("m", "s"):
        if _duration_value(key + unit):
            return key + unit
    return None


def parse_duration(text: str) -> int:
    """Seconds in a DURATION such as ``90m``, ``1h30m``, ``1h 30m``, ``1.5h``, ``1:30``, ``45s``.

    Units are h/m/s (or hour/min/sec words), largest first, each at most once; ``H:MM``
    and ``H:MM:SS`` are clock forms.  Days are not accepted: a work entry is hours long,
    and ``d`` next to ``m`` invites mistakes.  A bare number is refused rather than
    guessed, because ``log sales 90`` could mean minutes or hours.
    """
    key = text.strip()
    seconds = _duration_value(key)
    if seconds is None:
        raise ParseError(_duration_problem(key))
    if seconds <= 0:
        raise ParseError(f"{key!r} is zero; a duration must be positive, e.g. 90m")
    if seconds > MAX_DURATION_SECONDS:
        raise ParseError(f"{key!r} is longer than 10 years; {DURATION_EXAMPLES}")
    return seconds


def _duration_problem(key: str) -> str:
    if key.startswith("-") and _duration_value(key[1:]) is not None:
        return f"{key!r} is negative; a duration must be positive, e.g. 90m"
    suggestion = _with_missing_unit(key)
    if suggestion is not None:
        return f"{key!r} has no unit; did you mean {suggestion}?"
    return f"{key!r} is not a duration; {DURATION_EXAMPLES}"


def format_duration(seconds: int) -> str:
    """How people read a duration: ``6h01m``, ``45m``, ``2h``; seconds only under a
    minute (``30s``); ``0m`` for nothing.

    The one formatter of human output (tables, messages, reports).  Minutes are rounded
    to the nearest one (half up); JSON and CSV keep exact seconds.
    """
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative: {seconds}")
    if seconds == 0:
        return "0m"
    if seconds < 60:
        return f"{seconds}s"
    hours, minutes = divmod((seconds + 30) // 60, 60)
    if not hours:
        return f"{minutes}m"
    return f"{hours}h{minutes:02d}m" if minutes else f"{hours}h"


# --------------------------------------------------------------------------- zones


def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ParseError(f"{name!r} is not a known timezone; {ZONE_EXAMPLES}") from None


def parse_timezone(name: str) -> str:
    """The canonical IANA name for ``name`` (case-insensitive), or ParseError.

    Case is forgiven (``europe/london``) because people type zone names by hand in
    ``--tz`` and the config file; the canonical spelling is what gets stored.
    """
    key = name.strip()
    try:
        return _zone(key).key
    except ParseError:
        folded = {zone.lower(): zone for zone in available_timezones()}
        if key.lower() in folded:
            return folded[key.lower()]
        raise


# --------------------------------------------------------------------------- instants


def to_epoch(instant: dt.datetime) -> int:
    """Whole seconds since 1970-01-01T00:00:00Z (floored, like the store keeps them).

    The one conversion from ``datetime`` to the store's integer instants."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"instant must be timezone-aware, not {instant!r}")
    return (instant - EPOCH) // dt.timedelta(seconds=1)


def from_epoch(seconds: int) -> dt.datetime:
    """The aware UTC instant ``seconds`` after the Unix epoch (the one way back)."""
    return EPOCH + dt.timedelta(seconds=int(seconds))


def _as_utc(instant: dt.datetime) -> dt.datetime:
    """A plain aware UTC ``datetime`` truncated to whole seconds (the store's resolution)."""
    return from_epoch(to_epoch(instant))


def iso_z(epoch: int) -> str:
    """The spec's machine form of an instant, ``2026-11-27T14:00:00Z`` (JSON, CSV)."""
    return _format_wall(from_epoch(epoch), sep="T", always_seconds=True) + "Z"


def _candidates(wall: dt.datetime, zone: ZoneInfo) -> list[dt.datetime]:
    """The UTC instants that show local wall time ``wall``: none (gap), one, or two."""
    found: list[dt.datetime] = []
    for fold in (0, 1):
        instant = wall.replace(tzinfo=zone, fold=fold).astimezone(UTC)
        if instant.astimezone(zone).replace(tzinfo=None) == wall and instant not in found:
            found.append(instant)
    return sorted(found)


def _resolve_local(wall: dt.datetime, zone: ZoneInfo, text: str) -> dt.datetime:
    """The instant for a local wall time: the first occurrence when the clocks fall back."""
    try:
        found = _candidates(wall, zone)
    except OverflowError:
        raise ParseError(f"{text!r} is out of range; {WHEN_EXAMPLES}") from None
    if not found:
        raise ParseError(
            f"{text!r} does not exist in {zone.key} because the clocks skip it "
            "for the DST change; use a time before or after the gap"
        )
    return _as_utc(found[0])


def _format_offset(offset: dt.timedelta) -> str:
    total = int(offset.total_seconds())
    sign = "-" if total < 0 else "+"
    hours, rest = divmod(abs(total), 3600)
    minutes, seconds = divmod(rest, 60)
    text = f"{sign}{hours:02d}:{minutes:02d}"
    return f"{text}:{seconds:02d}" if seconds else text


def _format_wall(wall: dt.datetime, sep: str = " ", always_seconds: bool = False) -> str:
    text = f"{wall.year:04d}-{wall.month:02d}-{wall.day:02d}{sep}{wall.hour:02d}:{wall.minute:02d}"
    return f"{text}:{wall.second:02d}" if wall.second or always_seconds else text


def format_instant(instant: dt.datetime | int, tz: str) -> str:
    """Local ``YYYY-MM-DD HH:MM`` (``:SS`` if nonzero), with the offset when ambiguous.

    The offset appears only for wall times that happen twice (the fall-back hour), so
    the text always parses back to the same instant with `parse_when` in ``tz``.
    ``instant`` is an aware ``datetime`` or epoch seconds.
    """
    zone = _zone(tz)
    utc = from_epoch(instant) if isinstance(instant, int) else _as_utc(instant)
    local = utc.astimezone(zone)
    wall = local.replace(tzinfo=None)
    text = _format_wall(wall)
    if len(_candidates(wall, zone)) > 1:
        offset = local.utcoffset()
        assert offset is not None  # a ZoneInfo always has one
        text += _format_offset(offset)
    return text


# --------------------------------------------------------------------------- days

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")


def parse_week_start(name: str) -> int:
    """Turn ``mon``/``monday`` (any case) into 0 … 6, as ``date.weekday()`` counts."""
    key = name.strip().lower()
    for index, day in enumerate(WEEKDAYS):
        if key in (day, day[:3]):
            return index
    raise ValueError(f"{name!r} is not a weekday; use e.g. monday or sun")


def start_of_day(day: dt.date, tz: str) -> dt.datetime:
    """The first instant of local ``day`` in ``tz``, as an aware UTC datetime.

    Usually local midnight.  If midnight is ambiguous (clocks fall back across it) the
    first occurrence is used; if midnight does not exist (a few zones spring forward at
    00:00) the day starts at the transition instant.  Both cases pick the earliest UTC
    candidate that still lies on ``day`` locally.
    """
    zone = _zone(tz)
    candidates = []
    for fold in (0, 1):
        local = dt.datetime(day.year, day.month, day.day, fold=fold, tzinfo=zone)
        instant = local.astimezone(UTC)
        if instant.astimezone(zone).date() == day:
            candidates.append(instant)
    if not candidates:  # the whole day was skipped (Pacific/Apia, 2011-12-30)
        return dt.datetime(day.year, day.month, day.day, tzinfo=zone).astimezone(UTC)
    return min(candidates)


def local_date(epoch: int, tz: str) -> dt.date:
    """The local calendar date in ``tz`` that holds ``epoch``."""
    return from_epoch(epoch).astimezone(_zone(tz)).date()


def day_bounds(epoch: int, tz: str) -> tuple[int, int]:
    """``[start, end)`` in epoch seconds of the local day in ``tz`` that holds ``epoch``
    (23, 24 or 25 hours around DST).  Standard library only: `status` uses it."""
    day = local_date(epoch, tz)
    first = start_of_day(day, tz)
    after = start_of_day(day + dt.timedelta(days=1), tz)
    return to_epoch(first), to_epoch(after)


# --------------------------------------------------------------------------- spans

#: How far in the future an instant may lie (clocks of two machines disagree a little).
FUTURE_SLACK = 60
SPENT_HINT = "log records time already spent; for time you are spending now, use `smbalance start`"


class SpanError(ValueError):
    """An entry's start and end that break the one span rule (see `check_span`).

    ``kind`` says which part: ``order``, ``range``, ``future`` or ``long``.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind


def check_span(
    start: int,
    end: int,
    *,
    now: int | None = None,
    max_seconds: int | None = None,
    fmt: Callable[[int], str] = iso_z,
) -> None:
    """The one rule for an entry's span, whoever checks it.

    The end is after the start; both lie in the accepted years; with ``now``, the end is
    at most `FUTURE_SLACK` seconds ahead (time already spent is in the past); with
    ``max_seconds``, the entry is at most that long (a longer one is a typo or a
    forgotten timer unless the caller said ``--long``).  Raises `SpanError`: the
    command line turns it into a usage error (exit 2) when its own values broke the
    rule, the store into a conflict (exit 1) when stored values took part.
    """
    if end <= start:
        raise SpanError("order", "the end must be after the start")
    if start < FIRST_EPOCH or end > LAST_EPOCH:
        raise SpanError("range", f"the entry is out of range; {YEAR_RANGE}")
    if now is not None:
        check_not_future(end, now, "the end", fmt=fmt)
    check_length(end - start, max_seconds)


def check_length(seconds: int, max_seconds: int | None) -> None:
    """Refuse an entry longer than ``max_seconds`` (None: any length)."""
    if max_seconds is not None and seconds > max_seconds:
        raise SpanError(
            "long",
            f"{format_duration(seconds)} is longer than max_entry_hours "
            f"({format_duration(max_seconds)}); check the times (25h for 2.5h?), or give "
            "--long if it is right",
        )


def check_not_future(
    instant: int,
    now: int,
    what: str,
    *,
    fmt: Callable[[int], str] = iso_z,
    hint: str = SPENT_HINT,
) -> None:
    """Refuse an instant more than `FUTURE_SLACK` seconds after ``now``."""
    if instant > now + FUTURE_SLACK:
        raise SpanError("future", f"{what} {fmt(instant)} is in the future; {hint}")


# --------------------------------------------------------------------------- ISO 8601

_TIME = r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:[.,][0-9]+)?)?"
_OFFSET = r"(?P<offset>z|[+-][0-9]{2}(?::?[0-9]{2}(?::?[0-9]{2})?)?)"
_ISO = _lazy(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    rf"(?:[t ]{_TIME}\s*{_OFFSET}?)?",
    re.ASCII,
)
# Basic format, as Timewarrior and iCalendar write it: 20261127T140000Z.
_ISO_BASIC = _lazy(
    r"(?P<year>[0-9]{4})(?P<month>[0-9]{2})(?P<day>[0-9]{2})"
    r"t(?P<hour>[0-9]{2})(?P<minute>[0-9]{2})(?:(?P<second>[0-9]{2})(?:[.,][0-9]+)?)?"
    rf"{_OFFSET}?",
    re.ASCII,
)
_CLOCK = _lazy(_TIME, re.ASCII)
_CLOCK_12 = _lazy(
    r"(?P<hour>[0-9]{1,2})(?::(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2}))?)?\s*(?P<half>am|pm)",
    re.ASCII,
)


def _date(match: re.Match[str], text: str) -> dt.date:
    try:
        return dt.date(int(match["year"]), int(match["month"]), int(match["day"]))
    except ValueError:
        raise ParseError(f"{text!r} is not a valid date; use e.g. 2026-11-27") from None


def _time(match: re.Match[str], text: str) -> dt.time:
    try:
        return dt.time(int(match["hour"]), int(match["minute"]), int(match["second"] or 0))
    except ValueError:
        raise ParseError(f"{text!r} is not a valid time of day; use e.g. 09:30 or 14:00") from None


def _clock(key: str, text: str) -> dt.time | None:
    """A time of day, ``14:00``, ``9:30``, ``9am``, ``2:30pm`` (None if not one)."""
    match = _CLOCK().fullmatch(key)
    if match is not None:
        return _time(match, text)
    match = _CLOCK_12().fullmatch(key)
    if match is None:
        return None
    hour = int(match["hour"])
    if not 1 <= hour <= 12:
        raise ParseError(f"{text!r} is not a valid time of day; use e.g. 9am, 2:30pm or 14:30")
    hour = hour % 12 + (12 if match["half"] == "pm" else 0)
    try:
        return dt.time(hour, int(match["minute"] or 0), int(match["second"] or 0))
    except ValueError:
        raise ParseError(f"{text!r} is not a valid time of day; use e.g. 9am or 2:30pm") from None


def _offset(text: str) -> dt.timezone:
    """``z``, ``+01``, ``+0100``, ``+01:00`` or ``+00:19:32`` as a fixed zone."""
    if text == "z":
        return UTC
    digits = text[1:].replace(":", "")
    hours, minutes, seconds = int(digits[:2]), int(digits[2:4] or 0), int(digits[4:6] or 0)
    if minutes > 59 or seconds > 59:
        raise ValueError(text)
    offset = dt.timedelta(hours=hours, minutes=minutes, seconds=seconds)
    return dt.timezone(-offset if text[0] == "-" else offset)


def _iso_instant(match: re.Match[str], text: str, zone: ZoneInfo | None) -> dt.datetime:
    """The instant an ISO match names; times without an offset are local to ``zone``."""
    wall = dt.datetime.combine(_date(match, text), _time(match, text))
    if match["offset"] is None:
        if zone is None:
            raise ParseError(f"{text!r} has no UTC offset; use e.g. 2026-11-27T14:00:00Z")
        return _resolve_local(wall, zone, text)
    try:
        return _as_utc(wall.replace(tzinfo=_offset(match["offset"])))
    except (ValueError, OverflowError):
        raise ParseError(f"{text!r} has an invalid UTC offset; use e.g. +01:00 or Z") from None


def parse_iso_utc(text: str) -> dt.datetime:
    """An ISO 8601 instant with ``Z`` or an offset (extended or basic form), as aware UTC.

    For ``SMBALANCE_NOW``, where a missing offset is an error rather than a guess about
    the zone.  Fractional seconds are truncated.
    """
    key = text.strip()
    lowered = key.lower()
    match = (
        (_ISO().fullmatch(lowered) or _ISO_BASIC().fullmatch(lowered))
        if len(key) <= _MAX_INPUT
        else None
    )
    if match is None or match["hour"] is None:
        raise ParseError(f"{key!r} is not an ISO 8601 instant; use e.g. 2026-11-27T14:00:00Z")
    return _iso_instant(match, key, None)


# --------------------------------------------------------------------------- WHEN

_DAY_WORDS = {"today": 0, "yesterday": 1}
_WEEKDAY_WORDS = {name: i for i, day in enumerate(WEEKDAYS) for name in (day, day[:3])}
_WORD_FORM = _lazy(r"(?:(?P<last>last)\s+)?(?P<word>[a-z]+)(?:\s+(?P<clock>.+))?", re.ASCII)
_AGO_FORM = _lazy(r"(?P<duration>.+?)\s*ago", re.ASCII)


def parse_when(
    text: str, *, tz: str, now: dt.datetime | int, end_of_day: bool = False
) -> dt.datetime:
    """The instant a WHEN names, as aware UTC truncated to whole seconds.

    The one grammar of the command line and of every import file.  Instants from the
    year 1000 to 9998 are accepted (`domain.FIRST_EPOCH`), so no later step can
    overflow.

    Accepted (case-insensitive; times without an offset are local to ``tz``):

    - ISO 8601: ``2026-11-27T14:00``, ``2026-11-27 9:30[:SS]``, the basic form
      ``20261127T140000Z``, optionally with ``Z`` or an offset such as ``+01:00``
      (which wins over ``tz``);
    - a date alone, ``2026-11-27``: the start of that local day, or with
      ``end_of_day=True`` (``--to``) the start of the next day, so the day is included;
    - a clock time, ``14:00``, ``9:30``, ``9am``, ``2:30pm``: its latest occurrence at
      or before now (at 00:30, ``23:50`` is last night);
    - ``today HH:MM`` (always today, even if still to come), ``yesterday HH:MM``;
      ``today``/``yesterday`` alone behave like a date;
    - a weekday, full or three letters (``mon 09:00``, ``monday``): the most recent
      such day whose given time is not in the future, so on a Monday at 14:05
      ``mon 09:00`` is today and ``mon 15:00`` a week ago; ``mon`` alone is the most
      recent Monday's midnight.  ``last mon 09:00`` is the most recent Monday before
      today;
    - ``now``; relative times ``-90m``, ``-1:30``, ``2h ago``, ``90 minutes ago``
      (any DURATION, at most ten years back).

    A local time in a spring-forward gap is a ParseError; in a fall-back overlap it is
    the first (earlier) occurrence unless an offset is given.
    """
    current = from_epoch(now) if isinstance(now, int) else _as_utc(now)
    try:
        instant = _parse_when(text, tz=tz, now=current, end_of_day=end_of_day)
    except OverflowError:
        instant = None
    if instant is None or not FIRST_INSTANT <= instant <= LAST_INSTANT:
        raise ParseError(f"{' '.join(text.split())!r} is out of range; {YEAR_RANGE}")
    return instant


def _parse_when(text: str, *, tz: str, now: dt.datetime, end_of_day: bool) -> dt.datetime:
    zone = _zone(tz)
    raw = " ".join(text.split())
    key = raw.lower()
    if not key or len(key) > _MAX_INPUT:
        raise ParseError(f"{raw!r} is not a time; {WHEN_EXAMPLES}")
    if key == "now":
        return now
    if key.startswith("-") or _AGO_FORM().fullmatch(key):
        return now - dt.timedelta(seconds=_relative_seconds(raw))
    iso = _ISO().fullmatch(key) or _ISO_BASIC().fullmatch(key)
    if iso is not None:
        if iso["hour"] is None:
            return _day_instant(_date(iso, raw), zone, end_of_day)
        return _iso_instant(iso, raw, zone)
    at = _clock(key, raw)
    if at is not None:  # its latest occurrence at or before now
        today = now.astimezone(zone).date()
        day = today - dt.timedelta(days=_is_future(dt.datetime.combine(today, at), zone, now))
        return _resolve_local(dt.datetime.combine(day, at), zone, raw)
    return _named_day(raw, key, zone, now, end_of_day)


def _relative_seconds(raw: str) -> int:
    """Seconds back for ``-DURATION`` or ``DURATION ago``; ParseError with a hint."""
    key = raw.lower()
    leading = key.startswith("-")
    ago = _AGO_FORM().fullmatch(key)
    if leading:
        body = key[1:]
    else:
        assert ago is not None  # parse_when only calls us for one of the two forms
        body = ago["duration"]
    seconds = _duration_value(body)
    if seconds is None:
        fixed = _with_missing_unit(body)
        if fixed is None:
            raise ParseError(f"{raw!r} is not a time; {WHEN_EXAMPLES}")
        hint = f"-{fixed}" if leading else f"{fixed} ago"
        raise ParseError(f"{raw!r} has no unit; did you mean {hint}?")
    if seconds > MAX_DURATION_SECONDS:
        raise ParseError(f"{raw!r} is more than 10 years ago; {WHEN_EXAMPLES}")
    return seconds


def _day_instant(day: dt.date, zone: ZoneInfo, end_of_day: bool) -> dt.datetime:
    """Where a bare day starts, or (``end_of_day``) where the next day starts."""
    if end_of_day:
        day += dt.timedelta(days=1)
    try:
        return _as_utc(start_of_day(day, zone.key))
    except OverflowError:
        raise ParseError(f"'{day}' is out of range; {WHEN_EXAMPLES}") from None


def _named_day(
    raw: str, key: str, zone: ZoneInfo, current: dt.datetime, end_of_day: bool
) -> dt.datetime:
    """``today``/``yesterday``/[``last``] weekday, optionally followed by a time of day."""
    match = _WORD_FORM().fullmatch(key)
    word = match["word"] if match else ""
    last = bool(match and match["last"])
    if word not in _WEEKDAY_WORDS and (last or word not in _DAY_WORDS):
        raise ParseError(f"{raw!r} is not a time; {WHEN_EXAMPLES}")
    assert match is not None
    at = _clock(match["clock"], raw) if match["clock"] else None
    if match["clock"] and at is None:
        raise ParseError(f"{raw!r} has no valid time of day; use e.g. {word} 09:30 or {word} 9am")
    today = current.astimezone(zone).date()
    if word in _DAY_WORDS:
        day = today - dt.timedelta(days=_DAY_WORDS[word])
    elif last:  # the most recent such day before today
        day = today - dt.timedelta(days=(today.weekday() - _WEEKDAY_WORDS[word] - 1) % 7 + 1)
    else:
        day = today - dt.timedelta(days=(today.weekday() - _WEEKDAY_WORDS[word]) % 7)
    if at is None:
        return _day_instant(day, zone, end_of_day)
    future = _is_future(dt.datetime.combine(day, at), zone, current)
    if word in _WEEKDAY_WORDS and not last and future:
        day -= dt.timedelta(days=7)
    return _resolve_local(dt.datetime.combine(day, at), zone, raw)


def _is_future(wall: dt.datetime, zone: ZoneInfo, current: dt.datetime) -> bool:
    """Whether local ``wall`` is still to come; a wall time in a DST gap counts as
    future only if the gap itself is (so ``sun 01:30`` before the gap means last week).
    """
    found = _candidates(wall, zone)
    if found:
        return found[0] > current
    return wall > current.astimezone(zone).replace(tzinfo=None)
