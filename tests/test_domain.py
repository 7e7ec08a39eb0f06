"""The domain vocabulary's small helpers."""

from __future__ import annotations

import pytest

from smbalance.domain import plural


@pytest.mark.parametrize(
    ("n", "word", "plural_word", "expected"),
    [
        (1, "entry", None, "1 entry"),
        (0, "entry", None, "0 entries"),
        (2, "entry", None, "2 entries"),
        (1, "problem", None, "1 problem"),
        (3, "problem", None, "3 problems"),
        (2, "day", None, "2 days"),  # a vowel before the y: no -ies
        (2, "match", None, "2 matches"),
        (2, "box", None, "2 boxes"),
        (1, "person", "people", "1 person"),
        (5, "person", "people", "5 people"),
        (-1, "hour", None, "-1 hours"),
    ],
)
def test_plural(n: int, word: str, plural_word: str | None, expected: str) -> None:
    assert plural(n, word, plural_word) == expected
