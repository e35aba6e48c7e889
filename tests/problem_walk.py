"""A seeded random walk of writes to customer problems, for tests that hold a kept figure equal to the one counted
over every report: new problems, reports on any contact channel, merges and their undos, a report's person and
channel rewritten in place (as forgetting someone may do), and a clock that moves both ways."""

import random
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.model import Actor, ProblemDraft
from storage import merges
from storage import problems as problem_store
from storage.db import write


@dataclass
class ProblemWalk:
    rng: random.Random
    clock: datetime
    channels: tuple = ("phone",)
    people: int = 10
    problems: list[int] = field(default_factory=list)
    merged: list[int] = field(default_factory=list)

    def steps(self, count: int, db) -> Iterator[int]:
        """`count` writes, each in its own transaction; yields after each."""
        rng = self.rng
        for step in range(count):
            self.clock += timedelta(hours=rng.choice([-40, 1, 5, 11, 24, 60]))
            user, channel = f"U{rng.randrange(self.people)}", rng.choice(self.channels)
            with write(db):
                roll = rng.random()
                if roll < 0.15 or len(self.problems) < 3:
                    self.problems.append(problem_store.insert_problem(
                        db, Actor("slack", user), ProblemDraft(text=f"Problem {step}", contact_channel=channel),
                        self.clock))
                elif roll < 0.75:
                    problem_store.add_report(db, rng.choice(self.problems), user, channel, None, self.clock)
                elif roll < 0.85:
                    duplicate, original = rng.sample(self.problems, 2)
                    if merges.root_of(db, "problem", original) != duplicate and \
                            merges.merge_problem(db, duplicate, original, "M", self.clock):
                        self.merged.append(duplicate)
                elif roll < 0.93 and self.merged:
                    merges.unmerge_problem(db, self.merged.pop(rng.randrange(len(self.merged))), "M", self.clock)
                else:
                    db.execute("UPDATE OR IGNORE problem_reports SET user_id = ?, contact_channel = ? WHERE "
                               "(problem_id, user_id, origin_id) IN (SELECT problem_id, user_id, origin_id "
                               "FROM problem_reports WHERE user_id = ? LIMIT 1)",
                               [user, channel, f"U{rng.randrange(self.people)}"])
            yield step


def hot_spots_counted(db, since: datetime, until: datetime, duplicates: bool = False) -> list[tuple[int, int]]:
    """Every report read: (problem, people whose first report of it is in [since, until)), most first, leaving out
    problems marked duplicate unless `duplicates` (what `/hero hotspots` ranks, counted without m014's counts)."""
    firsts: dict[tuple[int, str], str] = {}
    for problem, user, at in db.execute("SELECT problem_id, user_id, created_at FROM problem_reports"):
        firsts[(problem, user)] = min(at, firsts.get((problem, user), at))
    left_out = set() if duplicates else {r[0] for r in db.execute("SELECT id FROM problems WHERE status = 'duplicate'")}
    counts: dict[int, int] = {}
    for (problem, _), at in firsts.items():
        if since.isoformat() <= at < until.isoformat() and problem not in left_out:
            counts[problem] = counts.get(problem, 0) + 1
    return sorted(counts.items(), key=lambda c: (-c[1], -c[0]))
