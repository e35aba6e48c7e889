"""Queries about decisions, experiments, champions, outcomes and the review queue.

Writes expect to run inside `storage.db.write`; status changes go through `storage.audit.transition`.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.model import Decision, DecisionFacts, Experiment, Idea
from storage import keys
from storage.ideas import _IDEA_COLUMNS, _idea


def record_decision(db: Database, decision: Decision) -> None:
    db.execute(
        "INSERT INTO decisions (idea_id, action, by_user, risk, note, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        [decision.idea_id, decision.action, decision.by_user, decision.risk, decision.note, decision.reason,
         decision.at.isoformat()],
    )


def last_decision(db: Database, idea_id: int, actions: tuple[str, ...] | None = None) -> Decision | None:
    where, params = "idea_id = ?", [idea_id]
    if actions:
        where += f" AND action IN ({', '.join('?' for _ in actions)})"
        params += list(actions)
    row = db.execute(
        f"SELECT idea_id, action, by_user, at, risk, note, reason FROM decisions WHERE {where} ORDER BY id DESC LIMIT 1",
        params,
    ).fetchone()
    if row is None:
        return None
    return Decision(row[0], row[1], row[2], datetime.fromisoformat(row[3]), row[4], row[5], row[6])


def save_experiment(db: Database, idea_id: int, experiment: Experiment) -> None:
    db.execute(
        """INSERT OR REPLACE INTO experiments (idea_id, hypothesis, metric, baseline, target, ends_on, result, learning)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)""",
        [idea_id, experiment.hypothesis, experiment.metric, experiment.baseline, experiment.target,
         experiment.ends_on, experiment.result, experiment.learning],
    )


def experiment_of(db: Database, idea_id: int) -> Experiment | None:
    row = db.execute(
        "SELECT hypothesis, metric, target, ends_on, baseline, result, learning FROM experiments WHERE idea_id = ?",
        [idea_id],
    ).fetchone()
    return Experiment(*row) if row else None


def record_result(db: Database, idea_id: int, result: float | None, learning: str | None) -> None:
    db.execute("UPDATE experiments SET result = ?, learning = ? WHERE idea_id = ?", [result, learning, idea_id])


def set_champion(db: Database, idea_id: int, user_id: str | None) -> None:
    db.execute("UPDATE ideas SET champion = ? WHERE id = ?", [user_id, idea_id])


def set_outcome(db: Database, idea_id: int, outcome: str) -> None:
    db.execute("UPDATE ideas SET outcome = ? WHERE id = ?", [outcome, idea_id])


def set_author_channel(db: Database, idea_id: int, channel_id: str) -> None:
    """Kept sealed (storage.keys): the file alone does not say which conversation, so which person."""
    db.execute("UPDATE ideas SET author_channel = ? WHERE id = ?", [keys.seal(db, idea_id, channel_id), idea_id])


def extras(db: Database, idea_id: int) -> dict:
    """The idea's champion, outcome and author_channel (where to reach its author, unsealed)."""
    row = db.execute("SELECT champion, outcome, author_channel FROM ideas WHERE id = ?", [idea_id]).fetchone()
    champion, outcome, channel = row or (None, None, None)
    return {"champion": champion, "outcome": outcome, "author_channel": keys.unseal(db, idea_id, channel)}


def save_review_message(db: Database, idea_id: int, user_id: str, channel_id: str, message_id: str) -> None:
    db.execute(
        "INSERT OR REPLACE INTO review_messages (idea_id, user_id, channel_id, message_id) VALUES (?, ?, ?, ?)",
        [idea_id, user_id, channel_id, message_id],
    )


def review_messages(db: Database, idea_id: int) -> list[tuple[str, str]]:
    """(channel, message) of every review request sent for the idea."""
    return [tuple(r) for r in db.execute(
        "SELECT channel_id, message_id FROM review_messages WHERE idea_id = ? ORDER BY user_id", [idea_id])]


def in_status_since(db: Database, statuses: tuple[str, ...], platform: str) -> list[tuple[Idea, datetime]]:
    """Ideas in one of `statuses`, with when they got there, the longest waiting first."""
    marks = ", ".join("?" for _ in statuses)
    rows = db.execute(
        f"""SELECT {_IDEA_COLUMNS}, coalesce((SELECT max(a.at) FROM audit a WHERE a.idea_id = i.id), i.created_at) AS since
            FROM ideas i WHERE i.status IN ({marks}) AND i.platform = ? ORDER BY since, i.id""",
        [*statuses, platform],
    ).fetchall()
    return [(_idea(r[:-1]), datetime.fromisoformat(r[-1])) for r in rows]


def wins(db: Database, since: datetime | None, limit: int = 20) -> list[tuple[Idea, datetime]]:
    """Implemented ideas, the latest win first, with when they were implemented."""
    where = "a.to_status = 'implemented'" + (" AND a.at >= ?" if since else "")
    params: list = [since.isoformat()] if since else []
    rows = db.execute(
        f"""SELECT {_IDEA_COLUMNS}, a.at FROM audit a JOIN ideas i ON i.id = a.idea_id
            WHERE {where} AND i.status = 'implemented' ORDER BY a.at DESC, a.id DESC LIMIT ?""",
        [*params, limit],
    ).fetchall()
    return [(_idea(r[:-1]), datetime.fromisoformat(r[-1])) for r in rows]


def ideas_voted_by(db: Database, platform: str, user_id: str, limit: int = 25) -> list[Idea]:
    rows = db.execute(
        f"""SELECT {_IDEA_COLUMNS} FROM votes v JOIN ideas i ON i.id = v.idea_id
            WHERE v.user_id = ? AND i.platform = ? ORDER BY v.created_at DESC LIMIT ?""",
        [user_id, platform, limit],
    ).fetchall()
    return [_idea(r) for r in rows]


_ACTION_OF_STATUS = {"approved": "approve", "piloting": "pilot", "declined": "decline", "needs_info": "needs_info"}


def _decision_row(db: Database, idea_id: int, action: str, near: str | None) -> tuple | None:
    """The idea's `action` decision: the one nearest to `near` (a status change's time), else the latest.

    Nearest rather than "at or before": rows written before one clock reading was shared by the status
    change and its decision carry a decision time a few microseconds after the change."""
    order = "abs(julianday(at) - julianday(?)), id DESC" if near else "id DESC"
    return db.execute(
        f"SELECT by_user, risk, note, reason FROM decisions WHERE idea_id = ? AND action = ? ORDER BY {order} LIMIT 1",
        [idea_id, action, *([near] if near else [])]).fetchone()


def facts_of_change(db: Database, idea: Idea, to_status: str, at: str | None = None,
                    actor: str | None = None) -> DecisionFacts | None:
    """What moved `idea` to `to_status` (at `at`, by `actor` when known), in the words every view shows."""
    champion, outcome, _ = extras(db, idea.id).values()
    if to_status == "implemented":
        return DecisionFacts("implemented", by=actor, outcome=outcome)
    if to_status == "duplicate":
        return DecisionFacts("duplicate", duplicate_of=idea.duplicate_of)
    action = _ACTION_OF_STATUS.get(to_status)
    row = _decision_row(db, idea.id, action, at) if action else None
    if row is None:
        return None
    by, risk, note, reason = row
    return DecisionFacts(action, by, risk, note, reason, champion if action == "approve" else None,
                         experiment_of(db, idea.id) if action == "pilot" else None)


def latest_facts(db: Database, idea: Idea) -> DecisionFacts | None:
    """The decision behind the idea's current status (None while nothing was decided)."""
    if idea.status.value == "implemented":
        row = db.execute("SELECT actor FROM audit WHERE idea_id = ? AND to_status = 'implemented' ORDER BY id DESC "
                         "LIMIT 1", [idea.id]).fetchone()
        return facts_of_change(db, idea, "implemented", actor=row[0] if row else None)
    if idea.status.value in ("open", "in_review"):
        return None
    return facts_of_change(db, idea, idea.status.value)


def review_rounds(db: Database, idea_id: int) -> list[str]:
    """When the idea entered review, each time (after an answer it enters again)."""
    return [r[0] for r in db.execute("SELECT at FROM audit WHERE idea_id = ? AND to_status = 'in_review' ORDER BY id",
                                     [idea_id])]
