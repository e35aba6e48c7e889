"""With SLACK_APP_TOKEN the bot connects out over Socket Mode and answers the same commands."""

import asyncio

from bot.config import Settings
from handlers.web import create_app


async def test_socket_mode_receives_a_command_and_acks_it(aiohttp_client, fake_slack, db_path, config):
    settings = Settings(slack_bot_token="xoxb-test", slack_app_token="xapp-1-test", db_path=db_path,
                        slack_api_url=fake_slack.base_url + "/api/")
    client = await aiohttp_client(create_app(settings, config))
    await fake_slack.wait_for("apps.connections.open")

    fake_slack.push_envelope({
        "envelope_id": "env-1", "type": "slash_commands", "accepts_response_payload": True,
        "payload": {"command": "/idea", "text": "Sent over a socket", "user_id": "U1", "channel_id": "C1",
                    "team_id": "T1", "trigger_id": "t", "api_app_id": "A1"},
    })
    post = (await fake_slack.wait_for("chat.postMessage"))[0]
    assert "Sent over a socket" in post.text() and post.args["channel"] == "C0IDEAS"
    for _ in range(100):
        if any(ack.get("envelope_id") == "env-1" for ack in fake_slack.socket_acks):
            break
        await asyncio.sleep(0.02)
    assert any(ack.get("envelope_id") == "env-1" for ack in fake_slack.socket_acks)
    assert (await client.post("/slack/events", data=b"{}")).status == 401  # no signing secret: HTTP is closed
    await client.close()
