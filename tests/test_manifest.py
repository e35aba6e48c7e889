"""manifest.yml must match what the app answers: every command and event it lists is handled."""

import json
from pathlib import Path

import yaml

from handlers.slack.app import COMMANDS, EVENTS

MANIFEST = yaml.safe_load((Path(__file__).parent.parent / "manifest.yml").read_text())


def manifest_commands():
    return {c["command"] for c in MANIFEST["features"]["slash_commands"]}


def manifest_events():
    return {e.split(".")[0] for e in MANIFEST["settings"]["event_subscriptions"]["bot_events"]}


def test_manifest_lists_exactly_the_commands_and_events_the_app_registers():
    assert manifest_commands() == set(COMMANDS)
    assert manifest_events() == set(EVENTS)


async def test_every_manifest_command_is_answered_and_others_are_not(slack):
    for command in manifest_commands():
        response = await slack.command(command, "help")
        assert response.status == 200, command
    assert (await slack.command("/not-ours", "help")).status == 404


async def test_every_manifest_event_is_answered(slack, caplog):
    caplog.set_level("INFO")
    for event_type in manifest_events():
        event = {"type": event_type, "user": "U1", "reaction": "tada", "channel": "C1", "ts": "1.1", "text": "hi",
                 "item": {"type": "message", "channel": "C1", "ts": "1.1"}}
        assert (await slack.event(event)).status == 200, event_type
        assert f"ignored a Slack event_callback {event_type}" not in caplog.text  # a listener took it
    assert (await slack.event({"type": "channel_rename", "channel": {"id": "C1"}})).status == 200  # acked
    assert "ignored a Slack event_callback channel_rename" in caplog.text  # no listener took it


def test_manifest_urls_point_at_the_one_endpoint():
    urls = [c["url"] for c in MANIFEST["features"]["slash_commands"]]
    urls += [MANIFEST["settings"]["event_subscriptions"]["request_url"], MANIFEST["settings"]["interactivity"]["request_url"]]
    assert all(url.endswith("/slack/events") for url in urls), json.dumps(urls)


def test_readme_and_manifest_agree_on_socket_mode():
    readme = (Path(__file__).parent.parent / "README.md").read_text()
    text = (Path(__file__).parent.parent / "manifest.yml").read_text()
    assert MANIFEST["settings"]["socket_mode_enabled"] is False  # the key README tells admins to flip
    assert "change `settings.socket_mode_enabled`" in readme and "set settings.socket_mode_enabled to true" in text
    url_lines = [line for line in text.splitlines() if line.strip().startswith(("url:", "request_url:"))]
    assert len(url_lines) == 5 and "(five" in readme and "(five)" in text
