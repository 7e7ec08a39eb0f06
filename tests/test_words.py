"""Every message speaks the CLI's language: counted words through one plural helper, ids
and categories judged in our words (not pydantic's), a swapped `log 1h sales` and
another tool's option names answered with ours, help that shows what a person types,
and `mktg`/`mkt` accepted for marketing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from smbalance.domain import parse_category, parse_entry_id, plural

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    ("n", "word", "expected", "bare"),
    [
        (1, "entry", "1 entry", "entry"),
        (2, "entry", "2 entries", "entries"),
        (0, "problem", "0 problems", "problems"),
        (1, "it", "1 it", "it"),
    ],
)
def test_plural(n: int, word: str, expected: str, bare: str) -> None:
    assert plural(n, word) == expected
    assert plural(n, word, "them" if word == "it" else None, count=False) == (
        "them" if word == "it" and n != 1 else bare
    )


@pytest.mark.parametrize("text", ["mktg", "MKT", " Mktg ", "marketing", "m", "Market"])
def test_mktg_and_mkt_mean_marketing(text: str) -> None:
    assert parse_category(text) == "marketing"


@pytest.mark.parametrize("text", ["abc", "0", "-3", "1.5", "١٢"])
def test_an_entry_id_is_a_whole_number(text: str) -> None:
    with pytest.raises(ValueError, match="is not an entry id; use the number"):
        parse_entry_id(text)


def test_log_mktg_records_marketing(cli) -> None:  # type: ignore[no-untyped-def]
    result = cli("log", "mktg", "1h", "-q")
    assert result.exit_code == 0, result.stderr
    assert "marketing" in cli("entries").stdout
    assert cli("entries", "--category", "mkt", "--format", "csv").stdout.count("marketing") == 1


def error_line(result) -> str:  # type: ignore[no-untyped-def]
    lines = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(lines) == 1, result.stderr
    return lines[0]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (["rm", "abc"], "'abc' is not an entry id; use the number `smbalance entries` shows"),
        (["edit", "x", "--note", "n"], "'x' is not an entry id"),
        (["log", "1h", "sales"], "'1h' is a duration, not a category; the category comes first"),
        (["log", "sales", "1h", "--person", "bob"], "No such option: --person; use --who NAME"),
        (["entries", "--user", "bob"], "No such option: --user; use --who NAME"),
        (["entries", "--limit", "abc"], "'abc' is not a whole number; use e.g. 10"),
        (["entries", "--limit", "0"], "must be 1 or more, not 0"),
        (["report", "--trend-weeks", "999"], "must be from 0 to 520, not 999"),
    ],
)
def test_usage_errors_speak_the_clis_language(sqlite_cli, args: list[str], says: str) -> None:  # type: ignore[no-untyped-def]
    result = sqlite_cli(*args)
    assert result.exit_code == 2
    line = error_line(result)
    assert says in line, line
    assert "Input should be" not in result.stderr and "Possible options" not in result.stderr


def test_rm_counts_in_words(cli) -> None:  # type: ignore[no-untyped-def]
    for _ in range(3):
        assert cli("log", "sales", "30m", "-q").exit_code == 0
    one = cli("rm", "1", "--yes")
    assert one.stdout == "Deleted entry 1 (`smbalance undo` brings it back).\n"
    two = cli("rm", "2", "3", "--yes")
    assert two.stdout == "Deleted entries 2, 3 (`smbalance undo` brings them back).\n"


def test_help_shows_what_a_person_types() -> None:
    """docs/cli-reference.md is every command's --help (tests/test_docs.py keeps it so)."""
    reference = (ROOT / "docs" / "cli-reference.md").read_text(encoding="utf-8")
    for python_word in ("<str>", "<int>", "<list[", "{ID...}", "...}..."):
        assert python_word not in reference, python_word
    assert re.search(r"Usage: smbalance rm \[OPTIONS\] \{ID\}\.\.\.", reference)
