"""`herobot export`: the whole database as one JSON document, the backup and hand-over format.

Anonymous authors are never in it: their ideas carry `author: null` and nothing that
could lead back to them.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlite_utils import Database

from bot.challenge_model import Challenge
from bot.model import Idea, Problem
from bot.platforms import registered
from storage import box as box_store
from storage import challenges as challenge_store
from storage import decisions as decided
from storage import ideas as store
from storage import problems as problem_store
from storage.audit import audit_trail


def export(db: Database) -> dict:
    return {
        "ideas": [idea_record(db, idea) for idea in store.all_ideas(db)],
        "problems": [problem_record(db, problem) for problem in problem_store.all_problems(db)],
        "audit": [{**row, "at": _utc(row["at"])} for row in audit_trail(db)],
        "challenges": [challenge_record(db, challenge) for challenge in challenge_store.all_challenges(db)],
        "box": box_records(db),
    }


def idea_record(db: Database, idea: Idea) -> dict:
    return {
        "id": idea.id,
        "platform": idea.platform,
        "title": idea.title,
        "text": idea.text,
        "author": None if idea.anonymous else idea.author_id,
        "anonymous": idea.anonymous,
        "status": idea.status.value,
        "votes": idea.votes,
        "voters": store.voters(db, idea.id),
        "comments": idea.comments,
        "mission_goal": idea.mission_goal,
        "created_at": iso_utc(idea),
        **message_blocks(idea),
        **decision_fields(db, idea),
        "duplicate_of": idea.duplicate_of,
        "problem_ids": problem_store.problems_for_idea(db, idea.id),
        "challenge": _challenge_ref(challenge_store.challenge_of_idea(db, idea.id)),
    }


def decision_fields(db: Database, idea: Idea) -> dict:
    """The latest decision, the pilot's experiment, the IT champion and the outcome."""
    decision = decided.last_decision(db, idea.id)
    experiment = decided.experiment_of(db, idea.id)
    extras = decided.extras(db, idea.id)
    return {
        "decision": None if decision is None else {
            "action": decision.action, "by": decision.by_user, "risk": decision.risk, "note": decision.note,
            "reason": decision.reason, "at": _utc(decision.at.isoformat()),
        },
        "experiment": None if experiment is None else {
            "hypothesis": experiment.hypothesis, "metric": experiment.metric, "baseline": experiment.baseline,
            "target": experiment.target, "ends_on": experiment.ends_on, "result": experiment.result,
        },
        "champion": extras["champion"],
        "outcome": extras["outcome"],
    }


def _utc(stamp: str) -> str:
    return datetime.fromisoformat(stamp).astimezone(UTC).isoformat().replace("+00:00", "Z")


def problem_record(db: Database, problem: Problem) -> dict:
    return {
        "id": problem.id,
        "platform": problem.platform,
        "text": problem.text,
        "reporter": problem.reporter_id,
        "reporters": problem.reporters,
        "channel_mix": problem_store.channel_mix(db, problem.id),
        "status": problem.status.value,
        "duplicate_of": problem.duplicate_of,
        "ideas": problem_store.ideas_for_problem(db, problem.id),
        "created_at": iso_utc(problem),
        **message_blocks(problem),
    }


def iso_utc(idea: Idea | Problem) -> str:
    return idea.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def message_blocks(item: Idea | Problem) -> dict[str, dict | None]:
    """One field per registered platform (e.g. `slack`: {channel, ts}): where the item's message is there, or null."""
    return {p.name: _message_block(item, p.name, *p.export_keys) for p in registered()}


def _message_block(item: Idea | Problem, platform: str, channel_key: str, message_key: str) -> dict | None:
    if item.platform != platform or not item.message_id:
        return None
    return {channel_key: item.channel_id, message_key: item.message_id}


def _challenge_ref(challenge_id: int | None) -> str | None:
    return f"C{challenge_id}" if challenge_id else None


def challenge_record(db: Database, challenge: Challenge) -> dict:
    return {
        "id": challenge.ref,
        "question": challenge.question,
        "problem": f"P{challenge.problem_id}" if challenge.problem_id else None,
        "goal": challenge.goal,
        "ends_on": challenge.ends_on.isoformat(),
        "advance": challenge.advance,
        "status": challenge.status,
        "ideas": challenge_store.idea_ids(db, challenge.id),
        "advanced": challenge_store.advanced_ids(db, challenge.id),
        "created_by": challenge.created_by,
        "created_at": _utc(challenge.created_at.isoformat()),
        "closed_at": _utc(challenge.closed_at.isoformat()) if challenge.closed_at else None,
    }


def box_records(db: Database) -> list[dict]:
    """The empowerment box: each action with its earlier texts and its uses."""
    return [box_record(db, action) for action in box_store.actions(db, status=None, limit=-1)]


def box_record(db: Database, action) -> dict:
    return {
        "id": action.ref, "action": action.action, "customers": action.customers, "limit": action.limit,
        "unit": action.unit, "steps": action.steps, "expected_outcome": action.expected_outcome,
        "owner": action.owner, "status": action.status,
        "versions": [{**v, "at": _utc(v["at"])} for v in box_store.versions(db, action.id)],
        "created_at": _utc(action.created_at.isoformat()),
        "uses": [use_record(use) for use in box_store.uses_of_action(db, action.id)],
    }


def use_record(use) -> dict:
    return {"user": use.user_id, "amount": use.amount, "note": use.note, "story": use.story, "outcome": use.outcome,
            "exception": use.exception, "created_at": _utc(use.created_at.isoformat())}
