"""Use cases for ideas: post, publish, vote, comment. One function per use case.

Every write commits before the caller acknowledges; chat calls happen afterwards, in
background tasks, so a slow or failing platform never loses what a person did.
"""

from __future__ import annotations

import logging

from bot.policy import is_closed
from bot.cards import refresh, refresh_challenge
from bot.challenge_cards import join as join_challenge
from bot.core import Core
from bot.errors import Refused
from bot.events import VoteChanged
from bot.followups import emit
from bot.model import MAX_TEXT, Actor, Draft, Idea, Origin
from bot import outbox
from bot.publishing import publish
from bot.replies import Notice
from bot.review import after_answer, author_answered, reach_review
from storage import ideas as store
from storage import problems as problem_store
from storage.db import write

log = logging.getLogger(__name__)

BUTTON = "button"


def draft_errors(draft: Draft, goals: tuple[str, ...]) -> dict[str, str]:
    """What is wrong with a draft, by form field; empty when it can be posted."""
    errors: dict[str, str] = {}
    if draft.framed:
        if not draft.problem.strip():
            errors["problem"] = "Describe the customer problem."
        if not draft.solution.strip():
            errors["solution"] = "Describe the solution you propose."
    elif not draft.text.strip():
        errors["text"] = "Write your idea after the command, e.g. /idea Offer a callback when the queue is long."
    if draft.mission_goal and draft.mission_goal not in goals:
        errors["mission_goal"] = "Pick one of the listed mission goals."
    length = len(draft.full_text())
    if length > MAX_TEXT:
        errors["text"] = f"Your idea is {length:,} characters long; the limit is {MAX_TEXT:,}. Shorten it and try again."
    return errors


async def submit_idea(core: Core, origin: Origin, draft: Draft,
                      answer_within: float = 0.0) -> tuple[Idea, Notice | None]:
    """Store a new idea and publish it in the background. Raises Refused for a bad draft.
    The poster's note comes back if the post is done within `answer_within` seconds (see `publish`)."""
    errors = draft_errors(draft, core.config.mission_goals)
    if errors:
        raise Refused(" ".join(errors.values()))
    actor = Actor(origin.platform, origin.user_id)
    async with write(core.db) as db:
        idea_id = store.insert_idea(db, actor, draft, core.now())
        first = outbox.save(db, core, "idea", idea_id, origin)  # posted until it lands (bot.outbox)
        if draft.problem_id is not None:
            problem_store.link(db, idea_id, draft.problem_id, core.now())
        if draft.challenge_id is not None:
            join_challenge(db, idea_id, draft.challenge_id, origin.platform)
    idea = store.get_idea(core.db, idea_id)
    refresh_challenge(core, draft.challenge_id)
    if draft.problem_id is not None:
        refresh(core, problem_store.get_problem(core.db, draft.problem_id))
    note = await publish(core, origin, outbox.post_taken(core, first, idea), f"publish idea {idea_id}", answer_within)
    return idea, note


def _closed_note(idea: Idea) -> str:
    return closed_note(idea)


def closed_note(idea: Idea) -> str:
    """Why a vote is refused on a closed idea, and where to vote instead."""
    if idea.duplicate_of:
        return f"Idea #{idea.id} is a duplicate of #{idea.duplicate_of}; vote on #{idea.duplicate_of} instead."
    return f"Idea #{idea.id} is {idea.status.label}; voting on it is closed."


async def toggle_vote(core: Core, actor: Actor, idea_id: int) -> Notice:
    """The Vote button: adds the person's vote, or takes it back if they had one."""
    async with write(core.db) as db:
        idea = store.get_idea(db, idea_id)
        if idea is None:
            raise Refused(f"There is no idea #{idea_id}.")
        if is_closed(idea.status):
            raise Refused(_closed_note(idea))
        in_review = False
        if store.has_own_vote(db, idea_id, actor.user_id):
            store.remove_vote(db, idea_id, actor.user_id)
            note = f"Your vote for #{idea_id} is taken back."
            if store.has_vote(db, idea_id, actor.user_id):
                note += " You still count once here through a duplicate you voted for."
        else:
            added = store.add_vote_mark(db, idea_id, actor.user_id, BUTTON, core.now())
            note = f"You voted for #{idea_id}."
            in_review = reach_review(core, db, idea, idea.votes + added)
    emit(core, VoteChanged(idea, actor.user_id, in_review))
    return Notice(note)


async def react(core: Core, actor: Actor, channel_id: str, message_id: str, reaction: str,
                added: bool, event_id: str | None = None) -> Notice | None:
    """A voting reaction added to or removed from an idea's message. Other reactions are ignored."""
    if reaction not in core.config.vote_reactions_on(actor.platform):
        return None
    async with write(core.db) as db:
        if event_id and not store.claim_event(db, event_id, core.now()):
            return None
        idea = store.idea_at_message(db, actor.platform, channel_id, message_id)
        if idea is None:
            return None
        if is_closed(idea.status):
            return Notice(_closed_note(idea)) if added else None
        source = f"reaction:{reaction}"
        in_review = False
        if added:
            voted = store.add_vote_mark(db, idea.id, actor.user_id, source, core.now())
            in_review = reach_review(core, db, idea, idea.votes + voted)
        else:
            store.remove_vote_mark(db, idea.id, actor.user_id, source)
    emit(core, VoteChanged(idea, actor.user_id, in_review))
    return None


async def comment_in_thread(core: Core, actor: Actor, channel_id: str, thread_id: str, message_id: str,
                            text: str, event_id: str | None = None) -> None:
    """A reply in an idea's thread becomes a comment; replies elsewhere are ignored."""
    async with write(core.db) as db:
        if event_id and not store.claim_event(db, event_id, core.now()):
            return
        idea = store.idea_at_message(db, actor.platform, channel_id, thread_id)
        if idea is None:
            return
        added = store.add_comment(db, idea.id, actor.user_id, text, message_id, core.now())
        answered = added and author_answered(core, db, idea, actor)
    refresh(core, idea)
    if answered:
        core.background.spawn(after_answer(core, idea.id), name=f"answered {idea.id}")


async def edit_in_thread(core: Core, actor: Actor, channel_id: str, thread_id: str, message_id: str,
                         text: str, event_id: str | None = None) -> None:
    """A reply in an idea's thread was edited: its comment follows. The idea's own message is no comment."""
    if not text.strip():
        return
    async with write(core.db) as db:
        if event_id and not store.claim_event(db, event_id, core.now()):
            return
        idea = store.idea_at_message(db, actor.platform, channel_id, thread_id)
        if idea is not None:
            store.edit_comment(db, idea.id, message_id, actor.user_id, text)


async def delete_in_thread(core: Core, platform: str, channel_id: str, thread_id: str | None, message_id: str,
                           event_id: str | None = None) -> None:
    """A reply in an idea's thread was deleted: its comment goes, and the card's count follows.
    Without `thread_id` (the platform did not say) the comment is found by its message id."""
    async with write(core.db) as db:
        if event_id and not store.claim_event(db, event_id, core.now()):
            return
        idea = (store.idea_at_message(db, platform, channel_id, thread_id) if thread_id
                else store.idea_of_comment(db, platform, channel_id, message_id))
        deleted = idea is not None and store.delete_comment(db, idea.id, message_id)
    if deleted:
        refresh(core, idea)


async def comment_on_idea(core: Core, actor: Actor, idea_id: int, text: str, message_id: str) -> Notice:
    """A comment addressed by idea number (the shell has no threads)."""
    if not text.strip():
        raise Refused("Write the comment after the idea number.")
    async with write(core.db) as db:
        idea = store.get_idea(db, idea_id)
        if idea is None:
            raise Refused(f"There is no idea #{idea_id}.")
        added = store.add_comment(db, idea_id, actor.user_id, text.strip(), message_id, core.now())
        answered = added and author_answered(core, db, idea, actor)
    refresh(core, idea)
    if answered:
        core.background.spawn(after_answer(core, idea.id), name=f"answered {idea.id}")
    return Notice(f"Comment added to #{idea_id}.")
