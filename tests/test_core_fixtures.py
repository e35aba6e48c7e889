"""The pyramid's base, used as every use-case test would: rules checked at the core with a recording chat.
(Also holds the fixture to its promises: a fresh migrated file per test, the clock the test sets.)"""

from datetime import timedelta

import pytest

from bot.errors import Refused
from bot.ideas import submit_idea, toggle_vote
from bot.model import Actor, Draft, Origin, Status
from bot.replies import IdeaCard
from storage import ideas as store
from tests.core_fixtures import START

STAFF = Origin("slack", "U1", "C0GENERAL")


async def test_an_idea_is_posted_to_the_ideas_channel_and_votes_refresh_its_card(use_case_core, recording_chat):
    idea, _ = await submit_idea(use_case_core, STAFF, Draft(text="Callbacks when the queue is long <!channel> 🎉"))
    await use_case_core.background.drain()
    [post] = recording_chat.posts
    assert post.to == "C0IDEAS" and isinstance(post.reply, IdeaCard) and post.reply.idea.id == idea.id
    assert store.get_idea(use_case_core.db, idea.id).message_id == post.message_id
    for voter in ("U2", "U3"):
        await toggle_vote(use_case_core, Actor("slack", voter), idea.id)
    await use_case_core.background.drain()
    assert recording_chat.updates[-1].reply.idea.votes == 2
    assert recording_chat.updates[-1].message_id == post.message_id


async def test_the_threshold_puts_an_idea_in_review_and_asks_its_manager(use_case_core, recording_chat):
    idea, _ = await submit_idea(use_case_core, STAFF, Draft(text="Self-service refunds"))
    for voter in ("U2", "U3", "U4"):  # CONFIG's threshold is 3
        await toggle_vote(use_case_core, Actor("slack", voter), idea.id)
    await use_case_core.background.drain()
    assert store.get_idea(use_case_core.db, idea.id).status == Status.IN_REVIEW
    assert "U0MGR1" in [d.to for d in recording_chat.directs]  # the manager is asked to decide


async def test_a_vote_on_no_idea_is_refused(use_case_core, recording_chat):
    with pytest.raises(Refused, match="There is no idea #7"):
        await toggle_vote(use_case_core, Actor("slack", "U5"), 7)
    assert recording_chat.sent == []


async def test_the_core_reads_the_clock_the_test_sets(use_case_core, core_clock):
    idea, _ = await submit_idea(use_case_core, STAFF, Draft(text="Shorter waits"))
    core_clock.advance(days=2)
    later, _ = await submit_idea(use_case_core, STAFF, Draft(text="Shorter waits, again"))
    assert idea.created_at == START and later.created_at == START + timedelta(days=2)


async def test_every_test_starts_on_an_empty_file_of_its_own(use_case_core, tmp_path):
    assert use_case_core.db.execute("SELECT count(*) FROM ideas").fetchone()[0] == 0
    assert (tmp_path / "herobot.db").exists()
