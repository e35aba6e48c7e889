"""A person's own data: `herobot export --user ID` and `herobot forget ID`.

Forgetting removes the person's votes and comments, pseudonymises what they decided (the
decision and its audit row stay, by `forgotten`), and keeps the ideas they posted for the
team with no author: named ideas become anonymous and no author key matches them any more.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.export import idea_record
from storage import ideas as store
from storage import privacy
from storage.db import write


def export_user(db: Database, user_id: str) -> dict:
    """Everything stored about one person, their anonymous ideas included (theirs to see)."""
    found = privacy.about(db, user_id)
    ideas = []
    for idea_id in found.pop("ideas_authored"):
        idea = store.get_idea(db, idea_id)
        record = idea_record(db, idea)
        record["author"] = user_id  # their own idea; anonymous ones are recognised by author_key
        record.pop("voters")  # other people's ids are not theirs to have; the count stays
        ideas.append(record)
    return {"user": user_id, "ideas": ideas, **found}


def forget(db: Database, user_id: str) -> dict:
    """Remove the person from every table, in one transaction. Returns counts by table."""
    if not user_id.strip() or user_id == privacy.PSEUDONYM:
        raise ValueError("give the user id to forget, e.g. U0123ABCD")
    with write(db):
        changed = privacy.forget(db, user_id)
    changed["file_scrubbed"] = privacy.scrub(db)
    return changed

