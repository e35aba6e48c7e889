"""Everything stored about one person: find it, or forget it. Writes run inside `storage.db.write`.

Known tables get explicit rules; every other table is searched too (by exact value for an
export, by whole-token text for forgetting), so a table added later cannot silently keep an id.
"""

from __future__ import annotations

import re
import secrets

from sqlite_utils import Database

from bot.config import PLATFORMS
from bot.model import Actor
from storage.ideas import author_key

PSEUDONYM = "forgotten"
# Tables whose rows are handled by name below, or that hold no person's data.
KNOWN = {"ideas", "votes", "vote_marks", "comments", "decisions", "audit", "meta", "processed_events",
         "_sqlite_migrations"}


def token(user_id: str) -> re.Pattern:
    """The id as a whole token: `U1` matches in `<@U1>` but not in `U10`."""
    return re.compile(rf"(?<![A-Za-z0-9]){re.escape(user_id)}(?![A-Za-z0-9])")


def author_keys(db: Database, user_id: str) -> list[str]:
    """The person's author key on every platform ideas came from (the shell's included)."""
    platforms = {*PLATFORMS, *(r[0] for r in db.execute("SELECT DISTINCT platform FROM ideas"))}
    return [author_key(db, Actor(platform, user_id)) for platform in sorted(platforms)]


def _rows(db: Database, sql: str, params: list) -> list[dict]:
    cursor = db.execute(sql, params)
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _placeholders(values: list) -> str:
    return ", ".join("?" for _ in values)


def authored_idea_ids(db: Database, user_id: str) -> list[int]:
    keys = author_keys(db, user_id)
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


def about(db: Database, user_id: str) -> dict:
    """Everything stored about `user_id`, their anonymous ideas included."""
    ideas = authored_idea_ids(db, user_id)
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


def forget(db: Database, user_id: str) -> dict:
    """Remove the person's ids and words. Returns what changed, by table."""
    changed: dict[str, int] = {}
    ideas = authored_idea_ids(db, user_id)
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
    # Audit rows are never changed, except this: the who of a forgotten person. The guard
    # triggers are lifted and put back inside the same transaction.
    guards = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND sql LIKE '%RAISE(%'").fetchall()
    for name, _ in guards:
        db.execute(f'DROP TRIGGER "{name}"')
    try:
        for table, count in replace_everywhere(db, user_id).items():
            changed[table] = changed.get(table, 0) + count
    finally:
        for _, sql in guards:
            db.execute(sql)
    left = occurrences(db, user_id)
    if left:
        raise LookupError(f"{user_id} is still stored in {', '.join(left)}; nothing was changed")
    return changed


def replace_everywhere(db: Database, user_id: str) -> dict[str, int]:
    """Replace the id as a whole token in every text column of every ordinary table with rowids."""
    pattern = token(user_id)
    changed: dict[str, int] = {}
    for table in user_tables(db):
        if table in ("meta", "_sqlite_migrations"):
            continue
        has_rowid = db.execute("SELECT sql FROM sqlite_master WHERE name = ?", [table]).fetchone()[0]
        if "WITHOUT ROWID" in has_rowid.upper():
            continue
        for column in text_columns(db, table):
            rows = db.execute(f'SELECT rowid, "{column}" FROM "{table}" WHERE instr("{column}", ?) > 0',
                              [user_id]).fetchall()
            for rowid, value in rows:
                if isinstance(value, str) and pattern.search(value):
                    db.execute(f'UPDATE "{table}" SET "{column}" = ? WHERE rowid = ?',
                               [pattern.sub(PSEUDONYM, value), rowid])
                    changed[table] = changed.get(table, 0) + 1
    return changed


def occurrences(db: Database, user_id: str) -> list[str]:
    """`table.column` wherever the id is still stored as a whole token."""
    pattern = token(user_id)
    found = []
    for table in user_tables(db):
        if table in ("meta", "_sqlite_migrations"):
            continue
        for column in text_columns(db, table):
            values = db.execute(f'SELECT "{column}" FROM "{table}" WHERE instr("{column}", ?) > 0', [user_id])
            if any(isinstance(v, str) and pattern.search(v) for (v,) in values):
                found.append(f"{table}.{column}")
    return found
