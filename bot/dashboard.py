"""The dashboard's pages, computed off the event loop on a read connection of their own.

Managers (`[roles] managers` and everyone named in `[routing]`) see everything; everyone else sees the
organisation's aggregates and their own items. Authors of anonymous ideas are never shown, and a count of
fewer than `[web] min_group` people is shown as "fewer than N", never drawn or broken down.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING

from sqlite_utils import Database

from bot.config import Config
from bot.dashboard_figures import SECTIONS, Chart, Page, Series, Table
from bot.model import Actor, Status
from storage import dashboard as store
from storage import ideas as idea_store

if TYPE_CHECKING:  # not imported at run time: the worker process (bot.dashboard_worker) does without the core
    from bot.core import Core

WEEKS = 12
MONTHS = 6
TOP_PROBLEMS = 5
SELF_SERVICE_SHOWN = 20  # the most reported problems looked at as self-service candidates
HOT_DAYS = 90  # problems are ranked as `/hero hotspots 90d` ranks them, from the counts m014 keeps for 90 days
PILOTS_SHOWN = 50
WAITING_SHOWN = 50
BOX_ACTIONS_SHOWN = 12
CLOSED_PERIOD_LIFE = 3600.0  # seconds a past week's or month's figures are reused before being read again
WARM_FROM_IDEAS = 10_000  # below this, pages are not read ahead at start
PAGE_LIFE = 60.0  # seconds a built page is shown again before its figures are read again (it says "as of")
FLOW_STATUSES = ("open", "in_review", "needs_info", "approved", "piloting", "implemented", "declined")
STAGES = (("in_review", "reached review"), ("approved", "approved"), ("piloting", "piloting"),
          ("implemented", "implemented"), ("declined", "declined"))
AGE_BUCKETS = ((0, 2, "0–2 days"), (3, 6, "3–6 days"), (7, 13, "1–2 weeks"), (14, 29, "2–4 weeks"),
               (30, None, "a month or more"))

# Runs a module-level reader with its arguments off the event loop and awaits what it returns: a thread of this
# process (asyncio.to_thread) or a worker process (bot.dashboard_worker).
Compute = Callable[..., Awaitable]


@dataclass(frozen=True)
class Viewer:
    platform: str
    user_id: str
    manager: bool
    author_key: str = ""  # computed on the serving connection, which holds the secret (storage.keys)


def viewer_of(config: Config, platform: str, user_id: str) -> Viewer:
    managers = set(config.managers) | {m for people in config.routing.values() for m in people}
    return Viewer(platform, user_id, user_id in managers)


async def page(core: Core, viewer: Viewer, section: str | None, compute: Compute = asyncio.to_thread) -> Page | None:
    """The overview (section None) or one section as `viewer` sees it; None for a section not shown (Empowerment
    while the box has no action). A page is a heavy answer (bot.heavy): reused while nothing is written, and beyond
    `[limits] heavy_per_minute` computed pages a minute the person is Refused ("try again in a moment")."""
    person = (viewer.platform, viewer.user_id)
    key = ("dashboard", section, viewer.manager, None if viewer.manager else person)
    return await core.heavy.run(person, core.db, key, lambda: _page(core, viewer, section, compute),
                                lambda: store.figures_version(core.db.conn))


async def _page(core: Core, viewer: Viewer, section: str | None, compute: Compute) -> Page | None:
    """The organisation's figures for the viewer's role, shared by everyone of that role and read again once something
    was written or a minute passed (by `compute`, on a read connection of its own), then the viewer's own items."""
    now = core.now()
    viewer = replace(viewer, author_key=idea_store.author_key(core.db, Actor(viewer.platform, viewer.user_id)))
    path = store.database_file(core.db.conn)
    if path is None:  # an in-memory database has no second connection: read it here
        return build(core.db.conn, core.config, viewer, section, now)
    shared = await _organisation_page(core, path, viewer, section, now, compute)
    if shared is None:
        return None
    own = await compute(_read_own, path, core.config, viewer, section, now) if _has_own(viewer, section) else ()
    return replace(shared, tables=shared.tables + own)


async def warm(core: Core, compute: Compute = asyncio.to_thread, min_ideas: int = WARM_FROM_IDEAS) -> None:
    """Read every page's shared figures once, for managers and for everyone else, so that the first views after a
    start find them (run in the background when the server starts; a database of fewer than `min_ideas` ideas is
    read fast enough when asked)."""
    path = store.database_file(core.db.conn)
    if path is None or store.ideas_ever(core.db.conn) < min_ideas:
        return
    for manager in (True, False):
        for section in (None, *SECTIONS):
            await _organisation_page(core, path, Viewer("", "", manager), section, core.now(), compute)


@dataclass(frozen=True)
class _Kept:
    page: Page | None
    generation: int
    at: datetime


@dataclass(frozen=True)
class _Flight:
    generation: int
    future: concurrent.futures.Future


_pages: dict[tuple, _Kept] = {}
_flights: dict[tuple, _Flight] = {}
_pages_lock = threading.Lock()


def _fresh(kept: _Kept | None, seen: int, now: datetime) -> bool:
    return kept is not None and kept.generation == seen and timedelta(0) <= now - kept.at < timedelta(seconds=PAGE_LIFE)


async def _organisation_page(core: Core, path: str, viewer: Viewer, section: str | None, now: datetime,
                             compute: Compute) -> Page | None:
    """The kept page while none of its tables was written since it was read (m025); else read it, once: a request arriving while the
    same page is being read (by the start's warm-up or another person) waits for that reading."""
    key = (path, id(core.config), section, viewer.manager)
    seen = store.figures_version(core.db.conn)
    with _pages_lock:
        kept = _pages.get(key)
        if _fresh(kept, seen, now):
            return kept.page
        flight = _flights.get(key)
        reading = flight is None or flight.generation != seen
        if reading:
            flight = _flights[key] = _Flight(seen, concurrent.futures.Future())
    if not reading:
        return await asyncio.wrap_future(flight.future)
    try:
        shared = await compute(_read_shared, path, core.config, viewer, section, now)
    except BaseException as error:
        flight.future.set_exception(error)
        flight.future.exception()  # retrieved: nobody else need be waiting
        raise
    finally:
        with _pages_lock:
            if _flights.get(key) is flight:
                del _flights[key]
    flight.future.set_result(shared)
    with _pages_lock:
        for old in [k for k, p in _pages.items() if not timedelta(0) <= now - p.at < timedelta(seconds=PAGE_LIFE)]:
            del _pages[old]
        _pages[key] = _Kept(shared, seen, now)
    return shared


def _read_shared(path: str, config: Config, viewer: Viewer, section: str | None, now: datetime) -> Page | None:
    conn = store.open_reader(path)
    try:
        return _shared(_Context(conn, config, viewer, now, path), section)
    finally:
        conn.close()


def _read_own(path: str, config: Config, viewer: Viewer, section: str | None, now: datetime) -> tuple[Table, ...]:
    conn = store.open_reader(path)
    try:
        return _own(_Context(conn, config, viewer, now, path), section)
    finally:
        conn.close()


def _has_own(viewer: Viewer, section: str | None) -> bool:
    return not viewer.manager and (section or "overview") in OWN


def build(conn: sqlite3.Connection, config: Config, viewer: Viewer, section: str | None, now: datetime,
          path: str | None = None) -> Page | None:
    """One page as `viewer` sees it: the organisation's figures for their role, then their own items; None for a
    section not shown."""
    ctx = _Context(conn, config, viewer, now, path)
    shared = _shared(ctx, section)
    return replace(shared, tables=shared.tables + _own(ctx, section)) if shared else None


def sections_shown(conn: sqlite3.Connection) -> tuple[str, ...]:
    """The sections in the navigation: all of them, but Empowerment only once the box has an action."""
    return tuple(s for s in SECTIONS if s != "empowerment" or store.box_has_actions(conn))


def _shared(ctx: _Context, section: str | None) -> Page | None:
    shown = sections_shown(ctx.conn)
    if section is not None and section not in shown:
        return None
    return replace(BUILDERS[section or "overview"](ctx), as_of=ctx.now, sections=shown)


def _own(ctx: _Context, section: str | None) -> tuple[Table, ...]:
    """A member's own items on a page (managers see every item in the shared page already)."""
    if not _has_own(ctx.viewer, section):
        return ()
    return OWN[section or "overview"](ctx)


_closed: dict[tuple, tuple[float, object]] = {}
_closed_lock = threading.Lock()


def _closed_period(path: str | None, key: tuple, compute: Callable[[], object]):
    """Figures of a week or month that is over change only when someone is forgotten or an old vote is merged:
    they are read once an hour per database file, not on every page (the current period always is)."""
    if path is None:
        return compute()
    now = time.monotonic()
    with _closed_lock:
        hit = _closed.get((path, *key))
    if hit and now - hit[0] < CLOSED_PERIOD_LIFE:
        return hit[1]
    value = compute()
    with _closed_lock:
        for old in [k for k, (at, _) in _closed.items() if now - at >= CLOSED_PERIOD_LIFE]:
            del _closed[old]
        _closed[(path, *key)] = (now, value)
    return value


@dataclass(frozen=True)
class _Context:
    conn: sqlite3.Connection
    config: Config
    viewer: Viewer
    now: datetime
    path: str | None = None

    def people_in(self, mondays: list[date]) -> dict[str, dict[str, int]]:
        """People who posted, voted, commented in each week; past weeks from the closed-period store."""
        this_week = self.weeks()[-1]
        found: dict[str, dict[str, int]] = {"posted": {}, "voted": {}, "commented": {}}
        for monday in mondays:
            if monday < this_week:
                week = _closed_period(self.path, ("people", monday), lambda m=monday: store.people_per_week(self.conn, [m]))
            else:
                week = store.people_per_week(self.conn, [monday])
            for kind, counts in week.items():
                found[kind].update(counts)
        return found

    def decisions_in(self, month: str) -> list[tuple[str, float]]:
        """(deciding manager, days from review to decision) of the decisions taken in `month`."""
        start = datetime.fromisoformat(month + "-01T00:00:00+00:00")
        end = (start + timedelta(days=32)).replace(day=1)

        def read() -> list[tuple[str, float]]:
            return store.decision_times(self.conn, start, end)
        if month < self.months()[-1]:
            return _closed_period(self.path, ("decisions", month), read)
        return read()

    @property
    def min_group(self) -> int:
        return self.config.web_min_group

    def people(self, count: int | None) -> int | None:
        """A count of people, or None when it is too small to show."""
        return None if count is None or count < self.min_group else count

    def weeks(self) -> list[date]:
        this_monday = self.now.astimezone(UTC).date() - timedelta(days=self.now.astimezone(UTC).weekday())
        return [this_monday - timedelta(weeks=n) for n in range(WEEKS - 1, -1, -1)]

    def since_weeks(self) -> datetime:
        return datetime.combine(self.weeks()[0], datetime.min.time(), UTC)

    def hot_spots(self, limit: int) -> list[tuple[int, str, int]]:
        """The problems most reported in the last HOT_DAYS days, ranked as `/hero hotspots` ranks them."""
        return store.top_problems(self.conn, self.now - timedelta(days=HOT_DAYS), self.now, limit)

    def months(self) -> list[str]:
        year, month = self.now.astimezone(UTC).year, self.now.astimezone(UTC).month
        found = []
        for _ in range(MONTHS):
            found.append(f"{year:04d}-{month:02d}")
            year, month = (year, month - 1) if month > 1 else (year - 1, 12)
        return found[::-1]

    def since_months(self) -> datetime:
        return datetime.fromisoformat(self.months()[0] + "-01T00:00:00+00:00")

    def own_ideas(self) -> list:
        return idea_store.ideas_by_author_key(Database(self.conn), self.viewer.author_key)


def week_label(monday: date) -> str:
    return f"{monday.day} {monday:%b}"


def month_label(month: str) -> str:
    return datetime.strptime(month, "%Y-%m").strftime("%b %Y")


def shown(value: float | None, min_group: int) -> str:
    return f"fewer than {min_group}" if value is None else f"{value:g}"


def _status_word(status: str) -> str:
    return Status(status).label


# --- flow ---------------------------------------------------------------------------------------------

def _ideas_per_week(ctx: _Context) -> Chart:
    weeks = ctx.weeks()
    counts: dict[tuple[str, str], int] = {}
    for week, status, n in store.ideas_per_week(ctx.conn, weeks):
        counts[(week, status)] = n
    keys = [w.isoformat() for w in weeks]
    series = tuple(Series(_status_word(s), tuple(counts.get((k, s), 0) for k in keys)) for s in FLOW_STATUSES)
    return Chart("ideas-per-week", "stacked", "Ideas posted per week, by where they are now", "Week (starting Monday)",
                 "Ideas", tuple(week_label(w) for w in weeks), tuple(s for s in series if any(s.values)) or series[:1])


def flow(ctx: _Context) -> Page:
    since = ctx.since_weeks()
    weekly = _ideas_per_week(ctx)
    posted = store.ideas_posted(ctx.conn, since)
    reached = store.stages_reached(ctx.conn, ctx.weeks()[0])
    funnel = Chart("funnel", "hbars", f"How far the ideas of the last {WEEKS} weeks got", "Ideas", "Stage",
                   ("posted", *(word for _, word in STAGES)),
                   (Series("Ideas", (posted, *(reached.get(s, 0) for s, _ in STAGES))),))
    return Page("flow", SECTIONS["flow"], f"Ideas posted in the last {WEEKS} weeks and how far they got.",
                (weekly, funnel))


def _own_ideas(ctx: _Context) -> tuple[Table, ...]:
    rows = tuple((f"#{i.id}", i.display_title + (" (anonymous: only you see this)" if i.anonymous else ""),
                  i.status.label) for i in ctx.own_ideas())
    return (Table("Your ideas", ("Idea", "Title", "Status"), rows, "You have not posted an idea yet."),)


# --- decisions ----------------------------------------------------------------------------------------

def percentile(values: list[float], share: float) -> float:
    """Nearest-rank percentile (share 0.5 is the median as a value someone actually waited)."""
    ordered = sorted(values)
    rank = max(1, -(-int(share * 100) * len(ordered) // 100))
    return ordered[min(rank, len(ordered)) - 1]


def decisions(ctx: _Context) -> Page:
    months = ctx.months()
    by_month: dict[str, list[float]] = {m: [] for m in months}
    by_manager: dict[str, list[float]] = {}
    for month in months:
        for actor, days in ctx.decisions_in(month):
            by_month[month].append(days)
            by_manager.setdefault(actor, []).append(days)
    for values in (*by_month.values(), *by_manager.values()):
        values.sort()  # once: each percentile below then sorts an ordered list
    labels = tuple(month_label(m) for m in months)
    medians = tuple(round(percentile(by_month[m], 0.5), 1) if by_month[m] else 0 for m in months)
    p90s = tuple(round(percentile(by_month[m], 0.9), 1) if by_month[m] else 0 for m in months)
    per_month = Chart("decision-time", "grouped", "Days from review to decision, per month", "Month", "Days",
                      labels, (Series("median", medians), Series("90th percentile", p90s)), unit="days")
    waiting = store.waiting_since(ctx.conn)
    ages = Counter((ctx.now - datetime.fromisoformat(since)).days for _, since in waiting)  # ideas per age in days
    buckets = tuple(sum(n for a, n in ages.items() if low <= a and (high is None or a <= high))
                    for low, high, _ in AGE_BUCKETS)
    waiting_chart = Chart("waiting", "bars", f"Ideas waiting for a decision now ({len(waiting)}), by age",
                          "Waiting for", "Ideas", tuple(label for *_, label in AGE_BUCKETS), (Series("Ideas", buckets),))
    charts = [per_month, waiting_chart]
    tables = [Table("Decisions per month", ("Month", "Decisions", "Median days", "90th percentile days"),
                    tuple((label, str(len(by_month[m])), f"{med:g}" if by_month[m] else "—", f"{p90:g}" if by_month[m] else "—")
                          for label, m, med, p90 in zip(labels, months, medians, p90s)))]
    if ctx.viewer.manager:
        managers = sorted(by_manager, key=lambda m: (-len(by_manager[m]), m))[:12]
        charts.append(Chart("decision-time-by-manager", "grouped", "Days from review to decision, per manager",
                            "Manager", "Days", tuple(managers),
                            (Series("median", tuple(round(percentile(by_manager[m], 0.5), 1) for m in managers)),
                             Series("90th percentile", tuple(round(percentile(by_manager[m], 0.9), 1) for m in managers))),
                            unit="days"))
        tables.append(Table("Waiting now, longest first", ("Idea", "Title", "Status", "Waiting (days)"),
                            tuple((f"#{i}", title, _status_word(status), str((ctx.now - datetime.fromisoformat(s)).days))
                                  for i, title, status, s in store.longest_waiting(ctx.conn, WAITING_SHOWN))))
    return Page("decisions", SECTIONS["decisions"],
                f"How long ideas wait between review and decision (the last {MONTHS} months), and what waits now.",
                tuple(charts), tuple(tables))


def _own_waiting(ctx: _Context) -> tuple[Table, ...]:
    mine = [i for i in ctx.own_ideas() if i.status in (Status.IN_REVIEW, Status.NEEDS_INFO)]
    since = store.waits_of(ctx.conn, [i.id for i in mine])
    return (Table("Your ideas waiting for a decision", ("Idea", "Title", "Waiting (days)"),
                  tuple((f"#{i.id}", i.display_title, str((ctx.now - datetime.fromisoformat(since[i.id])).days))
                        for i in mine if i.id in since), "None of your ideas is waiting."),)


# --- customer problems --------------------------------------------------------------------------------

def _short(text: str, limit: int = 60) -> str:
    line = text.strip().splitlines()[0] if text.strip() else "(no text)"
    return line if len(line) <= limit else line[: limit - 1] + "…"


def problems(ctx: _Context) -> Page:
    weeks = ctx.weeks()
    since = ctx.since_weeks()
    ranked = ctx.hot_spots(SELF_SERVICE_SHOWN)
    top = ranked[:TOP_PROBLEMS]
    per_week: dict[tuple[int, str], int] = {(p, w): n for p, w, n in
                                            store.reporters_per_week(ctx.conn, [p for p, _, _ in top], since)}
    keys = [w.isoformat() for w in weeks]
    series = tuple(Series(f"P{pid} {_short(text, 40)}", tuple(ctx.people(per_week.get((pid, k), 0)) for k in keys))
                   for pid, text, _ in top)
    hot = Chart("hot-spots", "grouped", f"Reporters per week of the problems most reported in the last {HOT_DAYS} days",
                "Week (starting Monday)", "Reporters", tuple(week_label(w) for w in weeks),
                series or (Series("Reporters", (0,) * WEEKS),),
                note=f"Weeks with fewer than {ctx.min_group} reporters are not shown.")
    channels = store.contact_channels(ctx.conn, since)
    total = sum(n for _, n in channels)
    if ctx.people(total) is None:
        channels = []
    mix = Chart("channel-mix", "hbars", f"How customers reached us (last {WEEKS} weeks)", "Reporters", "Channel",
                tuple(c.replace("_", " ") for c, _ in channels) or ("none yet",),
                (Series("Reporters", tuple(ctx.people(n) for _, n in channels) or (0,)),),
                note=f"Channels with fewer than {ctx.min_group} reporters are not broken down.")
    threshold = ctx.config.self_service_threshold
    candidates = tuple((f"P{pid}", _short(text), str(n)) for pid, text, n in
                       ranked
                       if n >= threshold and not store.has_approved_idea(ctx.conn, pid))
    table = Table(f"Self-service candidates (last {HOT_DAYS} days)", ("Problem", "What", "Reporters"), candidates,
                  f"No problem has {threshold} or more reporters without an approved idea.")
    return Page("problems", SECTIONS["problems"],
                f"Where customers keep calling: the problems most reported in the last {HOT_DAYS} days (people who "
                f"first reported them then, as /hero hotspots {HOT_DAYS}d counts them) with their reporters week by "
                f"week, and how customers reached us in the last {WEEKS} weeks.", (hot, mix), (table,))


# --- mission goals ------------------------------------------------------------------------------------

def goals(ctx: _Context) -> Page:
    rows = store.per_goal(ctx.conn)
    names = tuple(goal or "(no goal)" for goal, *_ in rows)
    chart = Chart("goals", "grouped", "Ideas, pilots and wins per mission goal", "Mission goal", "Ideas", names or ("none yet",),
                  (Series("ideas", tuple(n for _, n, _, _ in rows) or (0,)),
                   Series("pilots", tuple(p for _, _, p, _ in rows) or (0,)),
                   Series("wins", tuple(w or 0 for _, _, _, w in rows) or (0,))))
    return Page("goals", SECTIONS["goals"], "Which mission goals get attention, and which turn into results.", (chart,))


# --- pilots and wins ----------------------------------------------------------------------------------

def _num(value: float | None) -> str:
    return "—" if value is None else f"{value:g}"


def pilots(ctx: _Context) -> Page:
    months = ctx.months()
    wins = dict(store.wins_per_month(ctx.conn, ctx.since_months()))
    chart = Chart("wins-per-month", "bars", "Wins (ideas implemented) per month", "Month", "Wins",
                  tuple(month_label(m) for m in months), (Series("Wins", tuple(wins.get(m, 0) for m in months)),))
    intro = f"Each pilot's metric against its target, and wins over the last {MONTHS} months."
    if not ctx.viewer.manager:
        notes = (f"{store.pilot_count(ctx.conn)} pilots in all; their details are for managers.",)
        return Page("pilots", SECTIONS["pilots"], intro, (chart,), (), notes)
    return Page("pilots", SECTIONS["pilots"], intro, (chart,), (_pilot_table("Pilots", store.pilots(ctx.conn, PILOTS_SHOWN),
                                                                             "No pilots yet."),))


def _pilot_table(title: str, rows: list[tuple], empty: str) -> Table:
    return Table(title, ("Idea", "Title", "Status", "Metric", "Baseline", "Target", "Result", "Ends"),
                 tuple((f"#{i}", name, _status_word(status), metric, _num(base), _num(target), _num(result), ends)
                       for i, name, status, _, metric, base, target, result, ends in rows), empty)


def _own_pilots(ctx: _Context) -> tuple[Table, ...]:
    rows = store.pilots_of(ctx.conn, [i.id for i in ctx.own_ideas()])
    return (_pilot_table("Your pilots", rows, "None of your ideas is a pilot."),)


# --- participation ------------------------------------------------------------------------------------

def participation(ctx: _Context) -> Page:
    weeks = ctx.weeks()
    keys = [w.isoformat() for w in weeks]
    people = ctx.people_in(weeks)
    series = tuple(Series(kind, tuple(ctx.people(people[kind].get(k, 0)) for k in keys))
                   for kind in ("posted", "voted", "commented"))
    chart = Chart("participation", "grouped", "People who posted, voted and commented, per week",
                  "Week (starting Monday)", "People", tuple(week_label(w) for w in weeks), series,
                  note=f"Counts of fewer than {ctx.min_group} people are not shown.")
    return Page("participation", SECTIONS["participation"], f"Who takes part, week by week (the last {WEEKS} weeks).",
                (chart,))


# --- empowerment box ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class _BoxAction:
    ref: str
    action: str
    expected: str
    uses: int
    worked: int
    did_not_work: int
    too_early: int
    people: int


def _box_actions(ctx: _Context) -> list[_BoxAction]:
    """The most used actions of the last WEEKS weeks with their outcomes and how many people used each."""
    since = ctx.since_weeks()
    used = store.box_uses_per_action(ctx.conn, since.date(), BOX_ACTIONS_SHOWN)
    ids = [action_id for action_id, *_ in used]
    texts = store.box_action_texts(ctx.conn, ids)
    too_early = store.box_too_early(ctx.conn, ids, since)
    people = store.box_people_per_action(ctx.conn, ids, since)
    return [_BoxAction(f"B{i}", texts[i][0], texts[i][1], uses, worked, answered - worked, too_early.get(i, 0),
                       people.get(i, 0)) for i, uses, worked, answered in used]


def _share(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0


def _box_uses_chart(ctx: _Context, actions: list[_BoxAction]) -> Chart:
    return Chart("box-uses", "bars", f"Uses per action of the box (last {WEEKS} weeks)", "Action", "Uses",
                 tuple(a.ref for a in actions) or ("none yet",),
                 (Series("Uses", tuple(a.uses if ctx.people(a.people) else None for a in actions) or (0,)),),
                 note=f"Actions used by fewer than {ctx.min_group} people are not shown.")


def _box_outcomes_chart(ctx: _Context, actions: list[_BoxAction]) -> Chart:
    def rates(outcome: Callable[[_BoxAction], int]) -> tuple[float | None, ...]:
        return tuple(_share(outcome(a), a.uses) if ctx.people(a.people) else None for a in actions) or (0,)
    return Chart("box-outcomes", "grouped", "Outcomes per action, as a share of its uses", "Action", "% of uses",
                 tuple(a.ref for a in actions) or ("none yet",),
                 (Series("worked", rates(lambda a: a.worked)), Series("did not work", rates(lambda a: a.did_not_work)),
                  Series("too early", rates(lambda a: a.too_early))), unit="%",
                 note=f"Actions used by fewer than {ctx.min_group} people are not broken down.")


def _box_exceptions_chart(ctx: _Context) -> Chart:
    asked, allowed, declined, people = store.box_exceptions(ctx.conn, ctx.since_weeks())
    values = (asked, allowed, declined) if ctx.people(people) else (None, None, None)
    return Chart("box-exceptions", "bars", f"Exceptions to a limit (last {WEEKS} weeks)", "Exceptions", "Requests",
                 ("asked", "allowed", "declined"), (Series("Requests", values),),
                 note=f"Fewer than {ctx.min_group} people asking are not broken down.")


def _box_expectations(ctx: _Context, actions: list[_BoxAction]) -> Table:
    def row(a: _BoxAction) -> tuple[str, ...]:
        if not ctx.people(a.people):
            return (a.ref, a.action, a.expected, *(shown(None, ctx.min_group),) * 5)
        answered = a.worked + a.did_not_work
        rate = f"{round(100 * a.worked / answered)}%" if answered else "no outcome yet"
        return (a.ref, a.action, a.expected, str(a.uses), str(a.worked), str(a.did_not_work), str(a.too_early), rate)
    return Table("Each action against its expected outcome", ("Action", "What", "Expected outcome", "Uses", "Worked",
                 "Did not work", "Too early", "Worked of those answered"), tuple(row(a) for a in actions),
                 f"No action of the box was used in the last {WEEKS} weeks.")


def empowerment(ctx: _Context) -> Page:
    actions = _box_actions(ctx)
    return Page("empowerment", SECTIONS["empowerment"],
                f"How the empowerment box is used: uses per action, whether they worked, and exceptions asked "
                f"(the last {WEEKS} weeks, the {BOX_ACTIONS_SHOWN} most used actions).",
                (_box_uses_chart(ctx, actions), _box_outcomes_chart(ctx, actions), _box_exceptions_chart(ctx)),
                (_box_expectations(ctx, actions),))


# --- overview -----------------------------------------------------------------------------------------

def overview(ctx: _Context) -> Page:
    since = ctx.since_weeks()
    waiting = store.waiting_since(ctx.conn)
    top = ctx.hot_spots(1)
    wins = sum(n for _, n in store.wins_per_month(ctx.conn, ctx.since_months()))
    last_week = ctx.weeks()[-2]
    people = ctx.people_in([last_week])
    figures = (
        ("Ideas posted in the last 12 weeks", str(store.ideas_posted(ctx.conn, since))),
        ("Waiting for a decision now", str(len(waiting))),
        (f"Most reported problem (last {HOT_DAYS} days)", f"P{top[0][0]} {_short(top[0][1])} ({shown(ctx.people(top[0][2]), ctx.min_group)} reporters)"
         if top else "none yet"),
        (f"Wins in the last {MONTHS} months", str(wins)),
        ("People who voted last week", shown(ctx.people(people["voted"][last_week.isoformat()]), ctx.min_group)),
    )
    return Page("overview", "Overview", "herobot at a glance. Pick a section for the details.",
                (_ideas_per_week(ctx),), (Table("Key figures", ("Figure", "Value"), figures),))


OWN: dict[str, Callable[[_Context], tuple[Table, ...]]] = {
    "overview": _own_ideas, "flow": _own_ideas, "decisions": _own_waiting, "pilots": _own_pilots,
}
BUILDERS: dict[str, Callable[[_Context], Page]] = {
    "overview": overview, "flow": flow, "decisions": decisions, "problems": problems, "goals": goals,
    "pilots": pilots, "participation": participation, "empowerment": empowerment,
}
