"""Everyone involved hears what became of an idea: voters of a decision, the author of review and duplicates.

Each message is claimed before it is sent (like every scheduled send), so a retry, a second
process or a repeated event never tells anyone twice.
"""

from __future__ import annotations

import logging

from bot.chat import Chat, Origin
from bot.core import Core
from bot.decision_notes import note_parts
from bot.decision_replies import Person, Strong, Story, story
from bot.model import Actor, Idea, Problem
from bot.replies import Notice
from bot.review import tell_author
from bot.sending import Send, deliver_all
from storage import decisions as decided
from storage import ideas as store
from storage import news as news_store
from storage.db import write
from storage.sends import SendKey

log = logging.getLogger(__name__)

VOTER_NEWS = ("approved", "piloting", "implemented", "declined")  # the statuses voters hear of
MUTE_HINT = "\n(You get this because you voted for it; `/hero mute` turns these messages off.)"


async def _link(chat: Chat, channel_id: str | None, message_id: str | None) -> str | None:
    try:
        return await chat.link(channel_id, message_id) if channel_id and message_id else None
    except Exception:
        return None


def _direct(user_id: str, reply: Story):
    async def deliver(chat: Chat) -> tuple[str, str]:
        return await chat.send_direct(user_id, reply)
    return deliver


async def tell_voters(core: Core, idea_id: int, decider: str | None) -> None:
    """One direct message to each voter (author and decider aside) when the idea is approved, piloted,
    implemented or declined, with who decided and why."""
    idea = store.get_idea(core.db, idea_id)
    chat = core.chat(idea.platform) if idea else None
    if chat is None or idea.status.value not in VOTER_NEWS:
        return
    facts = decided.latest_facts(core.db, idea)
    if facts is None:
        return
    link = await _link(chat, idea.channel_id, idea.message_id)
    message = story("📣 News of an idea you voted for, ", Strong(f"#{idea.id} {idea.display_title}"), ":\n",
                    *note_parts(facts, Person), MUTE_HINT, link=link)
    voters = [v for v in news_store.listening_voters(core.db, idea.id, idea.platform)
              if v not in (idea.author_id, decider) and chat.reaches(v)
              and not store.is_author(core.db, idea.id, Actor(idea.platform, v))]
    await deliver_all(core, [Send(SendKey("voter_news", idea.id, v, idea.status.value, idea.platform), idea.platform,
                                  _direct(v, message)) for v in voters])


def _to_author(idea: Idea, reply: Story, core: Core):
    async def deliver(chat: Chat) -> None:
        await tell_author(core, idea, reply)  # the existing reach path (anonymous authors included)
    return deliver


async def tell_author_in_review(core: Core, idea: Idea, managers: list[str]) -> None:
    """The author hears their idea reached review, and who decides (or that no one is configured to)."""
    chat = core.chat(idea.platform)
    link = await _link(chat, idea.channel_id, idea.message_id)
    who: tuple = ()
    for n, manager in enumerate(managers[:3]):
        who += ((", " if n else ""), Person(manager))
    reply = story("🔎 Your idea ", Strong(f"#{idea.id} {idea.display_title}"), " is in review. ",
                  *(("It is with ", *who, " for a decision; you will hear what they decide.") if managers else
                    ("No manager is configured for it yet, so no one can decide on it; the admin is told.",)),
                  link=link)
    rounds = len(decided.review_rounds(core.db, idea.id))
    await deliver_all(core, [Send(SendKey("author_review", idea.id, "author", f"review-{rounds}", idea.platform),
                                  idea.platform, _to_author(idea, reply, core))])


async def tell_of_duplicate(core: Core, actor: Actor, kind: str, item_id: int, original_id: int) -> None:
    """The author of an idea (or reporter of a problem) marked a duplicate hears of which, with a link to it."""
    from storage import problems as problem_store

    if kind == "idea":
        item, original = store.get_idea(core.db, item_id), store.get_idea(core.db, original_id)
    else:
        item, original = problem_store.get_problem(core.db, item_id), problem_store.get_problem(core.db, original_id)
    chat = core.chat(item.platform) if item else None
    if chat is None or original is None:
        return
    link = await _link(chat, original.channel_id, original.message_id)
    if isinstance(item, Idea):
        reply = story("🔁 Your idea ", Strong(f"#{item.id} {item.display_title}"), " was marked a duplicate of ",
                      Strong(f"#{original.id} {original.display_title}"), " by ", Person(actor.user_id),
                      ". Its votes now count there; follow and vote on it there.", link=link)
        send = Send(SendKey("duplicate_news", item.id, "author", f"of-{original.id}", item.platform), item.platform,
                    _to_author(item, reply, core))
    else:
        assert isinstance(item, Problem)
        reply = story("🔁 The problem you reported, ", Strong(f"{item.ref} {item.display_title}"),
                      ", was marked a duplicate of ", Strong(f"{original.ref} {original.display_title}"), " by ",
                      Person(actor.user_id), ". Its reporters now count there.", link=link)
        send = Send(SendKey("problem_duplicate_news", item.id, item.reporter_id, f"of-{original.id}", item.platform),
                    item.platform, _direct(item.reporter_id, reply))
    await deliver_all(core, [send])


async def mute(core: Core, origin: Origin, args: list[str]) -> Notice:
    with write(core.db) as db:
        changed = news_store.mute(db, origin.platform, origin.user_id, core.now())
    already = "" if changed else " (they were off already)"
    return Notice(f"You will no longer get messages about ideas you voted for{already}. "
                  "`/hero unmute` turns them back on. News of your own ideas still comes to you.")


async def unmute(core: Core, origin: Origin, args: list[str]) -> Notice:
    with write(core.db) as db:
        changed = news_store.unmute(db, origin.platform, origin.user_id)
    already = "" if changed else " (they were on already)"
    return Notice(f"You will get a message when an idea you voted for is approved, piloted, implemented or "
                  f"declined{already}. `/hero mute` turns them off.")


SUBCOMMANDS = {"mute": mute, "unmute": unmute}
