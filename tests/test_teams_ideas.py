"""Ideas on Teams: post, form, vote (button and like), discuss, hero, proactive messages, retries."""

import asyncio

import pytest

from handlers.web import create_app
from storage.db import write
from tests.conftest import export_of
from tests.teams_requests import GENERAL_CHANNEL, IDEAS_CHANNEL, TENANT, aad


async def posted(teams, fake, text="Self-service refunds under 20 EUR", user="U1", **kwargs) -> str:
    """Post an idea; returns the activity id of its card in the ideas channel."""
    before = len(fake.calls_to("send", IDEAS_CHANNEL))
    assert (await teams.message(f"idea {text}", user=user, **kwargs)).status == 200
    card = (await fake.wait_for("send", count=before + 1, where=lambda c: c.conversation == IDEAS_CHANNEL))[-1]
    await fake.wait_for("send", where=lambda c: "is posted" in c.text() and c.conversation != IDEAS_CHANNEL)
    return card.activity_id


def idea_of(db_path, number=1):
    return next(i for i in export_of(db_path)["ideas"] if i["id"] == number)


def action_titles(card: dict) -> list[str]:
    return [a["title"] for a in card.get("actions", [])]


async def test_idea_is_posted_as_a_card_with_a_vote_button_and_the_author_gets_a_note(teams, fake_teams, db_path):
    message_id = await posted(teams, fake_teams)
    card = fake_teams.calls_to("send", IDEAS_CHANNEL)[0].card()
    assert card["version"] == "1.5" and "Self-service refunds under 20 EUR" in str(card)
    assert action_titles(card) == ["👍 Vote (0)"] and card["actions"][0]["type"] == "Action.Execute"
    assert "by Person U1" in str(card)

    # no private messages in a channel: the note goes to the author's personal chat, opened for the tenant
    opened = fake_teams.calls_to("create_conversation")[0]
    assert opened.body["members"] == [{"id": "29:U1"}] and opened.body["channelData"]["tenant"]["id"] == TENANT
    note = [c for c in fake_teams.calls_to("send") if "is posted" in c.text()][0]
    assert note.conversation == "a:personal-29:U1" and "teams.microsoft.com/l/message" in note.body["text"]

    exported = idea_of(db_path)
    assert exported["platform"] == "teams" and exported["author"] == aad("U1") and exported["slack"] is None
    assert exported["teams"] == {"conversation_id": IDEAS_CHANNEL, "activity_id": message_id}


async def test_commands_work_with_or_without_the_mention_and_in_a_personal_chat(teams, fake_teams, db_path):
    await teams.message("idea First", mention=False)
    await teams.message("IDEA Second", channel=None, mention=False)
    await fake_teams.wait_for("send", count=2, where=lambda c: c.conversation == IDEAS_CHANNEL)
    assert [i["title"] for i in export_of(db_path)["ideas"]] == ["First", "Second"]


async def test_anonymous_idea_shows_no_author_anywhere(teams, fake_teams, db_path):
    await posted(teams, fake_teams, "anon Stop asking for the order number twice", channel=None)
    card = fake_teams.calls_to("send", IDEAS_CHANNEL)[0]
    assert "by anonymous" in card.text() and "Person U1" not in card.text() and aad("U1") not in card.text()
    exported = idea_of(db_path)
    assert exported["author"] is None and exported["anonymous"] is True
    await teams.message("hero mine", channel=None)
    mine = (await fake_teams.wait_for("send", where=lambda c: "Your ideas" in c.text()))[0]
    assert "Stop asking" in mine.text()


async def test_idea_alone_sends_the_form_and_its_answers_post_the_idea(teams, fake_teams, db_path):
    await teams.message("idea")
    form = (await fake_teams.wait_for("send", where=lambda c: c.card() and "Share an idea" in c.text()))[0]
    assert form.conversation == "a:personal-29:U1"
    inputs = {i["id"]: i["label"] for i in form.card()["body"] if i["type"].startswith("Input.")}
    assert inputs == {"problem": "The customer problem", "root_cause": "Root cause", "solution": "Proposed solution",
                      "impact": "Expected customer impact", "mission_goal": "Mission goal it serves",
                      "anonymous": "Anonymity"}
    assert action_titles(form.card()) == ["Post idea"]

    response, answer = await teams.click("idea_form", {"problem": "Long holds", "solution": " ", "anonymous": "false"},
                                         conversation=form.conversation)
    errors = str(answer["value"])  # the form again, the answers kept, the error under its field
    assert response.status == 200 and "Describe the solution you propose." in errors and "Long holds" in errors
    assert export_of(db_path)["ideas"] == []

    response, answer = await teams.click("idea_form", {
        "problem": "Customers wait on hold for refunds", "solution": "Self-service refunds\nunder 20 EUR",
        "impact": "Fewer calls", "mission_goal": "Shorter waits", "anonymous": "true"}, conversation=form.conversation)
    assert "Your idea is saved" in str(answer["value"])
    await fake_teams.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL)
    exported = idea_of(db_path)
    assert exported["title"] == "Self-service refunds" and exported["anonymous"] and exported["mission_goal"] == "Shorter waits"


async def test_a_goal_not_offered_is_refused_next_to_its_field(teams, fake_teams, db_path):
    _, answer = await teams.click("idea_form", {"problem": "p", "solution": "s", "mission_goal": "World peace"},
                                  conversation="a:personal-29:U1")
    assert "Pick one of the listed mission goals." in str(answer["value"])
    assert export_of(db_path)["ideas"] == []


async def test_vote_button_refreshes_the_card_and_toggles(teams, fake_teams, db_path):
    message_id = await posted(teams, fake_teams)
    response, answer = await teams.click("vote", {"idea": 1}, user="U2", message_id=message_id)
    assert response.status == 200 and answer["type"] == "application/vnd.microsoft.card.adaptive"
    assert action_titles(answer["value"]) == ["👍 Vote (1)"] and "You voted for #1" in str(answer["value"])
    assert idea_of(db_path)["voters"] == [aad("U2")]

    update = (await fake_teams.wait_for("update"))[-1]  # everyone's copy follows
    assert update.conversation == IDEAS_CHANNEL and update.activity_id == message_id and "Vote (1)" in update.text()

    _, answer = await teams.click("vote", {"idea": 1}, user="U2", message_id=message_id)
    assert "Vote (0)" in str(answer["value"]) and "taken back" in str(answer["value"])
    assert idea_of(db_path)["votes"] == 0


async def test_like_reaction_is_a_vote_and_mixes_with_the_button(teams, fake_teams, db_path):
    message_id = await posted(teams, fake_teams)
    assert (await teams.reaction(True, message_id, user="U2")).status == 200
    assert (await teams.reaction(True, message_id, user="U3", kind="heart")).status == 200  # not a voting reaction
    assert idea_of(db_path)["voters"] == [aad("U2")]
    await teams.click("vote", {"idea": 1}, user="U2", message_id=message_id)  # toggles the whole vote off
    assert idea_of(db_path)["votes"] == 0
    await teams.reaction(True, message_id, user="U2")
    await teams.reaction(False, message_id, user="U2")
    assert idea_of(db_path)["votes"] == 0


async def test_a_redelivered_reaction_counts_once(teams, fake_teams, db_path):
    message_id = await posted(teams, fake_teams)
    await teams.reaction(True, message_id, user="U2", activity_id="r-1")
    await teams.reaction(False, message_id, user="U2", activity_id="r-2")
    await teams.reaction(True, message_id, user="U2", activity_id="r-1")  # the first one again
    assert idea_of(db_path)["votes"] == 0


async def test_vote_on_a_closed_idea_is_refused(teams, fake_teams, db_path, core):
    message_id = await posted(teams, fake_teams)
    with write(core.db) as db:
        db.execute("UPDATE ideas SET status = 'declined' WHERE id = 1")
    _, answer = await teams.click("vote", {"idea": 1}, user="U2", message_id=message_id)
    assert answer["type"] == "application/vnd.microsoft.activity.message" and "closed" in answer["value"]
    await teams.reaction(True, message_id, user="U3")
    note = (await fake_teams.wait_for("send", where=lambda c: "closed" in c.text()))[0]
    assert note.conversation == "a:personal-29:U3"
    assert idea_of(db_path)["votes"] == 0
    _, answer = await teams.click("vote", {"idea": 99}, user="U2")
    assert "no idea #99" in answer["value"]


async def test_replies_in_the_cards_thread_are_comments(teams, fake_teams, db_path):
    message_id = await posted(teams, fake_teams)
    assert (await teams.message("We tried this in 2022", user="U2", channel=IDEAS_CHANNEL, thread=message_id,
                                mention=False)).status == 200
    await teams.message("idea looks great", user="U3", channel=IDEAS_CHANNEL, thread=message_id, mention=False)
    await teams.message("Unrelated chatter", user="U2", channel=GENERAL_CHANNEL, thread="1234", mention=False)
    assert idea_of(db_path)["comments"] == 2 and len(export_of(db_path)["ideas"]) == 1
    update = (await fake_teams.wait_for("update", where=lambda c: "2 comments" in c.text(), timeout=5))[-1]
    assert update.activity_id == message_id
    await teams.message("hero show 1", channel=None, user="U4")
    shown = (await fake_teams.wait_for("send", where=lambda c: "We tried this in 2022" in c.text()))[0]
    assert "Person U2" in shown.text()


async def test_hero_commands(teams, fake_teams):
    await posted(teams, fake_teams, "Shorter hold music")
    await teams.message("hero top", channel=None)
    await teams.message("hero show twelve", channel=None)
    await teams.message("hero", channel=None)
    top = (await fake_teams.wait_for("send", where=lambda c: "Top ideas" in c.text()))[0]
    assert "Shorter hold music" in top.text()
    refused = (await fake_teams.wait_for("send", where=lambda c: "is not an idea number" in c.text()))[0]
    assert refused.conversation == "a:personal-29:U1"
    helped = (await fake_teams.wait_for("send", where=lambda c: "share ideas" in c.text()))[0]
    assert "`idea <text>`" in helped.body["text"] and "/idea" not in helped.body["text"]


async def test_installing_in_a_personal_chat_says_hello(teams, fake_teams):
    assert (await teams.installed("U5")).status == 200
    hello = (await fake_teams.wait_for("send"))[0]
    assert hello.conversation == "a:personal-29:U5" and "share ideas" in hello.text()
    assert fake_teams.calls_to("create_conversation") == []


async def test_throttled_and_unavailable_sends_are_retried(teams, fake_teams, db_path):
    fake_teams.fail("send", times=1, status=429, retry_after="1")
    fake_teams.fail("send", times=2, status=412)  # a 502 on an idea's card is not resent: it may have landed
    await teams.message("idea Retry me")
    posts = await fake_teams.wait_for("send", count=4, where=lambda c: c.conversation == IDEAS_CHANNEL, timeout=10)
    assert posts[1].at - posts[0].at >= 0.95  # Retry-After honoured
    assert idea_of(db_path)["teams"]["activity_id"] == posts[-1].activity_id


async def test_a_refused_send_is_not_retried_and_the_author_is_told(teams, fake_teams, db_path):
    fake_teams.fail("send", times=1, status=403)
    await teams.message("idea Not allowed there")
    note = (await fake_teams.wait_for("send", where=lambda c: "could not be posted" in c.text()))[0]
    assert note.conversation == "a:personal-29:U1"
    assert len(fake_teams.calls_to("send", IDEAS_CHANNEL)) == 1 and idea_of(db_path)["teams"] is None


async def test_conversation_references_survive_a_restart(aiohttp_client, teams, fake_teams, settings, config,
                                                         teams_tokens, db_path, app_client):
    await teams.message("hero help")  # the bot has now seen U1, the tenant and the serviceUrl
    await fake_teams.wait_for("send")
    await app_client.close()

    restarted = await aiohttp_client(create_app(settings, config, teams_tokens=teams_tokens))
    from handlers.web import CORE

    core = restarted.app[CORE]
    chat = core.chat("teams")
    await chat.send_direct(aad("U1"), __import__("bot.replies", fromlist=["Notice"]).Notice("Proactive hello"))
    sent = fake_teams.calls_to("send")[-1]
    assert sent.conversation == "a:personal-29:U1" and "Proactive hello" in sent.text()
    assert len(fake_teams.calls_to("create_conversation")) == 1  # opened once, remembered since
    await restarted.close()


@pytest.mark.paced
async def test_a_burst_of_likes_is_paced_and_the_last_count_lands(teams, fake_teams, db_path):
    message_id = await posted(teams, fake_teams)
    for n in range(8):
        await teams.reaction(True, message_id, user=f"V{n}")
    await asyncio.sleep(2.5)
    updates = fake_teams.calls_to("update")
    assert 1 <= len(updates) <= 3 and "8 votes" in updates[-1].text()


@pytest.mark.parametrize("where", ["channel", "thread", "group chat"])
async def test_anonymous_ideas_are_refused_outside_the_personal_chat_and_the_person_told_there(
        teams, fake_teams, db_path, where):
    text = "idea anon My manager ignores the queue"
    if where == "group chat":
        activity = teams.activity("message", "U1", "19:meeting-group@thread.v2", "groupChat", text=text,
                                  textFormat="plain")
        activity["entities"] = []  # in a group chat typed without a mention: still never posted
        response = await teams.send(activity)
    else:
        response = await teams.message(text, thread="1699000000001" if where == "thread" else None)
    assert response.status == 200
    note = (await fake_teams.wait_for("send", where=lambda c: "personal chat" in c.text()))[0]
    # a personal chat opened for them (by their AAD id: someone posting anonymously is not written down)
    assert note.conversation.startswith("a:personal-") and "nothing was posted" in note.text()
    assert export_of(db_path)["ideas"] == []
    assert fake_teams.calls_to("send", IDEAS_CHANNEL) == []


async def test_the_anonymous_box_of_a_form_is_refused_on_a_shared_card(teams, fake_teams, db_path):
    response, answer = await teams.click("idea_form", {"problem": "Long holds", "solution": "Callbacks",
                                                       "anonymous": "true"}, conversation=f"{IDEAS_CHANNEL}")
    assert response.status == 200 and "personal chat" in str(answer["value"]) and "Long holds" not in str(answer["value"])
    assert export_of(db_path)["ideas"] == []
