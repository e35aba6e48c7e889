"""Everyone involved hears what became of an idea: voters of a decision, the author of review and duplicates.

Each message is claimed before it is sent (like every scheduled send), so a retry, a second
process or a repeated event never tells anyone twice.
"""

from __future__ import annotations


from bot.chat import Chat
from bot.core import Core
from bot.decision_notes import note_parts
from bot.replies import Person, Strong, story
from bot.model import Actor, Idea, Origin
from bot.replies import Notice
from bot.review import tell_author
from bot.roles import managers_for
from bot.sending import Send, deliver_all
from storage import decisions as decided
from storage import ideas as store
from storage import news as news_store
from storage import problems as problem_store
from storage import sends as sends_store
from storage.db import write
from storage.sends import SendKey


VOTER_NEWS = ("approved", "piloting", "implemented", "declined")  # the statuses voters hear of
MUTE_HINT = "\n(You get this because you voted for it; `/hero mute` turns these messages off.)"


async def _link(chat: Chat, channel_id: str | None, message_id: str | None) -> str | None:
    try:
        return await chat.link(channel_id, message_id) if channel_id and message_id else None
    except Exception:
        return None


async def tell_voters(core: Core, idea_id: int, decider: str | None) -> None:
    """One direct message to each voter (author and decider aside) when the idea is approved, piloted,
    implemented or declined, with who decided and why."""
    idea = store.get_idea(core.db, idea_id)
    chat = core.chat(idea.platform) if idea else None
    if chat is None or idea.status.value not in VOTER_NEWS:
        return
    voters = [v for v in news_store.listening_voters(core.db, idea.id, idea.platform)
              if v not in (idea.author_id, decider) and chat.reaches(v)
              and not store.is_author(core.db, idea.id, Actor(idea.platform, v))]
    await deliver_all(core, [_voter_send(core, SendKey("voter_news", idea.id, v, idea.status.value, idea.platform))
                             for v in voters])


def _voter_send(core: Core, key: SendKey) -> Send:
    async def deliver(chat: Chat) -> tuple[str, str] | None:
        idea = store.get_idea(core.db, key.idea_id)
        facts = decided.latest_facts(core.db, idea) if idea and idea.status.value == key.period else None
        if facts is None:  # the idea moved on before a retry: that news is stale
            return None
        link = await _link(chat, idea.channel_id, idea.message_id)
        return await chat.send_direct(key.recipient, story(
            "📣 News of an idea you voted for, ", Strong(f"#{idea.id} {idea.display_title}"), ":\n",
            *note_parts(facts, Person), MUTE_HINT, link=link))
    return Send(key, key.platform, deliver)


async def tell_author_in_review(core: Core, idea: Idea, managers: list[str]) -> None:
    """The author hears their idea reached review, and who decides (or that no one is configured to)."""
    rounds = len(decided.review_rounds(core.db, idea.id))
    key = SendKey("author_review", idea.id, "author", f"review-{rounds}", idea.platform)
    await deliver_all(core, [_review_send(core, key, managers)])


def _review_send(core: Core, key: SendKey, managers: list[str] | None = None) -> Send:
    async def deliver(chat: Chat) -> None:
        idea = store.get_idea(core.db, key.idea_id)
        if idea is None:
            return None
        people = managers if managers is not None else [m for m in managers_for(core.config, idea) if chat.reaches(m)]
        who: tuple = ()
        for n, manager in enumerate(people[:3]):
            who += ((", " if n else ""), Person(manager))
        reply = story("🔎 Your idea ", Strong(f"#{idea.id} {idea.display_title}"), " is in review. ",
                      *(("It is with ", *who, " for a decision; you will hear what they decide.") if people else
                        ("No manager is configured for it yet, so no one can decide on it; the admin is told.",)),
                      link=await _link(chat, idea.channel_id, idea.message_id))
        await tell_author(core, idea, reply)  # the existing reach path (anonymous authors included)
    return Send(key, key.platform, deliver)


async def tell_of_duplicate(core: Core, marked_by: str, kind: str, item_id: int, original_id: int) -> None:
    """The author of an idea (or reporter of a problem) marked a duplicate hears of which, with a link to it."""
    if kind == "idea":
        key = SendKey("duplicate_news", item_id, "author", f"of-{original_id}", _platform_of_idea(core, item_id))
    else:
        problem = problem_store.get_problem(core.db, item_id)
        key = SendKey("problem_duplicate_news", item_id, problem.reporter_id, f"of-{original_id}", problem.platform)
    await deliver_all(core, [_duplicate_send(core, key, marked_by)])


def _platform_of_idea(core: Core, idea_id: int) -> str:
    idea = store.get_idea(core.db, idea_id)
    return idea.platform if idea else ""


def _duplicate_send(core: Core, key: SendKey, marked_by: str | None) -> Send:
    async def deliver(chat: Chat) -> tuple[str, str] | None:
        original_id = int(key.period.removeprefix("of-"))
        by = (" by ", Person(marked_by)) if marked_by else ()
        if key.kind == "duplicate_news":
            item, original = store.get_idea(core.db, key.idea_id), store.get_idea(core.db, original_id)
            if item is None or original is None:
                return None
            await tell_author(core, item, story(
                "🔁 Your idea ", Strong(f"#{item.id} {item.display_title}"), " was marked a duplicate of ",
                Strong(f"#{original.id} {original.display_title}"), *by,
                ". Its votes now count there; follow and vote on it there.",
                link=await _link(chat, original.channel_id, original.message_id)))
            return None
        item, original = problem_store.get_problem(core.db, key.idea_id), problem_store.get_problem(core.db, original_id)
        if item is None or original is None:
            return None
        return await chat.send_direct(key.recipient, story(
            "🔁 The problem you reported, ", Strong(f"{item.ref} {item.display_title}"), ", was marked a duplicate of ",
            Strong(f"{original.ref} {original.display_title}"), *by, ". Its reporters now count there.",
            link=await _link(chat, original.channel_id, original.message_id)))
    return Send(key, key.platform, deliver)


REBUILD = {"voter_news": lambda core, key: _voter_send(core, key),
           "author_review": lambda core, key: _review_send(core, key),
           "duplicate_news": lambda core, key: _duplicate_send(core, key, None),
           "problem_duplicate_news": lambda core, key: _duplicate_send(core, key, None)}


def due_news(core: Core) -> list[Send]:
    """News whose send failed or never finished, rebuilt from the idea as it is now; deliver_all sends each
    only once its retry time has come."""
    return [REBUILD[key.kind](core, key) for key, *_ in sends_store.unfinished(core.db) if key.kind in REBUILD]


async def mute(core: Core, origin: Origin, args: list[str]) -> Notice:
    async with write(core.db) as db:
        changed = news_store.mute(db, origin.platform, origin.user_id, core.now())
    already = "" if changed else " (they were off already)"
    return Notice(f"You will no longer get messages about ideas you voted for{already}. "
                  "`/hero unmute` turns them back on. News of your own ideas still comes to you.")


async def unmute(core: Core, origin: Origin, args: list[str]) -> Notice:
    async with write(core.db) as db:
        changed = news_store.unmute(db, origin.platform, origin.user_id)
    already = "" if changed else " (they were on already)"
    return Notice(f"You will get a message when an idea you voted for is approved, piloted, implemented or "
                  f"declined{already}. `/hero mute` turns them off.")


SUBCOMMANDS = {"mute": mute, "unmute": unmute}
