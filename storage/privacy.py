"""Everything stored about one person: find it, or forget it. Writes run inside `storage.db.write`.

Known tables get explicit rules; every other table is searched too (by exact value for an
export, by whole-token text for forgetting), so a table added later cannot silently keep an id.
"""

from __future__ import annotations

import re
import secrets
import sqlite3
from collections.abc import Iterable

from sqlite_utils import Database

from bot.model import Actor
from storage.ideas import author_key

PSEUDONYM = "forgotten"
FORMER_COLLEAGUE = "a former colleague"  # what a mention of a forgotten person reads
# Tables whose rows are handled by name below, or that hold no person's data.
KNOWN = {"ideas", "votes", "vote_marks", "comments", "decisions", "audit", "meta", "processed_events",
         "_sqlite_migrations"}


def token(user_id: str) -> re.Pattern:
    """The id as a whole token, in any case (search indexes lower-case it): `U1` matches in `<@U1>` but not in `U10`."""
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(user_id)}(?![A-Za-z0-9])", re.IGNORECASE)


def author_keys(db: Database, user_id: str, platforms: Iterable[str] = ()) -> list[str]:
    """The person's author key on each of `platforms` (the registered ones) and every platform ideas came from."""
    platforms = {*platforms, *(r[0] for r in db.execute("SELECT DISTINCT platform FROM ideas"))}
    return [author_key(db, Actor(platform, user_id)) for platform in sorted(platforms)]


def _rows(db: Database, sql: str, params: list) -> list[dict]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _placeholders(values: list) -> str:
    return ", ".join("?" for _ in values)


def authored_idea_ids(db: Database, user_id: str, platforms: Iterable[str] = ()) -> list[int]:
    keys = author_keys(db, user_id, platforms)
    sql = f"SELECT id FROM ideas WHERE author_id = ? OR author_key IN ({_placeholders(keys)}) ORDER BY id"
    return [r[0] for r in db.execute(sql, [user_id, *keys])]


def user_tables(db: Database) -> list[str]:
    """Ordinary tables (no virtual tables or their shadow tables)."""
    rows = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").fetchall()
    virtual = [name for name, sql in rows if (sql or "").upper().startswith("CREATE VIRTUAL")]
    return [name for name, _ in rows if name not in virtual and not any(name.startswith(v + "_") for v in virtual)]


def text_columns(db: Database, table: str) -> list[str]:
    return [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')
            if (row[2] or "").upper() in ("", "TEXT") or "CHAR" in (row[2] or "").upper()]


def about(db: Database, user_id: str, platforms: Iterable[str] = ()) -> dict:
    """Everything stored about `user_id`, their anonymous ideas included."""
    ideas = authored_idea_ids(db, user_id, platforms)
    found = {
        "ideas_authored": ideas,
        "votes": _rows(db, "SELECT v.idea_id, v.created_at, (SELECT group_concat(m.source, ',') FROM vote_marks m "
                           "WHERE m.idea_id = v.idea_id AND m.user_id = v.user_id) AS sources "
                           "FROM votes v WHERE v.user_id = ? ORDER BY v.idea_id", [user_id]),
        "comments": _rows(db, "SELECT idea_id, text, message_id, created_at FROM comments WHERE user_id = ? "
                              "ORDER BY id", [user_id]),
        "decisions": _rows(db, "SELECT * FROM decisions WHERE by_user = ? ORDER BY id", [user_id]),
        "audit": [row for row in _rows(db, "SELECT * FROM audit ORDER BY id", []) if token(user_id).search(row["actor"])],
        "champion_of": [r[0] for r in db.execute("SELECT id FROM ideas WHERE champion = ? ORDER BY id", [user_id])],
        "other": {},
    }
    for table in user_tables(db):
        if table in KNOWN:
            continue
        columns = [row[1] for row in db.execute(f'PRAGMA table_info("{table}")')]
        where = " OR ".join(f'"{c}" = ?' for c in columns)
        rows = _rows(db, f'SELECT * FROM "{table}" WHERE {where}', [user_id] * len(columns)) if columns else []
        if rows:
            found["other"][table] = rows
    return found


def forget(db: Database, user_id: str, platforms: Iterable[str] = ()) -> dict:
    """Remove the person's ids, name and words, in every role. Returns what changed, by table."""
    changed: dict[str, int] = {}
    names = teams_names(db, user_id)
    ideas = authored_idea_ids(db, user_id, platforms)
    changed["votes"] = db.execute("DELETE FROM votes WHERE user_id = ?", [user_id]).rowcount
    db.execute("DELETE FROM vote_marks WHERE user_id = ?", [user_id])
    changed["comments"] = db.execute("DELETE FROM comments WHERE user_id = ?", [user_id]).rowcount
    db.execute("DELETE FROM muted WHERE user_id = ?", [user_id])
    db.execute("DELETE FROM sends WHERE recipient = ?", [user_id])  # news sent to them (claims of sends)
    # Their ideas stay (others voted, decided and piloted on them) but no longer lead to anyone:
    # no author id, no DM channel, and an author key that matches no one.
    for idea_id in ideas:
        db.execute("UPDATE ideas SET author_id = NULL, anonymous = 1, author_channel = NULL, author_key = ? "
                   "WHERE id = ?", [secrets.token_hex(32), idea_id])
    changed["ideas"] = len(ideas)
    changed["champion"] = db.execute("UPDATE ideas SET champion = NULL WHERE champion = ?", [user_id]).rowcount
    changed["decisions"] = db.execute("UPDATE decisions SET by_user = ? WHERE by_user = ?",
                                      [PSEUDONYM, user_id]).rowcount
    for table, count in _forget_other_roles(db, user_id, platforms).items():
        changed[table] = count
    # Audit rows are never changed, except this: the who of a forgotten person. The guard
    # triggers are lifted and put back inside the same transaction.
    guards = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE(%'").fetchall()
    for name, _ in guards:
        db.execute(f'DROP TRIGGER "{name}"')
    try:
        for table, count in replace_everywhere(db, user_id, names).items():
            changed[table] = changed.get(table, 0) + count
    finally:
        for _, sql in guards:
            db.execute(sql)
    rebuild_search(db)
    left = occurrences(db, user_id) + [f"{place} (their name)" for name in names for place in occurrences(db, name)]
    if left:
        raise LookupError(f"{user_id} is still stored in {', '.join(left)}; nothing was changed")
    return changed


def teams_names(db: Database, user_id: str) -> list[str]:
    """What Teams shows of the person (their name, their Teams id): mentions of them carry these."""
    row = db.execute("SELECT name, teams_id FROM teams_people WHERE aad_object_id = ?", [user_id]).fetchone()
    return [value for value in (row or ()) if value and len(value) >= 3]


def _forget_other_roles(db: Database, user_id: str, platforms: Iterable[str]) -> dict[str, int]:
    """Problem reporter and Me too, manager with review requests and snoozes, the recipient of
    scheduled sends, a held draft, and a person seen on Teams (with their personal chat)."""
    changed = {
        "problem_reports": db.execute("DELETE FROM problem_reports WHERE user_id = ?", [user_id]).rowcount,
        "problems": db.execute("UPDATE problems SET reporter_id = ? WHERE reporter_id = ?",
                               [PSEUDONYM, user_id]).rowcount,
        "review_messages": db.execute("DELETE FROM review_messages WHERE user_id = ?", [user_id]).rowcount,
        "snoozes": db.execute("DELETE FROM snoozes WHERE user_id = ?", [user_id]).rowcount,
        # The claim stays (a send is still never repeated for it) but names no one.
        "sends": db.execute("UPDATE sends SET recipient = ? || lower(hex(randomblob(8))), channel_id = '' "
                            "WHERE recipient = ?", [PSEUDONYM + ":", user_id]).rowcount,
    }
    keys = author_keys(db, user_id, platforms)
    changed["pending_posts"] = db.execute(f"DELETE FROM pending_posts WHERE poster_key IN ({_placeholders(keys)})",
                                          keys).rowcount
    personal = db.execute("SELECT personal_conversation_id FROM teams_people WHERE aad_object_id = ?",
                          [user_id]).fetchone()
    if personal and personal[0]:
        db.execute("DELETE FROM teams_conversations WHERE conversation_id = ?", [personal[0]])
    changed["teams_people"] = db.execute("DELETE FROM teams_people WHERE aad_object_id = ?", [user_id]).rowcount
    return changed


def rebuild_search(db: Database) -> None:
    """Rebuild every full-text index from its table: a delete only marks old index segments, which
    would keep the forgotten words in the file until a merge."""
    for (table,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table' "
                               "AND sql LIKE 'CREATE VIRTUAL TABLE%USING FTS5%'").fetchall():
        db.execute(f'INSERT INTO "{table}" ("{table}") VALUES (\'rebuild\')')


def mention_patterns(user_id: str, names: list[str]) -> list[tuple[re.Pattern, str]]:
    """Mentions of the person in other people's texts, and then any bare id or name left."""
    patterns = [(re.compile(rf"<@{re.escape(user_id)}(\|[^>]*)?>"), FORMER_COLLEAGUE)]
    for name in names:
        patterns.append((re.compile(rf"<at[^>]*>\s*{re.escape(name)}\s*</at>", re.IGNORECASE), FORMER_COLLEAGUE))
    patterns.append((token(user_id), PSEUDONYM))
    patterns += [(token(name), FORMER_COLLEAGUE) for name in names]
    return patterns


def replace_everywhere(db: Database, user_id: str, names: list[str] = ()) -> dict[str, int]:
    """Replace mentions, then the id and names as whole tokens, in every text column of every ordinary table."""
    patterns = mention_patterns(user_id, list(names))
    changed: dict[str, int] = {}
    for table in user_tables(db):
        if table in ("meta", "_sqlite_migrations"):
            continue
        for column in text_columns(db, table):
            found = {value for needle in (user_id, *names) for (value,) in db.execute(
                f'SELECT DISTINCT "{column}" FROM "{table}" WHERE instr(lower("{column}"), lower(?)) > 0', [needle])}
            for value in found:
                if not isinstance(value, str):
                    continue
                new = value
                for pattern, replacement in patterns:
                    new = pattern.sub(replacement, new)
                if new != value:
                    count = db.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE "{column}" = ?', [new, value]).rowcount
                    changed[table] = changed.get(table, 0) + count
    return changed


def occurrences(db: Database, user_id: str) -> list[str]:
    """`table.column` wherever the id is still stored as a whole token."""
    pattern = token(user_id)
    found = []
    for table in user_tables(db):
        if table in ("meta", "_sqlite_migrations"):
            continue
        for column in text_columns(db, table):
            values = db.execute(f'SELECT "{column}" FROM "{table}" WHERE instr(lower("{column}"), lower(?)) > 0',
                                [user_id])
            if any(isinstance(v, str) and pattern.search(v) for (v,) in values):
                found.append(f"{table}.{column}")
    return found


def scrub(db: Database) -> bool:
    """Rewrite the file without free pages and empty the WAL, so no old copy of a forgotten row stays
    in either. False when another process holds the database open (run it again once it stops)."""
    try:
        db.execute("VACUUM")
        busy, _, _ = db.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchone()
    except sqlite3.OperationalError:
        return False
    return busy == 0
