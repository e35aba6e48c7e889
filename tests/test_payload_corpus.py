"""Every payload in tests/payloads/ (written from the platforms' documented shapes; each file names its page)
goes through the real entry point after one idea with one comment exists; then what a user would see is checked."""

import itertools
import json
import re
from pathlib import Path

import pytest

from tests.conftest import export_of
from tests.teams_requests import BOT_ID, IDEAS_CHANNEL, TENANT, aad

CORPUS = Path(__file__).parent / "payloads"
SLACK_CASES = sorted(p.stem for p in (CORPUS / "slack").glob("*.json"))
TEAMS_CASES = sorted(p.stem for p in (CORPUS / "teams").glob("*.json"))
REPLY_TS, REPLY_ID = "1700000099.000001", "1699999990001"
_unique = itertools.count(1)


def load(platform: str, name: str, values: dict) -> tuple[dict, dict]:
    case = json.loads((CORPUS / platform / f"{name}.json").read_text(encoding="utf-8"))
    assert case["source"].startswith("https://") and case["note"]

    def value(match: re.Match) -> str:
        key = match.group(1)
        if key.startswith("AAD_"):
            return aad(key.removeprefix("AAD_"))
        return values[key]() if callable(values[key]) else values[key]

    text = re.sub(r"\{([A-Z][A-Z0-9_]*)\}", value, json.dumps(case["payload"]))
    return json.loads(text), case["expect"]


def check_store(expect: dict, db_path: str, core) -> None:
    ideas = export_of(db_path)["ideas"]
    first = next(i for i in ideas if i["id"] == 1)
    if "ideas" in expect:
        assert len(ideas) == expect["ideas"]
    if "comments" in expect:
        assert first["comments"] == expect["comments"]
    if "votes" in expect:
        assert first["votes"] == expect["votes"]
    if "comment_text" in expect:
        assert core.db.execute("SELECT text FROM comments ORDER BY id DESC").fetchone()[0] == expect["comment_text"]
    if "titles_include" in expect:
        assert expect["titles_include"] in [i["title"] for i in ideas]


@pytest.mark.parametrize("name", SLACK_CASES)
async def test_slack_payload(name, slack, fake_slack, db_path, core):
    await slack.command("/idea", "Self-service refunds under 20 EUR")
    post = (await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == "C0IDEAS"))[0]
    channel, ts = post.args["channel"], post.answer["ts"]
    await slack.reply("W222", channel, ts, "First comment", ts=REPLY_TS)
    await core.background.drain(timeout=30)
    before = len(fake_slack.calls)
    payload, expect = load("slack", name, {
        "EVENT_ID": lambda: f"EvCORPUS{next(_unique):06d}", "CHANNEL": channel, "IDEA_TS": ts, "REPLY_TS": REPLY_TS,
        "TRIGGER_ID": lambda: f"1337.42.corpus{next(_unique)}", "ACTION_TS": lambda: f"1700000400.{next(_unique):06d}",
        "RESPONSE_URL": lambda: fake_slack.response_url(f"corpus-{next(_unique)}")})
    if payload.get("type") in ("event_callback", "url_verification", "app_rate_limited"):
        response = await slack.post(json.dumps(payload).encode(), "application/json")
    else:
        response = await slack.interaction(payload)
    assert response.status == 200
    if "body_has" in expect:
        assert expect["body_has"] in await response.text()
    for method in expect.get("slack_calls", []):
        await fake_slack.wait_for(method)
    await core.background.drain(timeout=30)
    check_store(expect, db_path, core)
    for method in expect.get("no_slack_calls", []):
        assert method not in [c.method for c in fake_slack.calls[before:]]


@pytest.mark.parametrize("name", TEAMS_CASES)
async def test_teams_payload(name, teams, fake_teams, db_path, core):
    await teams.message("idea Self-service refunds under 20 EUR", channel=None)
    card = (await fake_teams.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL))[0].activity_id
    first = teams.activity("message", "U3", f"{IDEAS_CHANNEL};messageid={card}", "channel", text="First comment",
                           textFormat="plain", replyToId=card)
    first["id"] = REPLY_ID
    assert (await teams.send(first)).status == 200
    await core.background.drain(timeout=30)
    before = len(fake_teams.calls)
    activity, expect = load("teams", name, {
        "ACTIVITY_ID": str(1700000000000 + next(_unique)), "SERVICE_URL": fake_teams.service_url, "BOT_ID": BOT_ID,
        "TENANT": TENANT, "IDEAS_CHANNEL": IDEAS_CHANNEL, "CARD_ID": card, "REPLY_ID": REPLY_ID})
    response = await teams.send(activity)
    assert response.status == 200
    if "invoke_type" in expect:
        body = await response.json()
        assert body["type"] == expect["invoke_type"]
        if body["type"] == "application/vnd.microsoft.card.adaptive":
            teams.cards.add(body["value"])
    if "teams_send_to" in expect:
        await fake_teams.wait_for("send", where=lambda c: c.conversation == expect["teams_send_to"])
    if "teams_send_contains" in expect:
        await fake_teams.wait_for("send", where=lambda c: expect["teams_send_contains"] in c.text())
    if expect.get("private_answer"):
        await fake_teams.wait_for("send", where=lambda c: c.conversation.startswith("a:") and fake_teams.calls.index(c) >= before)
    await core.background.drain(timeout=30)
    check_store(expect, db_path, core)
    sends = [c for c in fake_teams.calls[before:] if c.kind == "send"]
    if expect.get("no_teams_sends"):
        assert sends == []
    if expect.get("private_answer"):
        assert all(c.conversation.startswith("a:") for c in sends)  # a private answer never lands in a shared one
    if "no_teams_sends_to" in expect:
        assert expect["no_teams_sends_to"] not in [c.conversation for c in sends]
    if "remembered" in expect:
        assert core.db.execute("SELECT kind FROM teams_conversations WHERE conversation_id = ?",
                               [expect["remembered"]]).fetchone() is not None


def test_every_kind_the_issue_lists_is_in_the_corpus():
    slack = {p.stem for p in (CORPUS / "slack").glob("*.json")}
    teams = {p.stem for p in (CORPUS / "teams").glob("*.json")}
    for needed in ("message_changed", "message_deleted", "message_thread_broadcast", "message_file_share",
                   "message_bot_message", "message_rich_text_mention", "enterprise_grid_org_install",
                   "slack_connect_reply", "reaction_added_message", "reaction_added_file", "app_home_opened_home",
                   "block_actions_message", "block_actions_ephemeral", "block_actions_modal",
                   "view_submission_idea_form", "view_closed"):
        assert needed in slack
    for needed in ("channel_post_mention", "thread_reply", "personal_message", "group_chat_mention",
                   "channel_post_without_conversation_type", "group_chat_without_conversation_type",
                   "thread_reply_starting_with_colleague", "channel_post_mention_midsentence", "message_reaction_like",
                   "message_update_edit", "message_delete", "invoke_action_execute_vote", "invoke_action_without_verb",
                   "legacy_action_submit", "conversation_update_team_install", "conversation_update_personal_install",
                   "installation_update_team", "installation_update_personal"):
        assert needed in teams
