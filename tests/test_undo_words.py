"""`undo` says what undoing did, in words that describe the result (SPEC: "Restored
entries 13, 14", "alice's sales timer is running again", "Removed entry 12 (logged 1h of
sales for bob)"), on both backends."""

from __future__ import annotations


def ok(cli, *args: str) -> str:  # type: ignore[no-untyped-def]
    result = cli(*args)
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_undo_describes_what_it_restored(cli) -> None:  # type: ignore[no-untyped-def]
    ok(cli, "people", "add", "bob", "--role", "both")
    ok(cli, "log", "sales", "1h", "--who", "bob", "--start", "09:00", "-q")
    assert ok(cli, "undo") == "Removed entry 1 (logged 1h of sales for bob).\n"

    ok(cli, "log", "sales", "1h", "--who", "bob", "--start", "09:00", "-q")
    ok(cli, "log", "marketing", "30m", "--who", "bob", "--start", "10:00", "-q")
    ok(cli, "rm", "3", "2", "--yes")
    assert ok(cli, "undo") == "Restored entries 2, 3.\n"
    ok(cli, "rm", "3", "--yes")
    assert ok(cli, "undo") == "Restored entry 3.\n"

    ok(cli, "edit", "3", "--duration", "45m")
    assert ok(cli, "undo") == (
        "Entry 3 is back to 30m of marketing for bob, 2026-11-27 10:00 – 10:30.\n"
    )

    ok(cli, "start", "sales", "--who", "bob", "--at", "13:00")
    ok(cli, "stop", "--who", "bob")
    assert ok(cli, "undo") == (
        "bob's sales timer is running again (since 2026-11-27 13:00). "
        "Removed entry 4 (saved 1h05m of sales for bob).\n"
    )
    ok(cli, "cancel", "--who", "bob")
    assert ok(cli, "undo") == "bob's sales timer is running again (since 2026-11-27 13:00).\n"
    assert ok(cli, "undo") == "bob's sales timer (started 2026-11-27 13:00) is gone.\n"

    ok(cli, "people", "rename", "bob", "robert")
    assert ok(cli, "undo") == "Renamed robert back to bob.\n"
    ok(cli, "people", "set", "bob", "--commission", "60", "--target", "30")
    assert ok(cli, "undo") == (
        "bob is back to role both, commission 0%, target the policy floor.\n"
    )
    ok(cli, "people", "rm", "bob", "--force")
    assert ok(cli, "undo") == "Restored bob. Restored entries 2, 3.\n"
