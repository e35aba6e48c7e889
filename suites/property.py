"""Suite 5: property-based. Hypothesis stateful tests over random sequences of posts, votes (the
button and reactions, added and removed), comments, merges and their undos, and decisions (approve,
pilot, decline, needs info, implemented, a pilot closed; by managers, by people who may not, in
states that do not allow it), through the core services on a real SQLite file.

After every step, against a reference model kept beside the machine:
- one vote per person per idea (the votes table), and each idea's voters are the model's;
- the counts on ideas equal their rows (votes, comments);
- every status is the model's, and every audit row is an edge of bot.policy.TRANSITIONS;
- exactly one audit row per status change: the new rows are the model's changes, and each
  idea's status is the last audit row's `to_status` (open without one);
- audit rows never change (earlier rows stay as they were; UPDATE and DELETE are refused);
- the waits and vote counts m029's triggers keep are the ones the rows give.

The platform boundary is a small recording Chat; everything behind it is the real core.
"""

from __future__ import annotations

import asyncio
import itertools
import logging
import shutil
import sqlite3
import sys
import tempfile
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    invariant,
    multiple,
    rule,
    run_state_machine_as_test,
)

from bot import decisions
from bot.config import Config
from bot.bootstrap import new_core
from bot.decision_forms import FormInvalid
from bot.duplicates import mark_duplicate, unmark_duplicate
from bot.errors import Refused
from bot.ideas import comment_on_idea, react, submit_idea, toggle_vote
from bot.model import Actor, Draft, Origin, Status
from bot.policy import TRANSITIONS
from bot.refresh import TokenBucket
from bot.review import SYSTEM
from storage import ideas as store
from storage.db import open_database
from storage.schema import WAITING_SQL, WAITS_SINCE
from suites.common import Report, suite_main

PLATFORM = "slack"
CHANNEL = "C0IDEAS"
MANAGER, GOAL_MANAGER, CHAMPION = "UMGR", "UGOAL", "UIT"
GOAL = "Shorter waits"  # routed to GOAL_MANAGER only
PEOPLE = ("U1", "U2", "U3", MANAGER, GOAL_MANAGER, CHAMPION)
DECIDERS = (MANAGER, MANAGER, GOAL_MANAGER, GOAL_MANAGER, CHAMPION, "U1")  # mostly people who may
THRESHOLD = 3
CONFIG = {
    "slack": {"ideas_channel": CHANNEL},
    "roles": {"managers": [MANAGER], "it_champions": [CHAMPION]},
    "voting": {"reactions": ["+1", "thumbsup"], "threshold": THRESHOLD},
    "mission": {"goals": [GOAL, "Resolve on first contact"]},
    "routing": {GOAL: [GOAL_MANAGER]},
}
START = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

S = Status
CLOSED = {S.DECLINED, S.IMPLEMENTED, S.DUPLICATE}
# The promise, written as a table (not derived from the code under test): where each decision may be made.
DECIDABLE_FROM = {
    "approve": {S.OPEN, S.IN_REVIEW, S.NEEDS_INFO},
    "pilot": {S.OPEN, S.IN_REVIEW, S.NEEDS_INFO, S.APPROVED},
    "decline": {S.OPEN, S.IN_REVIEW, S.NEEDS_INFO, S.PILOTING},
    "needs_info": {S.OPEN, S.IN_REVIEW, S.NEEDS_INFO},
    "outcome": {S.APPROVED, S.PILOTING},
}
TARGET = {"approve": S.APPROVED, "pilot": S.PILOTING, "decline": S.DECLINED, "needs_info": S.NEEDS_INFO}
MERGEABLE_FROM = {S.OPEN, S.IN_REVIEW, S.NEEDS_INFO}


class RecordingChat:
    """The platform boundary: remembers what the core sent, answers with made-up message ids."""

    platform = PLATFORM

    def __init__(self) -> None:
        self._ids = itertools.count(1)
        self.sent: Counter = Counter()

    async def post(self, channel_id, reply, thread_id=None) -> str:
        self.sent["post"] += 1
        return f"1700000000.{next(self._ids):06d}"

    async def update(self, channel_id, message_id, reply) -> None:
        self.sent["update"] += 1

    async def send_direct(self, user_id, reply) -> tuple[str, str]:
        self.sent["direct"] += 1
        return f"D{user_id}", f"1700000000.{next(self._ids):06d}"

    async def tell(self, origin, reply) -> None:
        self.sent["tell"] += 1

    async def link(self, channel_id, message_id) -> str | None:
        return None

    def reaches(self, user_id: str) -> bool:
        return True


class Stats(logging.Handler):
    """Figures of a run; also catches errors logged by the core (a failed background task)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.errors: list[str] = []
        self.examples = 0
        self.steps = 0
        self.rules: Counter = Counter()
        self.chat: Counter = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if len(self.errors) < 5:
            self.errors.append(f"{record.getMessage()} {record.exc_info[1] if record.exc_info else ''}")


def decision_values(kind: str, variant: int, piloting: bool) -> dict:
    if kind == "approve":
        return [{"risk": "low"}, {"risk": "high", "mitigation": "A rollback plan."},
                {"risk": "medium", "mitigation": "Watch it.", "tech_support": ["tech"], "champion": CHAMPION}][variant % 3]
    if kind == "pilot":
        return {"hypothesis": "Fewer repeat calls", "metric": "repeat calls a day", "baseline": "40", "target": "30",
                "ends_on": "2026-12-31", "risk": "low"}
    if kind == "decline":
        return {"reason": "Not now."}
    if kind == "needs_info":
        return {"question": "Which queue?"}
    verdict = "declined" if variant % 2 else "implemented"  # a pilot closed, or rolled out
    return {"outcome": "Shorter calls.", "verdict": verdict, "result": "28" if verdict == "implemented" else "39"}


def make_machine(stats: Stats):
    class CoreMachine(RuleBasedStateMachine):
        ideas = Bundle("ideas")
        merged = Bundle("merged")  # ideas that were marked duplicates (perhaps undone since)
        approved = Bundle("approved")  # ideas that were approved or piloted (perhaps decided further since)

        def __init__(self) -> None:
            super().__init__()
            stats.examples += 1
            self.dir = tempfile.mkdtemp(prefix="herobot-property-")
            self.db = open_database(Path(self.dir) / "herobot.db", secret=b"property-suite-secret")
            self.ticks = itertools.count(1)
            self.core = new_core(self.db, Config.from_dict(CONFIG),
                                 clock=lambda: START + timedelta(seconds=next(self.ticks)))
            self.chat = RecordingChat()
            self.core.connect(self.chat, per_message=0, bucket=TokenBucket(per_minute=10**9, burst=10**6))  # no pacing
            self.loop = asyncio.new_event_loop()
            # the model
            self.status: dict[int, Status] = {}
            self.goal: dict[int, bool] = {}
            self.author: dict[int, tuple[str, bool]] = {}  # idea -> (author, anonymous)
            self.own: dict[int, dict[str, set[str]]] = {}  # idea -> person -> their own vote marks
            self.comments: dict[int, int] = {}
            self.parent: dict[int, int] = {}  # duplicate -> original
            self.before_duplicate: dict[int, Status] = {}
            self.champion: dict[int, str] = {}
            self.expected: list[tuple] = []  # audit rows the last step should have written
            self.audit_seen: list[tuple] = []
            self.messages = itertools.count(1)

        def teardown(self) -> None:
            try:
                self.loop.run_until_complete(self.core.background.drain())
            finally:
                self.loop.close()
                self.db.close()
                shutil.rmtree(self.dir, ignore_errors=True)
                stats.chat.update(self.chat.sent)

        # --- helpers --------------------------------------------------------------------------
        def run(self, work):
            async def go():
                try:
                    return await work
                finally:
                    await self.core.background.drain()
            stats.steps += 1
            return self.loop.run_until_complete(go())

        def hit(self, name: str) -> None:
            stats.rules[name] += 1

        def subtree(self, idea: int) -> set[int]:
            found, frontier = {idea}, [idea]
            while frontier:
                current = frontier.pop()
                children = [c for c, p in self.parent.items() if p == current]
                found.update(children)
                frontier += children
            return found

        def voters(self, idea: int) -> set[str]:
            return {p for i in self.subtree(idea) for p, marks in self.own[i].items() if marks}

        def managers(self, idea: int) -> set[str]:
            return {GOAL_MANAGER} if self.goal[idea] else {MANAGER}

        def move(self, idea: int, actor: str, action: str, to: Status) -> None:
            self.expected.append((idea, actor, action, self.status[idea].value, to.value))
            self.status[idea] = to

        def after_vote_added(self, idea: int) -> None:
            if self.status[idea] == S.OPEN and len(self.voters(idea)) >= THRESHOLD:
                self.move(idea, SYSTEM, "threshold", S.IN_REVIEW)

        # --- rules ----------------------------------------------------------------------------
        @rule(target=ideas, author=st.sampled_from(PEOPLE), anonymous=st.booleans(), goal=st.booleans())
        def post(self, author, anonymous, goal):
            number = len(self.status) + 1
            draft = Draft(text=f"Idea {number}: a callback when the queue is long", anonymous=anonymous,
                          mission_goal=GOAL if goal else None)
            idea, _ = self.run(submit_idea(self.core, Origin(PLATFORM, author, "C0GENERAL"), draft))
            assert idea.id not in self.status, "an idea number was reused"
            self.status[idea.id], self.goal[idea.id] = S.OPEN, goal
            self.author[idea.id] = (author, anonymous)
            self.own[idea.id], self.comments[idea.id] = {}, 0
            assert store.get_idea(self.db, idea.id).message_id, "a posted idea has no message"
            self.hit("post")
            return idea.id

        @rule(idea=ideas, person=st.sampled_from(PEOPLE))
        def vote_button(self, idea, person):
            marks = self.own[idea].setdefault(person, set())
            try:
                self.run(toggle_vote(self.core, Actor(PLATFORM, person), idea))
            except Refused:
                assert self.status[idea] in CLOSED, f"a vote on a {self.status[idea]} idea was refused"
                self.hit("vote refused (closed)")
                return
            assert self.status[idea] not in CLOSED, f"a vote on a {self.status[idea]} idea was accepted"
            if marks:
                marks.clear()
                self.hit("vote taken back")
            else:
                marks.add("button")
                self.after_vote_added(idea)
                self.hit("vote")

        @rule(idea=ideas, person=st.sampled_from(PEOPLE), name=st.sampled_from(["+1", "thumbsup", "tada"]),
              added=st.booleans())
        def reaction(self, idea, person, name, added):
            message = store.get_idea(self.db, idea).message_id
            self.run(react(self.core, Actor(PLATFORM, person), CHANNEL, message, name, added))
            if name == "tada":
                self.hit("reaction ignored (not a vote)")
                return
            if self.status[idea] in CLOSED:
                self.hit("reaction on a closed idea")
                return
            marks = self.own[idea].setdefault(person, set())
            if added:
                marks.add(f"reaction:{name}")
                self.after_vote_added(idea)
                self.hit("reaction added")
            else:
                marks.discard(f"reaction:{name}")
                self.hit("reaction removed")

        @rule(idea=ideas, person=st.sampled_from(PEOPLE), by_author=st.booleans())
        def comment(self, idea, person, by_author):
            if by_author:
                person = self.author[idea][0]
            self.run(comment_on_idea(self.core, Actor(PLATFORM, person), idea, "Good one",
                                     f"c{next(self.messages)}"))
            self.comments[idea] += 1
            author, anonymous = self.author[idea]
            # a named author's reply answers: back to review (an anonymous author answers only through the
            # private Answer form, so their thread reply is an ordinary comment)
            if person == author and not anonymous and self.status[idea] == S.NEEDS_INFO:
                self.move(idea, person, "answered", S.IN_REVIEW)
                self.hit("author answered")
                return
            self.hit("comment")

        @rule(target=merged, duplicate=ideas, original=ideas, person=st.sampled_from(DECIDERS))
        def merge(self, duplicate, original, person):
            allowed = (person in self.managers(duplicate) and duplicate != original
                       and duplicate not in self.parent and original not in self.parent
                       and original not in self.subtree(duplicate) and self.status[duplicate] in MERGEABLE_FROM)
            try:
                self.run(mark_duplicate(self.core, Actor(PLATFORM, person), str(duplicate), str(original)))
            except Refused:
                assert not allowed, f"merging #{duplicate} into #{original} by {person} was refused"
                self.hit("merge refused")
                return multiple()
            assert allowed, f"merging #{duplicate} ({self.status[duplicate]}) into #{original} by {person} was accepted"
            self.before_duplicate[duplicate] = self.status[duplicate]
            self.move(duplicate, person, "duplicate", S.DUPLICATE)
            self.parent[duplicate] = original
            self.hit("merge")
            return duplicate

        @rule(idea=merged | ideas, person=st.sampled_from(DECIDERS))
        def undo_merge(self, idea, person):
            allowed = person in self.managers(idea) and idea in self.parent
            try:
                self.run(unmark_duplicate(self.core, Actor(PLATFORM, person), str(idea)))
            except Refused:
                assert not allowed, f"undoing the merge of #{idea} by {person} was refused"
                self.hit("undo refused")
                return
            assert allowed, f"undoing #{idea} by {person} was accepted"
            self.move(idea, person, "unduplicate", self.before_duplicate.pop(idea))
            del self.parent[idea]
            self.hit("undo merge")

        @rule(target=approved, idea=ideas, kind=st.sampled_from([*TARGET, "outcome"]),
              person=st.sampled_from(DECIDERS), variant=st.integers(0, 5), valid=st.integers(0, 9))
        def decide(self, idea, kind, person, variant, valid):
            self.decision(idea, kind, person, variant, valid)
            return idea if kind in ("approve", "pilot") and self.status[idea] == TARGET[kind] else multiple()

        @rule(idea=approved, person=st.sampled_from(DECIDERS), variant=st.integers(0, 5))
        def record_outcome(self, idea, person, variant):
            self.decision(idea, "outcome", person, variant, 1)

        def decision(self, idea, kind, person, variant, valid):
            status = self.status[idea]
            may = self.managers(idea) | ({self.champion[idea]} if kind == "outcome" and idea in self.champion else set())
            allowed = person in may and status in DECIDABLE_FROM[kind]
            values = decision_values(kind, variant, status == S.PILOTING)
            if valid == 0:
                values = {}  # a form sent with nothing filled in
            try:
                self.run(decisions.submit(self.core, Actor(PLATFORM, person), kind, idea, values))
            except Refused:
                assert not allowed, f"{kind} on a {status} idea by {person} was refused"
                self.hit(f"{kind} refused ({'state' if person in may else 'person'})")
                return
            except FormInvalid:
                assert allowed and not values, f"{kind} with {values} on a {status} idea: fields refused"
                self.hit(f"{kind} form invalid")
                return
            assert allowed and values, f"{kind} on a {status} idea by {person} was accepted"
            if kind == "outcome":
                closing = status == S.PILOTING and values["verdict"] == "declined"
                self.move(idea, person, "close_pilot" if closing else "implemented",
                          S.DECLINED if closing else S.IMPLEMENTED)
                self.hit("close pilot" if closing else "implemented")
                return
            if status == S.OPEN:
                self.move(idea, person, "review", S.IN_REVIEW)
            if self.status[idea] != TARGET[kind]:
                self.move(idea, person, kind, TARGET[kind])
            if values.get("champion"):
                self.champion[idea] = values["champion"]
            self.hit(kind)

        @rule(verb=st.sampled_from(["UPDATE audit SET actor = 'someone else'", "DELETE FROM audit",
                                    "UPDATE audit SET to_status = 'approved' WHERE id = (SELECT max(id) FROM audit)"]))
        def tamper_with_audit(self, verb):
            stats.steps += 1
            if not self.audit_seen:
                return  # nothing to change yet (a trigger fires per row)
            try:
                self.db.execute(verb)
            except sqlite3.DatabaseError:
                self.hit("audit change refused")
                return
            raise AssertionError(f"the audit trail accepted: {verb}")

        # --- after every step -------------------------------------------------------------------
        @invariant()
        def votes_are_one_per_person_and_the_models(self):
            doubled = self.db.execute("SELECT idea_id, user_id FROM votes GROUP BY idea_id, user_id "
                                      "HAVING count(*) > 1").fetchall()
            assert not doubled, f"counted twice: {doubled}"
            for idea in self.status:
                rows = store.voters(self.db, idea)
                assert set(rows) == self.voters(idea), (idea, sorted(rows), sorted(self.voters(idea)))
                shown = store.get_idea(self.db, idea)
                assert shown.votes == len(rows), f"#{idea} shows {shown.votes} votes for {len(rows)} rows"
                comments = self.db.execute("SELECT count(*) FROM comments WHERE idea_id = ?", [idea]).fetchone()[0]
                assert shown.comments == comments == self.comments[idea], (idea, shown.comments, comments)

        @invariant()
        def statuses_move_along_edges_with_one_audit_row_each(self):
            rows = self.db.execute("SELECT id, idea_id, actor, action, from_status, to_status, at FROM audit "
                                   "ORDER BY id").fetchall()
            seen = len(self.audit_seen)
            assert rows[:seen] == self.audit_seen, "an audit row changed or disappeared"
            new = [r[1:6] for r in rows[seen:]]
            assert new == self.expected, f"audit rows written {new}, expected {self.expected}"
            for row in rows[seen:]:
                assert Status(row[5]) in TRANSITIONS[Status(row[4])], f"not an edge: {row}"
            self.audit_seen, self.expected = rows, []
            last = {r[1]: r[5] for r in rows}
            for idea, status in self.db.execute("SELECT id, status FROM ideas").fetchall():
                assert status == self.status[idea].value, f"#{idea} is {status}, the model says {self.status[idea]}"
                assert last.get(idea, "open") == status, f"#{idea} is {status} without an audit row saying so"

        @invariant()
        def kept_waits_and_vote_counts_are_their_rows(self):
            counted = self.db.execute(f"SELECT i.id, i.platform, {WAITS_SINCE.format(r='i')} FROM ideas i "
                                      f"WHERE i.status IN {WAITING_SQL} ORDER BY 1").fetchall()
            assert self.db.execute("SELECT idea_id, platform, since FROM waiting ORDER BY 1").fetchall() == counted
            votes = self.db.execute("SELECT idea_id, count(*) FROM votes GROUP BY idea_id ORDER BY 1").fetchall()
            assert self.db.execute("SELECT idea_id, n FROM vote_counts WHERE n != 0 ORDER BY 1").fetchall() == votes

    return CoreMachine


def describe(error: BaseException) -> str:
    if isinstance(error, BaseExceptionGroup):
        return " || ".join(describe(e) for e in error.exceptions)
    steps = "\n".join(getattr(error, "__notes__", []))
    return f"{type(error).__name__}: {error}\n{steps}"


def check(examples: int, steps: int, stats: Stats) -> str | None:
    """Run the machine; the failure (hypothesis' shrunk example) as text, or None."""
    try:
        run_state_machine_as_test(make_machine(stats), settings=settings(
            max_examples=examples, stateful_step_count=steps, deadline=None, database=None,
            suppress_health_check=list(HealthCheck)))
    except Exception as error:  # a broken promise, with the (shrunk) steps that lead to it
        return describe(error)[:4000]
    return None


async def run(quick: bool = False) -> Report:
    report = Report("property-based: votes, merges, decisions and the audit trail")
    examples, steps = (25, 30) if quick else (1_500, 60)
    stats = Stats()
    started = time.monotonic()
    # hypothesis drives its own event loop per machine: run it off this one
    logging.getLogger().addHandler(stats)
    try:
        failure = await asyncio.to_thread(check, examples, steps, stats)
    finally:
        logging.getLogger().removeHandler(stats)
    elapsed = time.monotonic() - started
    report.figure("examples (machines)", stats.examples)
    report.figure("steps", stats.steps)
    report.figure("steps/s", round(stats.steps / max(elapsed, 1e-9)))
    report.figure("rules hit", dict(sorted(stats.rules.items())))
    report.figure("chat calls", dict(sorted(stats.chat.items())))
    report.promise(failure is None, f"a property broke: {failure}")
    report.promise(not stats.errors, f"the core logged errors: {stats.errors}")
    wanted = {"post", "vote", "vote taken back", "reaction added", "reaction removed", "merge", "undo merge",
              "approve", "pilot", "decline", "needs_info", "implemented", "close pilot", "author answered",
              "audit change refused"}
    missing = sorted(wanted - set(stats.rules))
    if not quick or failure is None:
        report.promise(quick or not missing, f"rules never exercised: {missing}")
    return report


main = suite_main(run)


if __name__ == "__main__":
    sys.exit(main())
