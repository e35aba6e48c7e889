"""Use cases for customer problems: report, publish, Me too. One function per use case."""

from __future__ import annotations

import logging

from bot.cards import refresh
from bot.core import Core
from bot.errors import Refused
from bot.model import CONTACT_CHANNELS, FREQUENCIES, MAX_TEXT, Actor, Origin, Problem, ProblemDraft, ProblemStatus
from bot import outbox
from bot.publishing import publish
from bot.replies import Notice
from storage import problems as store
from storage.db import write

log = logging.getLogger(__name__)


def problem_errors(draft: ProblemDraft) -> dict[str, str]:
    """What is wrong with a report, by form field; empty when it can be posted."""
    errors: dict[str, str] = {}
    framed = bool(draft.tried.strip() or draft.went_wrong.strip())
    if framed and not draft.went_wrong.strip():
        errors["went_wrong"] = "Say what went wrong for the customer."
    if not framed and not draft.text.strip():
        errors["text"] = "Describe the problem after the command, e.g. /problem Customers can't reset their password."
    if draft.contact_channel is not None and draft.contact_channel not in CONTACT_CHANNELS:
        errors["contact_channel"] = "Pick one of the listed contact channels."
    if draft.frequency is not None and draft.frequency not in FREQUENCIES:
        errors["frequency"] = "Pick one of the listed frequencies."
    length = len(draft.full_text())
    if length > MAX_TEXT:
        errors["text"] = f"Your problem is {length:,} characters long; the limit is {MAX_TEXT:,}. Shorten it and try again."
    return errors


def check(draft: ProblemDraft) -> None:
    errors = problem_errors(draft)
    if errors:
        raise Refused(" ".join(errors.values()))


async def submit_problem(core: Core, origin: Origin, draft: ProblemDraft,
                         answer_within: float = 0.0) -> tuple[Problem, Notice | None]:
    """Store a new problem (its reporter counts as the first) and publish it in the background.
    The poster's note comes back if the post is done within `answer_within` seconds (see `publish`)."""
    check(draft)
    async with write(core.db) as db:
        problem_id = store.insert_problem(db, Actor(origin.platform, origin.user_id), draft, core.now())
        first = outbox.save(db, core, "problem", problem_id, origin)  # posted until it lands (bot.outbox)
    problem = store.get_problem(core.db, problem_id)
    note = await publish(core, origin, outbox.post_taken(core, first, problem), f"publish problem {problem_id}",
                         answer_within)
    return problem, note


def not_open_note(problem: Problem) -> str:
    if problem.status == ProblemStatus.DUPLICATE:
        return f"Problem {problem.ref} is a duplicate of P{problem.duplicate_of}; add yourself there."
    return f"Problem {problem.ref} is {problem.status.value}; it takes no more reports."


async def me_too(core: Core, actor: Actor, problem_id: int) -> Notice:
    """The Me too button: counts the person once, however often they click."""
    async with write(core.db) as db:
        problem = store.get_problem(db, problem_id)
        if problem is None:
            raise Refused(f"There is no problem P{problem_id}.")
        if problem.status != ProblemStatus.OPEN:
            raise Refused(not_open_note(problem))
        new = store.add_report(db, problem_id, actor.user_id, None, None, core.now())
    refresh(core, problem)
    if not new:
        return Notice(f"You are already counted on problem {problem.ref}.")
    return Notice(f"Thanks, you are counted on problem {problem.ref}.")
