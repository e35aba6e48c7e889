"""A manager's decisions: approve, pilot, decline, needs info; then implemented (or a pilot closed).

A click first asks for the form (`open_form`, which refuses people and states that cannot
decide); the filled-in form is applied by `submit`, which checks everything again inside
its write transaction, so of two managers deciding at once exactly one wins.
"""

from __future__ import annotations

from bot import decision_forms as forms
from bot.box import offer_after_outcome
from bot.core import Core
from bot.replies import DecisionForm
from bot.errors import Refused
from bot.events import Approved, Decided, Declined, Implemented, InfoRequested, PilotClosed, PilotStarted
from bot.followups import emit, win_channel
from bot.model import Actor, Decision, Idea, Status
from bot.policy import DECISIONS, TARGETS, allows
from bot.replies import Notice
from bot.roles import is_manager_of
from storage import decisions as decided
from storage import ideas as store
from storage.audit import transition
from storage.db import write

KINDS = DECISIONS
PAST = {"approve": "approved", "pilot": "piloting", "decline": "declined", "needs_info": "waiting for information"}


def _check(core: Core, db, idea: Idea, actor: Actor, kind: str) -> None:
    """Refuses people who may not decide and decisions the idea's status does not allow (bot.policy)."""
    if kind == "outcome":
        champion = decided.extras(db, idea.id)["champion"]
        if not is_manager_of(core.config, idea, actor.user_id) and actor.user_id != champion:
            raise Refused(f"Only a manager of idea #{idea.id} (or its IT champion) can record its outcome.")
        if not allows(idea.status, kind):
            raise Refused(_state_note(db, idea, "Only approved ideas and pilots can be marked implemented."))
        return
    if not is_manager_of(core.config, idea, actor.user_id):
        raise Refused(f"Only a manager of idea #{idea.id} can decide on it. Nothing changed.")
    if not allows(idea.status, kind):
        raise Refused(_state_note(db, idea, f"It can no longer be {PAST[kind]}."))


def _state_note(db, idea: Idea, why: str) -> str:
    return f"Idea #{idea.id} is already {idea.status.label}. {why} Nothing changed."


def open_form(core: Core, actor: Actor, idea_id: int, kind: str, verdict: str | None = None) -> DecisionForm:
    """The form for a decision, for someone allowed to make it now. Raises Refused otherwise."""
    idea = store.get_idea(core.db, idea_id)
    if idea is None:
        raise Refused(f"There is no idea #{idea_id}.")
    _check(core, core.db, idea, actor, kind)
    if kind == "approve":
        return DecisionForm(kind, idea, champion=next(iter(core.config.it_champions), None),
                            champions=core.config.it_champions)
    if kind == "outcome":
        experiment = decided.experiment_of(core.db, idea_id) if idea.status == Status.PILOTING else None
        return DecisionForm(kind, idea, experiment=experiment, verdict=verdict)
    return DecisionForm(kind, idea)


def may_see_review(core: Core, actor: Actor, idea_id: int) -> Idea:
    """The review card (with its decision buttons) is for the idea's managers and its IT champion only."""
    idea = store.get_idea(core.db, idea_id)
    if idea is None:
        raise Refused(f"There is no idea #{idea_id}.")
    champion = decided.extras(core.db, idea_id)["champion"]
    if not is_manager_of(core.config, idea, actor.user_id) and actor.user_id != champion:
        raise Refused(f"Only a manager of idea #{idea_id} can decide on it. Nothing changed.")
    return idea


async def submit(core: Core, actor: Actor, kind: str, idea_id: int, values: dict) -> Notice:
    """Apply a filled-in decision form. Raises FormInvalid (fields to fix) or Refused (nothing changed)."""
    if kind not in KINDS:
        raise Refused("Unknown decision.")
    at = core.now()  # one reading: the status change and its decision row carry the same time
    async with write(core.db) as db:
        idea = store.get_idea(db, idea_id)
        if idea is None:
            raise Refused(f"There is no idea #{idea_id}.")
        _check(core, db, idea, actor, kind)
        if kind == "outcome":
            note, event = _outcome(core, db, idea, actor, values, at)
        else:
            note, event = _decide(db, idea, actor, kind, values, at)
    emit(core, event)
    return offer_after_outcome(core, actor, idea_id, note, event)


def _move(db, idea: Idea, actor: Actor, action: str, target: Status, at) -> None:
    if idea.status == Status.OPEN:
        transition(db, idea.id, actor.user_id, "review", Status.IN_REVIEW, at)
    if target != store.get_idea(db, idea.id).status:
        if transition(db, idea.id, actor.user_id, action, target, at) is None:
            raise Refused(f"Idea #{idea.id} changed meanwhile. Nothing changed.")


def _decide(db, idea: Idea, actor: Actor, kind: str, values: dict, at) -> tuple[str, Decided]:
    by, risk, note, reason, champion, experiment = actor.user_id, None, None, None, None, None
    if kind == "approve":
        risk, note, champion = forms.approval(values)
        event = Approved(idea.id, by, risk, note or None, champion)
    elif kind == "pilot":
        experiment, risk, note = forms.pilot(values, at.date())
        event = PilotStarted(idea.id, by, experiment, risk, note or None)
    elif kind == "decline":
        reason = forms.reason(values, "reason", "Say why, so the author understands.")
        event = Declined(idea.id, by, reason)
    else:
        note = forms.reason(values, "question", "What would you like to know?")
        event = InfoRequested(idea.id, by, note)
    _move(db, idea, actor, kind, TARGETS[kind], at)
    decided.record_decision(db, Decision(idea.id, kind, by, at, risk, note or None, reason))
    if experiment:
        decided.save_experiment(db, idea.id, experiment)
    if champion:
        decided.set_champion(db, idea.id, champion)
    return f"Idea #{idea.id} is {PAST[kind]}. The author and the idea's thread are told.", event


def _outcome(core: Core, db, idea: Idea, actor: Actor, values: dict, at) -> tuple[str, Decided]:
    piloting = idea.status == Status.PILOTING
    text, result, verdict = forms.outcome(values, piloting)
    if verdict == "declined":
        _move(db, idea, actor, "close_pilot", Status.DECLINED, at)
        decided.record_decision(db, Decision(idea.id, "decline", actor.user_id, at,
                                             reason=f"Pilot missed its target. {text}"))
        decided.record_result(db, idea.id, result, text)
        decided.set_outcome(db, idea.id, text)
        return (f"Pilot #{idea.id} is closed as declined; the learning is recorded.",
                PilotClosed(idea.id, actor.user_id, text, result))
    _move(db, idea, actor, "implemented", Status.IMPLEMENTED, at)
    if piloting:
        decided.record_result(db, idea.id, result, None)
    decided.set_outcome(db, idea.id, text)
    channel = win_channel(core, idea)
    told = (f"The win is announced in {channel[0]}." if channel else
            f"The win was not announced: no wins or ideas channel is configured ([{idea.platform}] wins_channel).")
    return (f"Idea #{idea.id} is implemented. {told}",
            Implemented(idea.id, actor.user_id, text, result))
