"""What Slack really sends: edits and deletions of thread replies, escaped text, payloads herobot does not handle,
and replays of a signed request."""

import json
import logging

from tests.conftest import export_of
from tests.slack_requests import sign
from tests.test_voting import posted_idea, settle

ROUND_TRIP = "a & b <tag> <@U1> <!here>"
AS_SLACK_SENDS = "a &amp; b &lt;tag&gt; <@U1> <!here>"  # Slack escapes &, < and > in message text


def changed(channel: str, thread_ts: str, ts: str, user: str, text: str, old: str) -> dict:
    """message_changed as the Events API documents it: the edited message whole, and the one before."""
    return {"type": "message", "subtype": "message_changed", "hidden": True, "channel": channel,
            "ts": "1700000200.000100", "channel_type": "channel",
            "message": {"type": "message", "user": user, "text": text, "ts": ts, "thread_ts": thread_ts,
                        "edited": {"user": user, "ts": "1700000200.000000"}},
            "previous_message": {"type": "message", "user": user, "text": old, "ts": ts, "thread_ts": thread_ts}}


def deleted(channel: str, thread_ts: str, ts: str, user: str = "U7") -> dict:
    return {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": channel,
            "ts": "1700000300.000100", "deleted_ts": ts, "channel_type": "channel",
            "previous_message": {"type": "message", "user": user, "text": "gone", "ts": ts, "thread_ts": thread_ts}}


async def test_an_edited_reply_updates_its_comment(slack, fake_slack, core):
    channel, ts = await posted_idea(slack, fake_slack)
    await slack.reply("U7", channel, ts, "First thought", ts="1700000099.000001")
    response = await slack.event(changed(channel, ts, "1700000099.000001", "U7", "Second thought &amp; more",
                                         "First thought"))
    assert response.status == 200
    shown = str(await (await slack.command("/hero", "show 1")).json())
    assert "Second thought &amp; more" in shown and "First thought" not in shown  # stored once-unescaped, shown escaped
    assert core.db.execute("SELECT text FROM comments").fetchone()[0] == "Second thought & more"


async def test_a_deleted_reply_leaves_the_count_show_and_export_and_the_card_follows(slack, fake_slack, db_path, core):
    channel, ts = await posted_idea(slack, fake_slack)
    await slack.reply("U7", channel, ts, "Soon gone", ts="1700000099.000001")
    await slack.reply("U8", channel, ts, "Stays", ts="1700000099.000002")
    assert "2 comments" in (await settle(core, fake_slack))[-1].text()
    assert (await slack.event(deleted(channel, ts, "1700000099.000001"))).status == 200
    assert export_of(db_path)["ideas"][0]["comments"] == 1
    shown = str(await (await slack.command("/hero", "show 1")).json())
    assert "Soon gone" not in shown and "Stays" in shown
    await fake_slack.wait_for("chat.update", where=lambda c: "1 comment" in c.text() and "2 comments" not in c.text())


async def test_edits_and_deletions_of_the_ideas_own_message_are_ignored(slack, fake_slack, db_path):
    channel, ts = await posted_idea(slack, fake_slack)
    await slack.reply("U7", channel, ts, "Kept", ts="1700000099.000001")
    bot_edit = {"type": "message", "subtype": "message_changed", "hidden": True, "channel": channel,
                "ts": "1700000200.1", "message": {"type": "message", "bot_id": "B1", "user": "UBOT", "text": "x",
                                                   "ts": ts, "thread_ts": ts}}
    assert (await slack.event(bot_edit)).status == 200
    parent = {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": channel,
              "ts": "1700000300.1", "deleted_ts": ts, "previous_message": {"type": "message", "bot_id": "B1",
                                                                            "text": "card", "ts": ts, "thread_ts": ts}}
    assert (await slack.event(parent)).status == 200
    [idea] = export_of(db_path)["ideas"]
    assert idea["comments"] == 1 and idea["slack"]["ts"] == ts


async def test_text_is_unescaped_once_on_the_way_in_and_escaped_once_on_the_way_out(slack, fake_slack, core):
    channel, ts = await posted_idea(slack, fake_slack)
    await slack.reply("U7", channel, ts, AS_SLACK_SENDS, ts="1700000099.000001")
    assert core.db.execute("SELECT text FROM comments").fetchone()[0] == ROUND_TRIP
    shown = await (await slack.command("/hero", "show 1")).json()
    comment = next(e["text"] for b in shown["blocks"] if b["type"] == "context" for e in b["elements"]
                   if "tag" in e["text"])
    assert comment.endswith("a &amp; b &lt;tag&gt; &lt;@U1&gt; &lt;!here&gt;")  # Slack shows: a & b <tag> <@U1> <!here>
    assert "&amp;amp;" not in json.dumps(shown) and "<!here>" not in json.dumps(shown)


async def test_command_text_is_unescaped_once(slack, fake_slack, db_path):
    await slack.command("/idea", "Refunds &amp; returns &lt;under 20 EUR&gt;")
    assert export_of(db_path)["ideas"][0]["title"] == "Refunds & returns <under 20 EUR>"


UNHANDLED = {
    "team_access_granted": {"type": "event_callback", "event_id": "EvTAG1", "team_id": "T1",
                            "event": {"type": "team_access_granted", "team_ids": ["T2", "T3"],
                                      "event_ts": "1700000000.1"}},
    "pin_added": {"type": "event_callback", "event_id": "EvPIN1", "team_id": "T1",
                  "event": {"type": "pin_added", "user": "U2", "channel_id": "C1",
                            "item": {"message": {"text": "private words"}}, "event_ts": "1700000000.2"}},
    "app_rate_limited": {"type": "app_rate_limited", "token": "legacy", "team_id": "T1",
                         "minute_rate_limited": 1518467820, "api_app_id": "A1"},
}
INTERACTIONS = {
    "view_closed": {"type": "view_closed", "team": {"id": "T1"}, "user": {"id": "U2"}, "api_app_id": "A1",
                    "is_cleared": False, "view": {"id": "V9", "type": "modal", "callback_id": "someone_elses",
                                                  "private_metadata": "", "state": {"values": {}}}},
    "foreign block_actions": {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U2"},
                              "api_app_id": "A1", "container": {"type": "message", "message_ts": "1.0",
                                                                "channel_id": "C0IDEAS"},
                              "channel": {"id": "C0IDEAS"}, "trigger_id": "1.2.3",
                              "actions": [{"type": "button", "action_id": "not_ours", "block_id": "b",
                                           "value": "private words", "action_ts": "1.1"}]},
    "shortcut": {"type": "shortcut", "token": "legacy", "callback_id": "not_ours", "trigger_id": "1.2.3",
                 "user": {"id": "U2"}, "team": {"id": "T1"}},
}


async def test_every_signed_delivery_herobot_does_not_handle_gets_a_200_and_is_logged_by_type_only(
        slack, db_path, caplog):
    caplog.set_level(logging.DEBUG)
    for payload in UNHANDLED.values():
        response = await slack.post(json.dumps(payload).encode(), "application/json")
        assert response.status == 200, payload
    for payload in INTERACTIONS.values():
        assert (await slack.interaction(payload)).status == 200, payload
    assert "private words" not in caplog.text
    assert "team_access_granted" in caplog.text and "view_closed" in caplog.text
    assert export_of(db_path)["ideas"] == []


async def test_a_replayed_signed_request_has_no_second_effect(slack, fake_slack, db_path):
    channel, ts = await posted_idea(slack, fake_slack)
    payload = {"type": "block_actions", "team": {"id": "T1"}, "user": {"id": "U2"}, "api_app_id": "A1",
               "container": {"type": "message", "message_ts": ts, "channel_id": channel},
               "channel": {"id": channel}, "message": {"ts": ts, "type": "message"}, "trigger_id": "1.2.3",
               "actions": [{"type": "button", "action_id": "idea_vote", "block_id": "b", "value": "1",
                            "action_ts": "1700000000.1"}]}
    from urllib.parse import urlencode

    body = urlencode({"payload": json.dumps(payload)}).encode()
    headers = {"Content-Type": "application/x-www-form-urlencoded", **sign(body)}
    first = await slack.client.post("/slack/events", data=body, headers=headers)
    replayed = await slack.client.post("/slack/events", data=body, headers=headers)
    assert first.status == 200 and 400 <= replayed.status < 500
    assert export_of(db_path)["ideas"][0]["votes"] == 1  # a replayed Vote does not toggle it back


async def test_the_same_typed_text_reads_the_same_on_slack_and_teams(slack, fake_slack, teams, fake_teams, core):
    channel, ts = await posted_idea(slack, fake_slack)
    await slack.reply("U7", channel, ts, AS_SLACK_SENDS, ts="1700000099.000001")
    await teams.message("idea Teams twin", channel=None)
    card = (await fake_teams.wait_for("send", where=lambda c: c.conversation == "19:ideas@thread.tacv2"))[0]
    # Teams sends HTML: typed characters arrive as entities; a typed <@U1> is text, not a mention entity
    await teams.message("<p>a &amp; b &lt;tag&gt; &lt;@U1&gt; &lt;!here&gt;</p>", user="U7",
                        channel="19:ideas@thread.tacv2", thread=card.activity_id, mention=False)
    stored = [r[0] for r in core.db.execute("SELECT text FROM comments ORDER BY idea_id")]
    assert stored == [ROUND_TRIP, ROUND_TRIP]
    slack_shown = str(await (await slack.command("/hero", "show 1")).json())
    assert "a &amp; b &lt;tag&gt; &lt;@U1&gt; &lt;!here&gt;" in slack_shown  # Slack displays: a & b <tag> <@U1> <!here>
    await teams.message("hero show 2", channel=None, user="U4")
    teams_shown = (await fake_teams.wait_for("send", where=lambda c: "<tag>" in c.text()))[0]
    assert ROUND_TRIP in teams_shown.text()  # a TextRun: shown literally


async def test_a_deletion_naming_only_channel_and_ts_removes_the_comment(slack, fake_slack, db_path):
    channel, ts = await posted_idea(slack, fake_slack)
    await slack.reply("U7", channel, ts, "Soon gone", ts="1700000099.000001")
    bare = {"type": "message", "subtype": "message_deleted", "hidden": True, "channel": channel,
            "ts": "1700000300.000100", "deleted_ts": "1700000099.000001", "event_ts": "1700000300.000100"}
    assert (await slack.event(bare)).status == 200  # the shape of Slack's own example
    assert export_of(db_path)["ideas"][0]["comments"] == 0
    card = {**bare, "deleted_ts": ts}
    assert (await slack.event(card)).status == 200  # the idea's own message: nothing happens
    assert len(export_of(db_path)["ideas"]) == 1


def test_finding_a_comment_by_its_message_id_uses_an_index(tmp_path):
    from storage.db import open_database

    db = open_database(tmp_path / "plan.db")
    plan = " ".join(str(row) for row in db.execute(
        "EXPLAIN QUERY PLAN SELECT i.id FROM comments c CROSS JOIN ideas i ON c.idea_id = i.id "
        "WHERE c.message_id = ? AND i.platform = ? AND i.channel_id = ?", ["1", "slack", "C1"]))
    db.close()
    assert "comments_by_message" in plan and "SCAN" not in plan
