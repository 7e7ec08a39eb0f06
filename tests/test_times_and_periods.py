"""Times and periods as people mean them (issue #12): one WHEN grammar for the command
line and every import file, no future or implausibly long entries, any period by name.

The grammar table runs twice: through `timeparse.parse_when` and through the CSV
importer, so the two cannot drift apart again.  Refusals run through the real CLI on
both backends.
"""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from smbalance.exchange.readers import read_stream
from smbalance.periods import choose_period, last_week, parse_period_label, week_label, week_of
from smbalance.timeparse import (
    ParseError,
    format_instant,
    iso_z,
    parse_when,
    to_epoch,
)

UTC = dt.UTC
LONDON = "Europe/London"
NEW_YORK = "America/New_York"
H = 3600


def utc(*args: int) -> dt.datetime:
    return dt.datetime(*args, tzinfo=UTC)


FRIDAY = utc(2026, 11, 27, 14, 5)  # the suite's now: Friday 14:05, GMT
MONDAY_0030 = utc(2026, 11, 30, 0, 30)  # just after midnight on a Monday
LEAP_DAY = utc(2028, 2, 29, 10)  # Tuesday 29 February 2028
AFTER_LEAP_DAY = utc(2028, 3, 1, 8)
LONDON_SPRING = utc(2026, 3, 29, 12)  # 01:00 GMT → 02:00 BST that morning
LONDON_FALL = utc(2026, 10, 25, 12)  # 02:00 BST → 01:00 GMT that morning
NY_SPRING = utc(2026, 3, 8, 17)  # 02:00 EST → 03:00 EDT
NY_FALL = utc(2026, 11, 1, 17)  # 02:00 EDT → 01:00 EST

# (WHEN, zone, now, the instant it names)
VALID = [
    # ISO 8601, extended and basic, with and without offsets
    ("2026-11-27T14:00", LONDON, FRIDAY, utc(2026, 11, 27, 14)),
    ("2026-11-27 14:00", LONDON, FRIDAY, utc(2026, 11, 27, 14)),
    ("2026-11-27 9:30", LONDON, FRIDAY, utc(2026, 11, 27, 9, 30)),
    ("2026-11-27T14:00:00Z", LONDON, FRIDAY, utc(2026, 11, 27, 14)),
    ("2026-11-27T14:00:00+01:00", LONDON, FRIDAY, utc(2026, 11, 27, 13)),
    ("2026-11-27 14:00-05:00", LONDON, FRIDAY, utc(2026, 11, 27, 19)),
    ("20261127T140000Z", LONDON, FRIDAY, utc(2026, 11, 27, 14)),
    ("20261127T1400", NEW_YORK, FRIDAY, utc(2026, 11, 27, 19)),
    ("20261127T140000+0100", LONDON, FRIDAY, utc(2026, 11, 27, 13)),
    # a date alone is local midnight
    ("2026-11-27", LONDON, FRIDAY, utc(2026, 11, 27)),
    ("2026-11-27", NEW_YORK, FRIDAY, utc(2026, 11, 27, 5)),
    # clock times: the latest occurrence at or before now
    ("14:00", LONDON, FRIDAY, utc(2026, 11, 27, 14)),
    ("9:30", LONDON, FRIDAY, utc(2026, 11, 27, 9, 30)),
    ("9am", LONDON, FRIDAY, utc(2026, 11, 27, 9)),
    ("9AM", LONDON, FRIDAY, utc(2026, 11, 27, 9)),
    ("12am", LONDON, FRIDAY, utc(2026, 11, 27)),
    ("12pm", LONDON, FRIDAY, utc(2026, 11, 27, 12)),
    ("1:15pm", LONDON, FRIDAY, utc(2026, 11, 27, 13, 15)),
    ("14:05", LONDON, FRIDAY, FRIDAY),  # now itself is not the future
    ("14:06", LONDON, FRIDAY, utc(2026, 11, 26, 14, 6)),  # a minute ahead: yesterday's
    ("2:30pm", LONDON, FRIDAY, utc(2026, 11, 26, 14, 30)),
    # today / yesterday
    ("today 15:00", LONDON, FRIDAY, utc(2026, 11, 27, 15)),  # always today
    ("today 9am", LONDON, FRIDAY, utc(2026, 11, 27, 9)),
    ("yesterday 9am", LONDON, FRIDAY, utc(2026, 11, 26, 9)),
    ("yesterday 23:30", LONDON, FRIDAY, utc(2026, 11, 26, 23, 30)),
    # weekdays
    ("mon 09:00", LONDON, FRIDAY, utc(2026, 11, 23, 9)),
    ("fri 9am", LONDON, FRIDAY, utc(2026, 11, 27, 9)),
    ("fri 15:00", LONDON, FRIDAY, utc(2026, 11, 20, 15)),
    ("last mon 09:00", LONDON, FRIDAY, utc(2026, 11, 23, 9)),
    ("last fri 09:00", LONDON, FRIDAY, utc(2026, 11, 20, 9)),  # today is not "last"
    ("last friday", LONDON, FRIDAY, utc(2026, 11, 20)),
    ("last sun 2pm", LONDON, FRIDAY, utc(2026, 11, 22, 14)),
    # now and relative
    ("now", LONDON, FRIDAY, FRIDAY),
    ("-90m", LONDON, FRIDAY, utc(2026, 11, 27, 12, 35)),
    ("2h ago", LONDON, FRIDAY, utc(2026, 11, 27, 12, 5)),
    # the midnight edge of bare clock times
    ("23:50", LONDON, MONDAY_0030, utc(2026, 11, 29, 23, 50)),  # last night
    ("11:50pm", LONDON, MONDAY_0030, utc(2026, 11, 29, 23, 50)),
    ("00:15", LONDON, MONDAY_0030, utc(2026, 11, 30, 0, 15)),
    ("today 23:50", LONDON, MONDAY_0030, utc(2026, 11, 30, 23, 50)),
    ("mon 09:00", LONDON, MONDAY_0030, utc(2026, 11, 23, 9)),
    ("last mon", LONDON, MONDAY_0030, utc(2026, 11, 23)),
    ("yesterday 23:50", LONDON, MONDAY_0030, utc(2026, 11, 29, 23, 50)),
    # leap day
    ("2028-02-29 09:00", LONDON, LEAP_DAY, utc(2028, 2, 29, 9)),
    ("20280229T090000Z", LONDON, LEAP_DAY, utc(2028, 2, 29, 9)),
    ("yesterday 9am", LONDON, LEAP_DAY, utc(2028, 2, 28, 9)),
    ("yesterday 23:00", LONDON, AFTER_LEAP_DAY, utc(2028, 2, 29, 23)),
    ("23:00", LONDON, AFTER_LEAP_DAY, utc(2028, 2, 29, 23)),
    # London, spring forward (01:00 → 02:00) and fall back (02:00 → 01:00)
    ("2026-03-29", LONDON, LONDON_SPRING, utc(2026, 3, 29)),
    ("2026-03-29 00:30", LONDON, LONDON_SPRING, utc(2026, 3, 29, 0, 30)),
    ("2026-03-29 02:30", LONDON, LONDON_SPRING, utc(2026, 3, 29, 1, 30)),
    ("3am", LONDON, LONDON_SPRING, utc(2026, 3, 29, 2)),
    ("2026-10-25 01:30", LONDON, LONDON_FALL, utc(2026, 10, 25, 0, 30)),  # first
    ("2026-10-25 01:30+00:00", LONDON, LONDON_FALL, utc(2026, 10, 25, 1, 30)),  # second
    ("1:30am", LONDON, LONDON_FALL, utc(2026, 10, 25, 0, 30)),
    ("2026-10-25 02:30", LONDON, LONDON_FALL, utc(2026, 10, 25, 2, 30)),
    # New York, spring forward (02:00 → 03:00) and fall back (02:00 → 01:00)
    ("2026-03-08 01:30", NEW_YORK, NY_SPRING, utc(2026, 3, 8, 6, 30)),
    ("2026-03-08 03:30", NEW_YORK, NY_SPRING, utc(2026, 3, 8, 7, 30)),
    ("9am", NEW_YORK, NY_SPRING, utc(2026, 3, 8, 13)),
    ("2026-11-01 00:30", NEW_YORK, NY_FALL, utc(2026, 11, 1, 4, 30)),
    ("2026-11-01 01:30", NEW_YORK, NY_FALL, utc(2026, 11, 1, 5, 30)),  # first (EDT)
    ("2026-11-01 01:30-05:00", NEW_YORK, NY_FALL, utc(2026, 11, 1, 6, 30)),  # second (EST)
    ("1:30am", NEW_YORK, NY_FALL, utc(2026, 11, 1, 5, 30)),
]

# (WHEN, zone, now, words of the error)
INVALID = [
    ("2026-03-29 01:30", LONDON, LONDON_SPRING, "does not exist in Europe/London"),
    ("01:30", LONDON, LONDON_SPRING, "does not exist"),  # today's, already past, skipped
    ("2026-03-08 02:30", NEW_YORK, NY_SPRING, "does not exist in America/New_York"),
    ("2:30am", NEW_YORK, NY_SPRING, "does not exist"),
    ("2027-02-29", LONDON, LEAP_DAY, "not a valid date"),
    ("20270229T090000Z", LONDON, LEAP_DAY, "not a valid date"),
    ("25:00", LONDON, FRIDAY, "not a valid time of day"),
    ("13pm", LONDON, FRIDAY, "not a valid time of day"),
    ("0am", LONDON, FRIDAY, "not a valid time of day"),
    ("9:75am", LONDON, FRIDAY, "not a valid time of day"),
    ("last today", LONDON, FRIDAY, "is not a time"),
    ("tomorrow 9am", LONDON, FRIDAY, "is not a time"),
    ("mon noon", LONDON, FRIDAY, "has no valid time of day"),
]


@pytest.mark.parametrize(("text", "tz", "now", "expected"), VALID)
def test_when_grammar(text: str, tz: str, now: dt.datetime, expected: dt.datetime) -> None:
    assert parse_when(text, tz=tz, now=now) == expected
    assert parse_when(text, tz=tz, now=to_epoch(now)) == expected  # epoch "now" too


@pytest.mark.parametrize(("text", "tz", "now", "message"), INVALID)
def test_when_grammar_refuses(text: str, tz: str, now: dt.datetime, message: str) -> None:
    with pytest.raises(ParseError, match=message):
        parse_when(text, tz=tz, now=now)


def _read_start(text: str, tz: str, now: dt.datetime):  # type: ignore[no-untyped-def]
    body = f"person,category,start,end\nann,sales,{text},2099-01-01T00:00:00Z\n"
    return read_stream(io.BytesIO(body.encode()), "csv", zone=tz, now=to_epoch(now))


@pytest.mark.parametrize(("text", "tz", "now", "expected"), VALID)
def test_the_csv_importer_reads_the_same_grammar(
    text: str, tz: str, now: dt.datetime, expected: dt.datetime
) -> None:
    result = _read_start(text, tz, now)
    assert not result.problems, result.problems.listing()
    assert [row.start for row in result.rows] == [to_epoch(expected)]


@pytest.mark.parametrize(("text", "tz", "now", "message"), INVALID)
def test_the_csv_importer_refuses_the_same_times(
    text: str, tz: str, now: dt.datetime, message: str
) -> None:
    result = _read_start(text, tz, now)
    assert result.problems.count == 1
    assert message in result.problems.listing()[0]
    assert result.problems.listing()[0].startswith("line 2: start: ")


INSTANTS = st.integers(min_value=to_epoch(utc(1000, 1, 2)), max_value=to_epoch(utc(9998, 12, 1)))


@settings(max_examples=300, deadline=None)
@given(INSTANTS, st.sampled_from([LONDON, NEW_YORK, "Australia/Lord_Howe", "UTC"]))
def test_a_formatted_instant_parses_back_to_itself(epoch: int, tz: str) -> None:
    assert to_epoch(parse_when(iso_z(epoch), tz=tz, now=FRIDAY)) == epoch
    assert to_epoch(parse_when(format_instant(epoch, tz), tz=tz, now=FRIDAY)) == epoch


# --------------------------------------------------------------------------- periods

# (label, zone, start, end), bounds computed by hand
LABELS = [
    ("2026-W47", LONDON, utc(2026, 11, 16), utc(2026, 11, 23)),
    ("2026-w48", LONDON, utc(2026, 11, 23), utc(2026, 11, 30)),
    ("2026-W13", LONDON, utc(2026, 3, 23), utc(2026, 3, 29, 23)),  # 167 h: spring forward
    ("2026-W43", LONDON, utc(2026, 10, 18, 23), utc(2026, 10, 26)),  # 169 h: fall back
    ("2026-W53", LONDON, utc(2026, 12, 28), utc(2027, 1, 4)),  # 2026 has 53 ISO weeks
    ("2025-W01", NEW_YORK, utc(2024, 12, 30, 5), utc(2025, 1, 6, 5)),  # starts in 2024
    ("2026-11", LONDON, utc(2026, 11, 1), utc(2026, 12, 1)),
    ("2026-10", LONDON, utc(2026, 9, 30, 23), utc(2026, 11, 1)),  # 745 h
    ("2026-03", NEW_YORK, utc(2026, 3, 1, 5), utc(2026, 4, 1, 4)),  # 743 h
    ("2026-Q4", LONDON, utc(2026, 9, 30, 23), utc(2027, 1, 1)),  # across fall back
    ("2026-q1", LONDON, utc(2026, 1, 1), utc(2026, 3, 31, 23)),  # across spring forward
    ("2026-Q4", NEW_YORK, utc(2026, 10, 1, 4), utc(2027, 1, 1, 5)),
    ("2026", LONDON, utc(2026, 1, 1), utc(2027, 1, 1)),
    ("2026", NEW_YORK, utc(2026, 1, 1, 5), utc(2027, 1, 1, 5)),
    ("2026-11-27", LONDON, utc(2026, 11, 27), utc(2026, 11, 28)),
    ("2026-03-29", LONDON, utc(2026, 3, 29), utc(2026, 3, 29, 23)),  # a 23-hour day
    ("2026-11-01", NEW_YORK, utc(2026, 11, 1, 4), utc(2026, 11, 2, 5)),  # a 25-hour day
    ("2028-02-29", LONDON, utc(2028, 2, 29), utc(2028, 3, 1)),
]


@pytest.mark.parametrize(("label", "tz", "start", "end"), LABELS)
def test_period_labels(label: str, tz: str, start: dt.datetime, end: dt.datetime) -> None:
    period = parse_period_label(label, tz)
    assert (period.start, period.end) == (start, end)
    assert (period.start_utc, period.end_utc) == (to_epoch(start), to_epoch(end))


@pytest.mark.parametrize(
    "label", ["2025-W53", "2026-W00", "2026-W54", "2026-Q5", "2026-13", "2027-02-29", "26-11", "x"]
)
def test_labels_that_name_no_period(label: str) -> None:
    with pytest.raises(ParseError):
        parse_period_label(label, LONDON)


# (choice, week_start, start, end, how a warning says it); now is FRIDAY, in London
CHOICES = [
    ("week", 0, utc(2026, 11, 23), utc(2026, 11, 30), "this week"),
    ("week", 6, utc(2026, 11, 22), utc(2026, 11, 29), "this week"),  # Sunday-start
    ("last_week", 0, utc(2026, 11, 16), utc(2026, 11, 23), "last week"),
    ("last_week", 6, utc(2026, 11, 15), utc(2026, 11, 22), "last week"),
    ("month", 0, utc(2026, 11, 1), utc(2026, 12, 1), "this month"),
    ("last_month", 0, utc(2026, 9, 30, 23), utc(2026, 11, 1), "last month"),
    ("quarter", 0, utc(2026, 9, 30, 23), utc(2027, 1, 1), "this quarter"),
    ("last_quarter", 0, utc(2026, 6, 30, 23), utc(2026, 9, 30, 23), "last quarter"),
    ("year", 0, utc(2026, 1, 1), utc(2027, 1, 1), "this year"),
    ("last_year", 0, utc(2025, 1, 1), utc(2026, 1, 1), "last year"),
]


@pytest.mark.parametrize(("choice", "week_start", "start", "end", "said"), CHOICES)
def test_period_choices(
    choice: str, week_start: int, start: dt.datetime, end: dt.datetime, said: str
) -> None:
    period, words = choose_period(choice, now=to_epoch(FRIDAY), tz=LONDON, week_start=week_start)
    assert (period.start, period.end, words) == (start, end, said)


def test_week_labels_follow_week_start() -> None:
    """ISO weeks when weeks start on Monday; else the date of the week's first day, so
    the Sunday-start week of 2026-11-22 is not called 2026-W48."""
    assert week_label(week_of(FRIDAY, LONDON, 0), 0) == "2026-W48"
    assert week_label(week_of(FRIDAY, LONDON, 6), 6) == "2026-11-22"
    assert week_label(last_week(FRIDAY, LONDON, 6), 6) == "2026-11-15"


def test_a_range_given_one_bound() -> None:
    now = to_epoch(FRIDAY)
    span = (to_epoch(utc(2026, 1, 5, 9)), to_epoch(utc(2026, 11, 27, 10)))
    to_only, _ = choose_period("range", now=now, tz=LONDON, end=now, time_span=lambda: span)
    assert (to_only.start_utc, to_only.end_utc) == (span[0], now)
    from_only, _ = choose_period("range", now=now, tz=LONDON, start=span[0])
    assert from_only.end == utc(2026, 11, 28)  # to the end of today
    with pytest.raises(ValueError, match="--to must be after --from"):
        choose_period("range", now=now, tz=LONDON, start=now, end=now - 1)


# --------------------------------------------------------------------------- the CLI


def error_line(result, code: int) -> str:  # type: ignore[no-untyped-def]
    """The one `Error:` line of a failed command with this exit code, no traceback."""
    assert result.exit_code == code, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1 and "Traceback" not in result.output, result.stderr
    return lines[0]


def count_entries(cli) -> int:  # type: ignore[no-untyped-def]
    return len(json.loads(cli("entries", "--all", "--format", "json").stdout))


SPENT = "log records time already spent; for time you are spending now, use `smbalance start`"


def test_future_instants_are_refused(cli) -> None:  # type: ignore[no-untyped-def]
    """Exit 2 when the command line alone shows it, 1 when the store's data does."""
    cli.people("bob")
    assert SPENT in error_line(cli("log", "sales", "30m", "--start", "today 15:00"), 2)
    assert "future" in error_line(
        cli("log", "sales", "--start", "today 15:00", "--end", "today 16:00"), 2
    )
    assert "future" in error_line(cli("start", "sales", "--at", "today 14:07"), 2)
    assert cli("log", "sales", "1h", "--end", "today 14:06").exit_code == 0  # within a minute
    assert cli("start", "marketing", "--at", "13:30", "--who", "bob").exit_code == 0
    assert "future" in error_line(cli("stop", "--at", "today 18:00", "--who", "bob"), 2)
    assert cli("stop", "--who", "bob").exit_code == 0
    entry = cli("log", "sales", "1h", "--start", "9am", "-q").stdout.strip()
    assert "future" in error_line(cli("edit", entry, "--end", "today 16:00"), 2)
    assert "future" in error_line(cli("edit", entry, "--duration", "6h"), 1)  # 9:00 + 6h
    assert count_entries(cli) == 3


def test_implausibly_long_entries_need_long(cli) -> None:  # type: ignore[no-untyped-def]
    line = error_line(cli("log", "marketing", "25h"), 2)
    assert "25h is longer than max_entry_hours (12h)" in line and "--long" in line
    assert "longer than max_entry_hours" in error_line(
        cli("log", "sales", "--start", "2026-11-20 09:00"), 2
    )
    assert cli("log", "sales", "13h", "--start", "2026-11-20 09:00", "--long").exit_code == 0
    entry = cli("log", "sales", "1h", "--start", "yesterday 9am", "-q").stdout.strip()
    assert "longer than" in error_line(cli("edit", entry, "--duration", "14h"), 2)
    assert "longer than" in error_line(cli("edit", entry, "--start", "mon 9am"), 1)
    assert cli("edit", entry, "--start", "mon 9am", "--long").exit_code == 0
    assert cli("config", "set", "max_entry_hours", "30").exit_code == 0
    assert cli("log", "marketing", "25h").exit_code == 0


def test_a_forgotten_timer_is_not_saved_silently(cli) -> None:  # type: ignore[no-untyped-def]
    assert cli("start", "sales", "--at", "yesterday 9am").exit_code == 0
    line = error_line(cli("stop"), 1)
    assert "sales timer ran 29h05m (since 2026-11-26 09:00)" in line
    for way_out in ("stop --at WHEN", "stop --long", "cancel"):
        assert way_out in line
    assert cli("stop", "--at", "yesterday 17:30").stdout.startswith("Saved 8h30m of sales")


def test_a_duration_only_log_never_lands_days_back(cli) -> None:  # type: ignore[no-untyped-def]
    cli.people("carol")
    assert cli("log", "sales", "10h", "--who", "carol").exit_code == 0  # 04:05 – 14:05
    line = error_line(cli("log", "sales", "3h", "--who", "carol"), 1)
    assert "more than 12h ago" in line and "--start" in line
    assert cli("log", "sales", "2h", "--who", "carol").exit_code == 0  # 02:05 – 04:05
    assert count_entries(cli) == 2


def test_import_lists_long_rows_unless_allowed(cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "long.csv"
    path.write_text(
        "person,category,start,end\n"
        "ann,sales,2026-11-20 09:00,2026-11-20 10:00\n"
        "ann,sales,2026-11-21 09:00,2026-11-22T10:00:00Z\n"
    )
    result = cli("import", str(path))
    assert "has 1 problem" in error_line(result, 1)  # the problems follow, one a line
    assert "line 3: 25h is longer than max_entry_hours (12h)" in result.stderr
    assert "--allow-long" in result.stderr
    assert count_entries(cli) == 0
    assert cli("import", str(path), "--allow-long").exit_code == 0
    assert count_entries(cli) == 2


def test_every_listing_takes_the_same_period_options(cli) -> None:  # type: ignore[no-untyped-def]
    cli("log", "sales", "1h", "--start", "2026-09-30 22:00")  # Q3 in London (BST)
    cli("log", "marketing", "1h", "--start", "2026-10-01 09:00")  # Q4
    report = json.loads(cli("report", "--period", "2026-Q4", "--format", "json").stdout)
    assert report["period"]["start"] == "2026-09-30T23:00:00Z"
    assert report["team"]["marketing_seconds"] == H and report["team"]["sales_seconds"] == 0
    quarter = json.loads(cli("entries", "--quarter", "--format", "json").stdout)
    assert [e["category"] for e in quarter] == ["marketing"]
    exported = cli("export", "--last-quarter", "--format", "ndjson").stdout.splitlines()
    assert [json.loads(line)["category"] for line in exported] == ["sales"]
    assert len(cli("export").stdout.splitlines()) == 3  # --all: header and both
    assert "choose one period" in error_line(cli("entries", "--month", "--period", "2026"), 2)
    assert "is not a period" in error_line(cli("report", "--period", "Q4"), 2)
