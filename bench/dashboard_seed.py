"""A seeded database for the dashboard: ideas over many weeks with their audit trail, decisions, pilots, wins,
votes, comments, problems and reports. Deterministic for a given seed; bulk SQL so a million votes take
seconds. Used by the browser test (small) and bench/dashboard.py (100,000 ideas, 1,000,000 votes)."""

from __future__ import annotations

import random
from datetime import datetime, timedelta

from sqlite_utils import Database

from bot.model import Actor
from storage.db import write
from storage.ideas import author_key

GOALS = ("Resolve on first contact", "Fewer repeat calls", "Faster refunds")
MANAGERS = ("UMANAGER1", "UMANAGER2")
CHANNELS = ("phone", "email", "chat", "in_person", "other")
# where an idea ends up, with its path through the audit trail
PATHS = {
    "open": (),
    "in_review": ("in_review",),
    "needs_info": ("in_review", "needs_info"),
    "approved": ("in_review", "approved"),
    "piloting": ("in_review", "piloting"),
    "implemented": ("in_review", "approved", "implemented"),
    "declined": ("in_review", "declined"),
}
BOX_ACTIONS = (("Waive a late-payment fee", "no repeat contact about the bill within 7 days"),
               ("Rebook a missed engineer visit", "visit completed at the rebooked slot"),
               ("Credit a day of service", "no complaint escalated about the outage"))
BOX_STATES = {"used": 80, "asked": 4, "allowed": 10, "declined": 6}
BOX_OUTCOMES = {None: 30, "worked": 45, "did_not_work": 15, "too_early": 10}
WEIGHTS = {"open": 40, "in_review": 12, "needs_info": 3, "approved": 10, "piloting": 8, "implemented": 12,
           "declined": 15}


def seed(db: Database, now: datetime, ideas: int = 300, votes: int = 3000, people: int = 60, weeks: int = 16,
         problems: int = 12, box_uses: int = 200, seed_value: int = 7) -> None:
    """Fill an empty, migrated database. Times fall in the `weeks` before `now`."""
    rng = random.Random(seed_value)
    users = [f"U{n:06d}" for n in range(people)]
    span = timedelta(weeks=weeks).total_seconds()

    def moment(after: datetime | None = None) -> datetime:
        if after is None:
            return now - timedelta(seconds=rng.uniform(60, span))
        room = (now - after).total_seconds()
        return after + timedelta(seconds=rng.uniform(1, max(2.0, room * 0.5)))

    keys = {u: author_key(db, Actor("slack", u)) for u in users}
    statuses = list(WEIGHTS)
    idea_rows, audit_rows, decision_rows, experiment_rows, created = [], [], [], [], []
    for idea_id in range(1, ideas + 1):
        author = rng.choice(users)
        anonymous = rng.random() < 0.1
        at = moment()
        status = rng.choices(statuses, weights=[WEIGHTS[s] for s in statuses])[0]
        when, previous = at, "open"
        for step in PATHS[status]:
            when = moment(when)
            actor = "system" if step == "in_review" else rng.choice(MANAGERS)
            audit_rows.append((idea_id, actor, step, previous, step, when.isoformat()))
            if step in ("approved", "piloting", "declined", "needs_info"):
                action = {"approved": "approve", "piloting": "pilot", "declined": "decline"}.get(step, "needs_info")
                decision_rows.append((idea_id, action, actor, "low", None, "not now" if step == "declined" else None,
                                      when.isoformat()))
            previous = step
        if status in ("piloting",) or (status == "implemented" and rng.random() < 0.5):
            baseline = rng.randint(20, 60)
            experiment_rows.append((idea_id, "It helps", "repeat calls %", baseline, baseline - 10,
                                    (now + timedelta(days=rng.randint(-20, 30))).date().isoformat(),
                                    baseline - rng.randint(0, 15) if status == "implemented" else None))
        title = f"Idea {idea_id}: {rng.choice(('refund', 'callback', 'chat', 'portal', 'password'))} fix"
        idea_rows.append((idea_id, "slack", title, title, rng.choice(GOALS + (None,)), None if anonymous else author,
                          keys[author], int(anonymous), status, at.isoformat(), when.isoformat()))
        created.append(at)
    with write(db):
        db.conn.executemany(
            "INSERT INTO ideas (id, platform, title, text, mission_goal, author_id, author_key, anonymous, status, "
            "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", idea_rows)
        db.conn.executemany("INSERT INTO audit (idea_id, actor, action, from_status, to_status, at) "
                            "VALUES (?, ?, ?, ?, ?, ?)", audit_rows)
        db.conn.executemany("INSERT INTO decisions (idea_id, action, by_user, risk, note, reason, at) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)", decision_rows)
        db.conn.executemany("INSERT INTO experiments (idea_id, hypothesis, metric, baseline, target, ends_on, result) "
                            "VALUES (?, ?, ?, ?, ?, ?, ?)", experiment_rows)
    _votes(db, rng, created, users, votes, now)
    _comments(db, rng, created, users, now)
    _problems(db, rng, users, problems, now, span)
    _box(db, rng, users, box_uses, now, span)


def _votes(db: Database, rng: random.Random, created: list[datetime], users: list[str], count: int, now: datetime) -> None:
    batch, seen = [], set()
    while len(seen) < count:
        idea = rng.randrange(len(created))
        user = rng.randrange(len(users))
        if (idea, user) in seen:
            continue
        seen.add((idea, user))
        start = created[idea]
        at = start + timedelta(seconds=rng.uniform(1, max(2.0, (now - start).total_seconds())))
        batch.append((idea + 1, users[user], at.isoformat()))
        if len(batch) >= 50_000:
            _insert_votes(db, batch)
            batch = []
    _insert_votes(db, batch)


def _insert_votes(db: Database, rows: list[tuple]) -> None:
    with write(db):
        db.conn.executemany("INSERT INTO votes (idea_id, user_id, created_at) VALUES (?, ?, ?)", rows)
        db.conn.executemany("INSERT INTO vote_marks (idea_id, user_id, source) VALUES (?, ?, 'button')",
                            [(i, u) for i, u, _ in rows])


def _comments(db: Database, rng: random.Random, created: list[datetime], users: list[str], now: datetime) -> None:
    rows = []
    for n in range(len(created) // 2):
        idea = rng.randrange(len(created))
        at = created[idea] + timedelta(seconds=rng.uniform(1, max(2.0, (now - created[idea]).total_seconds())))
        rows.append((idea + 1, rng.choice(users), "I agree", f"c{n}", at.isoformat()))
    with write(db):
        db.conn.executemany("INSERT OR IGNORE INTO comments (idea_id, user_id, text, message_id, created_at) "
                            "VALUES (?, ?, ?, ?, ?)", rows)


def _problems(db: Database, rng: random.Random, users: list[str], count: int, now: datetime, span: float) -> None:
    what = ("Refund status unclear", "Password reset loops", "Delivery date missing", "Invoice in wrong language",
            "App logs out", "Card declined twice")
    with write(db):
        for pid in range(1, count + 1):
            at = now - timedelta(seconds=rng.uniform(span * 0.5, span))
            reporter = rng.choice(users)
            db.conn.execute("INSERT INTO problems (id, platform, text, reporter_id, created_at, updated_at) "
                            "VALUES (?, 'slack', ?, ?, ?, ?)", [pid, f"{what[pid % len(what)]} ({pid})", reporter,
                                                                at.isoformat(), at.isoformat()])
            for user in rng.sample(users, k=min(len(users), rng.randint(1, 3 * (count - pid + 2)))):
                when = now - timedelta(seconds=rng.uniform(60, span * 0.9))
                db.conn.execute("INSERT OR IGNORE INTO problem_reports (problem_id, user_id, origin_id, contact_channel, "
                                "frequency, created_at) VALUES (?, ?, ?, ?, 'weekly', ?)",
                                [pid, user, pid, rng.choice(CHANNELS), when.isoformat()])


def _box(db: Database, rng: random.Random, users: list[str], count: int, now: datetime, span: float) -> None:
    """The empowerment box's actions and their uses, exceptions among them (no box when `count` is 0)."""
    if not count:
        return
    states, outcomes = list(BOX_STATES), list(BOX_OUTCOMES)
    with write(db):
        for action_id, (action, expected) in enumerate(BOX_ACTIONS, start=1):
            db.conn.execute("INSERT INTO box_actions (id, platform, action, customers, steps, expected_outcome, owner, "
                            "created_at) VALUES (?, 'slack', ?, 'any customer', 'follow the steps', ?, ?, ?)",
                            [action_id, action, expected, MANAGERS[0], (now - timedelta(seconds=span)).isoformat()])
        for _ in range(count):
            at = now - timedelta(seconds=rng.uniform(60, span))
            state = rng.choices(states, weights=list(BOX_STATES.values()))[0]
            counted = at.isoformat() if state in ("used", "allowed") else None
            outcome = rng.choices(outcomes, weights=list(BOX_OUTCOMES.values()))[0] if counted else None
            db.conn.execute("INSERT INTO box_uses (action_id, platform, user_id, state, outcome, created_at, counted_at) "
                            "VALUES (?, 'slack', ?, ?, ?, ?, ?)", [rng.randint(1, len(BOX_ACTIONS)), rng.choice(users),
                                                                   state, outcome, at.isoformat(), counted])
