"""`smbalance demo`: fill a separate store with a demo team and show its report."""

from __future__ import annotations

from typing import Annotated

import typer

from smbalance.cli.context import notice, state
from smbalance.cli.params import format_option
from smbalance.cli.report import FORMATS
from smbalance.domain import plural

# Below this much team time the current week says little (e.g. on a Monday morning),
# so the demo shows last week instead.
ENOUGH_TEAM_SECONDS = 20 * 3600


def demo(fmt: Annotated[str, format_option(FORMATS)] = "table") -> None:
    """Fill a demo store with twelve weeks of a small team and show its report.

    The demo store is the one --db (or SMBALANCE_DB) names, else demo.db beside your
    default store; your own store is never touched.  Run again, it shows the demo's
    report once more; it refuses a store that holds entries of your own.

    \b
    Examples:
      smbalance demo
      smbalance --db /tmp/team.db demo
      smbalance --db /tmp/team.db report --last-week
    """
    from smbalance.config import default_db_path
    from smbalance.demo import TEAM, demo_entries

    app = state()
    # Only an explicit --db/SMBALANCE_DB is used: config `db` is the user's real store.
    target = app.db if app.db is not None else str(default_db_path().parent / "demo.db")
    store = app.store(create=True, target=target)
    week_start = app.settings.week_start
    added = store.fill_demo(TEAM, demo_entries(app.now, app.timezone, week_start))
    if added is None:
        notice(
            f"The demo store {store.where} already holds the demo team; here is its report "
            "again (nothing was added)."
        )
    else:
        notice(
            f"Filled the demo store {store.where} with "
            f"{plural(len(TEAM), 'person', 'people')} and {plural(added, 'entry')}."
        )
    result = _demo_report(app, store, week_start)
    from smbalance.cli.report import show_report

    show_report(result, fmt)
    notice(
        f"See more with `smbalance --db {target} report --last-week` (or --month, --all); "
        f"`smbalance --db {target} undo` removes the demo data."
    )


def _demo_report(app, store, week_start: int):  # type: ignore[no-untyped-def]
    from smbalance import periods
    from smbalance.report import build_report

    def build(period, label):  # type: ignore[no-untyped-def]
        return build_report(
            store,
            period,
            policy=app.settings.policy,
            week_start=week_start,
            label=label,
            now=app.now,  # last week's advice is in the past tense
            max_entry_seconds=app.settings.max_entry_seconds,
        )

    result = build(periods.week_of(app.now_dt, app.timezone, week_start), "this week")
    if result.team.total_seconds < ENOUGH_TEAM_SECONDS:
        notice("This week has only just begun, so here is last week's report.")
        result = build(periods.last_week(app.now_dt, app.timezone, week_start), "last week")
    return result


def register(app: typer.Typer) -> None:
    app.command()(demo)
