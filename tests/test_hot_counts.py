"""The maintained hot-spot counts (m014) equal a count of every report, through reports, merges, undos,
edits of a report's person, forgetting a person, and a clock that moves both ways."""

import random
from datetime import UTC, datetime, timedelta

from storage import hotspots, privacy
from storage import problems as problem_store
from storage.db import open_database, write
from tests.problem_walk import ProblemWalk, hot_spots_counted

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)


def test_counts_follow_reports_merges_undos_and_edits_at_any_window(db):
    rng = random.Random(14)
    walk = ProblemWalk(rng, NOW - timedelta(days=200), people=12)
    for step in walk.steps(400, db):
        clock = walk.clock
        if step % 20 == 0:
            for days in (7, 30, 90, 45):
                until = clock - timedelta(hours=rng.randrange(0, 200))
                since = until - timedelta(days=days)
                assert hotspots.ranked(db, since, until, 5) == hot_spots_counted(db, since, until)[:5], (step, days)
                problem = rng.choice(walk.problems)
                assert problem_store.reporters_between(db, problem, since, until) == \
                    dict(hot_spots_counted(db, since, until, duplicates=True)).get(problem, 0)
    with write(db):  # forgetting a person deletes their reports
        privacy.forget(db, "U3")
    for days in (7, 90, 400):
        since = walk.clock - timedelta(days=days)
        assert hotspots.ranked(db, since, walk.clock, 5) == hot_spots_counted(db, since, walk.clock)[:5], days


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
    assert hotspots.ranked(db, until - timedelta(days=30), until, 5) == hot_spots_counted(db, until - timedelta(days=30), until)
    db.close()
