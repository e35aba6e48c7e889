"""A person's own data: `herobot export --user ID` and `herobot forget ID`.

Forgetting removes the person's votes and comments, pseudonymises what they decided (the
decision and its audit row stay, by `forgotten`), and keeps the ideas they posted for the
team with no author: named ideas become anonymous and no author key matches them any more.
"""

from __future__ import annotations

from sqlite_utils import Database

from bot.export import idea_record, use_record
from bot.platforms import names
from storage import box as box_store
from storage import ideas as store
from storage import privacy
from storage.db import write


def export_user(db: Database, user_id: str) -> dict:
    """Everything stored about one person, their anonymous ideas included (theirs to see)."""
    found = privacy.about(db, user_id, names())
    ideas = []
    for idea_id in found.pop("ideas_authored"):
        idea = store.get_idea(db, idea_id)
        record = idea_record(db, idea)
        record["author"] = user_id  # their own idea; anonymous ones are recognised by author_key
        record.pop("voters")  # other people's ids are not theirs to have; the count stays
        ideas.append(record)
    found.get("other", {}).pop("box_uses", None)  # listed as box_uses
    uses = [{"action": f"B{u.action_id}", **use_record(u)} for u in box_store.uses_of_user(db, user_id)]
    return {"user": user_id, "ideas": ideas, **found, "box_uses": uses}


def forget(db: Database, user_id: str) -> dict:
    """Remove the person from every table, in one transaction. Returns counts by table."""
    if not user_id.strip() or user_id == privacy.PSEUDONYM:
        raise ValueError("give the user id to forget, e.g. U0123ABCD")
    with write(db):
        uses = box_store.forget_uses(db, user_id)
        changed = {**privacy.forget(db, user_id, names()), "box_uses": uses}
    changed["file_scrubbed"] = privacy.scrub(db)
    return changed

