"""Teams identity is gated: only `msteams` (plus `[teams] channels`) and only configured tenants; 4xx, nothing stored."""

import json

import pytest

from bot.config import Config, Settings
from handlers.web import CORE, create_app
from tests.conftest import CONFIG
from tests.teams_requests import TENANT, Teams, aad


def stored(core) -> dict:
    count = lambda table: core.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
    return {t: count(t) for t in ("ideas", "teams_conversations", "teams_people", "processed_events", "votes")}


def idea_activity(teams: Teams, **changes) -> dict:
    activity = teams.activity("message", "U1", "a:personal-29:U1", "personal", text="idea Claim to be someone",
                              textFormat="plain")
    for key, value in changes.items():
        if key == "tenant":
            activity["channelData"]["tenant"]["id"] = value
            activity["conversation"]["tenantId"] = value
        else:
            activity[key] = value
    return activity


REFUSED = {
    "directline": {"channelId": "directline"},
    "webchat": {"channelId": "webchat"},
    "emulator (not configured)": {"channelId": "emulator"},
    "msteams sub-channel spelled differently": {"channelId": "MSTEAMS"},
    "another tenant": {"tenant": "00000000-0000-4000-8000-0000000000ff"},
}


@pytest.mark.parametrize("case", REFUSED, ids=list(REFUSED))
async def test_other_channels_and_tenants_get_403_and_nothing_is_stored(teams, fake_teams, core, case):
    before = stored(core)
    response = await teams.send(idea_activity(teams, **REFUSED[case]))
    assert response.status in (401, 403)  # a key endorsed for msteams only is already a 401 on other channels
    assert stored(core) == before and fake_teams.calls == []


async def test_a_tenant_named_twice_must_be_ours_both_times(teams, core):
    activity = idea_activity(teams)
    activity["conversation"]["tenantId"] = "00000000-0000-4000-8000-0000000000ff"  # channelData says ours
    assert (await teams.send(activity)).status == 403
    del activity["conversation"]["tenantId"], activity["channelData"]["tenant"]
    assert (await teams.send(activity)).status == 403  # no tenant at all
    assert stored(core)["ideas"] == 0


async def test_configured_channels_and_tenants_are_accepted(aiohttp_client, settings, fake_teams, teams_tokens):
    other = "aaaaaaaa-0000-4000-8000-000000000002"
    config = Config.from_dict({**CONFIG, "teams": {**CONFIG["teams"], "tenants": [TENANT, other],
                                                   "channels": ["emulator"]}})
    client = await aiohttp_client(create_app(settings, config, teams_tokens=teams_tokens))
    teams = Teams(client, fake_teams, fake_teams.cards)
    assert (await teams.send(idea_activity(teams, tenant=other))).status == 200
    assert client.app[CORE].db.execute("SELECT count(*) FROM ideas").fetchone()[0] == 1
    await client.close()


async def test_the_gates_hold_without_authentication(aiohttp_client, db_path, fake_teams):
    settings = Settings(db_path=db_path, teams_anonymous=True, teams_retry_delay=0.05)
    config = Config.from_dict({**CONFIG, "teams": {**CONFIG["teams"], "tenants": [TENANT], "channels": ["emulator"]}})
    client = await aiohttp_client(create_app(settings, config))
    teams = Teams(client, fake_teams, fake_teams.cards)
    core = client.app[CORE]
    for refused in ({"channelId": "directline"}, {"tenant": "00000000-0000-4000-8000-0000000000ff"}):
        assert (await teams.send(idea_activity(teams, **refused), headers={})).status == 403
    assert core.db.execute("SELECT count(*) FROM ideas").fetchone()[0] == 0
    assert (await teams.send(idea_activity(teams, channelId="emulator"), headers={})).status == 200
    assert core.db.execute("SELECT author_id FROM ideas").fetchone()[0] == aad("U1")
    await client.close()


async def test_without_any_tenant_nothing_is_accepted(aiohttp_client, db_path, config, fake_teams):
    client = await aiohttp_client(create_app(Settings(db_path=db_path, teams_anonymous=True), config))
    teams = Teams(client, fake_teams, fake_teams.cards)
    assert (await teams.send(idea_activity(teams), headers={})).status == 403
    assert client.app[CORE].db.execute("SELECT count(*) FROM ideas").fetchone()[0] == 0
    await client.close()


@pytest.mark.parametrize("body", [
    b"[" * 100_000, b'{"a":' * 50_000, b"\xff\xfe", b"", b"null", b'"text"', b"[1,2]",
    json.dumps({"type": "message", "channelId": "msteams", "conversation": {"tenantId": {"id": 1}}}).encode(),
], ids=["deep list", "deep object", "not utf-8", "empty", "null", "string", "list", "tenant not text"])
async def test_any_body_is_a_4xx_never_a_500(teams, app_client, core, body):
    before = stored(core)
    headers = {"Authorization": f"Bearer {teams.token()}", "Content-Type": "application/json"}
    response = await app_client.post("/api/messages", data=body, headers=headers)
    assert 400 <= response.status < 500
    anonymous = await app_client.post("/api/messages", data=body, headers={"Content-Type": "application/json"})
    assert 400 <= anonymous.status < 500
    assert stored(core) == before
