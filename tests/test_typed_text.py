"""Typed text is data: it never becomes a broadcast or a mention in anything the bot sends; and the smaller
promises about what the bot sends (Approve's initial_user, Teams' card size, DEBUG logs)."""

import json
import logging
import re

import pytest

from bot.config import Config
from tests.conftest import CONFIG, export_of
from tests.decision_steps import MANAGERS, in_review, open_form, submit
from tests.teams_requests import IDEAS_CHANNEL, aad

TEAMS_CHAMPION = aad("UCHAMP")
HOSTILE = "<!channel> <!here> <!everyone> <!subteam^S0123|@support> <@U0NOBODY> <#C0IDEAS> <https://evil.example|x>"
AS_TYPED_IN_SLACK = "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;!subteam^S0123|@support&gt; " \
                    "&lt;@U0NOBODY&gt; &lt;#C0IDEAS&gt; &lt;https://evil.example|x&gt;"
UNESCAPED = re.compile(r"<!(channel|here|everyone|subteam)|<@U0NOBODY>|<#C0IDEAS>|<https://evil")


@pytest.fixture
def config():
    return Config.from_dict({**CONFIG, "roles": {"managers": list(MANAGERS), "it_champions": [TEAMS_CHAMPION, "U0IT1"]}})


def leaks(fake_slack) -> list[str]:
    """Every field of every Web API call and answer where typed text turned into markup."""
    found = []
    for call in fake_slack.calls:
        for text in strings(call.args):
            if UNESCAPED.search(text):
                found.append(f"{call.method}: {text[:200]}")
    return found


def strings(value) -> list[str]:
    if isinstance(value, str):
        try:
            return strings(json.loads(value)) if value[:1] in "[{" else [value]
        except ValueError:
            return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in strings(v)]
    return []


async def test_hostile_text_never_becomes_a_mention_or_broadcast_on_slack(slack, fake_slack, core, db_path):
    await in_review(slack, fake_slack, f"Idea {AS_TYPED_IN_SLACK}\n{AS_TYPED_IN_SLACK}")
    assert export_of(db_path)["ideas"][0]["title"].endswith(HOSTILE)  # stored as the person wrote it
    channel, ts = fake_slack.calls_to("chat.postMessage")[0].args["channel"], fake_slack.calls_to(
        "chat.postMessage")[0].answer["ts"]
    await slack.reply("U7", channel, ts, AS_TYPED_IN_SLACK, ts="1700000099.000001")
    await slack.command("/problem", AS_TYPED_IN_SLACK)
    for words in ("show 1", "top", "mine", f"search {AS_TYPED_IN_SLACK}", "digest", "queue"):
        await slack.command("/hero", words, user="U0MGR1")
    view = await open_form(slack, fake_slack, "decide_decline")
    await submit(slack, view, {"reason": HOSTILE})  # modal inputs arrive unescaped
    await slack.event({"type": "app_home_opened", "user": "U1", "channel": "DHOME", "tab": "home"})
    await fake_slack.wait_for("views.publish")
    await core.background.drain(timeout=30)
    assert "\n".join(leaks(fake_slack)) == ""


async def test_approve_offers_only_a_slack_user_as_initial_champion(slack, fake_slack):
    await in_review(slack, fake_slack)
    view = await open_form(slack, fake_slack, "decide_approve")
    initial = [e["element"].get("initial_user") for e in view["blocks"]
               if isinstance(e.get("element"), dict) and e["element"].get("type") == "users_select"]
    assert initial == ["U0IT1"]


def test_the_teams_size_guard_counts_utf16():
    from handlers.teams.cards import MAX_CARD_BYTES, card, runs

    ascii_card = card([runs("x" * 1000) for _ in range(60)])  # 60 KB of UTF-8, 120 KB of UTF-16
    emoji_card = card([runs("😀" * 500) for _ in range(60)])  # 4 bytes each in UTF-8 and in UTF-16
    for document in (ascii_card, emoji_card):
        assert len(json.dumps(document, ensure_ascii=False).encode("utf-16-le")) <= MAX_CARD_BYTES


async def test_debug_logs_never_tie_an_anonymous_idea_to_its_author(slack, fake_slack, teams, fake_teams, caplog):
    caplog.set_level(logging.DEBUG)
    await slack.command("/idea", "anon Unmask me not", user="USECRET")
    await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == "C0IDEAS")
    await fake_slack.wait_for("note")
    await teams.message("idea anon Unmask me not either", user="USECRET", channel=None)
    await fake_teams.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL)
    await fake_teams.wait_for("send", where=lambda c: "anonymous" in c.text() and c.conversation != IDEAS_CHANNEL)
    for record in caplog.records:
        if record.name == "aiohttp.access":
            continue  # the fake Slack's and Bot Connector's own access logs (herobot serves without one)
        message = record.getMessage()
        assert "USECRET" not in message and aad("USECRET") not in message, message[:300]
