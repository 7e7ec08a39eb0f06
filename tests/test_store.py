"""The store, tested directly on both backends: people, entries, overlaps, timers, undo."""

from __future__ import annotations

import pytest

from conftest import NOW_EPOCH
from smbalance.errors import Conflict, NotFound, OverlapError

H = 3600
T0 = NOW_EPOCH - 10 * H  # 04:05 UTC on the test day


def spans(store, person="alice"):
    return sorted((e.start_utc - T0, e.end_utc - T0) for e in store.entries(people=[person]))


# ---- people ----------------------------------------------------------------------------


def test_unknown_person_is_created_once_with_role_both(store):
    _, created = store.log("alice", "sales", T0, T0 + H)
    _, again = store.log("alice", "sales", T0 + H, T0 + 2 * H)
    assert (created, again) == (True, False)
    (alice,) = store.people()
    assert (alice.name, alice.role, alice.commission, alice.target) == ("alice", "both", 0, None)


def test_add_refuses_existing_name(store):
    store.add_person("bob", "sales", 60, 10)
    with pytest.raises(Conflict, match="bob already exists"):
        store.add_person("bob", "both")
    assert store.person("bob").commission == 60


def test_set_rename_and_remove(store):
    store.add_person("bob", "sales")
    store.set_person("bob", role="marketing", commission=20, target=40)
    assert store.person("bob").target == 40
    store.set_person("bob", clear_target=True)
    assert store.person("bob").target is None
    store.rename_person("bob", "robert")
    assert store.person("bob") is None and store.person("robert").commission == 20
    store.remove_person("robert")
    assert store.people() == []


def test_remove_refuses_person_with_entries_unless_forced(store):
    store.log("carol", "sales", T0, T0 + H)
    with pytest.raises(Conflict, match="1 entry;"):
        store.remove_person("carol")
    assert store.remove_person("carol", force=True) == 1
    assert store.entries() == []


def test_unknown_person_suggests_nearest_name(store):
    store.add_person("alice", "both")
    with pytest.raises(NotFound, match="did you mean alice"):
        store.require_person("alcie")


def test_rename_refuses_taken_name(store):
    store.add_person("a", "both")
    store.add_person("b", "both")
    with pytest.raises(Conflict, match="b already exists"):
        store.rename_person("a", "b")


# ---- entries and the overlap rule -------------------------------------------------------


def test_log_with_times_refuses_overlap_naming_the_other_entry(store):
    first, _ = store.log("alice", "sales", T0, T0 + 2 * H)
    with pytest.raises(OverlapError, match=f"entry {first.id}"):
        store.log("alice", "marketing", T0 + H, T0 + 3 * H)
    assert spans(store) == [(0, 2 * H)]


@pytest.mark.parametrize(
    ("start", "end"),
    [(-H, 1), (2 * H - 1, 3 * H), (H // 2, H), (-H, 3 * H), (0, 2 * H)],
)
def test_every_kind_of_overlap_is_refused(store, start, end):
    store.log("alice", "sales", T0, T0 + 2 * H)
    with pytest.raises(OverlapError):
        store.log("alice", "sales", T0 + start, T0 + end)


def test_touching_entries_and_other_people_do_not_overlap(store):
    store.log("alice", "sales", T0, T0 + H)
    store.log("alice", "sales", T0 + H, T0 + 2 * H)
    store.log("alice", "sales", T0 - H, T0)
    store.log("bob", "sales", T0, T0 + 2 * H)
    assert spans(store) == [(-H, 0), (0, H), (H, 2 * H)]


def test_duration_only_logs_stack_backwards_from_now(store):
    a, _ = store.log_duration("alice", "sales", 3 * H)
    b, _ = store.log_duration("alice", "marketing", H)
    assert (a.entry.end_utc, a.moved) == (NOW_EPOCH, False)
    assert (b.entry.start_utc, b.entry.end_utc, b.moved) == (
        NOW_EPOCH - 4 * H,
        NOW_EPOCH - 3 * H,
        True,
    )


def test_stacking_skips_back_over_several_entries(store):
    store.log("alice", "sales", NOW_EPOCH - H, NOW_EPOCH)
    store.log("alice", "sales", NOW_EPOCH - 3 * H, NOW_EPOCH - 2 * H)
    # The 90 minute gap-less slot is before 3h ago: the 1h gap is too small.
    placed, _ = store.log_duration("alice", "marketing", 90 * 60)
    assert (placed.entry.start_utc, placed.entry.end_utc) == (
        NOW_EPOCH - 3 * H - 90 * 60,
        NOW_EPOCH - 3 * H,
    )
    # A slot that fits the gap exactly is used.
    fits, _ = store.log_duration("alice", "marketing", H)
    assert (fits.entry.start_utc, fits.entry.end_utc) == (NOW_EPOCH - 2 * H, NOW_EPOCH - H)


def test_running_timer_counts_as_an_entry_until_now(store):
    store.start_timer("alice", "sales", at=NOW_EPOCH - H)
    with pytest.raises(OverlapError, match="running timer"):
        store.log("alice", "marketing", NOW_EPOCH - 2 * H, NOW_EPOCH - 30 * 60)
    placed, _ = store.log_duration("alice", "marketing", H)
    assert (placed.entry.start_utc, placed.entry.end_utc) == (NOW_EPOCH - 2 * H, NOW_EPOCH - H)


def test_edit_moves_and_checks_overlap_excluding_itself(store):
    a, _ = store.log("alice", "sales", T0, T0 + H)
    b, _ = store.log("alice", "sales", T0 + 2 * H, T0 + 3 * H)
    edited, created = store.edit(
        a.id, seconds=2 * H, note="longer", tags=["x"], category="marketing"
    )
    assert not created
    assert (edited.end_utc - T0, edited.note, edited.tags, edited.category) == (
        2 * H,
        "longer",
        ["x"],
        "marketing",
    )
    with pytest.raises(OverlapError, match=f"entry {b.id}"):
        store.edit(a.id, end=T0 + 2 * H + 1)
    assert store.entry(a.id).end_utc == T0 + 2 * H


def test_edit_to_another_person(store):
    a, _ = store.log("alice", "sales", T0, T0 + H)
    moved, created = store.edit(a.id, person="bob")
    assert moved.person == "bob" and store.entries(people=["alice"]) == []
    assert created and store.person("bob").role == "both"
    assert store.edit(a.id, person="alice") == (store.entry(a.id), False)


def test_an_id_once_used_is_never_given_again(store):
    a, _ = store.log("alice", "sales", T0, T0 + H)
    b, _ = store.log("alice", "sales", T0 + H, T0 + 2 * H)
    store.undo()  # the newest entry goes
    c, _ = store.log("alice", "sales", T0 + H, T0 + 2 * H)
    store.remove([c.id])
    d, _ = store.log("alice", "marketing", T0 + H, T0 + 2 * H)
    assert (a.id, b.id, c.id, d.id) == (1, 2, 3, 4)  # same on SQLite and PostgreSQL


def test_edit_and_remove_unknown_ids(store):
    with pytest.raises(NotFound, match="no entry with id 99"):
        store.edit(99, note="x")
    a, _ = store.log("alice", "sales", T0, T0 + H)
    with pytest.raises(NotFound):
        store.remove([a.id, 99])
    assert [e.id for e in store.entries()] == [a.id]  # all or nothing


def test_end_must_follow_start(store):
    with pytest.raises(Conflict):
        store.log("alice", "sales", T0, T0)


def test_entries_filters(store):
    store.log("alice", "sales", T0, T0 + H)
    store.log("alice", "marketing", T0 + H, T0 + 2 * H)
    store.log("bob", "sales", T0, T0 + H)
    assert len(store.entries(people=["alice"])) == 2
    assert [e.category for e in store.entries(category="marketing")] == ["marketing"]
    # An entry that overlaps the window at all is listed.
    assert len(store.entries(start_utc=T0 + H - 1, end_utc=T0 + H + 1)) == 3
    assert len(store.entries(start_utc=T0 + H - 1, end_utc=T0 + H)) == 2  # half-open
    newest = store.entries(limit=1)
    assert newest[0].start_utc == T0 + H


# ---- timers -----------------------------------------------------------------------------


def test_start_switch_stop(store):
    store.start_timer("alice", "sales", at=NOW_EPOCH - 2 * H, note="calls", tags=["q4"])
    _, saved, _ = store.start_timer("alice", "marketing", at=NOW_EPOCH - H)
    assert (saved.category, saved.seconds, saved.note, saved.tags) == ("sales", H, "calls", ["q4"])
    entry = store.stop_timer("alice", note="blog")
    assert (entry.category, entry.start_utc, entry.end_utc, entry.note) == (
        "marketing",
        NOW_EPOCH - H,
        NOW_EPOCH,
        "blog",
    )
    assert store.timers() == []


def test_timer_errors(store):
    with pytest.raises(NotFound, match="no running timer"):
        store.stop_timer("alice")
    with pytest.raises(NotFound):
        store.cancel_timer("alice")
    with pytest.raises(Conflict, match="future"):
        store.start_timer("alice", "sales", at=NOW_EPOCH + 61)  # a minute's slack, no more
    store.start_timer("alice", "sales", at=NOW_EPOCH - H)
    with pytest.raises(Conflict, match="after"):
        store.stop_timer("alice", at=NOW_EPOCH - 2 * H)
    with pytest.raises(Conflict, match="after"):
        store.start_timer("alice", "marketing", at=NOW_EPOCH - 2 * H)
    assert [t.category for t in store.timers()] == ["sales"]


def test_timer_cannot_start_inside_an_entry(store):
    store.log("alice", "sales", NOW_EPOCH - 2 * H, NOW_EPOCH - H)
    with pytest.raises(OverlapError):
        store.start_timer("alice", "marketing", at=NOW_EPOCH - 90 * 60)


def test_cancel_discards(store):
    store.start_timer("alice", "sales", at=NOW_EPOCH - H)
    store.cancel_timer("alice")
    assert store.timers() == [] and store.entries() == []


# ---- undo -------------------------------------------------------------------------------


def snapshot(store):
    return (store.entries(), store.people(), store.timers())


@pytest.mark.parametrize(
    "mutate",
    [
        lambda s: s.log("alice", "sales", T0, T0 + H),
        lambda s: s.log_duration("alice", "marketing", H),
        lambda s: s.edit(1, note="changed", seconds=2 * H, person="bob"),
        lambda s: s.remove([1]),
        lambda s: s.start_timer("alice", "sales", at=NOW_EPOCH - 60),
        lambda s: s.add_person("zed", "sales"),
        lambda s: s.set_person("alice", role="sales", commission=80),
        lambda s: s.rename_person("alice", "alicia"),
        lambda s: s.remove_person("alice", force=True),
    ],
    ids=[
        "log",
        "log-duration",
        "edit",
        "rm",
        "start",
        "people-add",
        "people-set",
        "people-rename",
        "people-rm",
    ],
)
def test_undo_restores_exactly_the_previous_state(store, mutate):
    store.log("alice", "sales", T0 - 2 * H, T0 - H, note="first", tags=["a"])
    before = snapshot(store)
    mutate(store)
    assert snapshot(store) != before
    store.undo()
    assert snapshot(store) == before


def test_undo_of_switch_stop_and_cancel(store):
    store.start_timer("alice", "sales", at=NOW_EPOCH - 2 * H)
    with_timer = snapshot(store)
    store.start_timer("alice", "marketing", at=NOW_EPOCH - H)
    store.undo()
    assert snapshot(store) == with_timer
    store.stop_timer("alice")
    store.undo()
    assert snapshot(store) == with_timer
    store.cancel_timer("alice")
    store.undo()
    assert snapshot(store) == with_timer


def test_undo_walks_back_and_then_has_nothing_left(store):
    store.log("alice", "sales", T0, T0 + H)
    store.log("alice", "sales", T0 + H, T0 + 2 * H)
    assert store.undo().command == "log"
    assert store.undo().command == "log"
    assert store.entries() == [] and store.people() == []
    with pytest.raises(NotFound, match="nothing to undo"):
        store.undo()


def test_removed_entry_comes_back_with_its_id_and_uid(store):
    entry, _ = store.log("alice", "sales", T0, T0 + H)
    store.remove([entry.id])
    store.undo()
    assert store.entry(entry.id) == entry


def test_failed_change_leaves_no_journal_entry(store):
    store.log("alice", "sales", T0, T0 + H)
    with pytest.raises(OverlapError):
        store.log("alice", "sales", T0, T0 + H)
    store.undo()  # undoes the successful log, not the refused one
    assert store.entries() == []


def test_entry_from_now_on_beside_a_running_timer_is_allowed_but_blocks_a_later_stop(store):
    """A running timer is an entry from its start to now (SPEC *Overlaps*), no further."""
    store.start_timer("alice", "sales", at=NOW_EPOCH - H)
    store.log("alice", "marketing", NOW_EPOCH, NOW_EPOCH + 60)  # a minute ahead is allowed
    assert store.check() == []
    store.clock = lambda: NOW_EPOCH + 30 * 60
    with pytest.raises(OverlapError):
        store.stop_timer("alice")
    assert store.stop_timer("alice", at=NOW_EPOCH).seconds == H


def test_new_uids_are_random_version_4_uuids_in_canonical_text() -> None:
    import uuid

    from smbalance.store.base import new_uid

    made = [new_uid() for _ in range(1000)]
    assert len(set(made)) == len(made)
    for text in made:
        parsed = uuid.UUID(text)
        assert parsed.version == 4 and parsed.variant == uuid.RFC_4122
        assert str(parsed) == text  # lower-case hex, hyphens where uuid puts them
