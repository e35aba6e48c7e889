"""The `/hero` command: help, top, mine, show. Text in, neutral reply out."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import timedelta

from bot import box_commands, digest, problem_commands
from bot.chat import Origin
from bot.core import Core
from bot.decisions import open_form
from bot.errors import Refused
from bot.model import Actor
from bot.overview import WIN_PERIODS, waiting_for, wins
from bot.replies import IdeaDetail, IdeaList, Notice, Reply
from bot.review import pull_into_review
from storage import ideas as store

HELP = """*herobot* — share ideas that fix things for customers.
• `/idea <text>` post an idea (`/idea` alone opens a form; `/idea anon <text>` posts anonymously)
• vote with 👍 on an idea's message or its *Vote* button; reply in its thread to discuss
• `/hero top [week|month|all]` the top ideas by votes
• `/hero mine` your ideas and their status
• `/hero show <number>` one idea with its comments
• `/hero wins [month|all]` celebrated wins (default: the last month)
• managers: `/hero queue` ideas waiting for your decision · `/hero review <number>` send an open idea to review · `/hero done <number>` mark an approved idea or a pilot implemented
• `/hero digest` a preview of the weekly digest (the last seven days), only for you
• `/hero help` this text
""" + problem_commands.HELP_LINES + box_commands.HELP_LINES

PERIODS = {"week": timedelta(days=7), "month": timedelta(days=30), "all": None}

Subcommand = Callable[[Core, Origin, list[str]], Awaitable[Reply]]


async def run(core: Core, origin: Origin, text: str) -> Reply:
    """Run `/hero <text>`; anything unknown gets the help text."""
    words = text.split()
    name = words[0].lower() if words else "help"
    handler = SUBCOMMANDS.get(name, _help)
    return await handler(core, origin, words[1:])


async def _help(core: Core, origin: Origin, args: list[str]) -> Reply:
    return Notice(HELP)


async def _top(core: Core, origin: Origin, args: list[str]) -> Reply:
    period = args[0].lower() if args else "week"
    if period not in PERIODS:
        raise Refused("Use `/hero top week`, `/hero top month` or `/hero top all`.")
    window = PERIODS[period]
    since = core.now() - window if window else None
    heading = "Top ideas of all time" if window is None else f"Top ideas posted in the last {period}"
    return IdeaList(heading, store.top_ideas(core.db, since), empty="No ideas in that period yet.")


async def _mine(core: Core, origin: Origin, args: list[str]) -> Reply:
    ideas = store.ideas_of_author(core.db, Actor(origin.platform, origin.user_id))
    return IdeaList("Your ideas", ideas, empty="You have not posted an idea yet. Try `/idea <text>`.")


async def _show(core: Core, origin: Origin, args: list[str]) -> Reply:
    idea_id = parse_idea_number(args[0] if args else "")
    idea = store.get_idea(core.db, idea_id)
    if idea is None:
        raise Refused(f"There is no idea #{idea_id}.")
    chat = core.chat(idea.platform)
    link = await chat.link(idea.channel_id, idea.message_id) if chat and idea.message_id else None
    return IdeaDetail(idea, store.comments_of(core.db, idea_id), link)


def parse_idea_number(word: str) -> int:
    if not word.strip():
        raise Refused("Which idea? Give its number, e.g. `/hero show 12`.")
    digits = word.strip().lstrip("#")
    if not digits.isdigit() or len(digits) > 12:
        raise Refused(f"“{word}” is not an idea number. Use the number shown on the idea, e.g. `12`.")
    return int(digits)


async def _review(core: Core, origin: Origin, args: list[str]) -> Reply:
    return await pull_into_review(core, origin, parse_idea_number(args[0] if args else ""))


async def _done(core: Core, origin: Origin, args: list[str]) -> Reply:
    """The outcome form; adapters with forms open it (Slack intercepts `/hero done` for its trigger)."""
    return open_form(core, Actor(origin.platform, origin.user_id), parse_idea_number(args[0] if args else ""), "outcome")


async def _queue(core: Core, origin: Origin, args: list[str]) -> Reply:
    return waiting_for(core, Actor(origin.platform, origin.user_id))


async def _wins(core: Core, origin: Origin, args: list[str]) -> Reply:
    period = args[0].lower() if args else "month"
    if period not in WIN_PERIODS:
        raise Refused("Use `/hero wins month` or `/hero wins all`.")
    return wins(core, period)


async def _digest(core: Core, origin: Origin, args: list[str]) -> Reply:
    return await digest.preview(core, core.now(), origin.platform)


SUBCOMMANDS: dict[str, Subcommand] = {"help": _help, "top": _top, "mine": _mine, "show": _show,
                                      "review": _review, "done": _done, "queue": _queue, "wins": _wins,
                                      "digest": _digest}
SUBCOMMANDS.update(problem_commands.SUBCOMMANDS)
SUBCOMMANDS.update(box_commands.SUBCOMMANDS)
