"""Teams conversation references and people, so proactive messages work after a restart.

Writes expect to run inside `storage.db.write`.
"""

from __future__ import annotations

from datetime import datetime

from sqlite_utils import Database

from bot.conversations import Person, Reference


def remember_conversation(db: Database, ref: Reference, at: datetime) -> None:
    db.execute(
        """
        INSERT INTO teams_conversations (conversation_id, service_url, tenant_id, bot_id, kind, updated_at)
        VALUES (?, ?, ?, ?, ?, ?)
        ON CONFLICT (conversation_id) DO UPDATE SET service_url = excluded.service_url,
            tenant_id = coalesce(excluded.tenant_id, tenant_id), bot_id = excluded.bot_id,
            kind = excluded.kind, updated_at = excluded.updated_at
        """,
        [ref.conversation_id, ref.service_url, ref.tenant_id, ref.bot_id, ref.kind, at.isoformat()],
    )


def remember_person(db: Database, person: Person, at: datetime) -> None:
    db.execute(
        """
        INSERT INTO teams_people (aad_object_id, teams_id, name, tenant_id, service_url, personal_conversation_id,
                                  updated_at)
        VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (aad_object_id) DO UPDATE SET teams_id = excluded.teams_id,
            name = coalesce(excluded.name, name), tenant_id = coalesce(excluded.tenant_id, tenant_id),
            service_url = excluded.service_url,
            personal_conversation_id = coalesce(excluded.personal_conversation_id, personal_conversation_id),
            updated_at = excluded.updated_at
        """,
        [person.aad_object_id, person.teams_id, person.name, person.tenant_id, person.service_url,
         person.personal_conversation_id, at.isoformat()],
    )


def set_personal_conversation(db: Database, aad_object_id: str, conversation_id: str) -> None:
    db.execute("UPDATE teams_people SET personal_conversation_id = ? WHERE aad_object_id = ?",
               [conversation_id, aad_object_id])


def conversation(db: Database, conversation_id: str) -> Reference | None:
    row = db.execute(
        "SELECT conversation_id, service_url, tenant_id, bot_id, kind FROM teams_conversations WHERE conversation_id = ?",
        [conversation_id],
    ).fetchone()
    return Reference(*row) if row else None


def latest_conversation(db: Database) -> Reference | None:
    """The most recently seen conversation: its serviceUrl, tenant and bot id serve one not seen yet."""
    row = db.execute(
        "SELECT conversation_id, service_url, tenant_id, bot_id, kind FROM teams_conversations "
        "ORDER BY updated_at DESC LIMIT 1"
    ).fetchone()
    return Reference(*row) if row else None


def person(db: Database, aad_object_id: str) -> Person | None:
    row = db.execute(
        "SELECT aad_object_id, teams_id, name, tenant_id, service_url, personal_conversation_id "
        "FROM teams_people WHERE aad_object_id = ?",
        [aad_object_id],
    ).fetchone()
    return Person(*row) if row else None


def names(db: Database, aad_object_ids: set[str]) -> dict[str, str]:
    if not aad_object_ids:
        return {}
    marks = ", ".join("?" for _ in aad_object_ids)
    rows = db.execute(f"SELECT aad_object_id, name FROM teams_people WHERE aad_object_id IN ({marks})",
                      list(aad_object_ids))
    return {aad: name for aad, name in rows if name}
