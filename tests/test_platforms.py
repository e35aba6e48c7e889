"""The platform registry and the composition root: a platform is one package that registers what it offers,
and config, `herobot check`, `digest --platform`, the web routes and the export pick it up from there."""

import contextlib
import dataclasses
import json
from datetime import UTC, datetime

import pytest
from aiohttp import web

from bot import bootstrap, platforms
from bot.cli import main
from bot.config import Config, ConfigError, Settings
from bot.core import Core
from bot.export import export
from bot.model import Actor, Draft
from bot.platforms import Platform
from handlers.web import create_app
from storage import ideas as store
from storage.db import open_database, write
from tests.core_fixtures import RecordingChat

NOW = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)
ROOM = RecordingChat("matrix")  # the made-up platform's chat port: every core it is plugged into records here


@contextlib.asynccontextmanager
async def room_chat(wiring):
    yield ROOM


@contextlib.asynccontextmanager
async def serving(wiring):
    """Plugs the platform into the core and yields its endpoint, as handlers/<platform>/app.py does."""
    wiring.core.connect(ROOM)

    async def endpoint(request):
        return web.json_response({"served": "matrix", "chats": sorted(wiring.core.chats)})

    yield endpoint


async def homeserver_check(settings, config, overrides):
    return [(True, f"the homeserver answers; rooms: {', '.join(sorted(v for (p, _), v in config.channels.items() if p == 'matrix'))}")]


MATRIX = Platform(
    name="matrix", title="Matrix", credentials="MATRIX_TOKEN", turn_on="MATRIX_TOKEN",
    not_configured="not configured (MATRIX_TOKEN is not set)",
    enabled=lambda settings: settings.db_path.endswith("on.db"), can_send=lambda settings: True,
    describe=lambda settings: "MATRIX_TOKEN set", config_keys=("homeserver",), export_keys=("room", "event"),
    route="/matrix/events", serve=serving, standalone_chat=room_chat, check=homeserver_check,
)


@pytest.fixture
def matrix(monkeypatch):
    """The made-up platform, registered for one test as its package would register it."""
    platforms.registered()  # the real ones first
    monkeypatch.setitem(platforms._registry, "matrix", MATRIX)
    ROOM.clear()
    return MATRIX


def test_the_platforms_are_the_registered_packages():
    assert platforms.names() == ("slack", "teams")
    for platform in platforms.registered():
        assert platform.route and platform.serve and platform.standalone_chat and platform.check


def test_a_registered_platform_has_its_config_section(tmp_path, matrix):
    path = tmp_path / "herobot.toml"
    path.write_text('[matrix]\nideas_channel = "!ideas:example.org"\nhomeserver = "https://m.example.org"\n'
                    '[slack]\nideas_channel = "C1"\n', encoding="utf-8")
    config = Config.load(path, strict=True)
    assert config.channel("matrix", "ideas") == "!ideas:example.org" and config.channel("slack", "ideas") == "C1"
    path.write_text('[matrix]\nhomserver = "https://m.example.org"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown key \[matrix\] homserver; did you mean homeserver\?"):
        Config.load(path, strict=True)


def test_an_unregistered_platform_is_an_unknown_section(tmp_path):
    path = tmp_path / "herobot.toml"
    path.write_text('[matrix]\nideas_channel = "!ideas:example.org"\n', encoding="utf-8")
    with pytest.raises(ConfigError, match=r"unknown section \[matrix\]"):
        Config.load(path, strict=True)


def test_the_export_has_a_message_field_per_registered_platform(tmp_path, matrix):
    db = open_database(tmp_path / "export.db")
    with write(db):
        idea_id = store.insert_idea(db, Actor("matrix", "@ann:example.org"), Draft(text="Quieter hold music"), NOW)
        store.set_idea_message(db, idea_id, "!ideas:example.org", "$event1")
    [idea] = export(db)["ideas"]
    assert idea["matrix"] == {"room": "!ideas:example.org", "event": "$event1"}
    assert idea["slack"] is None and idea["teams"] is None
    assert list(idea).index("slack") < list(idea).index("teams") < list(idea).index("matrix")


def test_check_and_digest_send_reach_a_registered_platform(tmp_path, monkeypatch, capsys, matrix):
    config = tmp_path / "herobot.toml"
    config.write_text('[matrix]\nideas_channel = "!ideas:example.org"\n', encoding="utf-8")
    monkeypatch.setenv("HEROBOT_CONFIG", str(config))
    monkeypatch.setenv("HEROBOT_DB", str(tmp_path / "cli.db"))
    for name in ("SLACK_BOT_TOKEN", "MICROSOFT_APP_ID", "HEROBOT_TEAMS_ANONYMOUS"):
        monkeypatch.delenv(name, raising=False)

    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert "[matrix] ideas_channel = !ideas:example.org; MATRIX_TOKEN set" in out
    assert "Matrix: ✓ the homeserver answers; rooms: !ideas:example.org" in out
    assert "Slack: ✓ not configured (SLACK_BOT_TOKEN is not set)" in out

    assert main(["digest", "--send", "--platform", "matrix"]) == 0
    assert [(p.to, type(p.reply).__name__) for p in ROOM.posts] == [("!ideas:example.org", "WeeklyDigest")]
    assert "The digest is posted to !ideas:example.org on matrix." in capsys.readouterr().out


async def test_the_web_app_serves_each_registered_platforms_route(tmp_path, aiohttp_client, matrix):
    off = await aiohttp_client(create_app(Settings(db_path=str(tmp_path / "off.db")), Config()))
    response = await off.post("/matrix/events", data=json.dumps({}))
    assert response.status == 404
    assert await response.json() == {"error": "Matrix is not configured on this server"}
    assert await (await off.post("/slack/events", data="")).json() == {"error": "Slack is not configured on this server"}

    on = await aiohttp_client(create_app(Settings(db_path=str(tmp_path / "on.db")), Config()))
    response = await on.post("/matrix/events", data=json.dumps({}))
    assert response.status == 200 and await response.json() == {"served": "matrix", "chats": ["matrix"]}


def test_a_core_connects_a_chat_only_with_an_injected_card_refresher(tmp_path):
    db = open_database(tmp_path / "core.db")
    with pytest.raises(RuntimeError, match="bot.bootstrap"):
        Core(db=db, config=Config()).connect(ROOM)
    core = bootstrap.new_core(db, Config())
    core.connect(ROOM)
    assert core.refresh_card is bootstrap.update_card and "matrix" in core.refreshers


def test_a_platform_with_reactions_of_its_own_says_which_count_as_a_vote(monkeypatch, matrix):
    config = Config.from_dict({"voting": {"reactions": [":star:"]}, "teams": {"vote_reactions": ["heart"]}})
    assert config.vote_reactions_on("slack") == ("star",) and config.vote_reactions_on("teams") == ("heart",)
    assert config.vote_reactions_on("matrix") == ("star",)
    monkeypatch.setitem(platforms._registry, "matrix", dataclasses.replace(matrix, vote_reactions=lambda c: ("👍",)))
    assert config.vote_reactions_on("matrix") == ("👍",)
