"""`herobot export`: the whole database as one JSON document, the backup and hand-over format.

Anonymous authors are never in it: their ideas carry `author: null` and nothing that
could lead back to them.
"""

from __future__ import annotations

from datetime import UTC

from sqlite_utils import Database

from bot.model import Idea
from storage import ideas as store


def export(db: Database) -> dict:
    return {"ideas": [idea_record(db, idea) for idea in store.all_ideas(db)]}


def idea_record(db: Database, idea: Idea) -> dict:
    return {
        "id": idea.id,
        "platform": idea.platform,
        "title": idea.title,
        "text": idea.text,
        "author": None if idea.anonymous else idea.author_id,
        "anonymous": idea.anonymous,
        "status": idea.status.value,
        "votes": idea.votes,
        "voters": store.voters(db, idea.id),
        "comments": idea.comments,
        "mission_goal": idea.mission_goal,
        "created_at": iso_utc(idea),
        "slack": _message_block(idea, "slack", "channel", "ts"),
        "teams": _message_block(idea, "teams", "conversation_id", "activity_id"),
    }


def iso_utc(idea: Idea) -> str:
    return idea.created_at.astimezone(UTC).isoformat().replace("+00:00", "Z")


def _message_block(idea: Idea, platform: str, channel_key: str, message_key: str) -> dict | None:
    if idea.platform != platform or not idea.message_id:
        return None
    return {channel_key: idea.channel_id, message_key: idea.message_id}
