"""Vocabulary of the domain: categories, roles, names, tags, and the typed values the
store returns.

This module is deliberately light (stdlib only): the CLI validates arguments with it
while parsing, before any database library is imported.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import NamedTuple

CATEGORIES = ("sales", "marketing")
ROLES = ("sales", "marketing", "both")

# The instants an entry may hold: the years 1000 to 9998 — four-digit years in ISO
# output, and a day's slack at both ends so no timezone can push one out of range.
FIRST_EPOCH = -30_610_224_000  # 1000-01-01T00:00:00Z
LAST_EPOCH = 253_370_764_800  # 9999-01-01T00:00:00Z
YEAR_RANGE = "use a time from the year 1000 to 9998"

# The longest note (or any other text field) smbalance takes, from `--note` or from any
# import file: a note is a sentence or a paragraph, and a cap keeps a hostile file from
# filling memory or every listing.
MAX_NOTE = 10_000

NAME_RE = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
TAG_RE = re.compile(r"[A-Za-z0-9_.:-]+")


def _by_prefix(text: str, choices: tuple[str, ...], what: str) -> str:
    """Match `text` to one of `choices`, case-insensitively, by exact value or unique prefix."""
    value = text.strip().lower()
    if value in choices:
        return value
    matches = [choice for choice in choices if value and choice.startswith(value)]
    if len(matches) == 1:
        return matches[0]
    raise ValueError(f"{text!r} is not a {what}; use one of: {', '.join(choices)}")


# Other words for a category: `mktg` is the report's own column header.
CATEGORY_ALIASES = {"mktg": "marketing", "mkt": "marketing"}


def parse_category(text: str) -> str:
    """`sales`/`marketing`, any case, a unique prefix (`s`, `m`), or an alias (`mktg`)."""
    alias = CATEGORY_ALIASES.get(text.strip().lower())
    return alias if alias is not None else _by_prefix(text, CATEGORIES, "category")


def parse_entry_id(text: str) -> int:
    """An entry's id: a whole number, as `smbalance entries` shows it."""
    value = text.strip()
    if not value.isdigit() or not value.isascii() or int(value) < 1:
        raise ValueError(
            f"{text!r} is not an entry id; use the number `smbalance entries` shows (e.g. 12)"
        )
    return int(value)


def parse_role(text: str) -> str:
    """`sales`, `marketing` or `both`, any case, or a unique prefix."""
    return _by_prefix(text, ROLES, "role")


def parse_name(text: str) -> str:
    """A person's handle, case-folded: `[a-z0-9][a-z0-9_-]{0,31}`."""
    name = text.strip().casefold()
    if not NAME_RE.fullmatch(name):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise ValueError(
            f"{shown!r} is not a valid name; use 1-32 lower-case letters, digits, '_' or '-', "
            "starting with a letter or digit (e.g. alice, bob-2)"
        )
    return name


LOGIN_RE = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.@-]{0,62}")
GROUP_PREFIX_RE = re.compile(r"[a-z_][a-z0-9_]{0,50}")


def parse_login(text: str) -> str:
    """A PostgreSQL login role name as the user typed it (case kept: it is what they
    connect as): letters, digits, '_', '.', '@' and '-', at most 63 characters."""
    if not LOGIN_RE.fullmatch(text) or text.lower().startswith("pg_"):
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise ValueError(
            f"{shown!r} is not a login role name smbalance accepts; use up to 63 letters, "
            "digits, '_', '.', '@' or '-', not starting with 'pg_' (e.g. alice)"
        )
    return text


def parse_group_prefix(text: str) -> str:
    """What a team's group roles are named after: PREFIX_owner and PREFIX_member."""
    if not GROUP_PREFIX_RE.fullmatch(text) or text.startswith("pg_"):
        raise ValueError(
            f"{text[:40]!r} is not a group role prefix; use lower-case letters, digits and "
            "'_', starting with a letter (e.g. smbalance, sales_team)"
        )
    return text


def check_note(text: str, what: str = "the note") -> str:
    """`text` if it is at most `MAX_NOTE` characters long, else ValueError."""
    if len(text) > MAX_NOTE:
        raise ValueError(f"{what} is {len(text):,} characters; keep it under {MAX_NOTE:,}")
    return text


def parse_tag(text: str) -> str:
    """A tag: letters, digits and `_.:-`, no spaces."""
    if not TAG_RE.fullmatch(text):
        raise ValueError(f"{text!r} is not a valid tag; use letters, digits and _ . : - (e.g. q4)")
    return text


def parse_count(text: str | int, low: int = 0, high: int | None = None) -> int:
    """A whole number from `low` to `high` (a count of entries, weeks, changes)."""
    value = str(text).strip()
    if not (value.isascii() and value.isdigit()):
        raise ValueError(f"{text!r} is not a whole number; use e.g. {max(low, 1) * 10}")
    number = int(value)
    if number < low or (high is not None and number > high):
        allowed = f"from {low} to {high}" if high is not None else f"{low} or more"
        raise ValueError(f"must be {allowed}, not {number}")
    return number


def parse_percent(text: str | int, what: str) -> int:
    """An integer percent 0–100."""
    try:
        value = int(str(text).strip().rstrip("%"))
    except ValueError:
        raise ValueError(f"{text!r} is not a whole percent; use a number from 0 to 100") from None
    if not 0 <= value <= 100:
        raise ValueError(f"{what} must be between 0 and 100, not {value}")
    return value


def join_tags(tags: list[str] | tuple[str, ...]) -> str:
    """Tags as stored: unique, in the order given, joined by single spaces."""
    return " ".join(dict.fromkeys(tags))


def split_tags(stored: str) -> list[str]:
    return stored.split() if stored else []


def plural(n: int, word: str, plural_word: str | None = None, *, count: bool = True) -> str:
    """`n` and `word`, in the plural unless `n` is 1: "1 entry", "2 entries", "0 problems".

    The regular English plural is made from `word` (entry → entries, match → matches,
    problem → problems); give `plural_word` for anything else ("person", "people").
    `count=False` gives the word alone, for "entries 13, 14" and "Delete it/them".
    """
    if n == 1:
        return f"{n} {word}" if count else word
    if plural_word is None:
        if len(word) > 1 and word.endswith("y") and word[-2] not in "aeiou":
            plural_word = word[:-1] + "ies"
        elif word.endswith(("s", "x", "z", "ch", "sh")):
            plural_word = word + "es"
        else:
            plural_word = word + "s"
    return f"{n} {plural_word}" if count else plural_word


# Records are NamedTuples, not dataclasses: every command imports this module, and
# `dataclasses` costs ~10 ms of start-up (it imports `inspect`) plus ~0.5 ms a class.
# A NamedTuple is immutable, built with keywords, and copied with `_replace`.


class PersonRecord(NamedTuple):
    id: int
    name: str
    role: str
    commission: int
    target: int | None


# `tags` defaults to one shared list, as a NamedTuple default is: nothing mutates a
# record's tags (a changed record is a new one).
class EntryRecord(NamedTuple):
    id: int
    uid: str
    person: str
    category: str
    start_utc: int
    end_utc: int
    note: str = ""
    tags: list[str] = []  # noqa: RUF012

    @property
    def seconds(self) -> int:
        return self.end_utc - self.start_utc


class TimerRecord(NamedTuple):
    person: str
    category: str
    start_utc: int
    note: str = ""
    tags: list[str] = []  # noqa: RUF012


class Placement(NamedTuple):
    """Where a duration-only `log` ended up, so the CLI can say so."""

    entry: EntryRecord
    moved: bool  # True when stacking moved it back from "now"


def share(part: int, total: int) -> float | None:
    """`part` as a percent of `total`, rounded half up to one decimal; None when total is 0.

    Exact integer arithmetic, so 1/8 is 12.5 and 1/16 is 6.3 on every platform.
    """
    if total <= 0:
        return None
    tenths, remainder = divmod(part * 1000, total)
    if remainder * 2 >= total:
        tenths += 1
    return tenths / 10


class PolicyConfig(NamedTuple):
    """Thresholds of the balance policy (all percents, except hours and weeks): the
    `[policy]` table of the config file, which `smbalance.config` reads."""

    floor: float = 25
    commission_driven: float = 50
    overload: float = 20
    min_hours: float = 2
    trend_weeks: int = 4
    slide: float = 2


class SalesMarketingSeconds:
    """Totals and shares of anything that has `sales_seconds` and `marketing_seconds`
    (a person's split, a team's, a week of the trend): one definition of each number.

    A mixin of NamedTuples (`class Split(_SplitFields, SalesMarketingSeconds)`), hence
    no slots of its own."""

    __slots__ = ()
    sales_seconds: int
    marketing_seconds: int

    @property
    def total_seconds(self) -> int:
        return self.sales_seconds + self.marketing_seconds

    @property
    def marketing_share(self) -> float | None:
        return share(self.marketing_seconds, self.total_seconds)

    @property
    def sales_share(self) -> float | None:
        return share(self.sales_seconds, self.total_seconds)


def add_running(
    totals: dict[str, list[int]],
    timers: Sequence[TimerRecord],
    until: int | None,
    start: int,
    end: int,
) -> None:
    """Add each running timer's time inside [start, end), counted up to `until`, to
    `totals` (person → [sales, marketing] seconds).  `until` None: add nothing.

    Here, not in report.py, so `status` counts timers without importing the report."""
    if until is None:
        return
    for timer in timers:
        inside = min(until, end) - max(timer.start_utc, start)
        if inside > 0:
            totals.setdefault(timer.person, [0, 0])[timer.category == "marketing"] += inside
