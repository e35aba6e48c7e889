"""Every request to POST /api/messages carries a valid Bot Framework JWT, or gets 401 and changes nothing."""

import json
import time

import pytest

from bot.config import Settings
from handlers.web import create_app
from tests.teams_requests import APP_ID, OTHER_KEY, TENANT, UNKNOWN_KEY, aad


def stored(core) -> dict:
    count = lambda table: core.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # noqa: E731
    return {t: count(t) for t in ("ideas", "teams_conversations", "teams_people", "processed_events")}


async def test_a_valid_token_is_accepted(teams, fake_teams, core):
    response = await teams.message("idea Call back when the queue is long")
    assert response.status == 200
    assert stored(core)["ideas"] == 1
    await fake_teams.wait_for("send")


async def test_a_token_within_the_five_minute_skew_is_accepted(teams, core):
    response = await teams.message("hero help", exp=int(time.time()) - 120)
    assert response.status == 200


BAD_TOKENS = {
    "missing header": {"headers": {}},
    "not a bearer token": {"headers": {"Authorization": "Basic dXNlcjpwYXNz"}},
    "garbage token": {"headers": {"Authorization": "Bearer not.a.jwt"}},
    "wrong issuer": {"iss": "https://sts.example.com/"},
    "wrong audience": {"aud": "someone-elses-app"},
    "expired beyond the skew": {"exp": lambda: int(time.time()) - 400},  # read when sent, not at collection
    "not yet valid": {"nbf": lambda: int(time.time()) + 900},
    "unknown signing key": {"key": UNKNOWN_KEY, "kid": "not-published"},
    "known key id, wrong key": {"key": OTHER_KEY},
    "serviceUrl not the activity's": {"serviceUrl": "https://evil.example.com/"},
}


@pytest.mark.parametrize("case", BAD_TOKENS, ids=list(BAD_TOKENS))
async def test_a_bad_token_gets_401_and_nothing_is_stored(teams, fake_teams, core, case):
    before = stored(core)
    args = {key: value() if callable(value) else value for key, value in BAD_TOKENS[case].items()}
    response = await teams.message("idea Sneaky idea", **args)
    assert response.status == 401
    assert stored(core) == before
    assert fake_teams.calls == []


async def test_a_token_without_service_url_claim_is_refused(teams, core):
    token = teams.token()
    import jwt

    claims = jwt.decode(token, options={"verify_signature": False})
    del claims["serviceUrl"]
    from tests.teams_requests import KEY

    bare = jwt.encode(claims, KEY, algorithm="RS256", headers={"kid": "test-key-1"})
    response = await teams.message("idea x", headers={"Authorization": f"Bearer {bare}"})
    assert response.status == 401 and stored(core)["ideas"] == 0


async def test_signing_keys_are_cached(teams, fake_teams):
    for _ in range(3):
        assert (await teams.message("hero help")).status == 200
    assert fake_teams.key_fetches == 1


async def test_outbound_calls_carry_the_bot_framework_token(teams, fake_teams, teams_tokens):
    await teams.message("hero help")
    call = (await fake_teams.wait_for("send"))[0]
    assert call.headers["Authorization"] == "Bearer outbound-test-token"
    assert teams_tokens.asked[0] == ("https://api.botframework.com", ["https://api.botframework.com/.default"])


async def test_without_teams_settings_the_endpoint_is_off(aiohttp_client, db_path, config):
    client = await aiohttp_client(create_app(Settings(db_path=db_path), config))
    response = await client.post("/api/messages", json={"type": "message"})
    assert response.status == 404


async def test_anonymous_mode_accepts_no_token_and_sends_none(aiohttp_client, db_path, config, fake_teams, caplog):
    settings = Settings(db_path=db_path, teams_anonymous=True, teams_retry_delay=0.05,
                        microsoft_app_tenant_id=TENANT)  # the tenant gate holds in this mode too
    client = await aiohttp_client(create_app(settings, config))
    from tests.teams_requests import Teams

    teams = Teams(client, fake_teams, fake_teams.cards)
    assert (await teams.message("idea Local testing", headers={})).status == 200
    call = (await fake_teams.wait_for("send"))[0]
    assert "Authorization" not in call.headers
    assert any("WITHOUT AUTHENTICATION" in r.getMessage() and r.levelname == "WARNING" for r in caplog.records)
    row = client.app  # the idea is stored under the sender's AAD object id
    from handlers.web import CORE

    assert row[CORE].db.execute("SELECT author_id FROM ideas").fetchone()[0] == aad("U1")
    await client.close()


def test_settings_turn_teams_on_from_the_environment():
    env = {"MICROSOFT_APP_ID": APP_ID, "MICROSOFT_APP_PASSWORD": "s3cret", "MICROSOFT_APP_TENANT_ID": "t"}
    settings = Settings.from_env(env)
    assert settings.teams_enabled and "s3cret" not in repr(settings)
    assert not Settings.from_env({"MICROSOFT_APP_ID": APP_ID}).teams_enabled
    assert Settings.from_env({"HEROBOT_TEAMS_ANONYMOUS": "1"}).teams_enabled


@pytest.mark.parametrize("spoil", ["no recipient", "no conversation", "lone surrogate"])
async def test_a_signed_but_unusable_activity_is_a_400_and_changes_nothing(teams, core, spoil):
    activity = teams.activity("messageReaction", "U2", "19:ideas@thread.tacv2;messageid=1", "channel",
                              reactionsAdded=[{"type": "like"}], replyToId="1")
    if spoil == "no recipient":
        activity["recipient"] = {}
    elif spoil == "no conversation":
        del activity["conversation"]
    else:
        activity["from"]["name"] = "\ud800"
    body = json.dumps(activity).encode()  # json escapes the lone surrogate as \\ud800, as a fuzzer would send it
    response = await teams.client.post("/api/messages", data=body, headers={
        "Content-Type": "application/json", "Authorization": f"Bearer {teams.token()}"})
    assert response.status == 400
    assert core.db.execute("SELECT count(*) FROM teams_conversations").fetchone()[0] == 0
