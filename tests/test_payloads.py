"""Bodies are parsed by herobot's rules before Bolt sees them: malformed ones are 400s, odd words are not."""

import json

from tests.conftest import export_of
from tests.slack_requests import sign


async def test_a_command_mentioning_payload_is_still_a_command(slack, fake_slack, db_path):
    # Bolt's own parser turns any form body containing "payload" into {} (an unhandled request)
    response = await slack.command("/idea", "Shrink the payload of the welcome e-mail")
    assert response.status == 200
    assert export_of(db_path)["ideas"][0]["title"] == "Shrink the payload of the welcome e-mail"


async def test_payloads_of_the_wrong_shape_are_400_and_change_nothing(slack, db_path):
    cases = [
        {"type": "event_callback", "event": {"type": "message", "channel": "C0IDEAS", "ts": "1.0",
                                             "thread_ts": "2.0", "user": "U2", "text": "no event id"}},
        {"type": "event_callback", "event_id": "Ev1", "event": {"type": "reaction_added", "user": "U2",
                                                                "reaction": "+1", "item": "not an object"}},
        {"type": "event_callback", "event_id": "Ev2", "event": {"type": "message", "channel": "C0IDEAS",
                                                                "ts": "1.0", "thread_ts": "2.0", "user": "U2", "text": 7}},
        {"type": "who_knows", "callback_id": None},  # not a kind Slack sends (a shortcut would be acked)
    ]
    for payload in cases:
        response = await slack.post(json.dumps(payload).encode(), "application/json")
        assert response.status == 400, payload
    view = {"type": "view_submission", "user": {"id": "U2"}, "view": {"callback_id": "idea_form", "state": []}}
    assert (await slack.interaction(view)).status == 400
    command = b"command=%2Fidea&text=no+user"
    response = await slack.client.post("/slack/events", data=command, headers={
        "Content-Type": "application/x-www-form-urlencoded", **sign(command)})
    assert response.status == 400
    assert export_of(db_path)["ideas"] == []


async def test_a_request_no_listener_handles_is_acked_and_its_body_stays_out_of_the_log(slack, caplog):
    caplog.set_level("DEBUG")
    response = await slack.event({"type": "pin_added", "user": "U2", "item": {"message": {"text": "private words"}}})
    assert response.status == 200  # anything else makes Slack retry and count failures toward disabling events
    assert "private words" not in caplog.text
    assert "pin_added" in caplog.text  # only the kind of request that had no listener is logged
