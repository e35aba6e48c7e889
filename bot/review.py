"""Getting ideas in front of their managers: the vote threshold, `/hero review`, the author's answer.

Status changes happen inside the caller's write transaction (with their audit row); the
messages that follow (review requests, thread lines, notes to the author) go out afterwards.
"""

from __future__ import annotations

import logging

from bot.cards import refresh
from bot.core import Core
from bot.replies import Person, ReviewRequest, Story, Strong, story
from bot.errors import Refused
from bot.model import Actor, Idea, Origin, Status
from bot.replies import Notice
from bot.roles import is_manager_of, managers_for
from bot.words import plural
from storage import decisions as decided
from storage import ideas as store
from storage.audit import transition
from storage.db import write

log = logging.getLogger(__name__)

SYSTEM = "herobot"  # the actor of automatic changes
ANONYMOUS_AUTHOR = "author"  # the actor when an anonymous author acts: never their user id


def reach_review(core: Core, db, idea: Idea, votes: int) -> bool:
    """After a vote, inside its transaction: an open idea (`idea`, read in that transaction) with enough
    votes (`votes`, counted with this one) goes to review."""
    if idea.status != Status.OPEN or votes < core.config.vote_threshold:
        return False
    return transition(db, idea.id, SYSTEM, "threshold", Status.IN_REVIEW, core.now()) is not None


def request_review(core: Core, idea_id: int, line: Story | None = None) -> None:
    core.background.spawn(send_review_requests(core, idea_id, line), name=f"review requests {idea_id}")


async def send_review_requests(core: Core, idea_id: int, line: Story | None = None) -> None:
    """Each manager of the idea gets it with the decision buttons; the thread hears it is in review."""
    idea = store.get_idea(core.db, idea_id)
    chat = core.chat(idea.platform) if idea else None
    if chat is None:
        return
    link = await chat.link(idea.channel_id, idea.message_id) if idea.message_id else None
    managers = [m for m in managers_for(core.config, idea) if chat.reaches(m)]  # [roles] mixes platforms
    if not managers:
        log.warning("idea %s is in review but no manager on %s is configured for it: set [roles] managers "
                    "(or [routing] for its mission goal)", idea.id, idea.platform)
    for manager in managers:
        try:
            channel, message = await chat.send_direct(manager, ReviewRequest(idea, link))
        except Exception:
            log.exception("could not send idea %s to a manager for review", idea.id)
            continue
        async with write(core.db) as db:
            decided.save_review_message(db, idea.id, manager, channel, message)
    if not managers:
        line = story("🔎 In review, but no manager is configured for this idea yet, so no one can decide on it. "
                     "The admin is told.")
    await post_in_thread(core, idea, line or story(f"🔎 In review: with {plural(idea.votes, 'vote')}, this idea is "
                                                   "now with its managers for a decision."))
    from bot.news import tell_author_in_review  # news speaks through tell_author, below

    await tell_author_in_review(core, idea, managers)


async def pull_into_review(core: Core, origin: Origin, idea_id: int) -> Notice:
    """`/hero review <id>`: a manager of the idea moves an open idea to review."""
    actor = Actor(origin.platform, origin.user_id)
    async with write(core.db) as db:
        idea = store.get_idea(db, idea_id)
        if idea is None:
            raise Refused(f"There is no idea #{idea_id}.")
        if not is_manager_of(core.config, idea, actor.user_id):
            raise Refused(f"Only a manager of idea #{idea_id} can send it to review.")
        if idea.status != Status.OPEN:
            raise Refused(f"Idea #{idea_id} is {idea.status.label}; only open ideas can be sent to review.")
        if transition(db, idea_id, actor.user_id, "review", Status.IN_REVIEW, core.now()) is None:
            raise Refused(f"Idea #{idea_id} changed meanwhile; nothing was done.")
    refresh(core, idea)
    request_review(core, idea_id, story("🔎 In review: ", Person(actor.user_id),
                                        " brought this idea to its managers for a decision."))
    return Notice(f"Idea #{idea_id} is in review; its managers have it with the decision buttons."
                  if managers_for(core.config, idea) else
                  f"Idea #{idea_id} is in review, but no manager is configured for it ([roles] managers).")


def author_answered(core: Core, db, idea: Idea, actor: Actor) -> bool:
    """Inside a comment's transaction: a named author's reply to a question puts the idea back in review.
    An anonymous author's thread reply is an ordinary comment: acting in public would show who they are
    (they answer through the private form, bot.author_answers)."""
    if idea.anonymous or idea.status != Status.NEEDS_INFO or not store.is_author(db, idea.id, actor):
        return False
    return transition(db, idea.id, actor.user_id, "answered", Status.IN_REVIEW, core.now()) is not None


async def after_answer(core: Core, idea_id: int) -> None:
    """Tell the manager who asked, and bring every message about the idea up to date."""
    idea = store.get_idea(core.db, idea_id)
    asked = decided.last_decision(core.db, idea_id, ("needs_info",))
    chat = core.chat(idea.platform)
    await update_review_messages(core, idea)
    if asked and chat:
        link = await chat.link(idea.channel_id, idea.message_id) if idea.message_id else None
        await chat.send_direct(asked.by_user, story("💬 The author answered your question on ",
                                                    Strong(f"#{idea.id} {idea.display_title}"),
                                                    "; it is back in review.", link=link))


async def update_review_messages(core: Core, idea: Idea) -> None:
    """Managers' review requests show the new status and only the buttons that still make sense."""
    chat = core.chat(idea.platform)
    decision = decided.last_decision(core.db, idea.id)
    for channel, message in decided.review_messages(core.db, idea.id):
        try:
            await chat.update(channel, message, ReviewRequest(idea, None, decision))
        except Exception:
            log.warning("could not update a review request for idea %s", idea.id, exc_info=True)


async def post_in_thread(core: Core, idea: Idea, line: Story) -> None:
    chat = core.chat(idea.platform)
    if chat and idea.channel_id and idea.message_id:
        try:
            await chat.post(idea.channel_id, line, thread_id=idea.message_id)
        except Exception:
            log.warning("could not post in the thread of idea %s", idea.id, exc_info=True)


async def tell_author(core: Core, idea: Idea, reply: Story) -> None:
    """A direct message to the author; for an anonymous idea, through the conversation kept for it."""
    chat = core.chat(idea.platform)
    if chat is None:
        return
    try:
        if not idea.anonymous and idea.author_id:
            await chat.send_direct(idea.author_id, reply)
        elif channel := decided.extras(core.db, idea.id)["author_channel"]:
            await chat.post(channel, reply)
    except Exception:
        log.warning("could not tell the author of idea %s", idea.id, exc_info=True)  # never who it is


async def remember_anonymous_author(core: Core, idea: Idea, origin: Origin, posted: bool = True) -> None:
    """At posting time (or when posting failed: the way to them is kept regardless), open a direct
    conversation with an anonymous author and keep only its id, sealed."""
    chat = core.chat(idea.platform)
    if not idea.anonymous or chat is None or decided.extras(core.db, idea.id)["author_channel"]:
        return
    state = " is posted." if posted else " is saved and will be posted as soon as the channel can be reached."
    try:
        channel, _ = await chat.send_direct(origin.user_id, story(
            "🕶️ Your anonymous idea ", Strong(f"#{idea.id}"), state + " Nobody can see it is yours; "
            "news about it (decisions, questions) will come to you here."))
    except Exception:
        log.warning("could not open a conversation with the author of anonymous idea %s", idea.id)
        return
    async with write(core.db) as db:
        decided.set_author_channel(db, idea.id, channel)
