"""The tracking commands end to end through the real CLI, on both backends."""

from __future__ import annotations

import csv
import io
import json

import pytest

from conftest import assert_error


def entries_json(cli, *args):
    result = cli("entries", "--format", "json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def spans(cli, *args):
    return [(e["person"], e["category"], e["start"], e["end"]) for e in entries_json(cli, *args)]


# ---- log --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "start", "end"),
    [
        (["sales", "90m"], "2026-11-27T12:35:00Z", "2026-11-27T14:05:00Z"),
        (["s", "1h30m", "--start", "09:00"], "2026-11-27T09:00:00Z", "2026-11-27T10:30:00Z"),
        (["SALES", "1:30", "--end", "12:00"], "2026-11-27T10:30:00Z", "2026-11-27T12:00:00Z"),
        (
            ["sal", "--start", "09:00", "--end", "10:15"],
            "2026-11-27T09:00:00Z",
            "2026-11-27T10:15:00Z",
        ),
        (["sales", "--start", "13:05"], "2026-11-27T13:05:00Z", "2026-11-27T14:05:00Z"),
        (
            ["sales", "--start", "yesterday 23:30", "--end", "00:30"],
            "2026-11-26T23:30:00Z",
            "2026-11-27T00:30:00Z",
        ),
        (["sales", "2h", "--start", "mon 09:00"], "2026-11-23T09:00:00Z", "2026-11-23T11:00:00Z"),
        (
            ["sales", "45m", "--start", "2026-11-27T09:00+02:00"],
            "2026-11-27T07:00:00Z",
            "2026-11-27T07:45:00Z",
        ),
        (
            ["sales", "1h", "--start", "2026-11-27 09:00", "--end", "2026-11-27 10:00"],
            "2026-11-27T09:00:00Z",
            "2026-11-27T10:00:00Z",
        ),
    ],
)
def test_log_any_two_of_duration_start_end(cli, args, start, end):
    cli.people("alice")
    result = cli("log", *args, "--who", "alice")
    assert result.exit_code == 0, result.output
    assert spans(cli) == [("alice", "sales", start, end)]


def test_log_prints_a_sentence_and_notices_go_to_stderr(cli):
    result = cli("log", "marketing", "45m", "--note", "newsletter")  # the login name: tester
    assert result.stdout.startswith("Logged 45m of marketing for tester")
    assert "(entry 1)" in result.stdout
    assert "Created person tester" in result.stderr
    second = cli("log", "marketing", "15m", "--who", "tester")
    assert "Created person" not in second.stderr  # said once


def test_log_quiet_prints_only_the_id(cli):
    cli.people("alice")
    result = cli("log", "sales", "1h", "-q", "--who", "alice")
    assert result.stdout == "1\n"
    again = cli("log", "sales", "1h", "-q", "--who", "alice")
    assert again.stdout == "2\n"
    assert "Placed before" in again.stderr  # where it went is a notice, not output


def test_log_stacks_backwards_and_says_so(cli):
    cli.people("alice")
    cli("log", "sales", "3h", "--who", "alice")
    result = cli("log", "marketing", "1h", "--who", "alice")
    assert result.exit_code == 0
    assert "Placed before" in result.stderr
    assert spans(cli) == [
        ("alice", "sales", "2026-11-27T11:05:00Z", "2026-11-27T14:05:00Z"),
        ("alice", "marketing", "2026-11-27T10:05:00Z", "2026-11-27T11:05:00Z"),
    ]


def test_log_note_and_tags(cli):
    cli.people("alice")
    cli("log", "m", "30m", "--who", "alice", "--note", 'a "quoted", note', "-t", "q4", "-t", "web")
    (entry,) = entries_json(cli)
    assert (entry["note"], entry["tags"]) == ('a "quoted", note', ["q4", "web"])


def test_who_defaults_to_config_then_login_name(cli, tmp_path):
    cli("log", "sales", "10m")
    assert spans(cli)[0][0] == "tester"
    assert cli("config", "set", "default_person", "Dana").exit_code == 0
    cli("log", "sales", "10m")
    assert {s[0] for s in spans(cli)} == {"tester", "dana"}


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (["sales", "90"], "did you mean 90m"),
        (["sales", "1h-30m"], "DURATION"),
        (["sales", "0m"], "DURATION"),
        (["shopping", "1h"], "CATEGORY"),
        (["sales", "1h", "--start", "2026-02-30 09:00"], "--start"),
        (["sales", "1h", "--start", "2026-03-29 01:30"], "does not exist"),
        (["sales", "1h", "--who", "Not A Name"], "--who"),
        (["sales", "1h", "--tag", "has space"], "--tag"),
        (["sales"], "give a DURATION"),
        (["sales", "--end", "10:00"], "DURATION"),
        (["sales", "--start", "10:00", "--end", "09:00"], "end must be after"),
        (["sales", "1h", "--start", "09:00", "--end", "11:00"], "disagree"),
    ],
)
def test_log_usage_errors_exit_2_and_write_nothing(cli, args, fragment):
    result = cli("log", *args)
    assert_error(result, 2, fragment)
    assert cli("people", "ls", "--format", "json").stdout.strip() in ("[]", "")


def test_log_overlap_is_exit_1_naming_the_entry(cli):
    cli.people("alice")
    cli("log", "sales", "--start", "09:00", "--end", "11:00", "--who", "alice")
    result = cli("log", "marketing", "--start", "10:00", "--end", "12:00", "--who", "alice")
    assert_error(result, 1, "overlap", "entry 1")
    assert len(entries_json(cli)) == 1


# ---- timers -----------------------------------------------------------------------------


def test_start_switch_stop_status(cli):
    cli.people("alice")
    assert cli("start", "sales", "--at", "12:05", "--who", "alice").exit_code == 0
    switch = cli("start", "marketing", "--at", "13:05", "--who", "alice", "--note", "blog")
    assert switch.exit_code == 0
    assert "Stopped alice's sales timer and saved 1h" in switch.stderr
    status = json.loads(cli("status", "--format", "json").stdout)
    assert status["timers"] == [
        {
            "person": "alice",
            "category": "marketing",
            "start": "2026-11-27T13:05:00Z",
            "seconds": 3600,
            "note": "blog",
            "tags": [],
            "forgotten": False,
        }
    ]
    assert status["today"]["people"] == [
        {
            "person": "alice",
            "sales_seconds": 3600,
            "marketing_seconds": 3600,
            "total_seconds": 7200,
            "marketing_share": 50.0,
        }
    ]
    stop = cli("stop", "--who", "alice")
    assert stop.exit_code == 0 and "Saved 1h of marketing" in stop.stdout
    assert [s[1] for s in spans(cli)] == ["marketing", "sales"]
    table = cli("status")
    assert "No timer is running" in table.stdout and "alice" in table.stdout


def test_timer_commands_within_one_second_all_succeed(cli):
    # Every command here runs at the same "now", as fast scripts do: a timer stopped
    # in its first second keeps that second, and the next start begins after it.
    cli.people("ann")
    for command in (
        ("start", "sales"),
        ("stop",),
        ("start", "sales"),
        ("start", "marketing"),  # a switch in the same second
        ("stop",),
        ("start", "s"),
    ):
        result = cli(*command, "--who", "ann")
        assert result.exit_code == 0, (command, result.stderr)
    assert cli("stop", "--who", "ann").exit_code == 0
    day = "2026-11-27T14:05"
    assert spans(cli) == [
        ("ann", "sales", f"{day}:03Z", f"{day}:04Z"),
        ("ann", "marketing", f"{day}:02Z", f"{day}:03Z"),
        ("ann", "sales", f"{day}:01Z", f"{day}:02Z"),
        ("ann", "sales", f"{day}:00Z", f"{day}:01Z"),
    ]
    logged = cli("log", "marketing", "1h", "--who", "ann")  # ends now, before them
    assert logged.exit_code == 0 and "13:05 – 14:05" in logged.stdout


def test_a_stop_at_the_start_itself_is_still_refused(cli):
    cli.people("ann")
    cli("start", "sales", "--at", "13:00", "--who", "ann")
    assert_error(cli("stop", "--at", "13:00", "--who", "ann"), 1, "after")
    assert_error(cli("start", "marketing", "--at", "13:00", "--who", "ann"), 1, "after")


def test_explicit_times_over_a_running_timer_are_refused_naming_it(cli):
    cli.people("alice")
    cli("start", "sales", "--at", "13:00", "--who", "alice")
    assert_error(
        cli("log", "marketing", "--start", "13:30", "--end", "13:45", "--who", "alice"),
        1,
        "would overlap alice's running timer (since 2026-11-27 13:00); stop or cancel",
    )


def test_stop_and_cancel_without_timer(cli):
    cli.people("alice")
    assert_error(cli("stop", "--who", "alice"), 1, "no running timer")
    assert_error(cli("cancel", "--who", "alice"), 1, "no running timer")


def test_stop_for_a_mistyped_name_suggests_the_right_one(cli):
    cli.people("alice")
    cli("start", "sales", "--at", "13:00", "--who", "alice")
    assert_error(cli("stop", "--who", "alcie"), 1, "did you mean alice")
    assert_error(cli("cancel", "--who", "alcie"), 1, "did you mean alice")


def test_cancel_discards_the_timer(cli):
    cli.people("alice")
    cli("start", "m", "--at", "-30m", "--who", "alice")
    result = cli("cancel", "--who", "alice")
    assert result.exit_code == 0 and "Cancelled alice's marketing timer" in result.stdout
    assert entries_json(cli) == []


def test_start_in_the_future_is_refused(cli):
    cli.people("alice")
    # From the command line alone: a usage error (a bare 23:00 would be last night)
    assert_error(cli("start", "sales", "--at", "today 23:00", "--who", "alice"), 2, "future")


def test_stop_at_before_start_is_refused(cli):
    cli.people("alice")
    cli("start", "sales", "--at", "13:00", "--who", "alice")
    assert_error(cli("stop", "--at", "12:00", "--who", "alice"), 1, "after")


# ---- entries ----------------------------------------------------------------------------


def test_entries_default_is_the_current_week_newest_first(cli):
    cli.people("alice", "bob")
    cli("log", "sales", "1h", "--start", "2026-11-22 10:00", "--who", "alice")  # last week
    cli("log", "sales", "1h", "--start", "2026-11-23 10:00", "--who", "alice")
    cli("log", "marketing", "1h", "--start", "2026-11-26 10:00", "--who", "bob")
    assert [s[2] for s in spans(cli)] == ["2026-11-26T10:00:00Z", "2026-11-23T10:00:00Z"]
    assert len(spans(cli, "--from", "2026-11-01", "--to", "2026-11-30")) == 3
    assert len(spans(cli, "--from", "2026-11-22", "--to", "2026-11-22")) == 1  # whole day
    assert [s[0] for s in spans(cli, "--who", "bob")] == ["bob"]
    assert [s[1] for s in spans(cli, "--category", "m")] == ["marketing"]
    assert len(spans(cli, "--from", "2026-11-01", "--limit", "1")) == 1


def test_entries_csv_follows_the_spec(cli):
    cli.people("alice")
    cli(
        "log",
        "sales",
        "1h",
        "--start",
        "09:00",
        "--who",
        "alice",
        "--note",
        'a, b\n"c"',
        "--tag",
        "x",
        "--tag",
        "y",
    )
    result = cli("entries", "--format", "csv")
    assert result.stdout.splitlines()[0] == "uid,id,person,category,start,end,seconds,note,tags"
    (row,) = list(csv.DictReader(io.StringIO(result.stdout)))
    assert (row["id"], row["start"], row["seconds"], row["note"], row["tags"]) == (
        "1",
        "2026-11-27T09:00:00Z",
        "3600",
        'a, b\n"c"',
        "x y",
    )
    assert "\r\n" not in result.stdout


def test_entries_table_and_errors(cli):
    cli.people("alice")
    cli("log", "sales", "1h", "--who", "alice")
    table = cli("entries")
    assert "alice" in table.stdout and "1 entry, 1h in all" in table.stdout
    assert_error(cli("entries", "--who", "alcie"), 1, "did you mean alice")
    assert_error(cli("entries", "--format", "xml"), 2, "format")
    assert_error(cli("entries", "--from", "2026-11-27", "--to", "2026-11-01"), 2, "--to")


# ---- edit, rm, undo ---------------------------------------------------------------------


def test_edit_changes_fields(cli):
    cli.people("alice")
    cli("log", "sales", "1h", "--start", "09:00", "--who", "alice", "--tag", "old")
    assert cli("edit", "1", "--category", "marketing", "--duration", "45m").exit_code == 0
    assert cli("edit", "1", "--note", "better", "--tag", "new").exit_code == 0
    (entry,) = entries_json(cli)
    assert (entry["category"], entry["end"], entry["note"], entry["tags"]) == (
        "marketing",
        "2026-11-27T09:45:00Z",
        "better",
        ["new"],
    )
    cli("edit", "1", "--start", "08:30")
    assert entries_json(cli)[0]["seconds"] == 75 * 60  # --start alone keeps the end
    assert_error(cli("edit", "1", "--who", "bob"), 1, "no person 'bob'", "people add bob")
    moved = cli("edit", "1", "--clear-tags", "--who", "tester")  # the default person
    assert "Created person tester" in moved.stderr  # created on first use, said once
    assert "Created person" not in cli("edit", "1", "--who", "tester").stderr
    (entry,) = entries_json(cli)
    assert (entry["tags"], entry["person"]) == ([], "tester")


def test_edit_errors(cli):
    cli.people("alice")
    assert_error(cli("edit", "7", "--note", "x"), 1, "no entry with id 7")
    cli("log", "sales", "1h", "--start", "09:00", "--who", "alice")
    cli("log", "sales", "1h", "--start", "11:00", "--who", "alice")
    assert_error(cli("edit", "1", "--duration", "3h"), 1, "overlap", "entry 2")
    assert_error(cli("edit", "1", "--duration", "1h", "--end", "10:00"), 2, "not both")
    assert_error(cli("edit", "x1"), 2)


def test_rm_and_undo(cli):
    cli.people("alice")
    cli("log", "sales", "1h", "--start", "09:00", "--who", "alice")
    cli("log", "sales", "1h", "--start", "11:00", "--who", "alice")
    before = entries_json(cli)
    assert_error(cli("rm", "1", "99", "--yes"), 1, "no entry with id 99")
    assert entries_json(cli) == before
    result = cli("rm", "1", "2", "--yes")
    assert result.exit_code == 0 and "Deleted entries 1, 2" in result.stdout
    assert entries_json(cli) == []
    undo = cli("undo")
    assert undo.exit_code == 0 and "Restored entries 1, 2" in undo.stdout
    assert entries_json(cli) == before  # same ids and uids


def test_edit_without_changes_is_a_usage_error_that_undo_never_sees(cli):
    cli.people("alice")
    cli("log", "sales", "1h", "--start", "09:00", "--who", "alice")
    assert_error(cli("edit", "1"), 2, "nothing to change")
    assert "Removed entry 1 (logged 1h of sales for alice)" in cli("undo").stdout


def test_ids_no_database_can_hold_are_unknown_ids(cli):
    cli.people("alice")
    cli("log", "sales", "1h", "--start", "09:00", "--who", "alice")
    huge = str(2**64)
    assert_error(cli("rm", "1", huge, "--yes"), 1, f"no entry with id {huge}")
    assert_error(cli("edit", huge, "--note", "x"), 1, f"no entry with id {huge}")
    assert len(entries_json(cli)) == 1


@pytest.mark.parametrize(
    "args",
    [
        ("87000h", "--start", "9998-01-01"),  # ends in 10007
        ("1h", "--end", "1000-01-01 00:30"),  # starts in 999
        ("--start", "0001-01-01 00:30", "--end", "0001-01-01 01:00"),
    ],
)
def test_entries_beyond_four_digit_years_are_usage_errors(cli, args):
    assert_error(cli("log", "sales", *args, "--who", "alice"), 2, "out of range")
    assert cli("people", "ls", "--format", "json").stdout.strip() == "[]"  # nothing written


def test_undo_reverts_log_and_says_what(cli):
    cli("log", "sales", "1h")
    result = cli("undo")
    assert "Removed entry 1 (logged 1h of sales for tester)" in result.stdout
    assert entries_json(cli) == []
    assert_error(cli("undo"), 1, "nothing to undo")


def test_rm_needs_an_id(cli):
    assert cli("rm").exit_code == 2
