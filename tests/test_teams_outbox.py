"""Issue 11, point 9 on Teams: an idea saved but not posted is posted exactly once. A post carries its claim in a
hidden element of its card; a retry after an attempt that may have posted reads the channel back through Microsoft
Graph (the fake in tests/fake_teams.py) and records the card it finds instead of posting again. When Graph cannot
tell, nothing is posted blindly: the item waits, the poster hears why once, and the check is tried again."""

from __future__ import annotations

import dataclasses
import logging

import pytest

from bot.model import Actor, Draft, Origin
from bot.replies import IdeaCard
from bot.scheduler import run_due
from storage import ideas as store
from storage import outbox
from storage.db import write
from tests.teams_requests import IDEAS_CHANNEL

TEAM = "19:team-support@thread.tacv2"  # channelData.team.id: the team's thread id
GROUP = "8c1a4e2f-3b5d-4e6f-9a7b-1c2d3e4f5a6b"  # channelData.team.aadGroupId: what Graph calls the team


@pytest.fixture
def settings(settings, fake_teams):
    return dataclasses.replace(settings, graph_url=fake_teams.graph_url)


async def seen_in_ideas_channel(teams, fake_teams, with_group: bool = True) -> None:
    """Someone writes in the ideas channel: the activity says which team the channel is in."""
    fake_teams.team_groups[TEAM] = GROUP
    activity = teams.activity("message", "U7", f"{IDEAS_CHANNEL};messageid=1699000000001", "channel",
                              text="morning all", textFormat="plain")
    activity["channelData"]["team"] = {"id": TEAM, **({"aadGroupId": GROUP} if with_group else {})}
    assert (await teams.send(activity)).status == 200


def cards_in_ideas_channel(fake_teams, text: str) -> list:
    return [c for c in fake_teams.posts_to(IDEAS_CHANNEL) if text in c.text()]


def due_now(core) -> None:
    with write(core.db) as db:  # the backoff has passed
        db.execute("UPDATE outbox SET retry_at = '2000-01-01'")


async def submitted(teams, fake_teams, text: str) -> None:
    assert (await teams.message(f"idea {text}", channel=None)).status == 200
    await fake_teams.wait_for("send", where=lambda c: "could not be posted" in c.text(), timeout=10)


async def test_a_card_that_landed_though_teams_answered_504_is_found_not_posted_again(teams, fake_teams, core):
    await seen_in_ideas_channel(teams, fake_teams, with_group=False)
    fake_teams.fail("send", status=504, landed=True, conversation=IDEAS_CHANNEL)
    await submitted(teams, fake_teams, "Text customers their case number")
    landed = cards_in_ideas_channel(fake_teams, "Text customers")
    assert len(landed) == 1 and store.get_idea(core.db, 1).message_id is None  # not resent on a 504
    assert any(b.get("id", "").startswith("herobot-claim-") and b.get("isVisible") is False
               for b in landed[0].card()["body"])  # the claim rides in the card, hidden
    due_now(core)
    await run_due(core)
    assert store.get_idea(core.db, 1).message_id == landed[0].activity_id and outbox.waiting(core.db) == []
    assert len(cards_in_ideas_channel(fake_teams, "Text customers")) == 1
    graph = fake_teams.calls_to("graph")
    assert graph and graph[0].body["group"] == GROUP and graph[0].headers["Authorization"].startswith("Bearer ")
    assert fake_teams.calls_to("team")  # the group id was asked of the Bot Connector, once
    await fake_teams.wait_for("send", where=lambda c: "is posted now" in c.text())


async def test_a_crash_between_the_post_and_its_record_posts_exactly_once(teams, fake_teams, core):
    await seen_in_ideas_channel(teams, fake_teams)
    now = core.now()
    with write(core.db) as db:
        idea_id = store.insert_idea(db, Actor("teams", "aad-u9"), Draft(text="Callbacks \"<at>after</at>\" 5 min 🎉"),
                                    now)
        pending = outbox.add(db, "idea", idea_id, "teams", IDEAS_CHANNEL, Origin("teams", "aad-u9"), now, now)
    # the process that took it posted the card, then died before writing down the message id
    chat = core.chat("teams")
    landed = await chat.post_claimed(IDEAS_CHANNEL, IdeaCard(store.get_idea(core.db, idea_id)), pending.claim)
    fake_teams.messages[IDEAS_CHANNEL][:0] = [{"id": f"17{n:011d}", "attachments": []} for n in range(120)]  # busy
    due_now(core)
    await run_due(core)  # a restart's scheduler
    assert store.get_idea(core.db, idea_id).message_id == landed and outbox.waiting(core.db) == []
    assert len(cards_in_ideas_channel(fake_teams, "Callbacks")) == 1
    assert len(fake_teams.calls_to("graph")) == 3  # 50 + 50 + the page with the card


async def test_graph_refuses_403_so_nothing_is_reposted_and_the_poster_hears_once(teams, fake_teams, core, caplog):
    await seen_in_ideas_channel(teams, fake_teams)
    fake_teams.fail("send", status=502, landed=True, conversation=IDEAS_CHANNEL)
    fake_teams.fail("graph", status=403, times=2)
    await submitted(teams, fake_teams, "Print labels at the counter")
    caplog.set_level(logging.WARNING)
    for _ in range(2):
        due_now(core)
        await run_due(core)
    assert len(cards_in_ideas_channel(fake_teams, "Print labels")) == 1  # held, not posted blindly
    [(kind, _, attempts, error)] = outbox.waiting(core.db)
    assert attempts == 3 and error.startswith("cannot check for an earlier post")
    warnings = [r.getMessage() for r in caplog.records if "ChannelMessage.Read.Group" in r.getMessage()]
    assert len(warnings) == 1  # what is missing, said once
    held = await fake_teams.wait_for("send", where=lambda c: "cannot be checked" in c.text())
    assert len(held) == 1
    due_now(core)  # Graph is allowed again: the card is found, recorded, not posted again
    await run_due(core)
    assert outbox.waiting(core.db) == [] and store.get_idea(core.db, 1).message_id
    assert len(cards_in_ideas_channel(fake_teams, "Print labels")) == 1


async def test_without_a_known_team_the_item_waits_instead_of_being_posted_again(teams, fake_teams, core):
    fake_teams.fail("send", status=504, landed=True, conversation=IDEAS_CHANNEL)
    await submitted(teams, fake_teams, "Shorter hold music")
    due_now(core)
    await run_due(core)
    assert len(cards_in_ideas_channel(fake_teams, "Shorter hold music")) == 1
    assert [k for k, *_ in outbox.waiting(core.db)] == ["idea"] and fake_teams.calls_to("graph") == []


async def test_a_refusal_posted_nothing_so_the_retry_posts_without_asking_graph(teams, fake_teams, core):
    fake_teams.fail("send", status=403, conversation=IDEAS_CHANNEL)  # the bot is not in that channel yet
    await submitted(teams, fake_teams, "Self-service refunds")
    due_now(core)
    await run_due(core)
    assert outbox.waiting(core.db) == [] and fake_teams.calls_to("graph") == []
    assert len(cards_in_ideas_channel(fake_teams, "Self-service refunds")) == 1
    await fake_teams.wait_for("send", where=lambda c: "is posted now" in c.text())


async def test_a_card_the_connector_refuses_with_502s_is_posted_later_once(teams, fake_teams, core):
    await seen_in_ideas_channel(teams, fake_teams)
    fake_teams.fail("send", times=3, status=502, conversation=IDEAS_CHANNEL)
    await submitted(teams, fake_teams, "Text customers their case number")
    assert [k for k, *_ in outbox.waiting(core.db)] == ["idea"]
    for _ in range(3):
        due_now(core)
        await run_due(core)
    await fake_teams.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL and "Text customers" in c.text()
                              and c.activity_id)
    assert outbox.waiting(core.db) == [] and len(cards_in_ideas_channel(fake_teams, "Text customers")) == 1
    assert len(fake_teams.calls_to("graph")) == 3  # each retry looked first: a 502 may hide a post
    await fake_teams.wait_for("send", where=lambda c: "is posted now" in c.text())


async def test_in_a_group_chat_the_check_reads_the_chat_since_the_claim(teams, fake_teams, core):
    group_chat = "19:3f2a-crew@thread.v2"
    activity = teams.activity("message", "U3", group_chat, "groupChat", text="hi", textFormat="plain")
    assert (await teams.send(activity)).status == 200  # the chat's conversation reference
    chat = core.chat("teams")
    since = core.now()
    landed = await chat.post_claimed(group_chat, IdeaCard(_an_idea(core)), "c1a1m")
    assert await chat.find_claimed(group_chat, "c1a1m", since) == landed
    assert await chat.find_claimed(group_chat, "another-claim", since) is None
    query = fake_teams.calls_to("graph")[0].body["query"]
    assert query["$orderby"] == "lastModifiedDateTime desc" and query["$filter"].startswith("lastModifiedDateTime gt ")


def _an_idea(core):
    with write(core.db) as db:
        idea_id = store.insert_idea(db, Actor("teams", "aad-u3"), Draft(text="<!channel> Quiet hours 🤫"), core.now())
    return store.get_idea(core.db, idea_id)


def test_a_post_id_is_graphs_message_id_whatever_shape_the_connector_gives():
    from handlers.teams.graph import message_id_of

    assert message_id_of("1700000000123") == "1700000000123"  # a channel root post: Graph's id already
    assert message_id_of("19:ideas@thread.tacv2;messageid=1700000000123") == "1700000000123"


def test_only_a_refusal_counts_as_surely_not_posted():
    from bot.outbox import refused
    from handlers.teams.chat import NoConversation
    from handlers.teams.connector import ConnectorError

    assert refused(ConnectorError(403, "POST", "/v3")) and refused(ConnectorError(429, "POST", "/v3"))
    assert refused(NoConversation("never heard from Teams"))
    assert not any(refused(ConnectorError(status, "POST", "/v3")) for status in (0, 408, 500, 502, 504))
    assert not refused(TimeoutError())


async def test_a_problem_card_cut_short_by_a_crash_is_found_too(teams, fake_teams, core):
    from bot.model import ProblemDraft
    from bot.cards import problem_card as card
    from storage import problems as problem_store

    await seen_in_ideas_channel(teams, fake_teams)
    now = core.now()
    with write(core.db) as db:
        problem_id = problem_store.insert_problem(db, Actor("teams", "aad-u4"), ProblemDraft(
            tried="Reset a password", went_wrong="No e-mail <!here>"), now)
        pending = outbox.add(db, "problem", problem_id, "teams", IDEAS_CHANNEL, Origin("teams", "aad-u4"), now, now)
    problem = problem_store.get_problem(core.db, problem_id)
    landed = await core.chat("teams").post_claimed(IDEAS_CHANNEL, card(core, problem), pending.claim)
    due_now(core)
    await run_due(core)
    assert problem_store.get_problem(core.db, problem_id).message_id == landed and outbox.waiting(core.db) == []
    assert len(cards_in_ideas_channel(fake_teams, "Reset a password")) == 1


async def test_a_throttled_check_waits_for_graphs_retry_after(teams, fake_teams, core):
    from datetime import datetime, timedelta

    await seen_in_ideas_channel(teams, fake_teams)
    fake_teams.fail("send", status=504, landed=True, conversation=IDEAS_CHANNEL)
    fake_teams.fail("graph", status=429, retry_after="900")
    await submitted(teams, fake_teams, "Quieter printers")
    due_now(core)
    await run_due(core)
    retry_at = datetime.fromisoformat(core.db.execute("SELECT retry_at FROM outbox").fetchone()[0])
    assert retry_at >= core.now() + timedelta(seconds=880)  # not the 2 minutes backoff alone would give
    assert len(cards_in_ideas_channel(fake_teams, "Quieter printers")) == 1


async def test_the_check_stops_at_messages_older_than_the_claim(teams, fake_teams, core):
    await seen_in_ideas_channel(teams, fake_teams)
    old = "2026-01-05T09:00:00.000Z"
    fake_teams.messages[IDEAS_CHANNEL] = [{"id": f"16{n:011d}", "createdDateTime": old, "lastModifiedDateTime": old,
                                           "attachments": []} for n in range(200)]
    fake_teams.fail("send", status=502, conversation=IDEAS_CHANNEL)  # refused before it landed
    await submitted(teams, fake_teams, "Badge readers at the side door")
    due_now(core)
    await run_due(core)
    assert outbox.waiting(core.db) == [] and len(cards_in_ideas_channel(fake_teams, "Badge readers")) == 1
    assert len(fake_teams.calls_to("graph")) == 1  # one page of older messages: the card cannot be further back
