"""Import readers: bytes of a file → validated rows, or every problem with where it is.

Formats: our own `csv`, `json` and `ndjson` (the export shape), a Watson ``frames`` file
(`watson`) and the JSON of ``timew export`` (`timewarrior`).  Reading never touches the
store: the result is a list of `ImportRow`s, each knowing its line (or array index), and
a list of problems.  Person and category are settled by `resolve` with the store's people
and the user's `--map`/`--who`, so the whole file is judged before anything is written.
"""

from __future__ import annotations

import codecs
import csv
import io
import json
import re
import sys
import time
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from operator import attrgetter
from typing import Any, BinaryIO, NoReturn, TextIO

from smbalance.domain import (
    CATEGORIES,
    FIRST_EPOCH,
    LAST_EPOCH,
    MAX_NOTE,
    NAME_RE,
    TAG_RE,
    YEAR_RANGE,
    check_note,
    parse_category,
    plural,
)

IMPORT_FORMATS = ("csv", "json", "ndjson", "watson", "timewarrior")
SHOWN_PROBLEMS = 10  # in the one Error line; the count says how many more
KEPT_PROBLEMS = 1000  # beyond this only the count grows: a broken 1M-row file stays cheap
CSV_COLUMNS = ("uid", "id", "person", "category", "start", "end", "seconds", "note", "tags")
CSV_REQUIRED = ("category", "start", "end")
TIMEW_INSTANT = re.compile(r"(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z")
EXTENSIONS = {".csv": "csv", ".json": "json", ".ndjson": "ndjson", ".jsonl": "ndjson"}


class ReadError(Exception):
    """The file as a whole cannot be read (not UTF-8, not JSON, empty, …)."""


@dataclass(slots=True)
class ImportRow:
    """One entry read from a file; `person`/`category` None until `resolve` settles them."""

    pos: int  # line number (CSV, NDJSON), 1-based entry (JSON, Watson) or Timewarrior @id
    uid: str | None
    person: str | None
    category: str | None
    start: int
    end: int
    note: str
    tags: str  # space-joined, as stored: one string per row, not a list
    labels: tuple[str, ...] = ()  # Watson project / tags: names `--map` can categorise
    category_text: str | None = None  # a category column value we could not parse


# Rows of a JSON array, counted from 1 and cited with their array index too (SPEC).
ARRAY_UNITS = ("entry", "frame", "interval")


def cite(unit: str, pos: int) -> str:
    """Where a row is: `line 3`; in a JSON array `entry 2 (index 1)`, counted from 1 with
    the array index beside it; a Timewarrior interval by its `@4`."""
    if unit == "@":
        return f"@{pos}"
    return f"{unit} {pos} (index {pos - 1})" if unit in ARRAY_UNITS else f"{unit} {pos}"


# The label of Watson frames and Timewarrior intervals with no project and no tag:
# `--map '(no project)'=sales` or `--map-untagged sales` categorises them.
UNTAGGED = "(no project)"


@dataclass
class Problems:
    """Every problem found, with where; only the first `KEPT_PROBLEMS` are kept as text."""

    unit: str = "line"
    count: int = 0
    kept: list[str] = field(default_factory=list)

    def add(self, pos: int | None, message: str) -> None:
        self.count += 1
        if len(self.kept) < KEPT_PROBLEMS:
            self.kept.append(message if pos is None else f"{cite(self.unit, pos)}: {message}")

    def listing(self, limit: int = SHOWN_PROBLEMS) -> list[str]:
        shown = self.kept[:limit]
        if self.count > len(shown):
            shown.append(f"… and {self.count - len(shown)} more")
        return shown

    def __bool__(self) -> bool:
        return self.count > 0


@dataclass
class ReadResult:
    fmt: str
    rows: list[ImportRow]
    problems: Problems
    running: list[int] = field(default_factory=list)  # Timewarrior intervals without an end

    @property
    def unit(self) -> str:
        return self.problems.unit


# ---- the file as a whole ----------------------------------------------------------------


CHUNK = 1 << 20
SNIFF = 4096


def check_bytes(stream: BinaryIO) -> str:
    """One pass over the raw bytes: refuse an empty, binary or non-UTF-8 file, saying
    where.  Returns the start of the text, to guess the format from.  Chunked, so a
    large file is never held twice in memory."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    head, lines, offset, blank = "", 1, 0, True
    while chunk := stream.read(CHUNK):
        nul = chunk.find(b"\x00")
        if nul >= 0:
            line = lines + chunk.count(b"\n", 0, nul)
            raise ReadError(
                f"this is binary data, not a CSV or JSON file (NUL byte on line {line})"
            )
        pending = len(decoder.getstate()[0])
        try:
            text = decoder.decode(chunk)
        except UnicodeDecodeError as exc:
            _not_utf8(lines + chunk.count(b"\n", 0, max(0, exc.start - pending)), offset)
        if len(head) < SNIFF:
            head += text[:SNIFF]
        blank = blank and not chunk.strip()
        lines += chunk.count(b"\n")
        offset += len(chunk)
    try:
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        _not_utf8(lines, offset)
    if blank:
        raise ReadError("the file is empty; export some entries first or check the file name")
    return head.removeprefix("\ufeff")


def _not_utf8(line: int, offset: int) -> NoReturn:
    raise ReadError(
        f"the file is not UTF-8 text (bad bytes on line {line}); save it as UTF-8 and try again"
    )


def guess_format(name: str | None, head: str) -> str:
    """From the file name when it says, else from the content."""
    if name:
        base = name.replace("\\", "/").rsplit("/", 1)[-1].lower()
        if base == "frames":
            return "watson"
        for ext, fmt in EXTENSIONS.items():
            if base.endswith(ext):
                return fmt  # for .json: which JSON is told from the content
    first = head.lstrip()[:1]
    if first == "[":
        return "json"
    if first == "{":
        return "ndjson"
    return "csv"


def read(data: bytes, fmt: str | None, name: str | None = None) -> ReadResult:
    """Read a whole import file held in memory (see `read_stream`)."""
    return read_stream(io.BytesIO(data), fmt, name)


def read_stream(
    stream: BinaryIO,
    fmt: str | None,
    name: str | None = None,
    zone: str | None = None,
    now: int | None = None,
) -> ReadResult:
    """Read an import file from a seekable binary stream. `fmt` None: guess it from
    `name` and the content.  CSV and NDJSON are parsed as they are decoded.  Instants
    of our formats are WHENs as on the command line (`instant_parser`): without an
    offset, local times in `zone` (None: refused)."""
    instant = instant_parser(zone, now)
    head = check_bytes(stream)
    stream.seek(0)
    fmt = fmt or guess_format(name, head)
    text = io.TextIOWrapper(stream, encoding="utf-8-sig", newline="")
    if fmt == "csv":
        return _read_csv(text, instant)
    if fmt == "ndjson":
        return _read_ndjson(text, instant)
    items = JsonArray(text, fmt)
    if fmt == "json":
        fmt = _which_json(items.first())
    if fmt == "watson":
        return _read_watson(items)
    if fmt == "timewarrior":
        return _read_timewarrior(items)
    return _read_objects(enumerate(items, start=1), Problems(unit="entry"), "json", instant)


JSON_CHUNK = 1 << 18  # characters read at a time
JSON_ITEM_LIMIT = 1 << 20  # characters in one array item: an entry is well under 1 KiB
_JSON_SPACE = re.compile(r"[ \t\r\n]*")


class JsonArray:
    """The items of a JSON array, parsed one at a time as the text is read.

    `json.loads` of a whole file holds the text and every item at once: a 200 MB array
    of ``{}`` took 5 GB.  Here memory stays within a chunk plus one item, and an item
    over `JSON_ITEM_LIMIT` characters (a note of megabytes) ends the read with a
    `ReadError` instead of being loaded.  Errors say the line and column in the file,
    like `json.loads`.

    Each iteration reads the file again from its start (the text must be seekable, as
    `read_stream`'s is), so a reader may go over the items twice without holding them.
    """

    def __init__(self, text: TextIO, fmt: str) -> None:
        self._text, self._fmt = text, fmt
        self._start = text.tell()

    def first(self) -> Any:
        """The first item (None for an empty array)."""
        return next(iter(self), None)

    def __iter__(self) -> Iterator[Any]:
        self._text.seek(self._start)
        self._buf, self._pos, self._eof = "", 0, False
        self._lines, self._column = 0, 0  # newlines and the current line's length, dropped
        return self._parse()

    # -- reading ----------------------------------------------------------------------

    def _more(self) -> bool:
        """Read another chunk, dropping what is parsed; False at the end of the file."""
        if self._eof:
            return False
        done = self._buf[: self._pos]
        newline = done.rfind("\n")
        if newline >= 0:
            self._lines += done.count("\n")
            self._column = len(done) - newline - 1
        else:
            self._column += len(done)
        chunk = self._text.read(JSON_CHUNK)
        self._buf, self._pos = self._buf[self._pos :] + chunk, 0
        self._eof = not chunk
        return bool(chunk)

    def _skip_space(self) -> str:
        """The next character that is not whitespace ('' at the end of the file)."""
        while True:
            buf = self._buf
            pos = self._pos = _JSON_SPACE.match(buf, self._pos).end()  # type: ignore[union-attr]
            if pos < len(buf):
                return buf[pos]
            if not self._more():
                return ""

    def _where(self, pos: int) -> str:
        before = self._buf[:pos]
        newline = before.rfind("\n")
        line = self._lines + before.count("\n") + 1
        column = pos - newline if newline >= 0 else self._column + pos + 1
        return f"line {line}, column {column}"

    def _invalid(self, pos: int, message: str) -> ReadError:
        truncated = self._eof and not self._buf[pos:].strip()
        return ReadError(
            f"not valid JSON at {self._where(pos)}: {message}"
            + (" (is the file truncated?)" if truncated else "")
        )

    def _parse(self) -> Iterator[Any]:
        first = self._skip_space()
        if first != "[":
            self._not_an_array(first)
        self._pos += 1
        decode = json.JSONDecoder().raw_decode
        index = 0
        if self._skip_space() == "]":
            self._pos += 1
        else:
            while True:
                self._skip_space()
                item, end = self._decode(decode, index)
                self._pos = end
                yield item
                index += 1
                after = self._skip_space()
                if after == ",":
                    self._pos += 1
                    continue
                if after == "]":
                    self._pos += 1
                    break
                raise self._invalid(self._pos, "Expecting ',' delimiter")
        if self._skip_space():
            raise self._invalid(self._pos, "Extra data")

    def _decode(self, decode: Callable[[str, int], tuple[Any, int]], index: int) -> tuple[Any, int]:
        """The item at the current position, reading more of the file while it may be
        cut off by the end of the buffer."""
        while True:
            try:
                item, end = decode(self._buf, self._pos)
            except json.JSONDecodeError as exc:
                if self._eof or self._inside(exc):
                    raise self._invalid(exc.pos, exc.msg) from None
                self._grow(index)
                continue
            except RecursionError:
                raise ReadError("the JSON is nested too deeply to be an import file") from None
            if end == len(self._buf) and not self._eof:
                self._grow(index)  # `12` may be the start of `123`: decode it whole
                continue
            return item, end

    def _inside(self, exc: json.JSONDecodeError) -> bool:
        """True for a mistake well inside the buffer: more text would not mend it.  (An
        unterminated string says where it starts, so it can always be cut off.)"""
        return exc.pos < len(self._buf) - 1 and not exc.msg.startswith("Unterminated")

    def _grow(self, index: int) -> None:
        """Read more for the item being decoded, unless it is already too long."""
        if len(self._buf) - self._pos > JSON_ITEM_LIMIT:
            raise ReadError(
                f"entry {index + 1} is over {JSON_ITEM_LIMIT:,} characters long "
                f"(a note holds at most {MAX_NOTE:,}); is this an export of smbalance, "
                "Watson or Timewarrior?"
            )
        self._more()

    def _not_an_array(self, first: str) -> NoReturn:
        """The document is not an array: say what it is (valid or not) and stop."""
        if not first:
            raise ReadError("the file holds no JSON value")
        kinds = {"{": "dict", '"': "str", "t": "bool", "f": "bool", "n": "null"}
        kind = kinds.get(first, "int" if first in "-0123456789" else None)
        if kind is None:
            raise self._invalid(self._pos, "Expecting value")
        what = {"watson": "a Watson frames list", "timewarrior": "a `timew export` array"}
        raise ReadError(
            "expected a JSON array of entries "
            f"({what.get(self._fmt, 'as `smbalance export -f json`')} writes), found a JSON {kind}"
        )


def _which_json(first: Any) -> str:
    """Our JSON, a Watson frames list or `timew export` output, by the first item."""
    if isinstance(first, list):
        return "watson"
    if isinstance(first, dict) and "category" not in first and "person" not in first:
        start = first.get("start")
        if isinstance(start, str) and TIMEW_INSTANT.fullmatch(start):
            return "timewarrior"
    return "json"


# ---- fields ------------------------------------------------------------------------------


InstantParser = Callable[[Any, str], int]


def instant_parser(zone: str | None, now: int | None = None) -> InstantParser:
    """How the ``start``/``end`` of our formats are read: the command line's WHEN grammar
    (`timeparse.parse_when`), times without an offset local to `zone`, relative forms
    against `now` (default: the clock).  Without a zone, only ISO 8601 with ``Z`` or an
    offset.  The parser returns epoch seconds; ValueError names the field."""
    from smbalance.timeparse import ParseError, parse_iso_utc, parse_when, to_epoch

    moment = int(time.time()) if now is None else now

    def parse(text: Any, what: str) -> int:
        if not isinstance(text, str) or not text.strip():
            raise ValueError(f"{what} is missing")
        try:
            if zone is None:
                return to_epoch(parse_iso_utc(text))
            return to_epoch(parse_when(text, tz=zone, now=moment))
        except ParseError as exc:
            raise ValueError(f"{what}: {exc}") from None

    return parse


OFFSET_ONLY = instant_parser(None)


def _check_range(start: int, end: int) -> None:
    if start < FIRST_EPOCH or end > LAST_EPOCH:
        raise ValueError(f"the entry is out of range; {YEAR_RANGE}")


def _whole(value: Any, what: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError(f"{what} {value!r} is not a whole number")
    try:
        return int(value)
    except (TypeError, ValueError):
        raise ValueError(f"{what} {value!r} is not a whole number") from None


def _uid(value: Any) -> str | None:
    if value is None or value == "":
        return None
    try:
        return str(uuid.UUID(str(value)))
    except ValueError:
        raise ValueError(f"uid {value!r} is not a UUID (leave it empty for a new entry)") from None


def _tags(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        check_note(value, "tags")
    tags = value.split() if isinstance(value, str) else value
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError("tags must be a list of strings or a space-separated string")
    for tag in tags:
        if not TAG_RE.fullmatch(tag):
            raise ValueError(f"tag {tag!r} is not valid; use letters, digits and _ . : -")
    return " ".join(dict.fromkeys(tags))


def _text(value: Any, what: str) -> str:
    """A text field, at most `MAX_NOTE` characters (the one cap on text in every reader)."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValueError(f"{what} must be text, not {json.dumps(value)[:40]}")
    return check_note(value, what)


def _note(value: Any, what: str = "note") -> str:
    note = _text(value, what)
    if "\x00" in note:
        # A NUL could not be typed with `log --note`, and would make a CSV export binary.
        raise ValueError(f"{what} contains a NUL character")
    return note


def _person(value: Any) -> str | None:
    text = _text(value, "person").strip().casefold()
    if not text:
        return None
    if not NAME_RE.fullmatch(text):
        raise ValueError(f"person {value!r} is not a valid name (e.g. alice, bob-2)")
    # A team has a handful of names and a file a million rows: share one string each.
    return sys.intern(text)


def _known_category(text: str) -> str | None:
    """`sales`/`marketing` in any case or a unique prefix, as on the command line."""
    if text in CATEGORIES:
        return CATEGORIES[CATEGORIES.index(text)]  # the shared constant, not a copy per row
    try:
        return _CATEGORY_OBJECTS[parse_category(text)]
    except ValueError:
        return None


_CATEGORY_OBJECTS = {name: name for name in CATEGORIES}


def _entry(pos: int, get: Callable[[str], Any], instant: InstantParser = OFFSET_ONLY) -> ImportRow:
    """One row of our own shape; ValueError names the first bad field.  `id` and
    `seconds` are not kept (the spec ignores them), but a `seconds` that disagrees with
    start and end is an error."""
    category_text = _text(get("category"), "category").strip()
    if not category_text:
        raise ValueError("category is missing")
    category = _known_category(category_text)
    start = instant(get("start"), "start")
    end = instant(get("end"), "end")
    if end <= start:
        raise ValueError(f"end {get('end')} is not after start {get('start')}")
    _check_range(start, end)
    seconds = _whole(get("seconds"), "seconds")
    if seconds is not None and seconds != end - start:
        raise ValueError(f"seconds {seconds} disagrees with start and end ({end - start})")
    return ImportRow(
        pos=pos,
        uid=_uid(get("uid")),
        person=_person(get("person")),
        category=category,
        start=start,
        end=end,
        note=_note(get("note")),
        tags=_tags(get("tags")),
        category_text=None if category else category_text,
    )


# ---- our formats -----------------------------------------------------------------------


def _read_csv(text: Iterable[str], instant: InstantParser = OFFSET_ONLY) -> ReadResult:
    problems = Problems(unit="line")
    reader = csv.reader(text, strict=True)
    try:
        header = [name.strip().lower() for name in next(reader)]
    except csv.Error as exc:
        raise ReadError(f"line 1: the CSV header cannot be read: {exc}") from None
    _check_header(header)
    width = len(header)
    fast = _csv_fast_path(header)
    rows: list[ImportRow] = []
    line = reader.line_num + 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            problems.add(line, f"broken CSV quoting: {exc}")
            break
        pos, line = line, reader.line_num + 1
        if not fields or fields == [""]:
            continue
        if len(fields) != width:
            problems.add(pos, f"{len(fields)} fields, but the header has {width}")
            continue
        if fast is not None:
            try:
                rows.append(fast(pos, fields))
                continue
            except ValueError:
                pass  # the general path below says what is wrong, in its own words
        try:
            rows.append(_entry(pos, dict(zip(header, fields, strict=True)).get, instant))
        except ValueError as exc:
            problems.add(pos, str(exc))
    return ReadResult("csv", rows, problems)


class _Unusual(ValueError):
    """The fast path cannot vouch for a row: read it the general way (same result)."""


# The canonical uid form, as `str(uuid.UUID(…))` writes it: kept as is, unparsed.
CANONICAL_UID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CANONICAL_INSTANT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z", re.ASCII)
MEMO_LIMIT = 10_000  # distinct persons/tags remembered; a team has a few dozen
_UNJUDGED = object()


def _csv_fast_path(header: list[str]) -> Callable[[int, list[str]], ImportRow] | None:
    """A reader for rows of the export shape that does `_entry`'s checks inline.

    `_entry` costs ~10 µs a row (a dict per row, a UUID parsed, a regex per name and
    tag); a million-row import spent most of its reading time there.  This path indexes
    the fields, keeps canonical uids as they are, and remembers the persons and tags it
    has already judged (sharing one string each).  Anything it does not vouch for
    raises ValueError (`_Unusual` where it has no message of its own), and the row goes
    through `_entry`, so results and messages are the same as the general path's.  Only
    for a header with every column.
    """
    if sorted(header) != sorted(CSV_COLUMNS):
        return None
    (uid_at, _id, person_at, category_at, start_at, end_at, seconds_at, note_at, tags_at) = (
        header.index(name) for name in CSV_COLUMNS
    )
    categories = {name: name for name in CATEGORIES}
    persons: dict[str, Any] = {}
    tag_sets: dict[str, str] = {"": ""}
    fromisoformat = datetime.fromisoformat
    canonical = CANONICAL_INSTANT.fullmatch

    def instant(text: str) -> int:
        # Only the export's own form; anything else goes through the WHEN grammar.
        if canonical(text) is None:
            raise _Unusual
        try:
            return int(fromisoformat(text).timestamp())
        except ValueError:
            raise _Unusual from None

    def row(pos: int, fields: list[str]) -> ImportRow:
        category = categories.get(fields[category_at])
        if category is None:
            raise _Unusual
        start, end = instant(fields[start_at]), instant(fields[end_at])
        seconds, note = fields[seconds_at], fields[note_at]
        if end <= start or (seconds and int(seconds) != end - start) or "\x00" in note:
            raise _Unusual
        if len(note) > MAX_NOTE or len(fields[tags_at]) > MAX_NOTE:
            raise _Unusual
        if start < FIRST_EPOCH or end > LAST_EPOCH:
            raise _Unusual
        uid = fields[uid_at] or None
        if uid is not None and CANONICAL_UID.fullmatch(uid) is None:
            raise _Unusual
        name = fields[person_at]
        person = persons.get(name, _UNJUDGED)
        if person is _UNJUDGED:
            person = _person(name)
            if len(persons) < MEMO_LIMIT:
                persons[name] = person
        tag_text = fields[tags_at]
        tags = tag_sets.get(tag_text)
        if tags is None:
            tags = _tags(tag_text)
            if len(tag_sets) < MEMO_LIMIT:
                tag_sets[tag_text] = tags
        return ImportRow(pos, uid, person, category, start, end, note, tags)

    return row


def _check_header(header: list[str]) -> None:
    unknown = [name for name in header if name not in CSV_COLUMNS]
    missing = [name for name in CSV_REQUIRED if name not in header]
    repeated = sorted({name for name in header if header.count(name) > 1})
    expected = f"expected the columns {', '.join(CSV_COLUMNS)} (as `smbalance export` writes)"
    if unknown or missing or repeated:
        parts = []
        if unknown:
            parts.append("unknown column " + ", ".join(repr(n[:40]) for n in unknown[:5]))
        if missing:
            parts.append("missing column " + ", ".join(missing))
        if repeated:
            parts.append("repeated column " + ", ".join(repeated))
        raise ReadError(f"line 1: {'; '.join(parts)}; {expected}")


def _read_ndjson(text: TextIO, instant: InstantParser = OFFSET_ONLY) -> ReadResult:
    problems = Problems(unit="line")

    def objects() -> Iterable[tuple[int, Any]]:
        for number, line in enumerate(_bounded_lines(text), start=1):
            if line is None:
                problems.add(
                    number,
                    f"the line is over {JSON_ITEM_LIMIT:,} characters long "
                    f"(a note holds at most {MAX_NOTE:,})",
                )
                continue
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                problems.add(number, f"not valid JSON (column {exc.colno}: {exc.msg})")
            except RecursionError:
                problems.add(number, "JSON nested too deeply")

    return _read_objects(objects(), problems, "ndjson", instant)


def _bounded_lines(text: TextIO) -> Iterator[str | None]:
    """The lines of `text`, each at most `JSON_ITEM_LIMIT` characters; a longer line is
    skipped without being held (None in its place).  Lines end at line ends only, not
    at U+2028 and friends, which JSON strings may hold unescaped."""
    while line := text.readline(JSON_ITEM_LIMIT):
        if len(line) < JSON_ITEM_LIMIT or line.endswith(("\n", "\r")):
            yield line
            continue
        while (rest := text.readline(JSON_ITEM_LIMIT)) and not rest.endswith(("\n", "\r")):
            pass
        yield None


def _read_objects(
    items: Iterable[tuple[int, Any]],
    problems: Problems,
    fmt: str,
    instant: InstantParser = OFFSET_ONLY,
) -> ReadResult:
    rows: list[ImportRow] = []
    for pos, item in items:
        if not isinstance(item, dict):
            problems.add(pos, f"expected an object with start, end, category…, not {_kind(item)}")
            continue
        unknown = [key for key in item if key not in CSV_COLUMNS]
        if unknown:
            problems.add(pos, f"unknown field {unknown[0][:40]!r}")
            continue
        try:
            rows.append(_entry(pos, item.get, instant))
        except ValueError as exc:
            problems.add(pos, str(exc))
    return ReadResult(fmt, rows, problems)


def _kind(value: Any) -> str:
    return "null" if value is None else f"a {type(value).__name__}"


# ---- Watson and Timewarrior ----------------------------------------------------------------


def clean_tag(text: str) -> str | None:
    """A foreign tag as one of ours: runs of other characters become '-'."""
    cleaned = re.sub(r"[^A-Za-z0-9_.:-]+", "-", text.strip()).strip("-")
    return cleaned or None


def _foreign_tags(raw: Any) -> list[str]:
    if raw is None:
        return []
    if not isinstance(raw, list) or not all(isinstance(t, str) for t in raw):
        raise ValueError("tags must be a list of strings")
    check_note(" ".join(raw), "tags")
    return [tag for tag in (clean_tag(t) for t in raw) if tag]


def _epoch(value: Any, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValueError(f"{what} {json.dumps(value)[:40]} is not a timestamp")
    return int(value)


def _read_watson(items: list[Any]) -> ReadResult:
    """Watson frames: ``[start, stop, project, id, tags, updated_at]`` (epoch seconds)."""
    problems = Problems(unit="frame")
    rows: list[ImportRow] = []
    for pos, frame in enumerate(items, start=1):
        if not isinstance(frame, list) or len(frame) < 3:
            problems.add(
                pos, f"expected a frame [start, stop, project, id, tags, …], not {_kind(frame)}"
            )
            continue
        try:
            rows.append(_watson_row(pos, frame))
        except ValueError as exc:
            problems.add(pos, str(exc))
    return ReadResult("watson", rows, problems)


def _watson_row(pos: int, frame: list[Any]) -> ImportRow:
    start, end = _epoch(frame[0], "start"), _epoch(frame[1], "stop")
    if end <= start:
        raise ValueError("stop is not after start")
    _check_range(start, end)
    project = frame[2]
    if not isinstance(project, str) or not project.strip():
        raise ValueError("project is missing")
    check_note(project, "project")
    frame_id = frame[3] if len(frame) > 3 else None
    try:
        uid = str(uuid.UUID(frame_id)) if isinstance(frame_id, str) else None
    except ValueError:
        uid = None  # not a UUID-shaped id: match on person, category and times instead
    tags = _foreign_tags(frame[4] if len(frame) > 4 else None)
    labels = (project.strip(), *tags)
    # Keep the project as a tag (unless it is the category itself): it is often the
    # client or campaign, and the only place Watson records it.
    project_tag = clean_tag(project)
    if project_tag and project_tag.casefold() not in CATEGORIES and project_tag not in tags:
        tags.insert(0, project_tag)
    return ImportRow(
        pos=pos,
        uid=uid,
        person=None,
        category=None,
        start=start,
        end=end,
        note="",
        tags=" ".join(tags),
        labels=labels,
    )


def _timew_instant(value: Any, what: str) -> int:
    """Timewarrior's basic ISO form, ``20240101T090000Z``, read by the one ISO grammar."""
    from smbalance.timeparse import ParseError, parse_iso_utc, to_epoch

    if not isinstance(value, str) or TIMEW_INSTANT.fullmatch(value) is None:
        raise ValueError(
            f"{what} {json.dumps(value)[:40]} is not a Timewarrior time (20240101T090000Z)"
        )
    try:
        return to_epoch(parse_iso_utc(value))
    except ParseError:
        raise ValueError(f"{what} {value!r} is not a real date and time") from None


def _read_timewarrior(items: list[Any]) -> ReadResult:
    """`timew export`: objects with ``start``, ``end`` (absent while running), ``tags``,
    and (Timewarrior 1.1 on) ``id``: an interval is cited as `@id`, as `timew` names it,
    else as `interval N` (1-based)."""
    by_id = bool(items) and all(
        isinstance(item, dict) and type(item.get("id")) is int for item in items
    )
    problems = Problems(unit="@" if by_id else "interval")
    rows: list[ImportRow] = []
    running: list[int] = []
    for index, item in enumerate(items, start=1):
        pos = item["id"] if by_id else index
        if not isinstance(item, dict):
            problems.add(pos, f"expected an interval object, not {_kind(item)}")
            continue
        if "end" not in item:
            running.append(pos)
            continue
        try:
            start = _timew_instant(item.get("start"), "start")
            end = _timew_instant(item.get("end"), "end")
            if end <= start:
                raise ValueError("end is not after start")
            _check_range(start, end)
            tags = _foreign_tags(item.get("tags"))
            note = _note(item.get("annotation"), "annotation")
        except ValueError as exc:
            problems.add(pos, str(exc))
            continue
        rows.append(
            ImportRow(pos, None, None, None, start, end, note, " ".join(tags), labels=tuple(tags))
        )
    return ReadResult("timewarrior", rows, problems, running)


# ---- person and category -----------------------------------------------------------------


def resolve(
    result: ReadResult,
    *,
    known_people: set[str],
    mapping: Mapping[str, str],
    who: str | None,
) -> None:
    """Settle every row's person and category, adding problems for rows that have none.

    Category: a category column as given; for Watson/Timewarrior a project or tag named
    `sales`/`marketing`, else `--map` of the project, else `--map` of a tag.  Person: the
    column; for Watson/Timewarrior a tag naming a known person; else `who`.
    """
    folded = {_label_key(name): category for name, category in mapping.items()}
    unmapped: dict[str, list[int]] = {}
    for row in result.rows:
        if row.person is None and row.labels:
            # A tag naming a known person says who, before the labels say what.
            row.person = next(
                (t.casefold() for t in row.tags.split() if t.casefold() in known_people), None
            )
            if row.person is not None:
                row.labels = tuple(
                    label for label in row.labels if label.casefold() != row.person
                ) or ((row.labels[0],) if result.fmt == "watson" else ())
        if row.category is None:
            row.category = _category(row, folded)
            if row.category is None:
                label = row.category_text or (row.labels[0] if row.labels else UNTAGGED)
                unmapped.setdefault(label, []).append(row.pos)
        if row.labels or (row.person is not None and result.fmt in ("watson", "timewarrior")):
            # The tags that said who and what are now the person and category fields.
            said = {row.person, row.category}
            row.tags = " ".join(t for t in row.tags.split() if t.casefold() not in said)
        if row.person is None:
            if who is None:
                result.problems.add(row.pos, "no person; give one with --who NAME")
            row.person = who
    _refuse_repeated_uids(result)
    for label, positions in unmapped.items():
        where = ", ".join(cite(result.unit, p) for p in positions[:5]) + (
            " …" if len(positions) > 5 else ""
        )
        fix = (
            "add --map-untagged sales or --map-untagged marketing"
            if label == UNTAGGED
            else f"add --map {_shell_word(label)}=sales or --map {_shell_word(label)}=marketing"
        )
        result.problems.add(
            None,
            f"{label!r} is not sales or marketing ({plural(len(positions), 'entry')}: "
            f"{where}); {fix}",
        )


def refuse_long(result: ReadResult, max_seconds: int) -> None:
    """List every row longer than ``max_seconds`` (max_entry_hours) as a problem: as
    with `log`, such an entry is almost always a typo or a forgotten timer.  `import
    --allow-long` skips this."""
    from smbalance.timeparse import SpanError, check_length

    for row in result.rows:
        try:
            check_length(row.end - row.start, max_seconds)
        except SpanError as exc:
            message = str(exc).replace("give --long", "import with --allow-long")
            result.problems.add(row.pos, message)


def _refuse_repeated_uids(result: ReadResult) -> None:
    """Each later row with a uid seen before is a problem naming the first one.

    Sorting the rows that have a uid by it (a stable sort keeps file order within one
    uid) costs a list of references; a dict of every uid would cost ~80 MB at 1M rows.
    """
    with_uid = sorted((row for row in result.rows if row.uid is not None), key=attrgetter("uid"))
    repeats: list[tuple[int, str]] = []
    first: ImportRow | None = None
    for row in with_uid:
        if first is not None and row.uid == first.uid:
            repeats.append((row.pos, f"uid {row.uid} repeats {cite(result.unit, first.pos)}"))
        else:
            first = row
    del with_uid
    for pos, message in sorted(repeats):
        result.problems.add(pos, message)


def _category(row: ImportRow, folded: Mapping[str, str]) -> str | None:
    if row.category_text is not None:
        return folded.get(_label_key(row.category_text))
    candidates = [_label_key(label) for label in row.labels]
    if not candidates:
        return folded.get(_label_key(UNTAGGED))
    project = candidates[0]
    if project in folded:
        return folded[project]
    for label in candidates:
        if label in CATEGORIES:
            return label
    for label in candidates:
        if label in folded:
            return folded[label]
    return None


def _label_key(name: str) -> str:
    """How `--map` names and projects/tags are compared: "Cold Calls" = "cold-calls"."""
    return (clean_tag(name) or name).casefold()


def _shell_word(text: str) -> str:
    return (
        text
        if re.fullmatch(r"[A-Za-z0-9_.:@%+-]+", text)
        else "'" + text.replace("'", "'\\''") + "'"
    )
