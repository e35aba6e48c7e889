"""`/hero duplicate|unduplicate|link|hotspots|search`: problems, duplicates and finding things."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from bot.challenge_model import is_manager
from bot.chat import Origin
from bot.core import Core
from bot.duplicates import link_idea, mark_duplicate, unmark_duplicate
from bot.errors import Refused
from bot.model import Actor
from bot.replies import Hotspot, HotspotList, Reply, SearchResults
from storage import ideas as idea_store
from storage import problems as problem_store
from storage import search as search_store

HELP_LINES = """• `/problem <text>` log a customer problem (`/problem` alone opens a form); others add themselves with *Me too*
• `/hero hotspots [30d|90d]` problems most reported lately, with the trend and how customers reached us
• `/hero search <words>` find ideas and problems
• `/hero link <idea> <problem>` say an idea solves a problem, e.g. `/hero link 12 P3`
• `/hero duplicate <id> <original>` and `/hero unduplicate <id>` (managers) merge duplicates: `12 7` for ideas, `P4 P2` for problems"""

WINDOWS = {"30d": 30, "90d": 90}
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
    window = args[0].lower() if args else "30d"
    if window not in WINDOWS:
        raise Refused("Use `/hero hotspots 30d` or `/hero hotspots 90d`.")
    found = hotspots(core, WINDOWS[window])
    return replace(found, starts_challenges=is_manager(core.config, origin.user_id))


def hotspots(core: Core, days: int) -> HotspotList:
    """Problems by distinct reporters in the last `days`, against the `days` before; self-service candidates flagged."""
    until = core.now()
    found = hotspots_between(core, until - timedelta(days=days), until, HOTSPOTS_SHOWN)
    return HotspotList(f"Hot spots: problems reported in the last {days} days", found, core.config.self_service_threshold)


def hotspots_between(core: Core, since: datetime, until: datetime, limit: int,
                     platform: str | None = None) -> list[Hotspot]:
    """The most reported problems in [since, until), each against the window of the same length before it
    (only `platform`'s problems when it is given)."""
    before = since - (until - since)
    threshold = core.config.self_service_threshold
    found = []
    for problem_id, count in problem_store.reporters_in_window(core.db, since, until, limit, platform):
        found.append(Hotspot(
            problem=problem_store.get_problem(core.db, problem_id), reporters=count,
            previous=problem_store.reporters_between(core.db, problem_id, before, since),
            channel_mix=problem_store.channel_mix(core.db, problem_id, since, until),
            self_service=count >= threshold and not problem_store.has_approved_idea(core.db, problem_id),
        ))
    return found


async def _search(core: Core, origin: Origin, args: list[str]) -> Reply:
    text = " ".join(args)
    if not search_store.all_words_query(text):
        raise Refused("Give me some words to look for, e.g. `/hero search refund card`. "
                      "Punctuation and search operators (\", *, -, NEAR) are not searched.")
    items = []
    for hit in search_store.search(core.db, text):
        get = idea_store.get_idea if hit.kind == "idea" else problem_store.get_problem
        item = get(core.db, hit.id)
        if item is not None:
            items.append(item)
    return SearchResults(text, items)


SUBCOMMANDS = {"duplicate": _duplicate, "unduplicate": _unduplicate, "link": _link,
               "hotspots": _hotspots, "search": _search}
