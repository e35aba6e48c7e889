"""The decision buttons, once for every platform: decide (open the form, or refuse privately), submit the form,
back to the review card, remind me tomorrow (Mark duplicate: bot.duplicates with bot.submissions.checked).

Each takes a neutral request and returns a neutral result: a note for the person who clicked and the view to
show after the action (the form, the form again with its field errors, or the review card as it is now).
An adapter translates its payload into a `DecisionRequest` and renders the `DecisionResult`; it decides nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot import hero
from bot.core import Core
from bot.decision_forms import FIRST_FIELD, FormInvalid
from bot.decisions import KINDS, may_see_review, open_form, submit
from bot.errors import SAVE_FAILED, Refused, SaveFailed
from bot.interactions import outcome
from bot.model import Actor, Idea
from bot.nudges import remind_tomorrow
from bot.replies import CHOICES, DecisionForm, Notice, Reply, ReviewRequest
from storage import decisions as decided
from storage import ideas as store


@dataclass(frozen=True)
class DecisionRequest:
    """A click or a form submission as any platform delivers it.

    `idea` is the idea reference as the payload carries it ("12", "#12"; "P4" for a problem where a
    duplicate may be one); `choice` names the button (bot.replies.CHOICES) or the form's kind;
    `values` are the form's answers as the core reads them."""

    actor: Actor
    idea: str
    choice: str = ""
    values: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DecisionResult:
    """What the person who acted reads (`note`), and what to show after the action (`view`).

    With `errors`, `view` is the form to show again (its answers are the request's values), each error
    under its field. A `note` alone means nothing else is shown (a refusal to someone who may not decide)."""

    note: Reply | None = None
    view: ReviewRequest | DecisionForm | None = None
    errors: dict[str, str] = field(default_factory=dict)

    @property
    def note_text(self) -> str | None:
        return self.note.text if isinstance(self.note, Notice) else None


def _number(request: DecisionRequest) -> int:
    return hero.parse_idea_number(request.idea)


async def review_view(core: Core, idea: Idea) -> ReviewRequest:
    """The review card as it is now: status, counts, link, and the latest decision (who decided)."""
    chat = core.chat(idea.platform)
    link = await chat.link(idea.channel_id, idea.message_id) if chat and idea.message_id else None
    return ReviewRequest(idea, link, decided.last_decision(core.db, idea.id))


def open_decision(core: Core, request: DecisionRequest) -> DecisionResult:
    """A decision button: the form for a manager (or the champion recording a result); others get why not."""
    choice = CHOICES.get(request.choice)
    try:
        if choice is None:
            raise Refused("This button is no longer in use.")
        return DecisionResult(view=open_form(core, request.actor, _number(request), choice.form, choice.verdict))
    except Refused as refusal:
        return DecisionResult(note=Notice(str(refusal)))


async def submit_decision(core: Core, request: DecisionRequest) -> DecisionResult:
    """A filled-in decision form: the decision and the review card after it; field errors with the form
    again; a refusal (a lost race, a second click) on the review card as it is now, or alone for someone
    who may not see it."""
    kind = request.choice
    if kind not in KINDS:
        return DecisionResult(note=Notice("This form is no longer in use; open it again from the idea."))
    try:
        idea_id = _number(request)
        note = await submit(core, request.actor, kind, idea_id, request.values)
    except (FormInvalid, SaveFailed) as problem:
        errors = problem.errors if isinstance(problem, FormInvalid) else {FIRST_FIELD[kind]: SAVE_FAILED}
        return _form_again(core, request, errors)
    except Refused as refusal:
        return await _where_it_is(core, request, Notice(str(refusal)))
    return DecisionResult(note=note, view=await review_view(core, store.get_idea(core.db, idea_id)))


def _form_again(core: Core, request: DecisionRequest, errors: dict[str, str]) -> DecisionResult:
    try:
        form = open_form(core, request.actor, _number(request), request.choice, request.values.get("verdict"))
    except Refused as refusal:  # the idea moved on while the form was open
        return DecisionResult(note=Notice(str(refusal)))
    return DecisionResult(view=form, errors=errors)


async def _where_it_is(core: Core, request: DecisionRequest, refusal: Notice) -> DecisionResult:
    try:
        idea = may_see_review(core, request.actor, _number(request))
    except Refused:
        return DecisionResult(note=refusal)
    return DecisionResult(note=refusal, view=await review_view(core, idea))


async def back_to_review(core: Core, request: DecisionRequest) -> DecisionResult:
    """Back from a form to the review card (its managers and champion only)."""
    try:
        idea = may_see_review(core, request.actor, _number(request))
    except Refused as refusal:
        return DecisionResult(note=Notice(str(refusal)))
    return DecisionResult(view=await review_view(core, idea))


async def remind_me_tomorrow(core: Core, request: DecisionRequest) -> DecisionResult:
    """The reminder's **Remind me tomorrow**: when the next reminder comes, or why there is none."""
    async def remind() -> Notice:
        return await remind_tomorrow(core, request.actor, _number(request))

    return DecisionResult(note=await outcome(remind()))
