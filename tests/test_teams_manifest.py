"""teams/manifest.json lists exactly the commands the Teams bot answers, for the bot the tests sign for."""

import json
from pathlib import Path

from handlers.teams.app import COMMANDS
from tests.teams_cards import shape_errors
from tests.teams_requests import APP_ID

ROOT = Path(__file__).parent.parent
MANIFEST = json.loads((ROOT / "teams" / "manifest.json").read_text())


def test_manifest_lists_exactly_the_registered_commands():
    bot = MANIFEST["bots"][0]
    listed = {c["title"] for lst in bot["commandLists"] for c in lst["commands"]}
    assert listed == {word for word, _ in COMMANDS}
    assert MANIFEST["manifestVersion"] == "1.30" and bot["botId"] == APP_ID


def test_manifest_icons_exist_and_channel_replies_reach_the_bot():
    for icon in MANIFEST["icons"].values():
        assert (ROOT / "teams" / icon).read_bytes().startswith(b"\x89PNG")
    rsc = {p["name"] for p in MANIFEST["authorization"]["permissions"]["resourceSpecific"]}
    assert "ChannelMessage.Read.Group" in rsc  # without it, thread replies without a mention never arrive


async def test_every_manifest_command_is_answered(teams, fake_teams):
    for word, _ in COMMANDS:
        assert (await teams.message(f"{word} help", channel=None)).status == 200
    await fake_teams.wait_for("send", count=len(COMMANDS))


def test_the_shape_check_catches_what_teams_would_refuse():
    assert shape_errors({"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "Input.Text", "id": "x"}]})
    assert shape_errors({"type": "AdaptiveCard", "version": "1.5", "actions": [{"type": "Action.Submit", "title": "t"}]})
    assert shape_errors({"type": "AdaptiveCard", "version": "1.5", "body": [{"type": "TextBlock", "text": "x" * 90_000}]})
