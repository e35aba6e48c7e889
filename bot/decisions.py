"""A manager's decisions: approve, pilot, decline, needs info; then implemented (or a pilot closed).

A click first asks for the form (`open_form`, which refuses people and states that cannot
decide); the filled-in form is applied by `submit`, which checks everything again inside
its write transaction, so of two managers deciding at once exactly one wins.
"""

from __future__ import annotations

import logging

from bot import decision_forms as forms
from bot.box import offer_after_outcome
from bot.challenge_cards import challenge_credit
from bot.core import Core
from bot.replies import DecisionForm, Person, Strong, WinStory, story
from bot.errors import Refused
from bot.news import tell_voters
from bot.model import Actor, Decision, Experiment, Idea, Status, can_move
from bot.replies import Notice
from bot.replies import AuthorQuestion
from bot.review import post_in_thread, refresh, tell_author, update_review_messages
from bot.roles import is_manager_of
from storage import decisions as decided
from storage import ideas as store
from storage.audit import transition
from storage.db import write

log = logging.getLogger(__name__)

TARGETS = {"approve": Status.APPROVED, "pilot": Status.PILOTING, "decline": Status.DECLINED,
           "needs_info": Status.NEEDS_INFO}
KINDS = (*TARGETS, "outcome")
PAST = {"approve": "approved", "pilot": "piloting", "decline": "declined", "needs_info": "waiting for information"}


def _check(core: Core, db, idea: Idea, actor: Actor, kind: str) -> None:
    """Refuses people who may not decide and decisions the idea's status does not allow."""
    if kind == "outcome":
        champion = decided.extras(db, idea.id)["champion"]
        if not is_manager_of(core.config, idea, actor.user_id) and actor.user_id != champion:
            raise Refused(f"Only a manager of idea #{idea.id} (or its IT champion) can record its outcome.")
        if idea.status not in (Status.APPROVED, Status.PILOTING):
            raise Refused(_state_note(db, idea, "Only approved ideas and pilots can be marked implemented."))
        return
    if not is_manager_of(core.config, idea, actor.user_id):
        raise Refused(f"Only a manager of idea #{idea.id} can decide on it. Nothing changed.")
    if idea.status.closed:  # a duplicate's DUPLICATE → NEEDS_INFO edge is for undoing its merge only
        raise Refused(_state_note(db, idea, f"It can no longer be {PAST[kind]}."))
    target = TARGETS[kind]
    status = idea.status
    if status == Status.OPEN:
        status = Status.IN_REVIEW  # a manager's decision on an open idea takes it through review
    if not (can_move(status, target) or status == target == Status.NEEDS_INFO):
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
            note, news = _outcome(core, db, idea, actor, values, at)
        else:
            note, news = _decide(core, db, idea, actor, kind, values, at)
    core.background.spawn(_announce(core, idea_id, news), name=f"announce {kind} {idea_id}")
    return offer_after_outcome(core, actor, idea_id, note, news)


def _move(db, idea: Idea, actor: Actor, action: str, target: Status, at) -> None:
    if idea.status == Status.OPEN:
        transition(db, idea.id, actor.user_id, "review", Status.IN_REVIEW, at)
    if target != store.get_idea(db, idea.id).status:
        if transition(db, idea.id, actor.user_id, action, target, at) is None:
            raise Refused(f"Idea #{idea.id} changed meanwhile. Nothing changed.")


def _decide(core: Core, db, idea: Idea, actor: Actor, kind: str, values: dict, at) -> tuple[str, dict]:
    today = at.date()
    risk = note = reason = champion = None
    experiment = None
    if kind == "approve":
        risk, note, champion = forms.approval(values)
    elif kind == "pilot":
        experiment, risk, note = forms.pilot(values, today)
    elif kind == "decline":
        reason = forms.reason(values, "reason", "Say why, so the author understands.")
    else:
        note = forms.reason(values, "question", "What would you like to know?")
    _move(db, idea, actor, kind, TARGETS[kind], at)
    decided.record_decision(db, Decision(idea.id, kind, actor.user_id, at, risk, note or None, reason))
    if experiment:
        decided.save_experiment(db, idea.id, experiment)
    if champion:
        decided.set_champion(db, idea.id, champion)
    news = {"kind": kind, "by": actor.user_id, "risk": risk, "note": note, "reason": reason,
            "champion": champion, "experiment": experiment}
    return f"Idea #{idea.id} is {PAST[kind]}. The author and the idea's thread are told.", news


def _outcome(core: Core, db, idea: Idea, actor: Actor, values: dict, at) -> tuple[str, dict]:
    piloting = idea.status == Status.PILOTING
    text, result, verdict = forms.outcome(values, piloting)
    if verdict == "declined":
        _move(db, idea, actor, "close_pilot", Status.DECLINED, at)
        decided.record_decision(db, Decision(idea.id, "decline", actor.user_id, at,
                                             reason=f"Pilot missed its target. {text}"))
        decided.record_result(db, idea.id, result, text)
        decided.set_outcome(db, idea.id, text)
        return (f"Pilot #{idea.id} is closed as declined; the learning is recorded.",
                {"kind": "close_pilot", "by": actor.user_id, "note": text, "result": result})
    _move(db, idea, actor, "implemented", Status.IMPLEMENTED, at)
    if piloting:
        decided.record_result(db, idea.id, result, None)
    decided.set_outcome(db, idea.id, text)
    channel = win_channel(core, idea)
    told = (f"The win is announced in {channel[0]}." if channel else
            f"The win was not announced: no wins or ideas channel is configured ([{idea.platform}] wins_channel).")
    return (f"Idea #{idea.id} is implemented. {told}",
            {"kind": "implemented", "by": actor.user_id, "note": text, "result": result})


# --- what people hear after a decision --------------------------------------------------------

def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _experiment_line(experiment: Experiment) -> str:
    baseline = f"from {_number(experiment.baseline)} " if experiment.baseline is not None else ""
    return (f"Hypothesis: {experiment.hypothesis}\nMetric: {experiment.metric}, {baseline}to "
            f"{_number(experiment.target)} by {experiment.ends_on}")


async def _announce(core: Core, idea_id: int, news: dict) -> None:
    idea = store.get_idea(core.db, idea_id)
    chat = core.chat(idea.platform)
    if chat is None:
        return
    refresh(core, idea)
    await update_review_messages(core, idea)
    link = await chat.link(idea.channel_id, idea.message_id) if idea.message_id else None
    kind, by, title = news["kind"], Person(news["by"]), Strong(f"#{idea.id} {idea.display_title}")
    risk = f" Risk: {news['risk']}." if news.get("risk") else ""
    mitigation = f" Mitigation: {news['note']}" if news.get("note") and kind in ("approve", "pilot") else ""
    if kind == "approve":
        champion = news["champion"]
        await post_in_thread(core, idea, story("✅ Approved by ", by, f".{risk}{mitigation}",
                                               " IT champion: " if champion else None,
                                               Person(champion) if champion else None))
        await tell_author(core, idea, story("✅ Your idea ", title, " was approved by ", by, ".", link=link))
        if champion:
            await _safe(chat.send_direct(champion, story(
                "🛠️ You are the IT champion for ", title, ", approved by ", by, f".{risk}{mitigation}\n",
                idea.body or idea.title, link=link)))
    elif kind == "pilot":
        experiment = news["experiment"]
        await post_in_thread(core, idea, story("🧪 Pilot started by ", by, f".{risk}{mitigation}\n",
                                               _experiment_line(experiment)))
        await tell_author(core, idea, story("🧪 Your idea ", title, " will be piloted, decided by ", by,
                                            ".\n", _experiment_line(experiment), link=link))
    elif kind == "decline":
        await post_in_thread(core, idea, story("⛔ Declined by ", by, ". Reason: ", news["reason"]))
        await tell_author(core, idea, story("⛔ Your idea ", title, " was declined by ", by, ". Reason: ",
                                            news["reason"], link=link))
    elif kind == "needs_info":
        how = ("The author answers privately; the answer will appear here without their name."
               if idea.anonymous else "The author can answer by replying in this thread.")
        await post_in_thread(core, idea, story("❓ ", by, " asks: ", news["note"], "\n" + how))
        if idea.anonymous:  # never in public: the Answer button opens a private form
            await tell_author(core, idea, AuthorQuestion(idea, story(
                "❓ ", by, " has a question about your idea ", title, ": ", news["note"],
                "\nAnswer with the button: your answer is posted in the idea's thread without your name.",
                link=link)))
        else:
            await tell_author(core, idea, story("❓ ", by, " has a question about your idea ", title, ": ",
                                                news["note"], "\nAnswer by replying in the idea's thread.", link=link))
    elif kind == "close_pilot":
        experiment = decided.experiment_of(core.db, idea.id)
        target = f" against a target of {_number(experiment.target)}" if experiment else ""
        result = f"Result {_number(news['result'])}{target}. What we learned: "
        await post_in_thread(core, idea, story("⛔ Pilot closed as declined by ", by, ". ", result, news["note"]))
        await tell_author(core, idea, story("⛔ The pilot of your idea ", title, " is closed by ", by, ". ", result,
                                            news["note"], link=link))
    elif kind == "implemented":
        await post_in_thread(core, idea, story("🏆 Implemented, marked by ", by, ". What changed: ", news["note"]))
        await tell_author(core, idea, story("🏆 Your idea ", title, " is implemented. What changed: ", news["note"],
                                            " Thank you!", link=link))
        await announce_win(core, idea, news["by"])
    if kind in ("approve", "pilot", "decline", "close_pilot", "implemented"):
        await tell_voters(core, idea.id, news["by"])


async def _safe(work) -> None:
    try:
        await work
    except Exception:
        log.warning("a decision message could not be sent", exc_info=True)


def win_channel(core: Core, idea: Idea) -> tuple[str, str] | None:
    """(words for the manager, channel id) where a win is announced: the wins channel, else the ideas channel,
    else the channel the idea was posted in; None when there is none."""
    for kind in ("wins", "ideas"):
        if channel := core.config.channel(idea.platform, kind):
            return f"the {kind} channel", channel
    return ("the idea's channel", idea.channel_id) if idea.channel_id else None


async def announce_win(core: Core, idea: Idea, marked_by: str) -> None:
    """The win, told in the wins channel, crediting the author (unless anonymous), supporters, manager, champion."""
    chat = core.chat(idea.platform)
    where = win_channel(core, idea)
    if chat is None or where is None:
        log.warning("idea %s is implemented but not announced: set [%s] wins_channel", idea.id, idea.platform)
        return
    channel = where[1]
    decider = decided.last_decision(core.db, idea.id, ("approve", "pilot"))
    extras = decided.extras(core.db, idea.id)
    win = WinStory(
        idea=idea, outcome=extras["outcome"] or "", supporters=idea.votes,
        author=None if idea.anonymous else idea.author_id, decider=decider.by_user if decider else marked_by,
        champion=extras["champion"], experiment=decided.experiment_of(core.db, idea.id),
        challenge=challenge_credit(core, idea.id),
    )
    await _safe(chat.post(channel, win))
