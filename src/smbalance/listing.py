"""`entries` as a table: the newest entries of a listing, how many match in all, and
their days with each day's sales and marketing.  (JSON and CSV stream straight from
`Store.export_batches`; this is only what the table needs.)  No Rich, no Typer."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from smbalance.domain import EntryRecord, split_tags
from smbalance.timeparse import day_bounds, local_date

if TYPE_CHECKING:
    from smbalance.store import Store

Day = tuple[str, int, int, list[EntryRecord]]  # (date, sales, marketing, its entries)


def newest(store: Store, shown: int, listing: dict[str, Any]) -> tuple[list[EntryRecord], int, int]:
    """The newest `shown` entries of `listing` (`export_batches`' filters; never more in
    memory), and the count and seconds of all that match."""
    batches = store.export_batches(newest_first=True, limit=shown, iso_instants=False, **listing)
    records = [
        EntryRecord(entry_id, uid, person, kind, start, end, note, split_tags(tags))
        for batch in batches
        for uid, entry_id, person, kind, start, end, _seconds, note, tags in batch
    ]
    if len(records) < shown:
        return records, len(records), sum(entry.seconds for entry in records)
    count, seconds = store.listing_totals(**listing)
    return records, count, seconds


def by_day(
    store: Store,
    entries: Sequence[EntryRecord],
    tz: str,
    people: Sequence[str] = (),
    category: str | None = None,
) -> list[Day]:
    """(local day, its sales, its marketing, its entries) for the days `entries` start
    on, in their order.  The sums are the whole day's (of `people` and `category`),
    entries clipped to the day as `report --by day` clips them, so a day the --limit
    cuts off, or an entry across midnight, never makes a day's line wrong."""
    groups: dict[str, tuple[int, int, list[EntryRecord]]] = {}
    for entry in entries:
        local = local_date(entry.start_utc, tz).isoformat()
        if local not in groups:
            groups[local] = (*day_bounds(entry.start_utc, tz), [])
        groups[local][2].append(entry)
    sums = store.period_splits(
        [(low, high) for low, high, _ in groups.values()], people, category=category
    )
    return [
        (
            local,
            sum(split.sales_seconds for split in splits),
            sum(split.marketing_seconds for split in splits),
            listed,
        )
        for (local, (_low, _high, listed)), splits in zip(groups.items(), sums, strict=True)
    ]
