"""Entries and timers, and the rule that one person's time never overlaps.

The overlap check is one index probe on (person_id, start_utc): entries of a person do
not overlap, so their ends rise with their starts, and the entry with the latest start
before the new end is the only one that can reach past the new start.  That keeps
`log`, `start` and `stop` as fast on ten years of history as on a fresh store.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import NamedTuple

from smbalance.domain import (
    FIRST_EPOCH,
    EntryRecord,
    Placement,
    TimerRecord,
    join_tags,
    plural,
    split_tags,
)
from smbalance.errors import Conflict, NotFound, OverlapError
from smbalance.store.base import (
    ENTRY_SELECT,
    ChangeContext,
    StoreBase,
    entry_record,
    longest_entry,
    new_uid,
    overlapping,
)
from smbalance.store.sql import Conn, in_list
from smbalance.timeparse import SpanError, check_not_future, check_span, format_duration

# How far past "now" a start without --at may move to clear time saved this very second
# (see `_after_this_seconds_work`); a handful of rapid commands, never a planned entry.
SAME_SECOND_SLACK = 10


class Busy(NamedTuple):
    """What an attempted interval collides with: a stored entry or the running timer."""

    start_utc: int
    end_utc: int
    entry_id: int | None  # None: the running timer

    def describe(self, fmt) -> str:  # type: ignore[no-untyped-def]
        span = f"{fmt(self.start_utc)} – {fmt(self.end_utc)}"
        if self.entry_id is None:
            return f"running timer (since {fmt(self.start_utc)})"
        return f"entry {self.entry_id} ({span})"


class EntriesMixin(StoreBase):
    # ---- reading -------------------------------------------------------------------

    def entry(self, entry_id: int) -> EntryRecord:
        with self._read() as conn:
            return self._entry_in(conn, entry_id)

    def entries(
        self,
        *,
        people: Sequence[str] = (),
        category: str | None = None,
        start_utc: int | None = None,
        end_utc: int | None = None,
        limit: int | None = None,
        newest_first: bool = True,
    ) -> list[EntryRecord]:
        """Entries that overlap [start_utc, end_utc), filtered."""
        params: dict[str, object] = {}
        where = []
        if people:
            where.append(f"person.name IN {in_list('person', people, params)}")
        if category:
            where.append("entry.category = :category")
            params["category"] = category
        order = " DESC" if newest_first else ""
        with self._read() as conn:
            longest = longest_entry(conn) if start_utc is not None else 0
            where.append(overlapping(start_utc, end_utc, longest, params))
            sql = (
                f"{ENTRY_SELECT} WHERE {' AND '.join(where)}"
                f" ORDER BY entry.start_utc{order}, entry.id{order}"
            )
            if limit is not None:
                sql += " LIMIT :limit"
                params["limit"] = limit
            return [entry_record(row) for row in conn.rows(sql, params)]

    # ---- the overlap rule ------------------------------------------------------------

    def _busy(
        self,
        conn: Conn,
        person_id: int,
        start: int,
        end: int,
        *,
        now: int,
        exclude_entry: int | None = None,
        include_timer: bool = True,
    ) -> Busy | None:
        """The entry (or running timer) of this person that [start, end) would overlap."""
        params = {"pid": person_id, "end": end}
        if exclude_entry is not None:
            params["exclude"] = exclude_entry
        row = conn.first(
            "SELECT id, start_utc, end_utc FROM entry"
            " WHERE person_id = :pid AND start_utc < :end"
            + ("" if exclude_entry is None else " AND id <> :exclude")
            # Ordering by the whole (person_id, start_utc) key pins PostgreSQL's planner
            # to that index; ordering by start alone can walk ix_entry_start backwards.
            + " ORDER BY person_id DESC, start_utc DESC LIMIT 1",
            params,
        )
        if row and row[2] > start:
            return Busy(row[1], row[2], row[0])
        if include_timer:
            timer = _timer_start(conn, person_id)
            # A running timer counts as an entry from its start to now.
            if timer is not None and timer < end and max(now, timer + 1) > start:
                return Busy(timer, max(now, timer + 1), None)
        return None

    def _check_span(self, start: int, end: int, now: int, max_seconds: int | None) -> None:
        """The one span rule, as a conflict (exit 1): stored values took part."""
        try:
            check_span(start, end, now=now, max_seconds=max_seconds, fmt=self.format_instant)
        except SpanError as exc:
            raise Conflict(str(exc)) from None

    def _refuse_future(self, instant: int, now: int, what: str, hint: str) -> None:
        try:
            check_not_future(instant, now, what, fmt=self.format_instant, hint=hint)
        except SpanError as exc:
            raise Conflict(str(exc)) from None

    def _refuse_overlap(self, busy: Busy | None, who: str) -> None:
        if busy is not None:
            raise OverlapError(
                f"that would overlap {who}'s {busy.describe(self.format_instant)}; "
                f"choose other times, or edit or remove entry {busy.entry_id}"
                if busy.entry_id is not None
                else f"that would overlap {who}'s {busy.describe(self.format_instant)}; "
                "stop or cancel the timer first, or choose other times"
            )

    # ---- writing ---------------------------------------------------------------------

    def _insert_entry(
        self,
        ctx: ChangeContext,
        person_id: int,
        category: str,
        start: int,
        end: int,
        note: str,
        tags: Iterable[str],
        uid: str | None = None,
    ) -> int:
        new_id: int = ctx.conn.scalar(
            "INSERT INTO entry (uid, person_id, category, start_utc, end_utc, seconds, note,"
            " tags, created_utc, updated_utc, change_id) VALUES (:uid, :person_id, :category,"
            " :start, :end, :seconds, :note, :tags, :now, :now, :change_id) RETURNING id",
            {
                "uid": uid or new_uid(),
                "person_id": person_id,
                "category": category,
                "start": start,
                "end": end,
                "seconds": end - start,
                "note": note,
                "tags": join_tags(list(tags)),
                "now": ctx.now,
                "change_id": ctx.change_id,
            },
        )
        return new_id

    @staticmethod
    def _entry_in(conn: Conn, entry_id: int) -> EntryRecord:
        _require_storable(entry_id)
        row = conn.first(f"{ENTRY_SELECT} WHERE entry.id = :id", {"id": entry_id})
        if row is None:
            raise _no_entry(entry_id)
        return entry_record(row)

    def log(
        self,
        person: str,
        category: str,
        start: int,
        end: int,
        *,
        note: str = "",
        tags: Sequence[str] = (),
        create_person: bool = True,
        max_seconds: int | None = None,
    ) -> tuple[EntryRecord, bool]:
        """Record a finished entry with fixed times. Returns it and whether the person is new.

        The span rule (`timeparse.check_span`) applies, with ``max_seconds`` (None: no
        bound on the length).  `create_person=False`: an unknown `person` is NotFound
        (see `_ensure_person`)."""
        with self._change("log") as ctx:
            self._check_span(start, end, ctx.now, max_seconds)
            who, created = self._ensure_person(ctx, person, create=create_person)
            self._lock_person(ctx.conn, who.id)
            self._refuse_overlap(self._busy(ctx.conn, who.id, start, end, now=ctx.now), person)
            entry_id = self._insert_entry(ctx, who.id, category, start, end, note, tags)
            entry = self._entry_in(ctx.conn, entry_id)
            ctx.summary.append(_summary("logged", entry))
        return entry, created

    def log_duration(
        self,
        person: str,
        category: str,
        seconds: int,
        *,
        note: str = "",
        tags: Sequence[str] = (),
        create_person: bool = True,
        max_back: int | None = None,
    ) -> tuple[Placement, bool]:
        """Place an entry of `seconds` to end now, or stacked back before what it would overlap.

        With ``max_back``, a placement that would start more than that many seconds
        before now is refused: stacking never lands an entry days or decades back.
        """
        with self._change("log") as ctx:
            who, created = self._ensure_person(ctx, person, create=create_person)
            self._lock_person(ctx.conn, who.id)
            end = ctx.now
            while busy := self._busy(ctx.conn, who.id, end - seconds, end, now=ctx.now):
                end = busy.start_utc
                if max_back is not None and end - seconds < ctx.now - max_back:
                    raise Conflict(
                        f"before {person}'s entries, {format_duration(seconds)} would start at "
                        f"{self.format_instant(max(end - seconds, FIRST_EPOCH))}, more than "
                        f"{format_duration(max_back)} ago; give --start WHEN (or --end) to "
                        "say when it was"
                    )
            entry_id = self._insert_entry(ctx, who.id, category, end - seconds, end, note, tags)
            entry = self._entry_in(ctx.conn, entry_id)
            ctx.summary.append(_summary("logged", entry))
        return Placement(entry=entry, moved=end != ctx.now), created

    def edit(
        self,
        entry_id: int,
        *,
        category: str | None = None,
        start: int | None = None,
        end: int | None = None,
        seconds: int | None = None,
        person: str | None = None,
        note: str | None = None,
        tags: Sequence[str] | None = None,
        create_person: bool = True,
        max_seconds: int | None = None,
    ) -> tuple[EntryRecord, bool]:
        """Change an entry. `seconds` keeps the start and moves the end.

        A changed span obeys the span rule (`timeparse.check_span`), with
        ``max_seconds`` (None: no bound on the length).
        Returns the entry and whether `person` was created now (a new name)."""
        with self._change("edit") as ctx:
            # Locked (PostgreSQL), so a concurrent edit of the same entry waits for this
            # one instead of overwriting it with values it read before.
            _require_storable(entry_id)
            old = self._row_dict(ctx.conn, "entry", entry_id, lock=True)
            if old is None:  # none, or (team store) one row-level security keeps from us
                raise self._refused(ctx.conn, "entry", self._entry_in(ctx.conn, entry_id).person)
            new_start = old["start_utc"] if start is None else start
            new_end = old["end_utc"] if end is None else end
            if seconds is not None:
                new_end = new_start + seconds
            if (new_start, new_end) != (old["start_utc"], old["end_utc"]):
                self._check_span(new_start, new_end, ctx.now, max_seconds)
            person_id = old["person_id"]
            name = self._name_of(ctx.conn, person_id)
            created = False
            if person is not None:
                who, created = self._ensure_person(ctx, person, create=create_person)
                person_id, name = who.id, who.name
            self._lock_person(ctx.conn, person_id)
            busy = self._busy(
                ctx.conn, person_id, new_start, new_end, now=ctx.now, exclude_entry=entry_id
            )
            self._refuse_overlap(busy, name)
            ctx.before("entry", old, entry_id)
            values: dict[str, object] = {
                "person_id": person_id,
                "start_utc": new_start,
                "end_utc": new_end,
                "seconds": new_end - new_start,
                "updated_utc": ctx.now,
            }
            if category is not None:
                values["category"] = category
            if note is not None:
                values["note"] = note
            if tags is not None:
                values["tags"] = join_tags(list(tags))
            assignments = ", ".join(f"{column} = :{column}" for column in values)
            ctx.conn.run(
                f"UPDATE entry SET {assignments} WHERE id = :entry_id",
                {**values, "entry_id": entry_id},
            )
            entry = self._entry_in(ctx.conn, entry_id)
            ctx.summary.append(f"edited entry {entry_id}")
        return entry, created

    def remove(self, entry_ids: Sequence[int]) -> list[EntryRecord]:
        """Delete entries (all or none: an unknown id deletes nothing)."""
        with self._change("rm") as ctx:
            removed = []
            for entry_id in dict.fromkeys(entry_ids):
                entry = self._entry_in(ctx.conn, entry_id)
                ctx.before("entry", self._row_dict(ctx.conn, "entry", entry_id), entry_id)
                if not ctx.conn.run("DELETE FROM entry WHERE id = :id", {"id": entry_id}):
                    raise self._refused(ctx.conn, "entry", entry.person)  # not theirs to remove
                removed.append(entry)
            ids = ", ".join(str(e.id) for e in removed)
            ctx.summary.append(f"removed {plural(len(removed), 'entry', count=False)} {ids}")
        return removed

    @staticmethod
    def _name_of(conn: Conn, person_id: int) -> str:
        name: str = conn.scalar("SELECT name FROM person WHERE id = :id", {"id": person_id})
        return name

    # ---- timers ----------------------------------------------------------------------

    def timers(self, people: Sequence[str] = ()) -> list[TimerRecord]:
        params: dict[str, object] = {}
        where = f" WHERE person.name IN {in_list('person', people, params)}" if people else ""
        with self._read() as conn:
            rows = conn.rows(
                "SELECT person.name, timer.category, timer.start_utc, timer.note, timer.tags"
                f" FROM timer JOIN person ON person.id = timer.person_id{where}"
                " ORDER BY person.name",
                params,
            )
        return [
            TimerRecord(name, category, start, note, split_tags(tags))
            for name, category, start, note, tags in rows
        ]

    def start_timer(
        self,
        person: str,
        category: str,
        *,
        at: int | None = None,
        note: str = "",
        tags: Sequence[str] = (),
        create_person: bool = True,
    ) -> tuple[TimerRecord, EntryRecord | None, bool]:
        """Start a timer; a running one is stopped at the new start and saved (a switch).

        Returns the new timer, the entry saved by a switch (or None), and whether the
        person was created now.
        """
        with self._change("start") as ctx:
            implicit = at is None
            at = ctx.now if at is None else at
            self._refuse_future(at, ctx.now, "the start", "leave out --at to start it now")
            who, created = self._ensure_person(ctx, person, create=create_person)
            self._lock_person(ctx.conn, who.id)
            if implicit:
                at = self._after_this_seconds_work(ctx, who.id, at)
            saved = self._switch(ctx, who.id, person, at)
            self._refuse_overlap(
                self._busy(
                    ctx.conn, who.id, at, max(ctx.now, at + 1), now=ctx.now, include_timer=False
                ),
                person,
            )
            ctx.before("timer", None, who.id)
            ctx.conn.run(
                "INSERT INTO timer (person_id, category, start_utc, note, tags, created_utc)"
                " VALUES (:person_id, :category, :start, :note, :tags, :now)",
                {
                    "person_id": who.id,
                    "category": category,
                    "start": at,
                    "note": note,
                    "tags": join_tags(list(tags)),
                    "now": ctx.now,
                },
            )
            ctx.summary.append(f"started {category} for {person}")
        return TimerRecord(person, category, at, note, list(dict.fromkeys(tags))), saved, created

    def _after_this_seconds_work(self, ctx: ChangeContext, person_id: int, at: int) -> int:
        """Where a timer started "now" begins, at the store's one-second resolution.

        Commands run faster than the clock ticks: `start sales; start marketing` or
        `stop; start` often happen in one second.  A timer stopped in the second it
        started is saved as that whole second, so "now" may already be taken: a start
        without --at then begins when this second's timer or entry ends, a second or
        two ahead, instead of refusing an overlap nobody could see.
        """
        timer = _timer_start(ctx.conn, person_id)
        if timer is not None and timer >= at:
            return timer + 1
        limit = at + SAME_SECOND_SLACK
        while True:  # past each entry this second's commands saved (a few at most)
            latest = ctx.conn.first(
                "SELECT end_utc, created_utc FROM entry WHERE person_id = :pid"
                " AND start_utc <= :at ORDER BY person_id DESC, start_utc DESC LIMIT 1",
                {"pid": person_id, "at": at},
            )
            if latest is None or latest[1] < ctx.now or not at < latest[0] <= limit:
                return at
            at = latest[0]

    def _switch(
        self, ctx: ChangeContext, person_id: int, person: str, at: int
    ) -> EntryRecord | None:
        """Stop and save a running timer at `at`, for a switch."""
        timer = self._row_dict(ctx.conn, "timer", person_id)
        if timer is None:
            return None
        if at <= timer["start_utc"]:
            raise Conflict(
                f"{person}'s running timer started at {self.format_instant(timer['start_utc'])}; "
                "the new start must be after it (or cancel the timer first)"
            )
        return self._save_timer(ctx, person_id, person, timer, at, note=None)

    def _save_timer(
        self,
        ctx: ChangeContext,
        person_id: int,
        person: str,
        timer: dict,
        end: int,
        note: str | None,
    ) -> EntryRecord:
        busy = self._busy(
            ctx.conn, person_id, timer["start_utc"], end, now=ctx.now, include_timer=False
        )
        self._refuse_overlap(busy, person)
        ctx.before("timer", timer, person_id)
        if not ctx.conn.run("DELETE FROM timer WHERE person_id = :pid", {"pid": person_id}):
            raise self._refused(ctx.conn, "timer", person)  # a team store: not theirs to stop
        entry_id = self._insert_entry(
            ctx,
            person_id,
            timer["category"],
            timer["start_utc"],
            end,
            timer["note"] if note is None else note,
            split_tags(timer["tags"]),
        )
        entry = self._entry_in(ctx.conn, entry_id)
        ctx.summary.append(_summary("saved", entry))
        return entry

    def stop_timer(
        self,
        person: str,
        *,
        at: int | None = None,
        note: str | None = None,
        max_seconds: int | None = None,
    ) -> EntryRecord:
        """Stop and save the running timer at `at` (default now).  A timer that ran
        longer than ``max_seconds`` is refused with the ways out (a forgotten timer)."""
        with self._change("stop") as ctx:
            implicit = at is None
            at = ctx.now if at is None else at
            who = self._person(ctx.conn, person)
            if who is not None:
                # Lock before reading the timer, so two `stop`s cannot both save it.
                self._lock_person(ctx.conn, who.id)
            timer = self._row_dict(ctx.conn, "timer", who.id) if who else None
            if who is None or timer is None:
                raise self._no_timer(
                    person,
                    known=who is not None,
                    fix="; start one with `smbalance start sales` (or marketing)",
                )
            self._refuse_future(at, ctx.now, "the stop", "leave out --at to stop it now")
            if implicit:  # stopped in the second it started: it ran, so keep that second
                at = max(at, timer["start_utc"] + 1)
            if at <= timer["start_utc"]:
                raise Conflict(
                    f"the timer started at {self.format_instant(timer['start_utc'])}; "
                    "--at must be after that"
                )
            ran = at - timer["start_utc"]
            if max_seconds is not None and ran > max_seconds:
                raise Conflict(
                    f"{person}'s {timer['category']} timer ran {format_duration(ran)} (since "
                    f"{self.format_instant(timer['start_utc'])}), longer than max_entry_hours "
                    f"({format_duration(max_seconds)}): if you stopped earlier, "
                    "`smbalance stop --at WHEN`; if it is right, `smbalance stop --long`; "
                    "to discard it, `smbalance cancel`"
                )
            return self._save_timer(ctx, who.id, person, timer, at, note)

    def _no_timer(self, person: str, *, known: bool, fix: str) -> NotFound:
        """No timer to stop: for an unknown name that looks like a typo, say so."""
        nearest = None if known else self.nearest_name(person)
        if nearest:
            return NotFound(f"no person named {person!r}; did you mean {nearest}?")
        return NotFound(f"{person} has no running timer{fix}")

    def cancel_timer(self, person: str) -> TimerRecord:
        with self._change("cancel") as ctx:
            who = self._person(ctx.conn, person)
            if who is not None:
                # Lock before reading the timer, as `stop` does: a `cancel` and a `stop`
                # at once must not both act on the same timer.
                self._lock_person(ctx.conn, who.id)
            timer = self._row_dict(ctx.conn, "timer", who.id) if who else None
            if who is None or timer is None:
                raise self._no_timer(person, known=who is not None, fix=" to cancel")
            ctx.before("timer", timer, who.id)
            if not ctx.conn.run("DELETE FROM timer WHERE person_id = :pid", {"pid": who.id}):
                raise self._refused(ctx.conn, "timer", person)  # a team store: not theirs
            ctx.summary.append(f"cancelled {person}'s {timer['category']} timer")
        return TimerRecord(
            person, timer["category"], timer["start_utc"], timer["note"], split_tags(timer["tags"])
        )


def _timer_start(conn: Conn, person_id: int) -> int | None:
    start: int | None = conn.scalar(
        "SELECT start_utc FROM timer WHERE person_id = :pid", {"pid": person_id}
    )
    return start


def _no_entry(entry_id: int) -> NotFound:
    return NotFound(f"no entry with id {entry_id}; see `smbalance entries` for ids")


def _require_storable(entry_id: int) -> None:
    """An id no database column can hold is simply not there (and must not reach the
    driver, which would fail on it)."""
    if not 0 < entry_id < 2**63:
        raise _no_entry(entry_id)


def _summary(verb: str, entry: EntryRecord) -> str:
    length = format_duration(entry.seconds)
    return f"{verb} {length} of {entry.category} for {entry.person} (entry {entry.id})"
