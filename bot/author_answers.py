"""An anonymous author answers privately: a question (Needs info) or a pilot check-in reaches them in
their direct conversation with an **Answer** button; the answer is posted in the idea's thread as
"The author answered: …" with no name, and a question's answer puts the idea back in review.

Who may answer is recognised by the author key (storage.keys), never by a stored id.
"""

from __future__ import annotations

import logging

from bot.core import Core
from bot.decision_forms import FormInvalid
from bot.replies import AnswerForm, Notice, story
from bot.errors import Refused
from bot.model import Actor, Idea, Status
from bot.cards import refresh
from bot.review import ANONYMOUS_AUTHOR, after_answer, post_in_thread
from storage import decisions as decided
from storage import ideas as store
from storage.audit import transition
from storage.db import write

log = logging.getLogger(__name__)

ANSWER_LIMIT = 2900  # fits one Slack section with the words around it
ANSWERABLE = (Status.NEEDS_INFO, Status.PILOTING)


def _answerable(core: Core, db, actor: Actor, idea_id: int) -> Idea:
    idea = store.get_idea(db, idea_id)
    if idea is None:
        raise Refused(f"There is no idea #{idea_id}.")
    if not store.is_author(db, idea_id, actor):
        raise Refused(f"Only the author of idea #{idea_id} can answer here.")
    if idea.status not in ANSWERABLE:
        raise Refused(f"Idea #{idea_id} is {idea.status.label} now: no question is waiting for your answer.")
    return idea


def open_answer_form(core: Core, actor: Actor, idea_id: int) -> AnswerForm:
    """The **Answer** button: the form, for the idea's author only, while a question waits."""
    return AnswerForm(_answerable(core, core.db, actor, idea_id))


async def answer(core: Core, actor: Actor, idea_id: int, text: str) -> Notice:
    """Post the author's answer in the thread, without their name. Raises FormInvalid or Refused."""
    text = (text or "").strip()
    if not text:
        raise FormInvalid({"answer": "Write your answer."})
    if len(text) > ANSWER_LIMIT:
        raise FormInvalid({"answer": f"Keep it under {ANSWER_LIMIT} characters ({len(text)} now)."})
    async with write(core.db) as db:
        idea = _answerable(core, db, actor, idea_id)
        back_in_review = idea.status == Status.NEEDS_INFO and transition(
            db, idea_id, ANONYMOUS_AUTHOR, "answered", Status.IN_REVIEW, core.now()) is not None
    core.background.spawn(_after(core, idea_id, text, back_in_review), name=f"answer {idea_id}")
    if back_in_review:
        return Notice(f"Thank you: your answer is posted in the thread of idea #{idea_id}, without your name, "
                      "and the idea is back in review.")
    return Notice(f"Thank you: your answer is posted in the thread of idea #{idea_id}, without your name.")


async def _after(core: Core, idea_id: int, text: str, back_in_review: bool) -> None:
    idea = store.get_idea(core.db, idea_id)
    await post_in_thread(core, idea, story("💬 The author answered: ", text))
    if back_in_review:
        refresh(core, idea)
        await after_answer(core, idea_id)
    else:
        await _tell_pilot_manager(core, idea, text)


async def _tell_pilot_manager(core: Core, idea: Idea, text: str) -> None:
    chat = core.chat(idea.platform)
    decision = decided.last_decision(core.db, idea.id, ("pilot",))
    if chat is None or decision is None:
        return
    link = await chat.link(idea.channel_id, idea.message_id) if idea.message_id else None
    try:
        await chat.send_direct(decision.by_user, story(f"💬 The author of the pilot #{idea.id} answered: ", text,
                                                       link=link))
    except Exception:
        log.warning("could not tell the manager of pilot %s about the author's answer", idea.id)
