"""m029's maintained figures against the rows they summarise: which ideas wait for a decision and since when, and
each idea's votes, after votes and their undo, decisions, needs info asked and asked again, back to review, merges
and their undo, and `herobot forget`; and the digest's, the queues' and the dashboard's answers from them."""

import random
from datetime import UTC, datetime, timedelta

from bot.model import Actor, Decision, Draft, Status
from storage import dashboard as dashboard_store
from storage import digest as digest_store
from storage import ideas as idea_store
from storage.audit import transition
from storage.db import open_database, write
from storage.decisions import record_decision
from storage.merges import merge_idea, unmerge_idea
from storage.privacy import forget

BASE = datetime(2026, 11, 16, tzinfo=UTC)
PEOPLE = [f"U{n}" for n in range(10)]

# The definition m029 keeps, counted from the audit and decision rows of every idea.
WAITING_FROM_ROWS = """
    SELECT i.id, i.platform, max(coalesce((SELECT max(at) FROM audit a WHERE a.idea_id = i.id), i.updated_at),
                                 coalesce((SELECT max(at) FROM decisions d WHERE d.idea_id = i.id), '')) AS since
    FROM ideas i WHERE i.status IN ('in_review', 'needs_info') ORDER BY since, i.id
"""


def assert_kept_as_counted(db) -> None:
    counted = db.execute(WAITING_FROM_ROWS).fetchall()
    assert db.execute("SELECT idea_id, platform, since FROM waiting ORDER BY since, idea_id").fetchall() == counted
    for platform in (None, "slack", "teams"):
        mine = [(i, since) for i, p, since in counted if platform in (None, p)]
        got = [(w.idea.id, w.since.isoformat()) for w in digest_store.waiting_ideas(db, platform)]
        assert got == mine, platform
        assert [w.idea.id for w in digest_store.waiting_ideas(db, platform, 3)] == [i for i, _ in mine[:3]]
        assert digest_store.waiting_count(db, platform) == len(mine)
    # the dashboard counts the same waits as the digest and the managers' queues
    assert sorted(dashboard_store.waiting_since(db.conn)) == sorted((i, since) for i, _, since in counted)
    assert [(i, since) for i, _, _, since in dashboard_store.longest_waiting(db.conn, 4)] == \
        [(i, since) for i, _, since in counted[:4]]
    votes = dict(db.execute("SELECT idea_id, count(*) FROM votes GROUP BY idea_id"))
    kept = dict(db.execute("SELECT idea_id, n FROM vote_counts WHERE n != 0"))
    assert kept == votes
    start, end = BASE + timedelta(days=2), BASE + timedelta(days=9)
    for platform in (None, "slack"):
        new = db.execute("SELECT id FROM ideas WHERE created_at >= ? AND created_at < ? AND status != 'duplicate' "
                         "AND platform = coalesce(?, platform)", [start.isoformat(), end.isoformat(), platform]).fetchall()
        best = sorted((-votes.get(i, 0), i) for i, in new)[:5]
        count, top = digest_store.new_ideas(db, start, end, 5, platform)
        assert (count, [i.id for i in top]) == (len(new), [i for _, i in best])
        assert [i.votes for i in top] == [-n for n, _ in best]


def test_waits_and_vote_counts_follow_every_write(settings):
    rng = random.Random(29)
    db = open_database(settings.db_path)
    clock = iter(BASE + timedelta(minutes=17 * n) for n in range(10_000))
    with write(db):
        ideas = [idea_store.insert_idea(db, Actor(rng.choice(["slack", "teams"]), rng.choice(PEOPLE)),
                                        Draft(text=f"Idea {n}"), next(clock)) for n in range(30)]
    assert_kept_as_counted(db)
    asked = ideas[0]
    with write(db) as tx:  # in review, needs info, the question asked again, answered: back in review
        transition(tx, asked, "herobot", "threshold", Status.IN_REVIEW, next(clock))
        transition(tx, asked, "UMGR", "needs_info", Status.NEEDS_INFO, next(clock))
        record_decision(tx, Decision(asked, "needs_info", "UMGR", next(clock), note="What does it cost?"))
    assert_kept_as_counted(db)
    with write(db) as tx:
        record_decision(tx, Decision(asked, "needs_info", "UMGR", next(clock), note="And who pays?"))
    assert_kept_as_counted(db)
    with write(db) as tx:
        transition(tx, asked, "author", "answered", Status.IN_REVIEW, next(clock))
    assert_kept_as_counted(db)

    def step(db) -> None:
        idea, person, at = rng.choice(ideas), rng.choice(PEOPLE), next(clock)
        status = idea_store.get_idea(db, idea).status
        move = rng.randrange(8)
        if move < 3:
            if status not in (Status.DUPLICATE, Status.DECLINED, Status.IMPLEMENTED):
                idea_store.add_vote_mark(db, idea, person, rng.choice(["button", "+1"]), at)
        elif move == 3:
            for user, source in db.execute("SELECT user_id, source FROM vote_marks WHERE idea_id = ? "
                                           "AND source NOT LIKE 'merged:%' LIMIT 1", [idea]).fetchall():
                idea_store.remove_vote_mark(db, idea, user, source)
        elif move == 4:  # to review, or back to review once the author answered
            transition(db, idea, "herobot", "review", Status.IN_REVIEW, at)
        elif move == 5 and status in (Status.IN_REVIEW, Status.NEEDS_INFO):  # a decision, or a question asked again
            kind = rng.choice(["needs_info", "needs_info", "approve", "decline"])
            target = {"needs_info": Status.NEEDS_INFO, "approve": Status.APPROVED, "decline": Status.DECLINED}[kind]
            if target != status:
                transition(db, idea, "UMGR", kind, target, at)
            record_decision(db, Decision(idea, kind, "UMGR", at, reason="Why" if kind == "decline" else None))
        elif move == 6:
            merge_idea(db, idea, rng.choice([i for i in ideas if i != idea]), "UMGR", at)
        else:
            unmerge_idea(db, idea, "UMGR", at)

    for _ in range(12):
        with write(db) as tx:
            for _ in range(rng.randrange(1, 8)):
                step(tx)
        assert_kept_as_counted(db)
    assert db.execute("SELECT count(*) FROM waiting").fetchone()[0] > 3
    assert db.execute("SELECT count(*) FROM ideas WHERE status = 'duplicate'").fetchone()[0] > 0
    with write(db) as tx:
        forget(tx, rng.choice(PEOPLE))
    assert_kept_as_counted(db)
    undecided = ("(SELECT min(w.idea_id) FROM waiting w WHERE NOT EXISTS "
                 "(SELECT 1 FROM decisions d WHERE d.idea_id = w.idea_id))")
    for fix in ("UPDATE decisions SET at = '2027-01-01T00:00:00+00:00' WHERE id % 2 = 0",  # rows mended by hand
                f"UPDATE decisions SET idea_id = {undecided} WHERE id % 2 = 0",
                "DELETE FROM decisions WHERE id % 2 = 0",
                "UPDATE ideas SET platform = 'teams' WHERE id IN (SELECT idea_id FROM waiting WHERE platform = 'slack')",
                "UPDATE ideas SET status = 'approved' WHERE id = (SELECT min(idea_id) FROM waiting)",
                "INSERT INTO ideas (platform, title, text, author_key, status, created_at, updated_at) "  # a bulk load
                "VALUES ('slack', 'Loaded', 'Loaded', 'k', 'needs_info', '2026-01-02T00:00:00+00:00', "
                "'2026-01-03T00:00:00+00:00')",
                "UPDATE votes SET idea_id = (SELECT max(id) FROM ideas) "
                "WHERE (idea_id, user_id) = (SELECT idea_id, user_id FROM votes ORDER BY idea_id LIMIT 1)"):
        with write(db) as tx:
            tx.execute(fix)
        assert_kept_as_counted(db)
    db.close()


def test_m029_fills_its_rows_from_a_database_that_had_none(settings):
    db = open_database(settings.db_path)
    with write(db):
        for n, person in enumerate(PEOPLE):
            idea = idea_store.insert_idea(db, Actor("slack", person), Draft(text=f"Idea {n}"), BASE)
            for voter in PEOPLE[:n]:
                idea_store.add_vote_mark(db, idea, voter, "button", BASE)
            if n % 3:
                transition(db, idea, "herobot", "threshold", Status.IN_REVIEW, BASE + timedelta(hours=n))
            if n % 3 == 2:
                transition(db, idea, "UMGR", "needs_info", Status.NEEDS_INFO, BASE + timedelta(days=n))
                record_decision(db, Decision(idea, "needs_info", "UMGR", BASE + timedelta(days=n, hours=1)))
        # back to the file as it was before m029
        for (trigger,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'trigger' AND "
                                     "(name LIKE '%waiting%' OR name LIKE 'votes_counts_%')").fetchall():
            db.execute(f"DROP TRIGGER {trigger}")
        db.execute("DROP TABLE waiting")
        db.execute("DROP TABLE vote_counts")
        db.execute("DELETE FROM _sqlite_migrations WHERE name = 'm029_waiting_and_vote_counts'")
    db.close()
    db = open_database(settings.db_path)
    assert_kept_as_counted(db)
    assert db.execute("SELECT count(*) FROM waiting").fetchone()[0] == 6
    db.close()
