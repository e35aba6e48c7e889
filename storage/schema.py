"""The schema as ordered, named migrations. Never edit a released migration: add one."""

from datetime import UTC, datetime, timedelta

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from storage import keys

migrations = Migrations("herobot")

STATUSES = ("open", "in_review", "needs_info", "approved", "piloting", "declined", "implemented", "duplicate")


@migrations()
def m001_ideas_votes_comments(db: Database) -> None:
    statuses = ", ".join(f"'{s}'" for s in STATUSES)
    db.execute("CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)")
    db.execute("INSERT INTO meta (key, value) VALUES ('author_key_secret', lower(hex(randomblob(32))))")
    db.execute(
        f"""
        CREATE TABLE ideas (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            title TEXT NOT NULL,
            text TEXT NOT NULL,
            problem TEXT,
            root_cause TEXT,
            solution TEXT,
            impact TEXT,
            mission_goal TEXT,
            author_id TEXT,           -- NULL when anonymous
            author_key TEXT NOT NULL, -- keyed hash of platform:user, lets an anonymous author find their idea
            anonymous INTEGER NOT NULL DEFAULT 0,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ({statuses})),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            channel_id TEXT,
            message_id TEXT,
            CHECK (anonymous = 0 OR author_id IS NULL)
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX ideas_by_message ON ideas (platform, channel_id, message_id)")
    db.execute("CREATE INDEX ideas_by_author_key ON ideas (author_key)")
    db.execute("CREATE INDEX ideas_by_created ON ideas (created_at)")
    db.execute(
        """
        CREATE TABLE votes (
            idea_id INTEGER NOT NULL REFERENCES ideas(id),
            user_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (idea_id, user_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX votes_by_user ON votes (user_id, idea_id)")
    db.execute("CREATE INDEX votes_by_idea_time ON votes (idea_id, created_at)")
    # What holds a vote up: the button, or each configured reaction. No marks, no vote.
    db.execute(
        """
        CREATE TABLE vote_marks (
            idea_id INTEGER NOT NULL REFERENCES ideas(id),
            user_id TEXT NOT NULL,
            source TEXT NOT NULL,
            PRIMARY KEY (idea_id, user_id, source)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        """
        CREATE TABLE comments (
            id INTEGER PRIMARY KEY,
            idea_id INTEGER NOT NULL REFERENCES ideas(id),
            user_id TEXT NOT NULL,
            text TEXT NOT NULL,
            message_id TEXT NOT NULL,
            created_at TEXT NOT NULL,
            UNIQUE (idea_id, message_id)
        )
        """
    )
    db.execute("CREATE TABLE processed_events (event_id TEXT PRIMARY KEY, received_at TEXT NOT NULL) WITHOUT ROWID")


@migrations()
def m002_decisions_audit_experiments(db: Database) -> None:
    statuses = ", ".join(f"'{s}'" for s in STATUSES)
    db.execute("ALTER TABLE ideas ADD COLUMN champion TEXT")
    db.execute("ALTER TABLE ideas ADD COLUMN outcome TEXT")
    # Where to tell the author about their idea (a direct-message conversation); kept for
    # anonymous ideas too, whose author_id is not stored.
    db.execute("ALTER TABLE ideas ADD COLUMN author_channel TEXT")
    db.execute(
        f"""
        CREATE TABLE audit (
            id INTEGER PRIMARY KEY,
            idea_id INTEGER NOT NULL REFERENCES ideas(id),
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            from_status TEXT NOT NULL CHECK (from_status IN ({statuses})),
            to_status TEXT NOT NULL CHECK (to_status IN ({statuses})),
            at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX audit_by_idea ON audit (idea_id, at)")
    db.execute("CREATE INDEX audit_by_time ON audit (at)")
    for verb in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER audit_no_{verb.lower()} BEFORE {verb} ON audit "
            f"BEGIN SELECT RAISE(ABORT, 'audit rows are never changed or removed'); END"
        )
    db.execute(
        """
        CREATE TABLE decisions (
            id INTEGER PRIMARY KEY,
            idea_id INTEGER NOT NULL REFERENCES ideas(id),
            action TEXT NOT NULL CHECK (action IN ('approve', 'pilot', 'decline', 'needs_info')),
            by_user TEXT NOT NULL,
            risk TEXT CHECK (risk IS NULL OR risk IN ('low', 'medium', 'high')),
            note TEXT,
            reason TEXT,
            at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX decisions_by_idea ON decisions (idea_id, at)")
    db.execute(
        """
        CREATE TABLE experiments (
            idea_id INTEGER PRIMARY KEY REFERENCES ideas(id),
            hypothesis TEXT NOT NULL,
            metric TEXT NOT NULL,
            baseline REAL,
            target REAL NOT NULL,
            ends_on TEXT NOT NULL,
            result REAL,
            learning TEXT
        )
        """
    )
    db.execute("CREATE INDEX experiments_by_end ON experiments (ends_on)")


@migrations()
def m003_review_messages(db: Database) -> None:
    # The review requests sent to managers, so a decision can update their buttons.
    db.execute(
        """
        CREATE TABLE review_messages (
            idea_id INTEGER NOT NULL REFERENCES ideas(id),
            user_id TEXT NOT NULL,
            channel_id TEXT NOT NULL,
            message_id TEXT NOT NULL,
            PRIMARY KEY (idea_id, user_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX audit_by_status ON audit (to_status, at)")
    db.execute("CREATE INDEX ideas_by_status ON ideas (status)")


@migrations()
def m004_teams_conversation_references(db: Database) -> None:
    # Where and how to reach Teams again after a restart (proactive messages): the Bot
    # Connector's serviceUrl, the conversation, its tenant and the bot's own id there.
    db.execute(
        """
        CREATE TABLE teams_conversations (
            conversation_id TEXT PRIMARY KEY,
            service_url TEXT NOT NULL,
            tenant_id TEXT,
            bot_id TEXT NOT NULL,
            kind TEXT NOT NULL,        -- personal, channel or groupChat
            updated_at TEXT NOT NULL
        )
        """
    )
    # People seen on Teams, by AAD object id: their Teams user id and personal chat with the bot.
    db.execute(
        """
        CREATE TABLE teams_people (
            aad_object_id TEXT PRIMARY KEY,
            teams_id TEXT NOT NULL,
            name TEXT,
            tenant_id TEXT,
            service_url TEXT NOT NULL,
            personal_conversation_id TEXT,
            updated_at TEXT NOT NULL
        )
        """
    )


@migrations()
def m005_sends_and_snoozes(db: Database) -> None:
    # One row per scheduled send (a digest for a week, a reminder for an idea, manager and day,
    # a pilot check-in): claimed before sending, completed with the message after. The primary
    # key is what makes a send happen once across processes, restarts and clock changes.
    db.execute(
        """
        CREATE TABLE sends (
            kind TEXT NOT NULL,
            idea_id INTEGER NOT NULL DEFAULT 0,     -- 0 when the send is about no single idea
            recipient TEXT NOT NULL DEFAULT '',     -- a user id, a channel id, or 'author' (never an anonymous author's id)
            period TEXT NOT NULL,                   -- '2026-W48', or a local date '2026-11-30'
            claimed_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 1,
            retry_at TEXT NOT NULL,                 -- until then the claim holds; after it another attempt may take over
            error TEXT,
            sent_at TEXT,
            channel_id TEXT,
            message_id TEXT,
            PRIMARY KEY (kind, idea_id, recipient, period)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX sends_unfinished ON sends (sent_at, retry_at)")
    # "Remind me tomorrow": the latest snooze of a manager on an idea.
    db.execute(
        """
        CREATE TABLE snoozes (
            idea_id INTEGER NOT NULL REFERENCES ideas(id),
            user_id TEXT NOT NULL,
            until TEXT NOT NULL,                    -- the local date to remind again
            at TEXT NOT NULL,
            PRIMARY KEY (idea_id, user_id)
        ) WITHOUT ROWID
        """
    )


PROBLEM_STATUSES = ("open", "duplicate", "solved")
CONTACT_CHANNELS = ("phone", "email", "chat", "in_person", "other")


def _full_text_index(db: Database, table: str, columns: tuple[str, ...]) -> None:
    """The FTS5 index sqlite-utils' `enable_fts(columns, create_triggers=True)` builds (same table
    and trigger names, so `db[table].search()` works), written out with `db.execute`: `enable_fts`
    runs `executescript`, which would commit the migration's transaction half-way. The update
    trigger fires only when an indexed column changes, not on every status or message update."""
    cols = ", ".join(columns)
    new = ", ".join(f"new.{c}" for c in columns)
    old = ", ".join(f"old.{c}" for c in columns)
    db.execute(f"CREATE VIRTUAL TABLE {table}_fts USING FTS5 ({cols}, "
               f"tokenize='porter unicode61 remove_diacritics 2', content=\"{table}\")")
    db.execute(f"INSERT INTO {table}_fts (rowid, {cols}) SELECT rowid, {cols} FROM {table}")
    db.execute(f"CREATE TRIGGER {table}_ai AFTER INSERT ON {table} BEGIN "
               f"INSERT INTO {table}_fts (rowid, {cols}) VALUES (new.rowid, {new}); END")
    db.execute(f"CREATE TRIGGER {table}_ad AFTER DELETE ON {table} BEGIN "
               f"INSERT INTO {table}_fts ({table}_fts, rowid, {cols}) VALUES ('delete', old.rowid, {old}); END")
    db.execute(f"CREATE TRIGGER {table}_au AFTER UPDATE OF {cols} ON {table} BEGIN "
               f"INSERT INTO {table}_fts ({table}_fts, rowid, {cols}) VALUES ('delete', old.rowid, {old}); "
               f"INSERT INTO {table}_fts (rowid, {cols}) VALUES (new.rowid, {new}); END")


@migrations()
def m006_problems_duplicates_search(db: Database) -> None:
    statuses = ", ".join(f"'{s}'" for s in PROBLEM_STATUSES)
    channels = ", ".join(f"'{c}'" for c in CONTACT_CHANNELS)
    db.execute(
        f"""
        CREATE TABLE problems (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            text TEXT NOT NULL,       -- everything submitted, as one text (what is searched)
            tried TEXT,               -- what the customer tried to do (the form)
            went_wrong TEXT,          -- what went wrong (the form)
            reporter_id TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ({statuses})),
            duplicate_of INTEGER REFERENCES problems(id),
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL,
            channel_id TEXT,
            message_id TEXT,
            CHECK ((status = 'duplicate') = (duplicate_of IS NOT NULL))
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX problems_by_message ON problems (platform, channel_id, message_id)")
    db.execute("CREATE INDEX problems_by_duplicate_of ON problems (duplicate_of) WHERE duplicate_of IS NOT NULL")
    db.execute("CREATE INDEX problems_by_status ON problems (status, id)")
    # One row per person per problem they reported, and per original report moved in by a merge:
    # origin_id is the problem the person reported. Counts are distinct user_ids, so a person
    # reported both on a duplicate and on its original counts once; undoing a merge deletes
    # exactly the rows whose origin left, and nothing else.
    db.execute(
        f"""
        CREATE TABLE problem_reports (
            problem_id INTEGER NOT NULL REFERENCES problems(id),
            user_id TEXT NOT NULL,
            origin_id INTEGER NOT NULL REFERENCES problems(id),
            contact_channel TEXT CHECK (contact_channel IS NULL OR contact_channel IN ({channels})),
            frequency TEXT,
            created_at TEXT NOT NULL,
            PRIMARY KEY (problem_id, user_id, origin_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX problem_reports_by_time ON problem_reports (created_at, problem_id, user_id)")
    db.execute("CREATE INDEX problem_reports_by_problem_time ON problem_reports "
               "(problem_id, created_at, contact_channel, user_id)")
    db.execute("CREATE INDEX problem_reports_by_origin ON problem_reports (origin_id, problem_id)")
    db.execute(
        f"""
        CREATE TABLE problem_audit (
            id INTEGER PRIMARY KEY,
            problem_id INTEGER NOT NULL REFERENCES problems(id),
            actor TEXT NOT NULL,
            action TEXT NOT NULL,
            from_status TEXT NOT NULL CHECK (from_status IN ({statuses})),
            to_status TEXT NOT NULL CHECK (to_status IN ({statuses})),
            at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX problem_audit_by_problem ON problem_audit (problem_id, at)")
    for verb in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER problem_audit_no_{verb.lower()} BEFORE {verb} ON problem_audit "
            f"BEGIN SELECT RAISE(ABORT, 'audit rows are never changed or removed'); END"
        )
    # Merged votes are vote_marks with source 'merged:<origin idea id>' (see storage.merges).
    db.execute("ALTER TABLE ideas ADD COLUMN duplicate_of INTEGER REFERENCES ideas(id)")
    db.execute("CREATE INDEX ideas_by_duplicate_of ON ideas (duplicate_of) WHERE duplicate_of IS NOT NULL")
    db.execute("DROP INDEX IF EXISTS ideas_by_status")  # m003's (status) index, widened to cover the order
    db.execute("CREATE INDEX ideas_by_status ON ideas (status, id)")
    db.execute(
        """
        CREATE TABLE idea_problems (
            idea_id INTEGER NOT NULL REFERENCES ideas(id),
            problem_id INTEGER NOT NULL REFERENCES problems(id),
            linked_at TEXT NOT NULL,
            PRIMARY KEY (idea_id, problem_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX idea_problems_by_problem ON idea_problems (problem_id, idea_id)")
    # A post held back because similar items exist, until its poster chooses. Holds the draft
    # and a keyed hash of the poster (never their id, so anonymity survives the wait).
    db.execute(
        """
        CREATE TABLE pending_posts (
            token TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('idea', 'problem')),
            poster_key TEXT NOT NULL,
            draft TEXT NOT NULL,
            channel_id TEXT,
            created_at TEXT NOT NULL
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX pending_posts_by_time ON pending_posts (created_at)")
    _full_text_index(db, "ideas", ("title", "text"))
    _full_text_index(db, "problems", ("text",))


@migrations()
def m007_sends_by_platform(db: Database) -> None:
    # One deployment can serve Slack and Teams: a scheduled send is claimed per platform, so the two
    # platforms' digests of one week (or any other send) can never take each other's claim.
    db.execute(
        """
        CREATE TABLE sends_by_platform (
            platform TEXT NOT NULL,
            kind TEXT NOT NULL,
            idea_id INTEGER NOT NULL DEFAULT 0,
            recipient TEXT NOT NULL DEFAULT '',
            period TEXT NOT NULL,
            claimed_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 1,
            retry_at TEXT NOT NULL,
            error TEXT,
            sent_at TEXT,
            channel_id TEXT,
            message_id TEXT,
            PRIMARY KEY (platform, kind, idea_id, recipient, period)
        ) WITHOUT ROWID
        """
    )
    # A send about an idea went to the idea's platform; Teams conversation ids start with 19: or a:.
    db.execute(
        """
        INSERT INTO sends_by_platform
        SELECT CASE WHEN s.idea_id > 0 THEN coalesce((SELECT platform FROM ideas WHERE id = s.idea_id), 'slack')
                    WHEN s.recipient LIKE '19:%' OR s.channel_id LIKE '19:%' OR s.channel_id LIKE 'a:%' THEN 'teams'
                    ELSE 'slack' END,
               kind, idea_id, recipient, period, claimed_at, attempts, retry_at, error, sent_at, channel_id, message_id
        FROM sends s
        """
    )
    db.execute("DROP TABLE sends")
    db.execute("ALTER TABLE sends_by_platform RENAME TO sends")
    db.execute("CREATE INDEX sends_unfinished ON sends (sent_at, retry_at)")


@migrations()
def m008_secret_out_of_the_database(db: Database) -> None:
    # The HMAC secret behind author_key leaves the file: it now comes from HEROBOT_SECRET_KEY or the
    # key file (storage.keys), which takes over this old secret when it is created for this database.
    row = db.execute("SELECT value FROM meta WHERE key = 'author_key_secret'").fetchone()
    if row and not keys.same_secret(db, bytes.fromhex(row[0])):
        # Another secret was chosen: named ideas are re-keyed; an anonymous idea's old key can no longer
        # be recomputed (its author stops finding it under /hero mine, its reach path below is kept).
        for idea_id, platform, author in db.execute(
                "SELECT id, platform, author_id FROM ideas WHERE author_id IS NOT NULL").fetchall():
            db.execute("UPDATE ideas SET author_key = ? WHERE id = ?", [keys.author_key(db, platform, author), idea_id])
        db.execute("DELETE FROM pending_posts")  # held drafts wait a day at most; their keys no longer match
    db.execute("DELETE FROM meta WHERE key = 'author_key_secret'")
    # The way to reach an author (their direct conversation) is sealed with a key derived from the secret.
    for idea_id, channel in db.execute("SELECT id, author_channel FROM ideas WHERE author_channel IS NOT NULL "
                                       f"AND author_channel NOT LIKE '{keys.SEALED}%'").fetchall():
        db.execute("UPDATE ideas SET author_channel = ? WHERE id = ?", [keys.seal(db, idea_id, channel), idea_id])
    # A check-in sent to an author recorded that conversation in clear; the claim itself is enough.
    db.execute("UPDATE sends SET channel_id = '' WHERE recipient = 'author'")


@migrations()
def m009_outbox(db: Database) -> None:
    # An idea or problem saved but not yet posted waits here until its card lands: retried with backoff
    # across restarts. `claim` travels with the post (Slack message metadata), so a retry after a crash
    # between posting and recording finds the post instead of posting twice. `poster` (who to tell, and
    # for an anonymous idea how to reach its author) is sealed (storage.keys); the row goes once posted.
    db.execute(
        """
        CREATE TABLE outbox (
            kind TEXT NOT NULL CHECK (kind IN ('idea', 'problem')),
            item_id INTEGER NOT NULL,
            platform TEXT NOT NULL,
            channel_id TEXT,                -- NULL: the configured channel when it is posted
            claim TEXT NOT NULL,
            poster TEXT,                    -- sealed; NULL when nobody is to be told
            attempts INTEGER NOT NULL DEFAULT 0,
            retry_at TEXT NOT NULL,         -- due from then; a taken attempt holds it until then
            error TEXT,
            created_at TEXT NOT NULL,
            PRIMARY KEY (kind, item_id)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX outbox_due ON outbox (retry_at)")
    # Items saved before, never posted: they are posted now too (to their configured channel).
    for table, kind in (("ideas", "idea"), ("problems", "problem")):
        db.execute(f"INSERT INTO outbox (kind, item_id, platform, claim, retry_at, created_at) "
                   f"SELECT '{kind}', id, platform, lower(hex(randomblob(16))), created_at, created_at FROM {table} "
                   f"WHERE message_id IS NULL AND status != 'duplicate'")


@migrations()
def m010_teams_conversation_kinds(db: Database) -> None:
    # Activities without conversationType were once remembered as personal chats. A `19:` conversation is
    # a channel or a group chat (`@thread.v2`), never the bot's personal chat: correct the kind, and forget
    # it as anyone's personal chat so private answers open the real one.
    db.execute(
        """
        UPDATE teams_conversations
        SET kind = CASE WHEN conversation_id LIKE '%@thread.v2' THEN 'groupChat' ELSE 'channel' END
        WHERE kind = 'personal' AND conversation_id LIKE '19:%'
        """
    )
    db.execute(
        """
        UPDATE teams_people SET personal_conversation_id = NULL
        WHERE personal_conversation_id IN (SELECT conversation_id FROM teams_conversations WHERE kind != 'personal')
           OR personal_conversation_id LIKE '19:%'
        """
    )


@migrations()
def m011_comments_by_message(db: Database) -> None:
    # A deleted Slack message may name only its channel and ts (no thread): find its comment by message id.
    db.execute("CREATE INDEX comments_by_message ON comments (message_id)")


@migrations()
def m012_muted_voter_news(db: Database) -> None:
    # `/hero mute`: people who asked not to get direct messages about ideas they voted for.
    db.execute(
        """
        CREATE TABLE muted (
            platform TEXT NOT NULL,
            user_id TEXT NOT NULL,
            at TEXT NOT NULL,
            UNIQUE (platform, user_id)
        )
        """
    )


HOT_WINDOWS = (7, 30, 90)  # days: the digest's week and `/hero hotspots 30d|90d` (any other window works too)
_PAIR_FIRST_IN_WINDOW = """
    CASE WHEN x.prev IS NULL THEN ({t} >= w.since)
         WHEN {t} < x.prev THEN ({t} >= w.since) - (x.prev >= w.since)
         ELSE 0 END"""
_PAIR_LAST_GONE = """
    CASE WHEN x.prev IS NULL THEN -(old.created_at >= w.since)
         WHEN old.created_at < x.prev THEN (x.prev >= w.since) - (old.created_at >= w.since)
         ELSE 0 END"""


def _hot_update(problem: str, delta: str, pair_rows: str) -> str:
    """Add `delta` (per window w, given x.prev: the pair's first report among `pair_rows`) to `problem`'s counts."""
    return (f"UPDATE hot_counts SET n = n + (SELECT {delta} FROM hot_windows w, "
            f"(SELECT min(created_at) AS prev FROM problem_reports WHERE {pair_rows}) x "
            f"WHERE w.days = hot_counts.days) WHERE problem_id = {problem};")


@migrations()
def m014_hot_spot_counts(db: Database) -> None:
    # Hot spots rank problems by the people who first reported them in a window. Counting them at
    # every request reads every report of the window; instead, for each window length, `hot_counts`
    # holds per problem the people whose first report of it is at or after the window's `since`,
    # kept exact by the triggers below in the transaction of every report, merge and undo.
    # `storage.hotspots` slides `since` forward as time passes and corrects for the little
    # distance between the kept `since` and the one asked for. No person's id is kept here.
    db.execute("CREATE TABLE hot_windows (days INTEGER PRIMARY KEY, since TEXT NOT NULL)")
    db.execute(
        """
        CREATE TABLE hot_counts (
            problem_id INTEGER NOT NULL,
            days INTEGER NOT NULL,
            n INTEGER NOT NULL,
            PRIMARY KEY (problem_id, days)
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX hot_counts_by_rank ON hot_counts (days, n, problem_id)")
    now = datetime.now(UTC)
    for days in HOT_WINDOWS:
        since = (now - timedelta(days=days)).isoformat()
        db.execute("INSERT INTO hot_windows (days, since) VALUES (?, ?)", [days, since])
        db.execute(
            """
            INSERT INTO hot_counts (problem_id, days, n)
            SELECT r.problem_id, ?, count(DISTINCT r.user_id) FROM problem_reports r
            WHERE r.created_at >= ? AND r.created_at = (SELECT min(x.created_at) FROM problem_reports x
                                                        WHERE x.problem_id = r.problem_id AND x.user_id = r.user_id)
            GROUP BY r.problem_id
            """,
            [days, since],
        )
    new_pair = "problem_id = new.problem_id AND user_id = new.user_id AND origin_id != new.origin_id"
    rows_for = "INSERT OR IGNORE INTO hot_counts (problem_id, days, n) SELECT {}.problem_id, days, 0 FROM hot_windows;"
    rows_for_new, rows_for_old = rows_for.format("new"), rows_for.format("old")
    inserted = _hot_update("new.problem_id", _PAIR_FIRST_IN_WINDOW.format(t="new.created_at"), new_pair)
    db.execute(f"CREATE TRIGGER problem_reports_hot_ai AFTER INSERT ON problem_reports BEGIN {rows_for_new} {inserted} END")
    old_pair = "problem_id = old.problem_id AND user_id = old.user_id"
    deleted = _hot_update("old.problem_id", _PAIR_LAST_GONE, old_pair)
    db.execute(f"CREATE TRIGGER problem_reports_hot_ad AFTER DELETE ON problem_reports BEGIN {rows_for_old} {deleted} END")
    # An update is the old row leaving and the new one arriving (the new row is already in the table).
    moved = _hot_update("old.problem_id", _PAIR_LAST_GONE, old_pair + " AND NOT (problem_id = new.problem_id AND "
                        "user_id = new.user_id AND origin_id = new.origin_id)")
    db.execute(f"CREATE TRIGGER problem_reports_hot_au AFTER UPDATE OF problem_id, user_id, created_at "
               f"ON problem_reports BEGIN {rows_for_old} {moved} {rows_for_new} {inserted} END")


@migrations()
def m015_votes_and_comments_by_time(db: Database) -> None:
    # The digest's participation reads the week's posts, votes and comments only, instead of every
    # idea's, from covering indexes (the platform of a vote's idea from a narrow one, not the idea's row).
    db.execute("CREATE INDEX votes_by_time ON votes (created_at, idea_id, user_id)")
    db.execute("CREATE INDEX comments_by_time ON comments (created_at, idea_id, user_id)")
    db.execute("CREATE INDEX ideas_posters_by_time ON ideas (created_at, platform, author_key, author_id)")
    db.execute("CREATE INDEX ideas_platform_by_id ON ideas (id, platform)")


@migrations()
def m016_dashboard_logins(db: Database) -> None:
    # A dashboard sign-in link works once: its nonce is claimed here when it is opened. The link's
    # signature and expiry are checked with a key that is not in this file.
    db.execute("CREATE TABLE dashboard_logins (nonce TEXT PRIMARY KEY, used_at TEXT NOT NULL) WITHOUT ROWID")
    db.execute("CREATE INDEX dashboard_logins_by_time ON dashboard_logins (used_at)")


@migrations()
def m017_dashboard_indexes(db: Database) -> None:
    # The dashboard's figures read a window of recent rows from covering indexes: ideas per week and
    # status, decisions and the review before each, what waits now (an idea's updated_at moves only with
    # its status), ideas per mission goal. People who voted or commented per week use m015's indexes.
    db.execute("CREATE INDEX ideas_by_created_status ON ideas (created_at, status, author_key)")
    db.execute("CREATE INDEX ideas_by_status_updated ON ideas (status, updated_at)")
    db.execute("CREATE INDEX ideas_by_goal_status ON ideas (mission_goal, status)")
    db.execute("CREATE INDEX audit_by_idea_status ON audit (idea_id, to_status, at)")
    db.execute("CREATE INDEX audit_decided ON audit (to_status, at, from_status, idea_id, actor)")


@migrations()
def m018_empowerment_box(db: Database) -> None:
    # The box: actions staff may take on their own (B1, B2, …), their earlier texts, and their uses.
    db.execute(
        """
        CREATE TABLE box_actions (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            action TEXT NOT NULL,
            customers TEXT NOT NULL,
            limit_amount REAL,
            unit TEXT NOT NULL DEFAULT '',
            steps TEXT NOT NULL,
            expected_outcome TEXT NOT NULL,
            owner TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'retired')),
            idea_id INTEGER REFERENCES ideas(id),
            created_at TEXT NOT NULL,
            CHECK (limit_amount IS NULL OR (limit_amount >= 0 AND unit <> ''))
        )
        """
    )
    db.execute(
        """
        CREATE TABLE box_versions (
            id INTEGER PRIMARY KEY,
            action_id INTEGER NOT NULL REFERENCES box_actions(id),
            change TEXT NOT NULL CHECK (change IN ('edit', 'retire')),
            action TEXT NOT NULL,
            customers TEXT NOT NULL,
            limit_amount REAL,
            unit TEXT NOT NULL,
            steps TEXT NOT NULL,
            expected_outcome TEXT NOT NULL,
            changed_by TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX box_versions_by_action ON box_versions (action_id, id)")
    for verb in ("UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER box_versions_no_{verb.lower()} BEFORE {verb} ON box_versions "
            f"BEGIN SELECT RAISE(ABORT, 'audit rows are never changed or removed'); END"
        )
    # state: 'used' (counts), 'over_limit' (refused, kept only so its person can ask for an exception),
    # 'asked' (waiting for the owner), 'allowed' (counts), 'declined'. counted_at: when it began to count.
    db.execute(
        """
        CREATE TABLE box_uses (
            id INTEGER PRIMARY KEY,
            action_id INTEGER NOT NULL REFERENCES box_actions(id),
            platform TEXT NOT NULL,
            user_id TEXT NOT NULL,
            amount REAL,
            note TEXT NOT NULL DEFAULT '',
            customer_key TEXT,
            story INTEGER NOT NULL DEFAULT 0,
            state TEXT NOT NULL CHECK (state IN ('used', 'over_limit', 'asked', 'allowed', 'declined')),
            outcome TEXT CHECK (outcome IN ('worked', 'did_not_work', 'too_early')),
            answered_at TEXT,
            story_posted_at TEXT,
            created_at TEXT NOT NULL,
            counted_at TEXT
        )
        """
    )
    db.execute("CREATE INDEX box_uses_by_action ON box_uses (action_id, counted_at, outcome)")
    db.execute("CREATE INDEX box_uses_by_time ON box_uses (counted_at, action_id, outcome, state)")
    db.execute("CREATE INDEX box_uses_by_user ON box_uses (user_id)")
    db.execute("CREATE INDEX box_uses_by_customer ON box_uses (action_id, customer_key, counted_at) "
               "WHERE customer_key IS NOT NULL")
    db.execute("CREATE INDEX box_uses_to_follow_up ON box_uses (counted_at) "
               "WHERE counted_at IS NOT NULL AND (outcome IS NULL OR outcome = 'too_early')")
    db.execute("CREATE INDEX box_uses_asked ON box_uses (created_at, state) WHERE state IN ('asked', 'allowed', 'declined')")
    _full_text_index(db, "box_actions", ("action", "customers", "steps"))


@migrations()
def m019_box_figures(db: Database) -> None:
    # The box's follow-ups find which of their uses were already asked (claims of kind 'box_follow_up').
    db.execute("CREATE INDEX sends_by_kind_item ON sends (kind, idea_id, period)")
    db.execute("CREATE INDEX box_uses_stories ON box_uses (answered_at) WHERE story = 1 AND outcome = 'worked'")
    # Counted uses by UTC day, action and platform, kept by triggers in the write's own transaction:
    # the digest's Empowerment part reads a week of these instead of a week of uses.
    db.execute(
        """
        CREATE TABLE box_use_days (
            day TEXT NOT NULL,
            action_id INTEGER NOT NULL,
            platform TEXT NOT NULL,
            uses INTEGER NOT NULL DEFAULT 0,
            worked INTEGER NOT NULL DEFAULT 0,
            answered INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (action_id, day, platform)
        ) WITHOUT ROWID
        """
    )
    db.execute(
        "INSERT INTO box_use_days (day, action_id, platform, uses, worked, answered) "
        "SELECT substr(counted_at, 1, 10), action_id, platform, count(*), "
        "total(outcome = 'worked'), total(outcome IN ('worked', 'did_not_work')) FROM box_uses "
        "WHERE counted_at IS NOT NULL GROUP BY 1, 2, 3"
    )
    add = ("INSERT INTO box_use_days (day, action_id, platform, uses, worked, answered) "
           "VALUES (substr(new.counted_at, 1, 10), new.action_id, new.platform, 1, coalesce(new.outcome, '') = 'worked', "
           "coalesce(new.outcome, '') IN ('worked', 'did_not_work')) ON CONFLICT (action_id, day, platform) DO UPDATE SET "
           "uses = uses + 1, worked = worked + excluded.worked, answered = answered + excluded.answered;")
    remove = ("UPDATE box_use_days SET uses = uses - 1, worked = worked - (coalesce(old.outcome, '') = 'worked'), "
              "answered = answered - (coalesce(old.outcome, '') IN ('worked', 'did_not_work')) "
              "WHERE day = substr(old.counted_at, 1, 10) AND action_id = old.action_id AND platform = old.platform;")
    db.execute(f"CREATE TRIGGER box_use_days_ai AFTER INSERT ON box_uses WHEN new.counted_at IS NOT NULL "
               f"BEGIN {add} END")
    db.execute(f"CREATE TRIGGER box_use_days_ad AFTER DELETE ON box_uses WHEN old.counted_at IS NOT NULL "
               f"BEGIN {remove} END")
    db.execute(f"CREATE TRIGGER box_use_days_au_old AFTER UPDATE OF counted_at, outcome, action_id, platform "
               f"ON box_uses WHEN old.counted_at IS NOT NULL BEGIN {remove} END")
    db.execute(f"CREATE TRIGGER box_use_days_au_new AFTER UPDATE OF counted_at, outcome, action_id, platform "
               f"ON box_uses WHEN new.counted_at IS NOT NULL BEGIN {add} END")


@migrations()
def m020_challenges(db: Database) -> None:
    # A time-boxed drive for ideas on one question. Its ideas are ordinary ideas, linked in challenge_ideas
    # (an idea belongs to at most one challenge); `advanced` marks those sent to review when it closed.
    db.execute(
        """
        CREATE TABLE challenges (
            id INTEGER PRIMARY KEY,
            platform TEXT NOT NULL,
            question TEXT NOT NULL,
            problem_id INTEGER REFERENCES problems(id),
            goal TEXT,
            ends_on TEXT NOT NULL,
            advance INTEGER NOT NULL CHECK (advance >= 1),
            status TEXT NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
            created_by TEXT NOT NULL,
            created_at TEXT NOT NULL,
            closed_at TEXT,
            channel_id TEXT,
            message_id TEXT
        )
        """
    )
    db.execute("CREATE INDEX challenges_by_status ON challenges (status, ends_on)")
    db.execute(
        """
        CREATE TABLE challenge_ideas (
            idea_id INTEGER PRIMARY KEY REFERENCES ideas(id),
            challenge_id INTEGER NOT NULL REFERENCES challenges(id),
            advanced INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE INDEX challenge_ideas_by_challenge ON challenge_ideas (challenge_id, idea_id)")


# --- perf: participation from maintained rows -----------------------------------------------------
# Who took part in an hour and in a (Monday, UTC) week: one row per period, platform and person, with how
# many posts, votes and comments they made in it, kept exact by triggers in the write's own transaction
# (a post, vote, comment, an undo, a merge, `herobot forget`). The digest counts a window's people from the
# hours it covers (`storage.digest.participation`), the dashboard from the weeks. A person is the voter's or
# commenter's id, or a named poster's id (already in those tables); an anonymous poster is 'k:' and the
# idea's author key, never their id (the key that would resolve it lives outside the file).
PERIODS_OF = ("SELECT 'H' || substr({t}, 1, 13) AS period "
              "UNION ALL SELECT 'W' || date(substr({t}, 1, 10), '-6 days', 'weekday 1')")
POSTER = "CASE WHEN {r}.author_id IS NULL THEN 'k:' || {r}.author_key ELSE {r}.author_id END"


def _took_part(kind: str, row: str, platform: str, person: str, sign: int) -> str:
    """SQL adding `sign` (1 or -1) to `kind` for `person` in both periods of `row`'s time, then dropping empty rows."""
    periods = PERIODS_OF.format(t=f"{row}.created_at")
    if sign > 0:
        return (f"INSERT INTO participation (period, platform, person, {kind}) "
                f"SELECT p.period, {platform}, {person}, 1 FROM ({periods}) p WHERE {platform} IS NOT NULL "
                f"ON CONFLICT (period, platform, person) DO UPDATE SET {kind} = {kind} + 1;")
    where = f"period IN ({periods}) AND platform = {platform} AND person = {person}"
    return (f"UPDATE participation SET {kind} = {kind} - 1 WHERE {where}; "
            f"DELETE FROM participation WHERE {where} AND posts = 0 AND votes = 0 AND comments = 0;")


@migrations()
def m023_participation(db: Database) -> None:
    db.execute(
        """
        CREATE TABLE participation (
            period TEXT NOT NULL,   -- 'H2026-11-30T09' (an hour) or 'W2026-11-30' (the week starting that Monday)
            platform TEXT NOT NULL,
            person TEXT NOT NULL,
            posts INTEGER NOT NULL DEFAULT 0,
            votes INTEGER NOT NULL DEFAULT 0,
            comments INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (period, platform, person)
        ) WITHOUT ROWID
        """
    )
    acts = (f"SELECT i.platform, {POSTER.format(r='i')} AS person, 1 AS posts, 0 AS votes, 0 AS comments, i.created_at "
            "FROM ideas i UNION ALL "
            "SELECT i.platform, v.user_id, 0, 1, 0, v.created_at FROM votes v JOIN ideas i ON i.id = v.idea_id UNION ALL "
            "SELECT i.platform, c.user_id, 0, 0, 1, c.created_at FROM comments c JOIN ideas i ON i.id = c.idea_id")
    for period in ("'H' || substr(a.created_at, 1, 13)", "'W' || date(substr(a.created_at, 1, 10), '-6 days', 'weekday 1')"):
        db.execute(f"INSERT INTO participation (period, platform, person, posts, votes, comments) "
                   f"SELECT {period}, a.platform, a.person, sum(a.posts), sum(a.votes), sum(a.comments) "
                   f"FROM ({acts}) a GROUP BY 1, 2, 3")
    idea_platform = "(SELECT platform FROM ideas WHERE id = {r}.idea_id)"
    for table, kind in (("votes", "votes"), ("comments", "comments")):
        add = _took_part(kind, "new", idea_platform.format(r="new"), "new.user_id", 1)
        remove = _took_part(kind, "old", idea_platform.format(r="old"), "old.user_id", -1)
        db.execute(f"CREATE TRIGGER {table}_participation_ai AFTER INSERT ON {table} BEGIN {add} END")
        db.execute(f"CREATE TRIGGER {table}_participation_ad AFTER DELETE ON {table} BEGIN {remove} END")
        db.execute(f"CREATE TRIGGER {table}_participation_au AFTER UPDATE OF idea_id, user_id, created_at ON {table} "
                   f"BEGIN {remove} {add} END")
    add = _took_part("posts", "new", "new.platform", POSTER.format(r="new"), 1)
    remove = _took_part("posts", "old", "old.platform", POSTER.format(r="old"), -1)
    db.execute(f"CREATE TRIGGER ideas_participation_ai AFTER INSERT ON ideas BEGIN {add} END")
    db.execute(f"CREATE TRIGGER ideas_participation_ad AFTER DELETE ON ideas BEGIN {remove} END")
    db.execute(f"CREATE TRIGGER ideas_participation_au AFTER UPDATE OF platform, author_id, author_key, created_at "
               f"ON ideas BEGIN {remove} {add} END")


@migrations()
def m024_goal_counts(db: Database) -> None:
    # Ideas, pilots and wins per mission goal (duplicates left out) for the dashboard, kept by triggers instead of
    # counted over every idea at each view. '' stands for "no goal". An experiment's INSERT OR REPLACE fires the
    # delete trigger for the row it replaces because sqlite-utils turns recursive triggers on.
    db.execute("CREATE TABLE goal_counts (goal TEXT PRIMARY KEY, ideas INTEGER NOT NULL DEFAULT 0, "
               "pilots INTEGER NOT NULL DEFAULT 0, wins INTEGER NOT NULL DEFAULT 0) WITHOUT ROWID")
    db.execute("INSERT INTO goal_counts (goal, ideas, pilots, wins) "
               "SELECT coalesce(i.mission_goal, ''), count(*), count(e.idea_id), total(i.status = 'implemented') "
               "FROM ideas i LEFT JOIN experiments e ON e.idea_id = i.id WHERE i.status != 'duplicate' GROUP BY 1")

    def change(row: str, sign: str) -> str:
        return (f"INSERT INTO goal_counts (goal, ideas, pilots, wins) VALUES (coalesce({row}.mission_goal, ''), {sign}1, "
                f"{sign}EXISTS (SELECT 1 FROM experiments WHERE idea_id = {row}.id), {sign}({row}.status = 'implemented')) "
                f"ON CONFLICT (goal) DO UPDATE SET ideas = ideas + excluded.ideas, pilots = pilots + excluded.pilots, "
                f"wins = wins + excluded.wins;")
    db.execute(f"CREATE TRIGGER ideas_goal_ai AFTER INSERT ON ideas WHEN new.status != 'duplicate' "
               f"BEGIN {change('new', '')} END")
    db.execute(f"CREATE TRIGGER ideas_goal_au_old AFTER UPDATE OF status, mission_goal ON ideas "
               f"WHEN old.status != 'duplicate' BEGIN {change('old', '-')} END")
    db.execute(f"CREATE TRIGGER ideas_goal_au_new AFTER UPDATE OF status, mission_goal ON ideas "
               f"WHEN new.status != 'duplicate' BEGIN {change('new', '')} END")
    db.execute(f"CREATE TRIGGER ideas_goal_ad AFTER DELETE ON ideas WHEN old.status != 'duplicate' "
               f"BEGIN {change('old', '-')} END")
    pilot = ("UPDATE goal_counts SET pilots = pilots {sign} 1 WHERE goal = (SELECT coalesce(mission_goal, '') FROM ideas "
             "WHERE id = {row}.idea_id AND status != 'duplicate');")
    db.execute(f"CREATE TRIGGER experiments_goal_ai AFTER INSERT ON experiments BEGIN {pilot.format(sign='+', row='new')} END")
    db.execute(f"CREATE TRIGGER experiments_goal_ad AFTER DELETE ON experiments BEGIN {pilot.format(sign='-', row='old')} END")


FIGURE_TABLES = ("ideas", "votes", "comments", "audit", "decisions", "experiments", "problems", "problem_reports",
                 "idea_problems", "box_actions", "box_uses")


@migrations()
def m025_figures_version(db: Database) -> None:
    # A number that moves with every write to a table the dashboard's figures come from, and with no other (claims
    # of sends, processed events, sign-ins): a kept page is reused until it moves (bot.dashboard).
    db.execute("CREATE TABLE figures_version (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL)")
    db.execute("INSERT INTO figures_version (id, n) VALUES (1, 0)")
    for table in FIGURE_TABLES:
        for verb in ("INSERT", "UPDATE", "DELETE"):
            db.execute(f"CREATE TRIGGER {table}_figures_{verb.lower()} AFTER {verb} ON {table} "
                       f"BEGIN UPDATE figures_version SET n = n + 1 WHERE id = 1; END")


@migrations()
def m028_teams_channel_teams_and_unsure_posts(db: Database) -> None:
    # Reading a Teams channel back (Microsoft Graph, to find a post an interrupted attempt made) needs the
    # team the channel belongs to: `team_id` is the team's thread id (channelData.team.id), `group_id` its
    # Microsoft 365 group id (channelData.team.aadGroupId, or asked of the Bot Connector), which Graph wants.
    db.execute(
        """
        CREATE TABLE teams_channel_teams (
            channel_id TEXT PRIMARY KEY,
            team_id TEXT NOT NULL,
            group_id TEXT,
            updated_at TEXT NOT NULL
        ) WITHOUT ROWID
        """
    )
    db.execute("CREATE INDEX teams_channel_teams_by_team ON teams_channel_teams (team_id)")
    # Whether an earlier attempt may have posted the item: an interrupted attempt or an answer that never came
    # (1), or a refusal that surely posted nothing (0). Only the first makes a retry look for the post first.
    db.execute("ALTER TABLE outbox ADD COLUMN maybe_posted INTEGER NOT NULL DEFAULT 1")


# --- perf: what the digest ranks, kept instead of counted (issue 14) -------------------------------
WAITING_SQL = "('in_review', 'needs_info')"
# An idea waits for a decision since its last action: the later of its last status change (its last audit row;
# with none, its updated_at) and its last decision (asking for more information again restarts the wait).
WAITS_SINCE = ("max(coalesce((SELECT max(at) FROM audit a WHERE a.idea_id = {r}.id), {r}.updated_at), "
               "coalesce((SELECT max(at) FROM decisions d WHERE d.idea_id = {r}.id), ''))")


def _wait_refreshed(idea_id: str) -> str:
    """SQL that makes `waiting` hold the idea's row, as it is now, if and only if the idea waits."""
    return (f"DELETE FROM waiting WHERE idea_id = {idea_id}; "
            f"INSERT INTO waiting (idea_id, platform, since) SELECT i.id, i.platform, {WAITS_SINCE.format(r='i')} "
            f"FROM ideas i WHERE i.id = {idea_id} AND i.status IN {WAITING_SQL};")


@migrations()
def m029_waiting_and_vote_counts(db: Database) -> None:
    # The ideas waiting for a decision, each with when its wait began, kept by triggers in the transaction of every
    # status change and decision: the digest's oldest waits, the managers' queues, reminders and the dashboard read
    # them in order from an index instead of finding each waiting idea's last action.
    db.execute("CREATE TABLE waiting (idea_id INTEGER PRIMARY KEY REFERENCES ideas(id), platform TEXT NOT NULL, "
               "since TEXT NOT NULL)")
    db.execute("CREATE INDEX waiting_by_since ON waiting (since, idea_id)")
    db.execute("CREATE INDEX waiting_by_platform ON waiting (platform, since, idea_id)")
    db.execute(f"INSERT INTO waiting (idea_id, platform, since) SELECT i.id, i.platform, {WAITS_SINCE.format(r='i')} "
               f"FROM ideas i WHERE i.status IN {WAITING_SQL}")
    db.execute(f"CREATE TRIGGER ideas_waiting_ai AFTER INSERT ON ideas WHEN new.status IN {WAITING_SQL} "
               f"BEGIN {_wait_refreshed('new.id')} END")
    db.execute(f"CREATE TRIGGER ideas_waiting_au AFTER UPDATE OF status, updated_at, platform ON ideas "
               f"WHEN old.status IN {WAITING_SQL} OR new.status IN {WAITING_SQL} BEGIN {_wait_refreshed('new.id')} END")
    db.execute(f"CREATE TRIGGER audit_waiting_ai AFTER INSERT ON audit BEGIN {_wait_refreshed('new.idea_id')} END")
    db.execute(f"CREATE TRIGGER decisions_waiting_ai AFTER INSERT ON decisions "
               f"BEGIN {_wait_refreshed('new.idea_id')} END")
    db.execute(f"CREATE TRIGGER decisions_waiting_ad AFTER DELETE ON decisions "
               f"BEGIN {_wait_refreshed('old.idea_id')} END")
    db.execute(f"CREATE TRIGGER decisions_waiting_au AFTER UPDATE OF idea_id, at ON decisions "
               f"BEGIN {_wait_refreshed('old.idea_id')} {_wait_refreshed('new.idea_id')} END")
    # Each idea's votes, kept by triggers on votes (a vote, its undo, a merge and its undo, `herobot forget`): the
    # week's most voted new ideas are ranked by these instead of counting every vote of every new idea.
    db.execute("CREATE TABLE vote_counts (idea_id INTEGER PRIMARY KEY REFERENCES ideas(id), n INTEGER NOT NULL)")
    db.execute("INSERT INTO vote_counts (idea_id, n) SELECT idea_id, count(*) FROM votes GROUP BY idea_id")
    add = ("INSERT INTO vote_counts (idea_id, n) VALUES (new.idea_id, 1) "
           "ON CONFLICT (idea_id) DO UPDATE SET n = n + 1;")
    remove = "UPDATE vote_counts SET n = n - 1 WHERE idea_id = old.idea_id;"
    db.execute(f"CREATE TRIGGER votes_counts_ai AFTER INSERT ON votes BEGIN {add} END")
    db.execute(f"CREATE TRIGGER votes_counts_ad AFTER DELETE ON votes BEGIN {remove} END")
    db.execute(f"CREATE TRIGGER votes_counts_au AFTER UPDATE OF idea_id ON votes BEGIN {remove} {add} END")


DECISION = ("{row}.to_status IN ('approved', 'piloting', 'declined') "
            "AND {row}.from_status IN ('in_review', 'needs_info')")
REVIEW_START = ("(SELECT max(b.at) FROM audit b WHERE b.idea_id = {row}.idea_id AND b.to_status = 'in_review' "
                "AND b.at <= {row}.at)")
# Microseconds since the epoch of an ISO time as herobot writes it (datetime.isoformat: six digits of fraction or
# none), so that a difference of two divided as Python divides a timedelta gives the same float.
MICROSECONDS = ("(CAST(strftime('%s', {t}) AS INTEGER) * 1000000 "
                "+ CASE WHEN substr({t}, 20, 1) = '.' THEN CAST(substr({t}, 21, 6) AS INTEGER) ELSE 0 END)")


def _days_from_review(row: str) -> str:
    review = REVIEW_START.format(row=row)
    return (f"({MICROSECONDS.format(t=f'{row}.at')} - {MICROSECONDS.format(t=review)}) "
            f"/ 1000000.0 / 86400.0")


@migrations()
def m030_decision_durations(db: Database) -> None:
    # Every decision taken on an idea in review with the days since its review started (the idea's latest move
    # into in_review before the decision; NULL without one), written with the decision's audit row: the dashboard
    # reads six months of these instead of looking the review start up in the audit trail for each decision. A
    # decided idea never goes back to review (bot.policy), so the days are final when the decision is written.
    # `forget` re-keys a forgotten manager here as in the audit trail (it rewrites the id in every table).
    db.execute(
        """
        CREATE TABLE decision_durations (
            audit_id INTEGER PRIMARY KEY,
            manager TEXT NOT NULL,
            decided_at TEXT NOT NULL,
            days REAL,
            decision TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX decision_durations_by_time ON decision_durations (decided_at, manager, days)")
    columns = "(audit_id, manager, decided_at, days, decision)"
    db.execute(f"INSERT INTO decision_durations {columns} SELECT a.id, a.actor, a.at, "
               f"{_days_from_review('a')}, a.to_status FROM audit a WHERE {DECISION.format(row='a')}")
    db.execute(f"CREATE TRIGGER audit_decision_ai AFTER INSERT ON audit WHEN {DECISION.format(row='new')} BEGIN "
               f"INSERT INTO decision_durations {columns} VALUES (new.id, new.actor, new.at, "
               f"{_days_from_review('new')}, new.to_status); END")
    _stages_reached(db)
    _week_people(db)


def _stages_reached(db: Database) -> None:
    # The funnel: per week of posting and status, the ideas posted that week (duplicates left out) that ever moved
    # into the status. An idea's first audit row into a status adds it; becoming a duplicate takes all its statuses
    # away and an undone merge gives them back (the idea's row changes before its audit row is written).
    week = "date(substr({row}.created_at, 1, 10), '-6 days', 'weekday 1')"
    db.execute("CREATE TABLE stages_reached (week TEXT NOT NULL, status TEXT NOT NULL, ideas INTEGER NOT NULL, "
               "PRIMARY KEY (week, status)) WITHOUT ROWID")
    db.execute(f"INSERT INTO stages_reached (week, status, ideas) SELECT {week.format(row='i')}, a.to_status, "
               f"count(DISTINCT a.idea_id) FROM ideas i JOIN audit a ON a.idea_id = i.id "
               f"WHERE i.status != 'duplicate' GROUP BY 1, 2")
    upsert = "ON CONFLICT (week, status) DO UPDATE SET ideas = ideas + excluded.ideas;"
    db.execute(f"CREATE TRIGGER audit_stage_ai AFTER INSERT ON audit WHEN NOT EXISTS (SELECT 1 FROM audit "
               f"WHERE idea_id = new.idea_id AND to_status = new.to_status AND id != new.id) BEGIN "
               f"INSERT INTO stages_reached (week, status, ideas) SELECT {week.format(row='i')}, new.to_status, 1 "
               f"FROM ideas i WHERE i.id = new.idea_id AND i.status != 'duplicate' {upsert} END")

    def idea_stages(row: str, sign: str) -> str:
        return (f"INSERT INTO stages_reached (week, status, ideas) SELECT DISTINCT {week.format(row=row)}, to_status, "
                f"{sign}1 FROM audit WHERE idea_id = {row}.id AND {row}.status != 'duplicate' {upsert}")
    db.execute(f"CREATE TRIGGER ideas_stage_au AFTER UPDATE OF status, created_at ON ideas "
               f"WHEN (old.status = 'duplicate') != (new.status = 'duplicate') OR old.created_at != new.created_at "
               f"BEGIN {idea_stages('old', '-')} {idea_stages('new', '')} END")


def _week_people(db: Database) -> None:
    # Per week and person, their votes and comments on every platform: m023's weekly participation rows summed over
    # platforms by triggers on those rows, so the people who voted or commented in a week are a count of rows, not a
    # count of distinct people over the week's rows of every platform.
    db.execute("CREATE TABLE week_people (week TEXT NOT NULL, person TEXT NOT NULL, votes INTEGER NOT NULL, "
               "comments INTEGER NOT NULL, PRIMARY KEY (week, person)) WITHOUT ROWID")
    db.execute("INSERT INTO week_people (week, person, votes, comments) SELECT substr(period, 2), person, sum(votes), "
               "sum(comments) FROM participation WHERE period >= 'W' AND period < 'X' GROUP BY 1, 2 "
               "HAVING sum(votes) != 0 OR sum(comments) != 0")

    weekly = "substr({row}.period, 1, 1) = 'W'"

    def add(row: str, sign: str) -> str:
        return (f"INSERT INTO week_people (week, person, votes, comments) SELECT substr({row}.period, 2), {row}.person, "
                f"{sign}{row}.votes, {sign}{row}.comments WHERE {weekly.format(row=row)} "
                f"ON CONFLICT (week, person) DO UPDATE SET votes = votes + excluded.votes, "
                f"comments = comments + excluded.comments;")
    empty = ("DELETE FROM week_people WHERE week = substr(old.period, 2) AND person = old.person AND votes = 0 "
             "AND comments = 0;")
    db.execute(f"CREATE TRIGGER participation_week_ai AFTER INSERT ON participation WHEN {weekly.format(row='new')} "
               f"AND (new.votes != 0 OR new.comments != 0) BEGIN {add('new', '')} END")
    db.execute(f"CREATE TRIGGER participation_week_au AFTER UPDATE OF period, person, votes, comments ON participation "
               f"WHEN {weekly.format(row='old')} OR {weekly.format(row='new')} "
               f"BEGIN {add('old', '-')} {add('new', '')} {empty} END")
    db.execute(f"CREATE TRIGGER participation_week_ad AFTER DELETE ON participation WHEN {weekly.format(row='old')} "
               f"BEGIN {add('old', '-')} {empty} END")


CHANNEL = "coalesce({row}.contact_channel, 'unknown')"


@migrations()
def m032_channel_reporters(db: Database) -> None:
    # The dashboard's channel mix (per channel, the people who reported through it in a window) without reading the
    # window's reports: per channel and person the time of their latest report through it. A person reported in the
    # window exactly when that latest report is in it, so each channel's figure is one range count on
    # (channel, latest). Kept in the report's transaction by the triggers below: a merge copies reports with their
    # times (the latest stays), an undo or `herobot forget` deletes rows (the latest is looked up again among the
    # person's remaining reports through that channel, on the index made for it here).
    db.execute("CREATE TABLE channel_reporters (channel TEXT NOT NULL, user_id TEXT NOT NULL, latest TEXT NOT NULL, "
               "PRIMARY KEY (channel, user_id)) WITHOUT ROWID")
    db.execute("CREATE INDEX channel_reporters_by_latest ON channel_reporters (channel, latest)")
    db.execute(f"INSERT INTO channel_reporters (channel, user_id, latest) SELECT {CHANNEL.format(row='r')}, r.user_id, "
               f"max(r.created_at) FROM problem_reports r GROUP BY 1, 2")
    db.execute("CREATE INDEX problem_reports_by_person ON problem_reports (user_id, contact_channel, created_at)")
    arrived = (f"INSERT INTO channel_reporters (channel, user_id, latest) VALUES ({CHANNEL.format(row='new')}, "
               f"new.user_id, new.created_at) ON CONFLICT (channel, user_id) DO UPDATE SET "
               f"latest = max(latest, excluded.latest);")
    left = (f"DELETE FROM channel_reporters WHERE channel = {CHANNEL.format(row='old')} AND user_id = old.user_id; "
            f"INSERT INTO channel_reporters (channel, user_id, latest) SELECT {CHANNEL.format(row='old')}, old.user_id, "
            f"latest FROM (SELECT max(created_at) AS latest FROM problem_reports WHERE user_id = old.user_id "
            f"AND contact_channel IS old.contact_channel) WHERE latest IS NOT NULL;")
    db.execute(f"CREATE TRIGGER problem_reports_channel_ai AFTER INSERT ON problem_reports BEGIN {arrived} END")
    db.execute(f"CREATE TRIGGER problem_reports_channel_ad AFTER DELETE ON problem_reports BEGIN {left} END")
    db.execute(f"CREATE TRIGGER problem_reports_channel_au AFTER UPDATE OF user_id, contact_channel, created_at "
               f"ON problem_reports BEGIN {left} {arrived} END")
