"""Parse and format the WHEN and DURATION values people type, and UTC instants.

The grammar is the spec's ("Times and durations"); this module is its single home so
that ``log``, ``report --from``, ``edit`` and ``import`` all agree.  Everything is pure:
the caller passes ``now`` and the zone name, so results are reproducible in tests and a
long-running command sees one consistent "now".

Instants going out are aware UTC ``datetime`` objects truncated to whole seconds (the
store's resolution).  Wall-clock arithmetic uses the standard library's ``zoneinfo``,
whose ``fold`` attribute lets us tell DST gaps and overlaps apart exactly; pendulum is
only asked for the system zone.

Errors are `ParseError`, whose message is one sentence naming the bad input and
showing what would be accepted, ready to print after ``Error:``.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from fractions import Fraction
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from smbalance.domain import FIRST_EPOCH, LAST_EPOCH, YEAR_RANGE
from smbalance.periods import WEEKDAYS, start_of_day

__all__ = [
    "MAX_DURATION_SECONDS",
    "ParseError",
    "format_duration",
    "format_instant",
    "from_epoch",
    "iso_utc",
    "local_timezone",
    "local_to_utc",
    "parse_duration",
    "parse_iso_utc",
    "parse_timezone",
    "parse_when",
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
WHEN_EXAMPLES = "use e.g. 2026-11-27 14:00, 14:00, yesterday 09:30, mon 09:00, -90m or 2h ago"
ZONE_EXAMPLES = "use an IANA name such as Europe/London, America/New_York or UTC"

# Longer inputs are never valid; refusing them early keeps big-number arithmetic cheap.
_MAX_INPUT = 100


class ParseError(ValueError):
    """A WHEN, DURATION, instant or zone that cannot be understood.

    The message is a complete sentence with an example of valid input.
    """


# --------------------------------------------------------------------------- durations

_NUMBER = r"(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)"
_HOURS = r"hours|hour|hrs|hr|h"
_MINUTES = r"minutes|minute|mins|min|m"
_SECONDS = r"seconds|second|secs|sec|s"
_UNIT_FORM = re.compile(
    rf"(?:(?P<h>{_NUMBER})\s*(?:{_HOURS}))?\s*"
    rf"(?:(?P<m>{_NUMBER})\s*(?:{_MINUTES}))?\s*"
    rf"(?:(?P<s>{_NUMBER})\s*(?:{_SECONDS}))?",
    re.ASCII,
)
_CLOCK_FORM = re.compile(r"(?P<h>[0-9]+):(?P<m>[0-5][0-9])(?::(?P<s>[0-5][0-9]))?", re.ASCII)
_SCALE = {"h": 3600, "m": 60, "s": 1}


def _duration_value(text: str) -> int | None:
    """Seconds for a well-formed, unsigned duration (may be 0 or huge); None otherwise.

    Fractions are exact (``1.1h`` is 3960 s) and round half up to whole seconds.
    """
    key = text.strip().lower()
    if not key or len(key) > _MAX_INPUT:
        return None
    match = _CLOCK_FORM.fullmatch(key) or _UNIT_FORM.fullmatch(key)
    if match is None or not any(match.groupdict().values()):
        return None
    total = sum(
        Fraction(value) * _SCALE[unit] for unit, value in match.groupdict().items() if value
    )
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
    """Compact form such as ``2h15m``, ``45m``, ``30s``, ``1h``, ``1h30m15s``; ``0m`` for 0.

    Zero components are left out (``1h5s``, not ``1h0m5s``), so the text always parses
    back: ``parse_duration(format_duration(s)) == s`` for every ``s >= 1``.
    """
    if seconds < 0:
        raise ValueError(f"a duration cannot be negative: {seconds}")
    if seconds == 0:
        return "0m"
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    parts = ((hours, "h"), (minutes, "m"), (secs, "s"))
    return "".join(f"{value}{unit}" for value, unit in parts if value)


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


def local_timezone() -> str:
    """The system's IANA zone name, or ``UTC`` when it cannot be determined or named."""
    try:
        import pendulum

        return parse_timezone(pendulum.local_timezone().name)
    except Exception:  # any failure to detect means "no usable zone", not a crash
        return "UTC"


# --------------------------------------------------------------------------- instants


def _as_utc(instant: dt.datetime) -> dt.datetime:
    """A plain aware UTC ``datetime`` truncated to whole seconds (the store's resolution)."""
    if instant.tzinfo is None or instant.utcoffset() is None:
        raise ValueError(f"instant must be timezone-aware, not {instant!r}")
    u = instant.astimezone(UTC)
    return dt.datetime(u.year, u.month, u.day, u.hour, u.minute, u.second, tzinfo=UTC)


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
    return found[0]


def local_to_utc(wall: dt.datetime, tz: str, text: str) -> dt.datetime:
    """Naive local ``wall`` time in zone ``tz`` as a UTC instant, by the spec's rules: a
    time in a spring-forward gap is a ParseError (naming ``text``), an ambiguous one
    means the first occurrence."""
    return _as_utc(_resolve_local(wall, _zone(tz), text))


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


def format_instant(instant: dt.datetime, tz: str) -> str:
    """Local ``YYYY-MM-DD HH:MM`` (``:SS`` if nonzero), with the offset when ambiguous.

    The offset appears only for wall times that happen twice (the fall-back hour), so
    the text always parses back to the same instant with `parse_when` in ``tz``.
    """
    zone = _zone(tz)
    local = _as_utc(instant).astimezone(zone)
    wall = local.replace(tzinfo=None)
    text = _format_wall(wall)
    if len(_candidates(wall, zone)) > 1:
        offset = local.utcoffset()
        assert offset is not None  # a ZoneInfo always has one
        text += _format_offset(offset)
    return text


def iso_utc(instant: dt.datetime) -> str:
    """The spec's machine form, ``2026-11-27T14:00:00Z``."""
    return _format_wall(_as_utc(instant), sep="T", always_seconds=True) + "Z"


def to_epoch(instant: dt.datetime) -> int:
    """Whole seconds since 1970-01-01T00:00:00Z (floored, like the store keeps them)."""
    return (_as_utc(instant) - EPOCH) // dt.timedelta(seconds=1)


def from_epoch(seconds: int) -> dt.datetime:
    """The aware UTC instant ``seconds`` after the Unix epoch."""
    return EPOCH + dt.timedelta(seconds=int(seconds))


# --------------------------------------------------------------------------- ISO 8601

_TIME = r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-9]{2})(?::(?P<second>[0-9]{2})(?:[.,][0-9]+)?)?"
_ISO = re.compile(
    r"(?P<year>[0-9]{4})-(?P<month>[0-9]{2})-(?P<day>[0-9]{2})"
    rf"(?:[t ]{_TIME}\s*(?P<offset>z|[+-][0-9]{{2}}(?::?[0-9]{{2}}(?::?[0-9]{{2}})?)?)?)?",
    re.ASCII,
)
_CLOCK = re.compile(_TIME, re.ASCII)


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
    """An ISO 8601 instant with ``Z`` or an offset (``T`` or space), as aware UTC.

    This reads machine input (JSON, CSV, NDJSON), so a missing offset is an error rather
    than a guess about the zone.  Fractional seconds are truncated.
    """
    key = text.strip()
    match = _ISO.fullmatch(key.lower()) if len(key) <= _MAX_INPUT else None
    if match is None or match["hour"] is None:
        raise ParseError(f"{key!r} is not an ISO 8601 instant; use e.g. 2026-11-27T14:00:00Z")
    return _iso_instant(match, key, None)


# --------------------------------------------------------------------------- WHEN

_DAY_WORDS = {"today": 0, "yesterday": 1}
_WEEKDAY_WORDS = {name: i for i, day in enumerate(WEEKDAYS) for name in (day, day[:3])}
_WORD_FORM = re.compile(r"(?P<word>[a-z]+)(?:\s+(?P<clock>\S+))?", re.ASCII)
_AGO_FORM = re.compile(r"(?P<duration>.+?)\s*ago", re.ASCII)


def parse_when(text: str, *, tz: str, now: dt.datetime, end_of_day: bool = False) -> dt.datetime:
    """The instant a WHEN names, as aware UTC truncated to whole seconds.

    Instants from the year 1000 to 9998 are accepted (`domain.FIRST_EPOCH`), so no
    later step can overflow.

    Accepted (case-insensitive; times without an offset are local to ``tz``):

    - ISO 8601: ``2026-11-27T14:00``, ``2026-11-27 14:00[:SS]``, optionally with ``Z``
      or an offset such as ``+01:00`` (which wins over ``tz``);
    - a date alone, ``2026-11-27``: the start of that local day, or with
      ``end_of_day=True`` (``--to``) the start of the next day, so the day is included;
    - ``HH:MM[:SS]``, ``today HH:MM``, ``yesterday HH:MM``; ``today``/``yesterday``
      alone behave like a date;
    - a weekday, full or three letters (``mon 09:00``, ``monday``): the most recent
      such day whose given time is not in the future.  So on a Monday at 14:05,
      ``mon 09:00`` is today and ``mon 15:00`` is a week ago; ``mon`` alone is today's
      midnight (or, with ``end_of_day``, tonight's).  "Past" includes "now", because
      logging "since mon 09:00" at 09:00 sharp must not jump back a week;
    - ``now``; relative times ``-90m``, ``-1:30``, ``2h ago``, ``90 minutes ago``
      (any DURATION, at most ten years back).

    A local time in a spring-forward gap is a ParseError; in a fall-back overlap it is
    the first (earlier) occurrence unless an offset is given.
    """
    try:
        instant = _parse_when(text, tz=tz, now=now, end_of_day=end_of_day)
    except OverflowError:
        instant = None
    if instant is None or not FIRST_INSTANT <= instant <= LAST_INSTANT:
        raise ParseError(f"{' '.join(text.split())!r} is out of range; {YEAR_RANGE}")
    return instant


def _parse_when(text: str, *, tz: str, now: dt.datetime, end_of_day: bool) -> dt.datetime:
    zone = _zone(tz)
    current = _as_utc(now)
    raw = " ".join(text.split())
    key = raw.lower()
    if not key or len(key) > _MAX_INPUT:
        raise ParseError(f"{raw!r} is not a time; {WHEN_EXAMPLES}")
    if key == "now":
        return current
    if key.startswith("-") or _AGO_FORM.fullmatch(key):
        return current - dt.timedelta(seconds=_relative_seconds(raw))
    iso = _ISO.fullmatch(key)
    if iso is not None:
        if iso["hour"] is None:
            return _day_instant(_date(iso, raw), zone, end_of_day)
        return _iso_instant(iso, raw, zone)
    if _CLOCK.fullmatch(key):
        return _named_day(raw, f"today {key}", zone, current, end_of_day)
    return _named_day(raw, key, zone, current, end_of_day)


def _relative_seconds(raw: str) -> int:
    """Seconds back for ``-DURATION`` or ``DURATION ago``; ParseError with a hint."""
    key = raw.lower()
    leading = key.startswith("-")
    ago = _AGO_FORM.fullmatch(key)
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
        return start_of_day(day, zone.key)
    except OverflowError:
        raise ParseError(f"'{day}' is out of range; {WHEN_EXAMPLES}") from None


def _named_day(
    raw: str, key: str, zone: ZoneInfo, current: dt.datetime, end_of_day: bool
) -> dt.datetime:
    """``today``/``yesterday``/weekday, optionally followed by a time of day."""
    match = _WORD_FORM.fullmatch(key)
    word = match["word"] if match else ""
    if word not in _DAY_WORDS and word not in _WEEKDAY_WORDS:
        raise ParseError(f"{raw!r} is not a time; {WHEN_EXAMPLES}")
    clock = _CLOCK.fullmatch(match["clock"]) if match and match["clock"] else None
    if match and match["clock"] and clock is None:
        raise ParseError(f"{raw!r} has no valid time of day; use e.g. {word} 09:30")
    today = current.astimezone(zone).date()
    if word in _DAY_WORDS:
        day = today - dt.timedelta(days=_DAY_WORDS[word])
    else:
        day = today - dt.timedelta(days=(today.weekday() - _WEEKDAY_WORDS[word]) % 7)
    if clock is None:
        return _day_instant(day, zone, end_of_day)
    at = _time(clock, raw)
    if word in _WEEKDAY_WORDS and _is_future(dt.datetime.combine(day, at), zone, current):
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
