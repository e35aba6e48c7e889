"""The `/hero` command: help, top, mine, show. Text in, neutral reply out."""

from __future__ import annotations

import difflib
from collections.abc import Awaitable, Callable

from bot import box_commands, challenges, digest, news, problem_commands, typed_decisions
from bot.core import Core
from bot.dashboard_auth import login_link
from bot.decision_notes import decision_stories, decision_story
from bot.errors import Refused
from bot.model import Actor, Origin
from bot.overview import home_of, waiting_for, wins
from bot.periods import parse_period
from bot.replies import IdeaDetail, IdeaList, Notice, Reply
from bot.review import pull_into_review
from bot.roles import is_manager
from storage import ideas as store

HELP = """*herobot* — share ideas that fix things for customers.
• `/idea <text>` post an idea (`/idea` alone opens a form; `/idea anon <text>` posts anonymously)
• vote with 👍 on an idea's message or its *Vote* button; reply in its thread to discuss
• `/hero top [period]` the top ideas by votes (periods everywhere: `week`, `month`, `quarter`, `all` or days such as `30d`)
• `/hero mine` your ideas and their status
• `/hero home` your page: your ideas, the ideas you voted for and (managers) what waits for your decision
• `/hero show <number>` one idea with its comments
• `/hero wins [period]` celebrated wins (default: the last month)
• managers: `/hero queue` ideas waiting for your decision · `/hero review <number>` send an open idea to review
• managers decide by typing: `/hero approve <number> [low|medium|high] [mitigation]` · `/hero pilot <number>` (opens the form) · `/hero decline <number> <reason>` · `/hero ask <number> <question>` · `/hero done <number> <what changed>`
• `/hero mute` no more messages about ideas you voted for · `/hero unmute` turns them back on
• `/hero dashboard` a private sign-in link to the dashboard (charts of the flow, decisions, hot spots, goals, pilots)
• `/hero digest` a preview of the weekly digest (the last seven days), only for you
• `/hero whoami` your id, as herobot's config (`[roles]`) names you
• `/hero help` this text
""" + problem_commands.HELP_LINES + "\n" + challenges.HELP_LINES + box_commands.HELP_LINES

HEAVY = {"hotspots", "search", "digest"}

Subcommand = Callable[[Core, Origin, list[str]], Awaitable[Reply]]


async def run(core: Core, origin: Origin, text: str) -> Reply:
    """Run `/hero <text>` (the word in any case); an unknown word gets one line naming the closest known one."""
    words = text.split()
    name = words[0].lower() if words else "help"
    handler = SUBCOMMANDS.get(name)
    if handler is None:
        raise Refused(unknown_word(words[0], words[1:]))
    args = words[1:]
    if not _heavy(name, args):
        return await handler(core, origin, args)
    key = (name, tuple(args), origin.platform, is_manager(core.config, origin.user_id))  # managers see more
    return await core.heavy.run((origin.platform, origin.user_id), core.db, key, lambda: handler(core, origin, args))


def _heavy(name: str, args: list[str]) -> bool:
    """Commands that read much of the database: limited per person and cached briefly (bot.heavy)."""
    return name in HEAVY or (name == "top" and bool(args) and args[0].lower() == "all")


def unknown_word(word: str, rest: list[str]) -> str:
    """`Unknown command `shwo`. Did you mean `/hero show 3`? `/hero help` lists all.`"""
    close = difflib.get_close_matches(word.lower(), SUBCOMMANDS, n=1, cutoff=0.6)
    shown = word[:30].replace("`", "'")
    guess = f" Did you mean `{' '.join(['/hero', close[0], *rest])[:80]}`?" if close else ""
    return f"Unknown command `{shown}`.{guess} `/hero help` lists all."


async def _help(core: Core, origin: Origin, args: list[str]) -> Reply:
    return Notice(HELP)


async def _top(core: Core, origin: Origin, args: list[str]) -> Reply:
    period = parse_period(args, "week", "top")
    heading = "Top ideas of all time" if period.days is None else f"Top ideas posted in {period.phrase}"
    return IdeaList(heading, await core.read(store.top_ideas, period.since(core.now())),
                    empty="No ideas in that period yet.")


async def _mine(core: Core, origin: Origin, args: list[str]) -> Reply:
    ideas = store.ideas_of_author(core.db, Actor(origin.platform, origin.user_id))
    return IdeaList("Your ideas", ideas, empty="You have not posted an idea yet. Try `/idea <text>`.",
                    decisions=decision_stories(core.db, ideas))


async def _show(core: Core, origin: Origin, args: list[str]) -> Reply:
    idea_id = parse_idea_number(args[0] if args else "")
    idea = store.get_idea(core.db, idea_id)
    if idea is None:
        raise Refused(f"There is no idea #{idea_id}.")
    chat = core.chat(idea.platform)
    link = await chat.link(idea.channel_id, idea.message_id) if chat and idea.message_id else None
    return IdeaDetail(idea, store.comments_of(core.db, idea_id), link, decision_story(core.db, idea))


def parse_idea_number(word: str) -> int:
    if not word.strip():
        raise Refused("Which idea? Give its number, e.g. `/hero show 12`.")
    digits = word.strip().lstrip("#")
    if not digits.isdigit() or len(digits) > 12:
        raise Refused(f"“{word}” is not an idea number. Use the number shown on the idea, e.g. `12`.")
    return int(digits)


async def _review(core: Core, origin: Origin, args: list[str]) -> Reply:
    return await pull_into_review(core, origin, parse_idea_number(args[0] if args else ""))


async def _home(core: Core, origin: Origin, args: list[str]) -> Reply:
    return home_of(core, Actor(origin.platform, origin.user_id))


async def _queue(core: Core, origin: Origin, args: list[str]) -> Reply:
    return waiting_for(core, Actor(origin.platform, origin.user_id))


async def _wins(core: Core, origin: Origin, args: list[str]) -> Reply:
    return wins(core, parse_period(args, "month", "wins"))


ID_WORDS = {"slack": "Slack member id", "teams": "Teams (Microsoft Entra / AAD object) id", "shell": "shell name"}


async def _whoami(core: Core, origin: Origin, args: list[str]) -> Reply:
    """The id to put in `[roles]`: the one herobot sees for you on this platform."""
    kind = ID_WORDS.get(origin.platform, f"{origin.platform} id")
    return Notice(f"Your {kind} is `{origin.user_id}`. Put it in `[roles] managers` or `it_champions` "
                  "(or under `[routing]`) in herobot.toml to make you a manager or an IT champion.")


async def _dashboard(core: Core, origin: Origin, args: list[str]) -> Reply:
    link = login_link(core, origin.platform, origin.user_id)
    return Notice("Your dashboard sign-in link, for you only: it works once, within 10 minutes.", link)


async def _digest(core: Core, origin: Origin, args: list[str]) -> Reply:
    return await digest.preview(core, core.now(), origin.platform)


SUBCOMMANDS: dict[str, Subcommand] = {"help": _help, "top": _top, "mine": _mine, "show": _show,
                                      "home": _home, "review": _review, "queue": _queue, "wins": _wins,
                                      "digest": _digest, "whoami": _whoami, "dashboard": _dashboard}
SUBCOMMANDS.update(typed_decisions.SUBCOMMANDS)
SUBCOMMANDS.update(news.SUBCOMMANDS)
SUBCOMMANDS.update(problem_commands.SUBCOMMANDS)
SUBCOMMANDS.update(challenges.SUBCOMMANDS)
SUBCOMMANDS.update(box_commands.SUBCOMMANDS)
