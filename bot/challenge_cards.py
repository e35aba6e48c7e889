"""A challenge's message: built from the database, kept up to date through the platform's Refresher.

Kept apart from bot/challenges.py so that the idea use cases (votes, decisions) can ask for a
refresh without importing the challenge use cases, which post ideas themselves.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.challenge_model import Challenge
from bot.replies import TOP_SHOWN, ChallengeCard, ProblemContext, time_left_text
from bot.core import Core
from bot.errors import Refused
from bot.schedule import Weekly
from storage import challenges as store
from storage import ideas as idea_store
from storage import problems as problem_store

TREND_DAYS = 30


def closes_at(core: Core, challenge: Challenge) -> datetime:
    """The end date at `[digest] time` in `[digest] timezone`: when the challenge closes."""
    return Weekly.of(core.config).on(challenge.ends_on)


def halfway_at(core: Core, challenge: Challenge) -> datetime:
    return challenge.created_at + (closes_at(core, challenge) - challenge.created_at) / 2


def card(core: Core, challenge: Challenge, now: datetime | None = None) -> ChallengeCard:
    now = now or core.now()
    advanced = [idea_store.get_idea(core.db, i) for i in store.advanced_ids(core.db, challenge.id)]
    return ChallengeCard(challenge, time_left_text(now, closes_at(core, challenge)),
                         store.most_voted(core.db, challenge.id, TOP_SHOWN), [i for i in advanced if i],
                         problem_context(core, challenge.problem_id, now))


def problem_context(core: Core, problem_id: int | None, now: datetime) -> ProblemContext | None:
    problem = problem_store.get_problem(core.db, problem_id) if problem_id else None
    if problem is None:
        return None
    window = timedelta(days=TREND_DAYS)
    return ProblemContext(problem, problem_store.reporters_between(core.db, problem.id, now - window, now),
                          problem_store.reporters_between(core.db, problem.id, now - 2 * window, now - window))


def join(db, idea_id: int, challenge_id: int, platform: str) -> None:
    """Inside a new idea's transaction: it belongs to the challenge, which must still be open."""
    challenge = store.get_challenge(db, challenge_id)
    if challenge is None or challenge.platform != platform:
        raise Refused(f"There is no challenge C{challenge_id}. `/hero challenges` lists the open ones.")
    if not challenge.is_open:
        raise Refused(f"Challenge {challenge.ref} is closed and takes no more ideas; nothing was posted. "
                      "`/hero challenges` lists the open ones.")
    store.add_idea(db, challenge_id, idea_id)


def challenge_credit(core: Core, idea_id: int) -> str | None:
    """What a win says of the challenge its idea came from: `C1 · How might we …`."""
    challenge_id = store.challenge_of_idea(core.db, idea_id)
    challenge = store.get_challenge(core.db, challenge_id) if challenge_id else None
    return f"{challenge.ref} · {challenge.display_question}" if challenge else None
