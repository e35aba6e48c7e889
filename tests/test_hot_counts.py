"""The maintained hot-spot counts (m014) equal a count of every report, through reports, merges, undos,
edits of a report's person, and a clock that moves both ways."""

import random
from datetime import UTC, datetime, timedelta

from bot.model import Actor, ProblemDraft
from storage import hotspots, merges
from storage import problems as problem_store
from storage.db import open_database, write

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def brute_force(db, since: datetime, until: datetime) -> list[tuple[int, int]]:
    """Every report read: people whose first report of a non-duplicate problem is in the window."""
    firsts: dict[tuple[int, str], str] = {}
    for problem, user, at in db.execute("SELECT problem_id, user_id, created_at FROM problem_reports"):
        firsts[(problem, user)] = min(at, firsts.get((problem, user), at))
    duplicates = {r[0] for r in db.execute("SELECT id FROM problems WHERE status = 'duplicate'")}
    counts: dict[int, int] = {}
    for (problem, _), at in firsts.items():
        if since.isoformat() <= at < until.isoformat() and problem not in duplicates:
            counts[problem] = counts.get(problem, 0) + 1
    return sorted(counts.items(), key=lambda c: (-c[1], -c[0]))


def test_counts_follow_reports_merges_undos_and_edits_at_any_window(db):
    rng = random.Random(14)
    problems: list[int] = []
    merged: list[int] = []
    clock = NOW - timedelta(days=200)
    for step in range(400):
        clock += timedelta(hours=rng.choice([-30, 1, 5, 11, 24, 60]))  # the clock also goes back
        with write(db):
            roll = rng.random()
            if roll < 0.15 or not problems:
                problems.append(problem_store.insert_problem(
                    db, Actor("slack", f"U{rng.randrange(12)}"), ProblemDraft(text=f"Problem {step}"), clock))
            elif roll < 0.75:
                problem_store.add_report(db, rng.choice(problems), f"U{rng.randrange(12)}", "phone", None, clock)
            elif roll < 0.85 and len(problems) > 2:
                duplicate, original = rng.sample(problems, 2)
                if merges.root_of(db, "problem", original) != duplicate and \
                        merges.merge_problem(db, duplicate, original, "M", clock):
                    merged.append(duplicate)
            elif roll < 0.92 and merged:
                merges.unmerge_problem(db, merged.pop(rng.randrange(len(merged))), "M", clock)
            else:  # a person's id rewritten in place (as forgetting someone may do)
                db.execute("UPDATE OR IGNORE problem_reports SET user_id = ? WHERE (problem_id, user_id, origin_id) IN "
                           "(SELECT problem_id, user_id, origin_id FROM problem_reports WHERE user_id = ? LIMIT 1)",
                           [f"U{rng.randrange(12)}", f"U{rng.randrange(12)}"])
        if step % 20 == 0:
            for days in (7, 30, 90, 45):
                until = clock - timedelta(hours=rng.randrange(0, 200))
                since = until - timedelta(days=days)
                assert hotspots.ranked(db, since, until, 5) == brute_force(db, since, until)[:5], (step, days)
                problem = rng.choice(problems)
                assert problem_store.reporters_between(db, problem, since, until) == \
                    dict(brute_force_all(db, since, until)).get(problem, 0)


def brute_force_all(db, since, until):
    """As brute_force, duplicates included (a problem's own figure)."""
    firsts: dict[tuple[int, str], str] = {}
    for problem, user, at in db.execute("SELECT problem_id, user_id, created_at FROM problem_reports"):
        firsts[(problem, user)] = min(at, firsts.get((problem, user), at))
    counts: dict[int, int] = {}
    for (problem, _), at in firsts.items():
        if since.isoformat() <= at < until.isoformat():
            counts[problem] = counts.get(problem, 0) + 1
    return counts.items()


def test_the_migration_backfills_counts_from_reports_written_before_it(tmp_path):
    path = tmp_path / "g.db"
    db = open_database(path)
    with write(db):  # back to the schema before m014, then reports as an older herobot wrote them
        for trigger in ("ai", "ad", "au"):
            db.execute(f"DROP TRIGGER problem_reports_hot_{trigger}")
        db.execute("DROP TABLE hot_counts")
        db.execute("DROP TABLE hot_windows")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm014_hot_spot_counts'")
        now = datetime.now(UTC)
        for problem, user, days in ((2, "U4", 0), (1, "U1", 0), (1, "U2", 40), (1, "U3", 40), (1, "U1", 80)):
            at = (now - timedelta(days=days)).isoformat()
            db.execute("INSERT OR IGNORE INTO problems (id, platform, text, reporter_id, created_at, updated_at) "
                       "VALUES (?, 'slack', 'A problem', ?, ?, ?)", [problem, user, at, at])
            db.execute("INSERT INTO problem_reports (problem_id, user_id, origin_id, created_at) VALUES (?, ?, ?, ?)",
                       [problem, user, problem if days != 80 else 2, at])
        first, second = 1, 2
    db.close()
    db = open_database(path)
    until = datetime.now(UTC) + timedelta(seconds=1)
    assert hotspots.ranked(db, until - timedelta(days=90), until, 5) == [(first, 3), (second, 1)]
    assert hotspots.ranked(db, until - timedelta(days=30), until, 5) == [(second, 1)]
    assert hotspots.ranked(db, until - timedelta(days=30), until, 5) == brute_force(db, until - timedelta(days=30), until)
    db.close()
