"""Voting with reactions and the Vote button: one vote per person, counts kept right, paced updates."""

import asyncio
import time

import pytest

from storage.db import write
from tests.conftest import export_of


async def posted_idea(slack, fake, text="Self-service refunds under 20 EUR"):
    await slack.command("/idea", text)
    post = (await fake.wait_for("chat.postMessage"))[-1]
    await fake.wait_for("note", count=len(fake.calls_to("chat.postMessage")))
    return post.args["channel"], post.answer["ts"]


def idea_of(db_path, number=1):
    return next(i for i in export_of(db_path)["ideas"] if i["id"] == number)


async def settle(core, fake, method="chat.update"):
    """Wait until the app's background work (refreshes included) is done; the calls to `method` so far."""
    await fake.wait_for(method)
    await core.background.drain(timeout=30)
    return fake.calls_to(method)


async def test_reaction_adds_and_removing_the_last_reaction_removes_the_vote(slack, fake_slack, db_path, core):
    channel, ts = await posted_idea(slack, fake_slack)
    assert (await slack.reaction(True, "U2", channel, ts, "+1")).status == 200
    assert (await slack.reaction(True, "U2", channel, ts, "thumbsup")).status == 200
    assert idea_of(db_path)["votes"] == 1 and idea_of(db_path)["voters"] == ["U2"]

    await slack.reaction(False, "U2", channel, ts, "+1")
    assert idea_of(db_path)["votes"] == 1
    await slack.reaction(False, "U2", channel, ts, "thumbsup")
    assert idea_of(db_path)["votes"] == 0

    updates = await settle(core, fake_slack)
    assert "0 votes" in updates[-1].text()


async def test_skin_tone_counts_and_other_reactions_are_ignored(slack, fake_slack, db_path):
    channel, ts = await posted_idea(slack, fake_slack)
    await slack.reaction(True, "U2", channel, ts, "+1::skin-tone-4")
    await slack.reaction(True, "U3", channel, ts, "tada")
    assert idea_of(db_path)["voters"] == ["U2"]


async def test_vote_button_toggles_and_mixes_with_reactions(slack, fake_slack, db_path, core):
    channel, ts = await posted_idea(slack, fake_slack)
    await slack.click("idea_vote", "1", user="U2", message_ts=ts)
    assert idea_of(db_path)["voters"] == ["U2"]
    note = (await fake_slack.wait_for("note", count=2))[-1]
    assert "You voted for #1" in note.args["text"] and note.args["response_type"] == "ephemeral"

    await slack.reaction(True, "U2", channel, ts, "+1")  # same person, second way: still one vote
    assert idea_of(db_path)["votes"] == 1

    await slack.click("idea_vote", "1", user="U2", message_ts=ts)  # toggles the vote off entirely
    assert idea_of(db_path)["votes"] == 0
    await slack.click("idea_vote", "1", user="U2", message_ts=ts)
    await slack.click("idea_vote", "1", user="U3", message_ts=ts)
    assert sorted(idea_of(db_path)["voters"]) == ["U2", "U3"]

    updates = await settle(core, fake_slack)
    last = updates[-1]
    assert last.args["channel"] == channel and last.args["ts"] == ts
    assert "2 votes" in last.text() and "Vote (2)" in last.text()


async def test_vote_on_a_closed_idea_is_refused(slack, fake_slack, db_path, core):
    channel, ts = await posted_idea(slack, fake_slack)
    with write(core.db) as db:
        db.execute("UPDATE ideas SET status = 'declined' WHERE id = 1")

    await slack.click("idea_vote", "1", user="U2", message_ts=ts)
    note = (await fake_slack.wait_for("note", count=2))[-1]
    assert "declined" in note.args["text"] and "closed" in note.args["text"]

    await slack.reaction(True, "U3", channel, ts, "+1")
    ephemeral = (await fake_slack.wait_for("chat.postEphemeral"))[0]
    assert ephemeral.args["user"] == "U3" and "closed" in ephemeral.text()
    assert idea_of(db_path)["votes"] == 0


async def test_vote_on_an_unknown_idea_gets_a_clear_note(slack, fake_slack):
    await slack.click("idea_vote", "999", user="U2")
    note = (await fake_slack.wait_for("note"))[0]
    assert "no idea #999" in note.args["text"]


async def test_reaction_on_a_message_that_is_not_an_idea_is_ignored(slack, fake_slack, db_path):
    await posted_idea(slack, fake_slack)
    response = await slack.reaction(True, "U2", "C0IDEAS", "1600000000.000001", "+1")
    assert response.status == 200
    assert idea_of(db_path)["votes"] == 0
    await asyncio.sleep(0.2)
    assert fake_slack.calls_to("chat.update") == []


@pytest.mark.paced
async def test_a_burst_of_votes_updates_the_message_at_most_once_a_second(slack, fake_slack, db_path, core):
    channel, ts = await posted_idea(slack, fake_slack)
    started = time.monotonic()
    for n in range(12):
        await slack.reaction(True, f"UV{n}", channel, ts, "+1")
        await asyncio.sleep(0.1)
    updates = await settle(core, fake_slack)
    span = updates[-1].at - started
    assert len(updates) <= int(span) + 1
    gaps = [b.at - a.at for a, b in zip(updates, updates[1:])]
    assert all(gap >= 0.95 for gap in gaps), gaps
    assert "12 votes" in updates[-1].text()
    assert idea_of(db_path)["votes"] == 12


@pytest.mark.paced
async def test_rate_limited_update_is_retried_and_the_final_count_lands(slack, fake_slack):
    channel, ts = await posted_idea(slack, fake_slack)
    fake_slack.fail("chat.update", times=2, status=429, retry_after=1)
    await slack.reaction(True, "U2", channel, ts, "+1")
    updates = await fake_slack.wait_for("chat.update", count=3, timeout=10)
    assert "1 vote" in updates[-1].text()
