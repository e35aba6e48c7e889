"""`/hero duplicate|unduplicate|link|hotspots|search`: problems, duplicates and finding things."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

from sqlite_utils import Database

from bot.roles import is_manager
from bot.config import Config
from bot.core import Core
from bot.duplicates import link_idea, mark_duplicate, unmark_duplicate
from bot.errors import Refused
from bot.model import Actor, Origin
from bot.periods import Period, parse_period
from bot.replies import Hotspot, HotspotList, Reply, SearchResults
from storage import ideas as idea_store
from storage import problems as problem_store
from storage import search as search_store

HELP_LINES = """• `/problem <text>` log a customer problem (`/problem` alone opens a form); others add themselves with *Me too*
• `/hero hotspots [period]` problems most reported lately (default `30d`), with the trend and how customers reached us
• `/hero search <words>` find ideas and problems
• `/hero link <idea> <problem>` say an idea solves a problem, e.g. `/hero link 12 P3`
• `/hero duplicate <id> <original>` and `/hero unduplicate <id>` (managers) merge duplicates: `12 7` for ideas, `P4 P2` for problems"""

ALL_TIME = datetime(2000, 1, 1, tzinfo=UTC)
HOTSPOTS_SHOWN = 15


def _actor(origin: Origin) -> Actor:
    return Actor(origin.platform, origin.user_id)


async def _duplicate(core: Core, origin: Origin, args: list[str]) -> Reply:
    if len(args) != 2:
        raise Refused("Use `/hero duplicate <id> <original-id>`, e.g. `/hero duplicate 12 7` or `/hero duplicate P4 P2`.")
    return await mark_duplicate(core, _actor(origin), args[0], args[1])


async def _unduplicate(core: Core, origin: Origin, args: list[str]) -> Reply:
    if len(args) != 1:
        raise Refused("Use `/hero unduplicate <id>`, e.g. `/hero unduplicate 12` or `/hero unduplicate P4`.")
    return await unmark_duplicate(core, _actor(origin), args[0])


async def _link(core: Core, origin: Origin, args: list[str]) -> Reply:
    if len(args) != 2:
        raise Refused("Use `/hero link <idea-id> <problem-id>`, e.g. `/hero link 12 P3`.")
    return await link_idea(core, _actor(origin), args[0], args[1])


async def _hotspots(core: Core, origin: Origin, args: list[str]) -> Reply:
    found = await core.read(hotspot_list, core.config, core.now(), parse_period(args, "30d", "hotspots"))
    return replace(found, starts_challenges=is_manager(core.config, origin.user_id))


def hotspots(core: Core, period: Period | int) -> HotspotList:
    """Problems by distinct reporters in the period, against the period before; self-service candidates flagged."""
    return hotspot_list(core.db, core.config, core.now(), period)


def hotspot_list(db: Database, config: Config, until: datetime, period: Period | int) -> HotspotList:
    if isinstance(period, int):
        period = Period(f"{period}d", period)
    since = period.since(until) or ALL_TIME
    found = hotspots_in(db, config.self_service_threshold, since, until, HOTSPOTS_SHOWN)
    return HotspotList(f"Hot spots: problems reported in {period.phrase}", found, config.self_service_threshold)


def hotspots_between(core: Core, since: datetime, until: datetime, limit: int,
                     platform: str | None = None) -> list[Hotspot]:
    """The most reported problems in [since, until), each against the window of the same length before it
    (only `platform`'s problems when it is given)."""
    return hotspots_in(core.db, core.config.self_service_threshold, since, until, limit, platform)


def hotspots_in(db: Database, threshold: int, since: datetime, until: datetime, limit: int,
                platform: str | None = None) -> list[Hotspot]:
    """`hotspots_between` on a given connection (a read connection in a worker thread, or the loop's)."""
    before = since - (until - since)
    found = []
    for problem_id, count in problem_store.reporters_in_window(db, since, until, limit, platform):
        found.append(Hotspot(
            problem=problem_store.get_problem(db, problem_id), reporters=count,
            previous=problem_store.reporters_between(db, problem_id, before, since),
            channel_mix=problem_store.channel_mix(db, problem_id, since, until),
            self_service=count >= threshold and not problem_store.has_approved_idea(db, problem_id),
        ))
    return found


async def _search(core: Core, origin: Origin, args: list[str]) -> Reply:
    text = " ".join(args)
    if not search_store.all_words_query(text):
        raise Refused("Give me some words to look for, e.g. `/hero search refund card`. "
                      "Punctuation and search operators (\", *, -, NEAR) are not searched.")
    return SearchResults(text, await core.read(found_items, text))


def found_items(db: Database, text: str) -> list:
    items = []
    for hit in search_store.search(db, text):
        get = idea_store.get_idea if hit.kind == "idea" else problem_store.get_problem
        item = get(db, hit.id)
        if item is not None:
            items.append(item)
    return items


SUBCOMMANDS = {"duplicate": _duplicate, "unduplicate": _unduplicate, "link": _link,
               "hotspots": _hotspots, "search": _search}
