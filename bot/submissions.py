"""Form submissions, once for every platform (Slack's modal, Teams' card, the shell's questions):
check the fields, propose the item, and turn what went wrong into field errors.

The result is what to show: `FieldErrors` (the form again, nothing stored), `SimilarFound` (the choice:
nothing posted yet), or a `Notice` saying the item is saved and on its way (the poster's link follows).
"""

from __future__ import annotations

from collections.abc import Awaitable
from typing import TypeVar

from bot.commands import ANONYMOUS_IN_PRIVATE
from bot.core import Core
from bot.decision_forms import FormInvalid
from bot.duplicates import propose_idea, propose_problem
from bot.errors import SAVE_FAILED, Refused, SaveFailed
from bot.ideas import draft_errors
from bot.interactions import Request
from bot.model import Draft, ProblemDraft
from bot.problems import problem_errors
from bot.replies import FieldErrors, Notice, Reply, SimilarFound

IDEA_SAVED = "Your idea is saved; it is being posted to the ideas channel."
PROBLEM_SAVED = "Your problem is saved; it is being posted to the problems channel."

FormResult = FieldErrors | SimilarFound | Notice
T = TypeVar("T")


async def submit_idea_form(core: Core, request: Request, draft: Draft) -> FormResult:
    """The idea form. Its anonymous box counts only where nobody else sees the form (else nothing is kept)."""
    if draft.anonymous and not request.private:
        return FieldErrors({"anonymous": ANONYMOUS_IN_PRIVATE})
    errors = _moved(draft_errors(draft, core.config.mission_goals), "solution")
    if errors:
        return FieldErrors(errors)
    # the draft passed: a refusal comes from what it links to (the challenge, else the problem)
    refused_at = "challenge_id" if draft.challenge_id else "problem_id" if draft.problem_id else "problem"
    return await _proposed(propose_idea(core, request.origin, draft), refused_at, "problem", IDEA_SAVED)


async def submit_problem_form(core: Core, request: Request, draft: ProblemDraft) -> FormResult:
    """The problem form."""
    errors = _moved(problem_errors(draft), "went_wrong")
    if errors:
        return FieldErrors(errors)
    return await _proposed(propose_problem(core, request.origin, draft), "went_wrong", "went_wrong", PROBLEM_SAVED)


def _moved(errors: dict[str, str], field: str) -> dict[str, str]:
    """A form has no field for the whole text: its error (too long, nothing said) shows under `field`."""
    if "text" in errors:
        errors[field] = errors.pop("text")
    return errors


async def _proposed(work: Awaitable[Reply | None], refused_at: str, failed_at: str, saved: str) -> FormResult:
    try:
        found = await work
    except Refused as refusal:
        return FieldErrors({refused_at: str(refusal)})
    except SaveFailed:
        return FieldErrors({failed_at: SAVE_FAILED})
    return found if isinstance(found, SimilarFound) else Notice(saved)


async def checked(work: Awaitable[T], field: str) -> T | FieldErrors:
    """What a form's `work` returns; what went wrong as field errors: the form's own checks (FormInvalid),
    or a refusal or a failed save under `field` (the box's, challenges' and Mark duplicate's forms)."""
    try:
        return await work
    except FormInvalid as invalid:
        return FieldErrors(invalid.errors)
    except Refused as refusal:
        return FieldErrors({field: str(refusal)})
    except SaveFailed:
        return FieldErrors({field: SAVE_FAILED})
