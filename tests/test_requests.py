"""What reaches /slack/events but must not act: bad signatures, redeliveries, failed writes."""

import json
import time

import pytest

from tests.conftest import export_of
from tests.slack_requests import sign
from tests.test_voting import idea_of, posted_idea

IDEA_FORM = b"command=%2Fidea&text=sneaky&user_id=U6&channel_id=C1&trigger_id=t&team_id=T1&response_url=http%3A%2F%2F127.0.0.1%3A9%2Fr"


async def send(app_client, body: bytes, headers: dict):
    return await app_client.post("/slack/events", data=body,
                                 headers={"Content-Type": "application/x-www-form-urlencoded", **headers})


BAD_HEADERS = {  # built when the test runs: timestamps are relative to now
    "unsigned": lambda: {},
    "wrong secret": lambda: sign(IDEA_FORM, secret="not-the-secret"),
    "stale by 301 s": lambda: sign(IDEA_FORM, timestamp=int(time.time()) - 301),
    "future by 301 s": lambda: sign(IDEA_FORM, timestamp=int(time.time()) + 301),
    "non-numeric timestamp": lambda: {**sign(IDEA_FORM), "X-Slack-Request-Timestamp": "yesterday"},
    "5,000-digit timestamp": lambda: {**sign(IDEA_FORM), "X-Slack-Request-Timestamp": "9" * 5000},
    "negative timestamp": lambda: {**sign(IDEA_FORM), "X-Slack-Request-Timestamp": "-1"},
    "signature without v0": lambda: {**sign(IDEA_FORM), "X-Slack-Signature": "deadbeef"},
    "non-ASCII signature": lambda: {"X-Slack-Request-Timestamp": str(int(time.time())),
                                    "X-Slack-Signature": "v0=ü" + "a" * 63},
    "signature of another body": lambda: sign(IDEA_FORM + b"x"),
}


@pytest.mark.parametrize("case", BAD_HEADERS)
async def test_bad_signatures_get_401_and_change_nothing(app_client, fake_slack, db_path, case):
    headers = {k: v.encode("utf-8").decode("latin-1") for k, v in BAD_HEADERS[case]().items()}
    response = await send(app_client, IDEA_FORM, headers)
    assert response.status == 401
    assert export_of(db_path)["ideas"] == []
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_a_flipped_body_byte_is_refused(app_client, db_path):
    headers = sign(IDEA_FORM)
    tampered = IDEA_FORM.replace(b"sneaky", b"sneakz")
    assert (await send(app_client, tampered, headers)).status == 401
    assert export_of(db_path)["ideas"] == []


async def test_timestamps_inside_the_window_are_accepted(app_client, fake_slack):
    for skew in (-299, 299):
        response = await send(app_client, IDEA_FORM, sign(IDEA_FORM, timestamp=int(time.time()) + skew))
        assert response.status == 200


async def test_malformed_payload_with_a_good_signature_is_a_4xx(app_client, db_path):
    for body, kind in ((b"payload=%7Bnot-json", "application/x-www-form-urlencoded"),
                       (b"\xff\xfe\x00", "application/json"),
                       (json.dumps({"type": "who_knows"}).encode(), "application/json")):
        response = await app_client.post("/slack/events", data=body, headers={"Content-Type": kind, **sign(body)})
        assert 400 <= response.status < 500, (body, response.status)
    assert export_of(db_path)["ideas"] == []


async def test_url_verification_challenge_is_answered(slack):
    body = json.dumps({"type": "url_verification", "challenge": "c-123", "token": "legacy"}).encode()
    response = await slack.post(body, "application/json")
    assert response.status == 200 and "c-123" in await response.text()


async def test_the_same_event_delivered_again_changes_nothing(slack, fake_slack, db_path):
    channel, ts = await posted_idea(slack, fake_slack)
    await slack.reaction(True, "U2", channel, ts, event_id="EvADD")
    await slack.reaction(False, "U2", channel, ts, event_id="EvREMOVE")
    for retry in (None, 1, 2, 3):  # the add arrives again after the remove: still no vote
        assert (await slack.reaction(True, "U2", channel, ts, event_id="EvADD", retry=retry)).status == 200
    assert idea_of(db_path)["votes"] == 0


async def test_failed_write_answers_non_2xx_to_events_and_tells_the_user(slack, fake_slack, db_path, core):
    channel, ts = await posted_idea(slack, fake_slack)
    core.db.execute("CREATE TRIGGER full_disk BEFORE INSERT ON votes BEGIN SELECT RAISE(ABORT, 'disk is full'); END")

    response = await slack.reaction(True, "U2", channel, ts, event_id="EvFAIL")
    assert response.status >= 500  # Slack will deliver it again
    note = (await fake_slack.wait_for("chat.postEphemeral"))[0]
    assert note.args["user"] == "U2" and "try again" in note.text()

    core.db.execute("DROP TRIGGER full_disk")
    assert (await slack.reaction(True, "U2", channel, ts, event_id="EvFAIL", retry=1)).status == 200
    assert idea_of(db_path)["votes"] == 1  # the redelivery is not mistaken for a duplicate


async def test_failed_write_on_a_command_or_click_says_try_again(slack, fake_slack, db_path, core):
    await posted_idea(slack, fake_slack)
    core.db.execute("CREATE TRIGGER full_disk BEFORE INSERT ON ideas BEGIN SELECT RAISE(ABORT, 'disk is full'); END")
    core.db.execute("CREATE TRIGGER full_disk2 BEFORE INSERT ON votes BEGIN SELECT RAISE(ABORT, 'disk is full'); END")

    body = await (await slack.command("/idea", "Will not be saved")).json()
    assert "try again" in body["text"]
    await slack.click("idea_vote", "1", user="U2")
    note = (await fake_slack.wait_for("note", count=2))[-1]
    assert "try again" in note.args["text"]
    ideas = export_of(db_path)["ideas"]
    assert len(ideas) == 1 and ideas[0]["votes"] == 0


async def test_healthz(app_client):
    response = await app_client.get("/healthz")
    assert response.status == 200
