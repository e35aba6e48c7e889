"""A decision in words, the same wherever an idea is shown: who decided, and the reason or the next step.

approved: risk, mitigation and IT champion · pilot: metric, target, end date · declined: the reason ·
needs info: the question · implemented: what changed · duplicate: of which idea.
"""

from __future__ import annotations

from bot.model import DecisionFacts, Experiment
from bot.replies import Person, story


def number_text(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def pilot_plan(experiment: Experiment) -> str:
    start = f"from {number_text(experiment.baseline)} " if experiment.baseline is not None else ""
    return f"{experiment.metric}, {start}to {number_text(experiment.target)} by {experiment.ends_on}"


def note_parts(facts: DecisionFacts, person) -> tuple:
    """The decision as parts: plain text and `person(user_id)` mentions (each caller's Person type)."""
    by = (" by ", person(facts.by)) if facts.by else ()
    risk = f" Risk: {facts.risk}." if facts.risk else ""
    if facts.action == "approve":
        mitigation = f" Mitigation: {facts.note}" if facts.note else ""
        champion = (" IT champion: ", person(facts.champion), ".") if facts.champion else ()
        return ("✅ Approved", *by, f".{risk}{mitigation}", *champion)
    if facts.action == "pilot":
        plan = f" Pilot: {pilot_plan(facts.experiment)}." if facts.experiment else ""
        return ("🧪 Pilot approved", *by, f".{plan}{risk}")
    if facts.action == "decline":
        return ("⛔ Declined", *by, f". Reason: {facts.reason}" if facts.reason else ". No reason was recorded.")
    if facts.action == "needs_info":
        return ("❓ Needs info: ", *((person(facts.by), " asks: ") if facts.by else ("A manager asks: ",)),
                facts.note or "", " The author can answer in the idea's thread.")
    if facts.action == "implemented":
        changed = f". What changed: {facts.outcome}" if facts.outcome else "."
        return ("🏆 Implemented", *(("; marked by ", person(facts.by)) if facts.by else ()), changed)
    if facts.action == "duplicate" and facts.duplicate_of:
        return (f"🔁 Duplicate of #{facts.duplicate_of}; votes and talk continue there.",)
    return ()


def decision_story(db, idea):
    """The idea's latest decision as a Story (None while nothing was decided)."""
    from storage.decisions import latest_facts

    facts = latest_facts(db, idea)
    parts = note_parts(facts, Person) if facts else ()
    return story(*parts) if parts else None


def decision_stories(db, ideas) -> dict:
    """idea id -> its latest decision as a Story, for the ideas that have one."""
    return {i.id: s for i in ideas if (s := decision_story(db, i))}
