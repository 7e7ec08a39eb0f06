"""Stored text is data, never markup or terminal control (issue #14, items 1 and 2).

Notes, tags, names and roles are typed by people (or written into a shared store by a
teammate with plain SQL); whatever they hold must come out as the same text: never read
as Rich markup (a `MarkupError`, a live hyperlink, hidden text), never as a terminal
control sequence, and never as script in a saved HTML report.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from smbalance.visible import visible

ESC = "\x1b"
HOSTILE_NOTES = {
    "unbalanced markup": "[/] x",
    "a hyperlink": "[link=https://evil.example/login]Reset your password[/link]",
    "concealed text": "[conceal]hidden[/conceal] shown",
    "a title change": f"{ESC}]0;pwned\x07 title",
    "a screen clear": f"{ESC}[2J{ESC}[31mred",
    "a carriage return": "real\rfake",
    "a C1 CSI": "c1\x9b31m",
    "a bidi override": "abc\u202edcba",
}


def sql(db: str, statement: str, **params: object) -> None:
    """A hand edit, as a teammate with psql or sqlite3 would make it."""
    url = db if "://" in db else f"sqlite:///{db}"
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            conn.execute(text(statement), params)
    finally:
        engine.dispose()


def assert_clean(output: str) -> None:
    """No control character but the line breaks of the layout, no Rich failure."""
    assert "This is a bug" not in output
    assert "MarkupError" not in output
    bad = [c for c in output if (ord(c) < 0x20 and c not in "\n") or 0x7F <= ord(c) < 0xA0]
    assert not bad, [hex(ord(c)) for c in bad]
    assert "\u202e" not in output


# ---- the helper -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain text, café ✓", "plain text, café ✓"),
        (f"{ESC}[31mred", "\\x1b[31mred"),
        ("a\rb\x07c\x00d\x7fe", "a\\rb\\x07c\\x00d\\x7fe"),
        ("c1\x9b31m", "c1\\x9b31m"),
        ("one\ntwo\tthree", "one\\ntwo\\tthree"),
        ("abc\u202edcba\u2028x", "abc\\u202edcba\\u2028x"),
        (
            "[/] [bold]markup is not escaped here[/bold]",
            "[/] [bold]markup is not escaped here[/bold]",
        ),
    ],
)
def test_visible_shows_every_control_character_as_an_escape(raw: str, shown: str) -> None:
    assert visible(raw) == shown


def test_visible_keeps_line_breaks_and_tabs_only_when_asked() -> None:
    assert visible("a\nb\tc\rd", newlines=True) == "a\nb\\tc\\rd"
    assert visible("a\nb\tc", tabs=True) == "a\\nb\tc"


# ---- through the CLI, on both backends ---------------------------------------------------


def test_hostile_notes_are_shown_as_text_in_status_and_entries(cli) -> None:  # type: ignore[no-untyped-def]
    cli.people("alice", "bob")
    for hour, note in enumerate(HOSTILE_NOTES.values(), start=9):
        start = f"2026-11-26 {hour:02d}:00"
        end = f"2026-11-26 {hour:02d}:30"
        result = cli(
            "log", "sales", "--start", start, "--end", end, "--who", "alice", "--note", note
        )
        assert result.exit_code == 0, result.output
    note = HOSTILE_NOTES["unbalanced markup"]
    assert cli("start", "marketing", "--who", "bob", "--note", note).exit_code == 0
    status = cli("status")
    assert status.exit_code == 0, status.output
    assert_clean(status.stdout)
    assert "[/] x" in status.stdout

    listed = cli("entries", "--who", "alice")
    assert listed.exit_code == 0, listed.output
    assert_clean(listed.stdout)
    flat = "".join(listed.stdout.split())  # the note column may wrap
    for shown in (
        "[link=https://evil.example/login]Resetyourpassword[/link]",
        "[conceal]hidden[/conceal]shown",
        "\\x1b]0;pwned\\x07title",
        "\\x1b[2J\\x1b[31mred",
        "real\\rfake",
        "c1\\x9b31m",
        "abc\\u202edcba",
    ):
        assert shown in flat


def test_hand_written_names_roles_and_tags_are_text_everywhere(cli) -> None:  # type: ignore[no-untyped-def]
    """A teammate with SQL access writes markup and escapes into names, a role and tags."""
    cli.people("alice", "bob", "carol")
    assert cli("log sales 2h --who alice --tag q4").exit_code == 0
    assert cli("log marketing 1h --who bob --start 2026-11-26T09:00").exit_code == 0
    assert cli("start sales --who carol --at 2026-11-27T13:00").exit_code == 0
    sql(cli.db, "UPDATE person SET name = :n WHERE name = 'alice'", n="[/]al[link=x]")
    sql(cli.db, "UPDATE person SET name = :n WHERE name = 'carol'", n=f"c{ESC}[2Jc")
    sql(cli.db, "UPDATE person SET role = :r WHERE name = 'bob'", r="[bold]x")
    sql(cli.db, "UPDATE entry SET tags = :t", t=f"[red]t {ESC}]0;x")
    for args in (
        ["status"],
        ["entries"],
        ["people", "ls"],
        ["report"],
        ["report", "--format", "markdown"],
    ):
        result = cli(*args)
        assert result.exit_code == 0, (args, result.output)
        assert_clean(result.stdout)
    people = cli("people", "ls").stdout
    assert "[/]al[link=x]" in people and "[bold]x" in people and "c\\x1b[2Jc" in people
    report = cli("report").stdout
    assert "[/]al[link=x]" in report and "[bold]x" in report
    assert "\\x1b]0;x" in cli("entries").stdout
    check = cli("db", "check")
    assert check.exit_code == 1
    assert_clean(check.stdout)
    assert "'[/]al[link=x]' breaks the name rule" in check.stdout
    assert "person bob has an unknown role" in check.stdout


def test_an_error_line_never_carries_control_characters(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("import", f"missing{ESC}[2J\n.csv")
    assert result.exit_code == 1
    (line,) = result.stderr.splitlines()
    assert line.startswith("Error: ")
    assert_clean(result.stderr)


def test_the_installed_script_escapes_a_piped_note(tmp_path: Path) -> None:
    """Piped output (not a terminal) is escaped too: a log file or `less -R` obeys ESC."""
    script = shutil.which("smbalance", path=str(Path(sys.executable).parent)) or "smbalance"
    db = str(tmp_path / "s.db")

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [script, "--db", db, *args], capture_output=True, text=True, timeout=60, check=False
        )

    assert run("start", "sales", "--note", f"{ESC}]0;pwned\x07").returncode == 0
    status = run("status")
    assert status.returncode == 0, status.stderr
    assert_clean(status.stdout)
    assert "\\x1b]0;pwned\\x07" in status.stdout


# ---- the saved HTML report in a real browser --------------------------------------------


PAYLOADS = (
    '[link="><svg/onload=title=7>]b',
    "<img src=x onerror=\"document.title='xss'\">",
    "[link=javascript:document.title='js']x[/link]",
    "</pre><script>document.title='script'</script>",
)


def _browser() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome", "chrome"):
        found = shutil.which(name)
        if found:
            return found
    return None


def test_a_saved_html_report_runs_no_script_from_a_name(sqlite_cli, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    browser = _browser()
    if browser is None:
        if os.environ.get("CI") == "true":
            pytest.fail("CI must render saved HTML in headless Chromium; install `chromium`")
        pytest.skip("no chromium here (CI installs it: apt-get install -y chromium)")
    for index, payload in enumerate(PAYLOADS):
        name = f"p{index}"
        day = f"2026-11-2{3 + index}"
        sqlite_cli.people(name)
        logged = sqlite_cli("log", "sales", "1h", "--start", f"{day} 09:00", "--who", name)
        assert logged.exit_code == 0, logged.output
        sql(sqlite_cli.db, "UPDATE person SET name = :n WHERE name = :o", n=payload, o=name)
    page = tmp_path / "team.html"
    saved = sqlite_cli("report", "--save", str(page))
    assert saved.exit_code == 0, saved.output
    profile = tmp_path / "chromium-profile"
    shown = subprocess.run(
        [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-dev-shm-usage",
            f"--user-data-dir={profile}",
            "--virtual-time-budget=2000",
            "--dump-dom",
            page.as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    dom = shown.stdout
    assert "<html" in dom, (shown.returncode, shown.stderr[-2000:])
    for effect in ("<title>7</title>", "<title>xss</title>", "<title>js</title>"):
        assert effect not in dom
    assert "<title>script</title>" not in dom
    # Shown as text, not made into elements.
    for element in ("<svg/onload", "<img src=x", "<script>document"):
        assert element not in dom
    assert 'href="javascript:' not in dom
    assert "&lt;img src=x" in dom  # the name is there, as text


# ---- CSV for spreadsheets (#14.4) --------------------------------------------------------


FORMULA_NOTES = (
    '=HYPERLINK("http://evil.example/x","click")',
    "=cmd|' /C calc'!A0",
    "+1+1",
    "-2+3",
    "@SUM(1+1)",
    "\t=1+1",
    "\r=1+1",
    "plain, with a comma",
    "line one\nline two",
)


def test_export_spreadsheet_neutralises_formulas_and_plain_csv_stays_exact(  # type: ignore[no-untyped-def]
    cli, tmp_path: Path
) -> None:
    import csv
    import io

    cli.people("al")
    for hour, note in enumerate(FORMULA_NOTES, start=8):
        start, end = f"2026-11-25 {hour:02d}:00", f"2026-11-25 {hour:02d}:30"
        logged = cli(
            "log", "m", "-s", start, "-e", end, "--who", "al", "--note", note, "--tag", "-x"
        )
        assert logged.exit_code == 0, logged.output
    sheet, plain = tmp_path / "sheet.csv", tmp_path / "plain.csv"
    assert cli("export", "--spreadsheet", "-o", str(sheet)).exit_code == 0
    assert cli("export", "-o", str(plain)).exit_code == 0

    data = sheet.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # a UTF-8 BOM, so Excel reads UTF-8
    text_ = data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text_, newline="")))
    assert rows[0] == ["uid", "id", "person", "category", "start", "end", "seconds", "note", "tags"]
    notes = [row[7] for row in rows[1:]]
    assert notes == [note if note[0] not in "=+-@\t\r" else "'" + note for note in FORMULA_NOTES]
    assert {row[8] for row in rows[1:]} == {"'-x"}
    for row in rows[1:]:  # no cell at all starts like a formula
        assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in row), row
    # CRLF line ends: every \n outside a quoted cell follows a \r.
    outside = "".join(text_.split('"')[::2])
    assert outside.count("\n") == outside.count("\r\n") == len(rows)

    # Plain CSV: the exact notes, LF line ends, and an import round trip.
    raw = plain.read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf")
    exact = list(csv.reader(io.StringIO(raw.decode("utf-8"), newline="")))
    assert [row[7] for row in exact[1:]] == list(FORMULA_NOTES)
    assert cli("import", str(plain)).stdout.startswith("Imported 0 entries")


def test_spreadsheet_is_for_csv_only(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("export", "--spreadsheet", "--format", "json")
    assert result.exit_code == 2
    assert "--spreadsheet writes CSV" in result.stderr
