"""The command line on Teams: `herobot digest --send` through a standalone TeamsChat, the message when the
`teams` extra is missing, and the MSAL configuration built from the MICROSOFT_APP_* settings."""

import asyncio
import os
import subprocess
import sys
from datetime import UTC, datetime, timedelta

from bot.cli import main
from bot.config import Settings
from bot.model import Actor, Draft
from handlers.teams import missing_extra
from handlers.teams.tokens import BOT_FRAMEWORK, SCOPES, msal_provider, token_provider
from storage import sends
from storage import teams as refs
from storage.db import open_database, write
from storage.ideas import insert_idea
from tests.conftest import run_cli
from tests.scheduling import posts_to
from tests.teams_requests import APP_ID, IDEAS_CHANNEL, TENANT

CONFIG = f'[slack]\nideas_channel = "C0IDEAS"\n[teams]\nideas_channel = "{IDEAS_CHANNEL}"\n'
AAD_AUTHOR = "6f1c2a9e-0000-4000-8000-00000000a001"


def _env(settings, tmp_path, **extra) -> dict:
    (tmp_path / "herobot.toml").write_text(CONFIG)
    base = {k: v for k, v in os.environ.items()
            if not k.startswith(("SLACK_", "MICROSOFT_", "HEROBOT_"))}
    return {**base, "HEROBOT_DB": settings.db_path, "HEROBOT_CONFIG": str(tmp_path / "herobot.toml"), **extra}


def _teams_was_heard_from(settings, fake_teams) -> None:
    """What `herobot serve` stores when Teams first sends an activity: the channel's reference, and an idea."""
    db = open_database(settings.db_path)
    now = datetime.now(UTC)  # the command reads the system clock
    with write(db):
        refs.remember_conversation(db, refs.Reference(IDEAS_CHANNEL, fake_teams.service_url, TENANT,
                                                      f"28:{APP_ID}", "channel"), now)
        insert_idea(db, Actor("teams", AAD_AUTHOR), Draft(text="Teams idea for the digest"), now - timedelta(days=1))
        insert_idea(db, Actor("slack", "U1"), Draft(text="Slack idea for the digest"), now - timedelta(days=1))
    db.close()


async def test_digest_send_platform_teams_posts_to_the_teams_ideas_channel(
        settings, fake_slack, fake_teams, teams_tokens, tmp_path, monkeypatch, capsys):
    _teams_was_heard_from(settings, fake_teams)
    for key, value in _env(settings, tmp_path, MICROSOFT_APP_ID=APP_ID, MICROSOFT_APP_PASSWORD="test-secret",
                           MICROSOFT_APP_TENANT_ID=TENANT, SLACK_BOT_TOKEN="xoxb-test-token",
                           SLACK_API_URL=settings.slack_api_url).items():
        monkeypatch.setenv(key, value)
    code = await asyncio.to_thread(main, ["digest", "--send", "--platform", "teams"], teams_tokens)

    out = capsys.readouterr()
    assert code == 0, out.err
    [post] = fake_teams.calls_to("send", IDEAS_CHANNEL)
    assert "Weekly digest" in post.text() and "Teams idea for the digest" in post.text()
    assert "Slack idea for the digest" not in post.text()  # each platform's digest speaks of its own ideas
    assert post.headers["Authorization"] == f"Bearer {teams_tokens.TOKEN}"
    assert teams_tokens.asked == [(BOT_FRAMEWORK, SCOPES)]
    assert fake_slack.calls == []  # --platform teams: Slack is not touched
    assert f"The digest is posted to {IDEAS_CHANNEL} on teams." in out.out
    assert "test-secret" not in out.out + out.err
    db = open_database(settings.db_path)
    [record] = sends.sent(db, "digest_manual")
    db.close()
    assert (record["platform"], record["channel_id"], record["message_id"]) == ("teams", IDEAS_CHANNEL,
                                                                                  post.activity_id)


async def test_digest_send_without_platform_posts_on_every_configured_platform(
        settings, fake_slack, fake_teams, tmp_path):
    _teams_was_heard_from(settings, fake_teams)
    env = _env(settings, tmp_path, HEROBOT_TEAMS_ANONYMOUS="1", SLACK_BOT_TOKEN="xoxb-test-token",
               SLACK_API_URL=settings.slack_api_url)

    result = await asyncio.to_thread(run_cli, "digest", "--send", env=env)

    assert result.returncode == 0, result.stderr
    [slack_post] = posts_to(fake_slack, "C0IDEAS")
    assert "Slack idea for the digest" in str(slack_post.args) and "Teams idea" not in str(slack_post.args)
    [teams_post] = fake_teams.calls_to("send", IDEAS_CHANNEL)
    assert "Teams idea for the digest" in teams_post.text()
    assert "Authorization" not in teams_post.headers  # anonymous: nothing sent to Teams carries a token
    db = open_database(settings.db_path)
    assert sorted(r["platform"] for r in sends.sent(db, "digest_manual")) == ["slack", "teams"]
    db.close()


async def test_digest_send_teams_says_what_is_missing(settings, fake_teams, tmp_path):
    no_credentials = run_cli("digest", "--send", "--platform", "teams", env=_env(settings, tmp_path))
    assert no_credentials.returncode == 2
    assert "MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD and MICROSOFT_APP_TENANT_ID" in no_credentials.stderr
    nothing = run_cli("digest", "--send", env=_env(settings, tmp_path))
    assert nothing.returncode == 2 and "SLACK_BOT_TOKEN" in nothing.stderr and "[teams] ideas_channel" in nothing.stderr

    never_heard = await asyncio.to_thread(run_cli, "digest", "--send", "--platform", "teams",
                                          env=_env(settings, tmp_path, HEROBOT_TEAMS_ANONYMOUS="1"))
    assert never_heard.returncode == 2 and "no Teams conversation is known yet" in never_heard.stderr
    assert fake_teams.calls == []


def test_the_missing_extra_guard_names_the_extra():
    assert missing_extra() is None  # the test command installs the extra
    message = missing_extra(("microsoft_agents.activity", "no_such_module_herobot_test"))
    assert "no_such_module_herobot_test" in message and "herobot[teams]" in message and "MICROSOFT_APP_ID" in message


def test_serving_teams_without_the_extra_logs_why_and_exits(settings, tmp_path):
    # a regular package named microsoft_agents earlier on the path hides the installed SDK's
    # namespace package, exactly as if the extra were not installed
    shadow = tmp_path / "shadow" / "microsoft_agents"
    shadow.mkdir(parents=True)
    (shadow / "__init__.py").write_text("")
    env = _env(settings, tmp_path, MICROSOFT_APP_ID=APP_ID, MICROSOFT_APP_PASSWORD="test-secret",
               MICROSOFT_APP_TENANT_ID=TENANT, PYTHONPATH=str(shadow.parent))
    served = subprocess.run([sys.executable, "-m", "bot.cli", "serve", "--port", "0"], env=env,
                            capture_output=True, text=True, timeout=30)
    assert served.returncode == 3
    assert "Teams extra is not installed" in served.stderr and "herobot[teams]" in served.stderr
    assert "Traceback" not in served.stderr and "test-secret" not in served.stderr

    sent = run_cli("digest", "--send", "--platform", "teams", env=env)
    assert sent.returncode == 3 and "Teams extra is not installed" in sent.stderr and "Traceback" not in sent.stderr


def test_msal_gets_the_tenant_authority_and_the_bot_framework_scope(teams_tokens):
    """What the production provider hands to MSAL. Building MSAL's ConfidentialClientApplication fetches the
    tenant's OpenID metadata from login.microsoftonline.com, so this stops at the configuration and the
    authority the SDK derives from it (MsalAuth._resolve_authority, what it passes to MSAL)."""
    from microsoft_agents.authentication.msal import MsalAuth
    from microsoft_agents.hosting.core import AuthTypes

    settings = Settings(microsoft_app_id=APP_ID, microsoft_app_password="test-secret",
                        microsoft_app_tenant_id=TENANT)
    provider = msal_provider(settings)
    assert isinstance(provider, MsalAuth) and isinstance(token_provider(settings), MsalAuth)
    config = provider.configuration
    assert config.AUTH_TYPE == AuthTypes.client_secret
    assert (config.CLIENT_ID, config.CLIENT_SECRET, config.TENANT_ID) == (APP_ID, "test-secret", TENANT)
    assert MsalAuth._resolve_authority(config) == f"https://login.microsoftonline.com/{TENANT}"
    assert config.SCOPES == SCOPES == ["https://api.botframework.com/.default"]
    assert BOT_FRAMEWORK == "https://api.botframework.com"

    assert token_provider(Settings(teams_anonymous=True, microsoft_app_id=APP_ID)) is None
    assert token_provider(settings, teams_tokens) is teams_tokens
