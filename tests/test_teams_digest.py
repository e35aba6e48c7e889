"""Digests and nudges on Teams, on the scheduler's controllable clock: the weekly channel digest per platform
(and `[digest] combined`), the managers' digests, reminders with Remind me tomorrow, escalations, pilot check-ins.
Everything goes out proactively through the stored conversation references."""

import json
from datetime import date, timedelta

from aiohttp.test_utils import TestClient, TestServer

from bot.config import Config
from bot.model import Actor, Draft, Status
from bot.scheduler import run_due
from handlers.web import CORE, create_app
from storage import ideas as store
from storage import sends
from storage.db import write
from tests.conftest import CONFIG
from tests.core_fixtures import Clock
from tests.scheduling import (
    decide,
    implement,
    posts_to,
    start_pilot,
    to_review,
    utc,
)
from tests.teams_cards import MAX_BYTES
from tests.teams_requests import IDEAS_CHANNEL, Teams, aad

MANAGER = aad("U0MGR1")
ESCALATION = "6f1c2a9e-0000-4000-8000-00000000e5c0"  # an AAD object id the bot never heard from
PERSONAL = "a:personal-29:{}"


def config(**digest) -> Config:
    return Config.from_dict({**CONFIG, "roles": {"managers": ["U0MGR1", MANAGER], "escalation": ESCALATION},
                             "digest": digest})


class Both:
    """The app with Slack and Teams on a test clock; `run()` is one scheduler wake-up."""

    def __init__(self, settings, config, clock, fake_teams, tokens):
        self.app = create_app(settings, config, teams_tokens=tokens, clock=clock)
        self.fake_teams = fake_teams
        self.clock = clock

    async def __aenter__(self):
        self.client = TestClient(TestServer(self.app))
        await self.client.__aenter__()
        self.core = self.app[CORE]
        self.teams = Teams(self.client, self.fake_teams, self.fake_teams.cards)
        await self.teams.message("hero help", user="U0MGR1", channel=None)  # the manager has talked to the bot
        return self

    async def __aexit__(self, *exc):
        await self.client.__aexit__(*exc)

    async def run(self):
        keys = await run_due(self.core)
        await self.core.background.drain()
        return keys

    def idea(self, title, platform="teams", author="U1", at=None):
        at = at or self.clock.at - timedelta(days=2)
        user = aad(author) if platform == "teams" else author
        with write(self.core.db) as db:
            idea_id = store.insert_idea(db, Actor(platform, user), Draft(text=title), at)
            channel = IDEAS_CHANNEL if platform == "teams" else "C0IDEAS"
            store.set_idea_message(db, idea_id, channel, f"17000{idea_id:08d}")
        return idea_id


def cards_to(fake, conversation):
    return [c for c in fake.calls_to("send", conversation) if c.card() is not None]


def action_verbs(card):
    return [(a["title"], a["verb"]) for a in card.get("actions", [])]


async def test_each_platform_gets_its_own_digest_and_managers_their_queue(settings, fake_slack, fake_teams, teams_tokens):
    clock = Clock(utc(2026, 11, 30, 8, 59))  # Monday
    async with Both(settings, config(), clock, fake_teams, teams_tokens) as both:
        await both.run()  # the schedule starts here: nothing due yet
        teams_idea = both.idea("Teams: callback slots")
        slack_idea = both.idea("Slack: shorter hold music", platform="slack")
        to_review(both.core, teams_idea, clock.at - timedelta(days=1))
        to_review(both.core, slack_idea, clock.at - timedelta(days=1))
        clock.set(utc(2026, 11, 30, 9, 0))
        keys = await both.run()
        assert sorted((k.platform, k.kind, k.recipient) for k in keys) == [
            ("slack", "digest", "C0IDEAS"), ("slack", "manager_digest", "U0MGR1"),
            ("teams", "digest", IDEAS_CHANNEL), ("teams", "manager_digest", MANAGER)]
        assert await both.run() == []  # once each

    [digest] = cards_to(fake_teams, IDEAS_CHANNEL)
    card = digest.card()
    assert card["body"][0]["text"].startswith("Weekly digest: 23 Nov") and digest.body["summary"].startswith("Weekly digest")
    assert "Teams: callback slots" in digest.text() and "Slack: shorter hold music" not in digest.text()
    assert "Person U0MGR1" in digest.text()  # the manager by their Teams name
    [slack_digest] = posts_to(fake_slack, "C0IDEAS")
    assert "Slack: shorter hold music" in slack_digest.text() and "Teams: callback slots" not in slack_digest.text()

    [queue] = cards_to(fake_teams, PERSONAL.format("U0MGR1"))[-1:]
    assert "Your decision queue: 1 idea waiting" in queue.text() and "Teams: callback slots" in queue.text()
    titles = [a["title"] for b in queue.card()["body"] if b["type"] == "ActionSet" for a in b["actions"]]
    assert titles == ["Approve", "Pilot", "Decline", "Needs info", "Mark duplicate"]
    # the Slack manager got only the Slack idea; nobody was sent to on the other platform
    [slack_queue] = posts_to(fake_slack, "U0MGR1")
    assert "Slack: shorter hold music" in slack_queue.text() and "Teams" not in slack_queue.text()
    assert not [c for c in fake_teams.calls_to("create_conversation") if c.body["members"][0]["id"] == "U0MGR1"]


async def test_combined_digests_speak_of_every_platform(settings, fake_slack, fake_teams, teams_tokens):
    clock = Clock(utc(2026, 11, 30, 8, 59))
    async with Both(settings, config(combined=True), clock, fake_teams, teams_tokens) as both:
        await both.run()
        both.idea("Teams: callback slots")
        both.idea("Slack: shorter hold music", platform="slack")
        clock.set(utc(2026, 11, 30, 9, 0))
        await both.run()
        with write(both.core.db) as db:
            claimed = {(r["platform"], r["kind"]) for r in sends.sent(db, "digest")}
    assert claimed == {("slack", "digest"), ("teams", "digest")}
    [digest] = cards_to(fake_teams, IDEAS_CHANNEL)
    [slack_digest] = posts_to(fake_slack, "C0IDEAS")
    for text in (digest.text(), slack_digest.text()):
        assert "Teams: callback slots" in text and "Slack: shorter hold music" in text and "2 new ideas" in text


async def test_a_very_busy_week_stays_under_teams_message_size(settings, fake_slack, fake_teams, teams_tokens):
    clock = Clock(utc(2026, 11, 16, 9, 0))
    async with Both(settings, config(), clock, fake_teams, teams_tokens) as both:
        await both.run()
        with write(both.core.db) as db:
            for n in range(900):
                at = utc(2026, 11, 23, 10, 0) + timedelta(minutes=n * 4)
                store.insert_idea(db, Actor("teams", aad(f"U{n % 300}")), Draft(text=f"{'Very long idea title ' * 8}{n}"), at)
        for n in range(1, 401):
            to_review(both.core, n, utc(2026, 11, 24, 9, 0))
        for n in range(1, 201):
            decide(both.core, n, "decline", Status.DECLINED, MANAGER, utc(2026, 11, 25, 9, 0), reason="x" * 500)
        for n in range(401, 601):
            to_review(both.core, n, utc(2026, 11, 24, 9, 0))
            decide(both.core, n, "approve", Status.APPROVED, MANAGER, utc(2026, 11, 25, 9, 0))
            implement(both.core, n, MANAGER, utc(2026, 11, 26, 9, 0), outcome="y" * 900)
        clock.set(utc(2026, 11, 30, 9, 0))
        await both.run()
    # the busy week's digest (the empty week before may also be out, depending on when the app's own scheduler woke)
    [digest] = [c for c in cards_to(fake_teams, IDEAS_CHANNEL) if "23 Nov" in c.text()]
    size = len(json.dumps(digest.card(), ensure_ascii=False).encode())
    assert size < MAX_BYTES
    text = digest.text()
    assert "900 new ideas" in text and "…and" in text and "more" in text and "/hero" not in text
    queue = [c for c in cards_to(fake_teams, PERSONAL.format("U0MGR1")) if "decision queue" in c.text()][0]
    assert len(json.dumps(queue.card(), ensure_ascii=False).encode()) < MAX_BYTES and "more waiting" in queue.text()


async def test_reminder_remind_me_tomorrow_and_escalation_on_teams(settings, fake_slack, fake_teams, teams_tokens):
    clock = Clock(utc(2026, 11, 26, 10, 0))  # Thursday
    async with Both(settings, config(), clock, fake_teams, teams_tokens) as both:
        idea = both.idea("Text customers their case number")
        to_review(both.core, idea, clock.at)
        clock.set(utc(2026, 12, 1, 9, 0))  # three working days later
        keys = await both.run()
        assert [(k.platform, k.kind, k.recipient) for k in keys if k.kind == "reminder"] == [("teams", "reminder", MANAGER)]
        [reminder] = [c for c in cards_to(fake_teams, PERSONAL.format("U0MGR1")) if "Reminder" in c.body["summary"]]
        assert action_verbs(reminder.card()) == [
            ("Approve", "decide"), ("Pilot", "decide"), ("Decline", "decide"),
            ("Needs info", "decide"), ("Mark duplicate", "mark_duplicate"),
            ("Remind me tomorrow", "remind_tomorrow")]
        assert "3 working days" in reminder.text()

        _, answer = await both.teams.click("remind_tomorrow", {"idea": idea}, user="U2",
                                           conversation=PERSONAL.format("U2"))
        assert "Only the managers" in answer["value"]
        _, answer = await both.teams.click("remind_tomorrow", {"idea": idea}, user="U0MGR1",
                                           conversation=PERSONAL.format("U0MGR1"))
        assert answer["value"].startswith("I'll remind you about #1 on Wednesday 2 December")
        clock.set(utc(2026, 12, 2, 9, 0))
        keys = await both.run()
        assert [(k.kind, k.period) for k in keys] == [("reminder", "2026-12-02")]

        clock.set(utc(2026, 12, 7, 9, 0))  # seven working days: escalated, in a personal chat opened for the id
        keys = await both.run()
        assert ("escalation", ESCALATION) in [(k.kind, k.recipient) for k in keys]
    opened = [c for c in fake_teams.calls_to("create_conversation") if c.body["members"][0]["id"] == ESCALATION]
    assert len(opened) == 1
    [escalation] = cards_to(fake_teams, f"a:personal-{ESCALATION}")
    assert "Escalation" in escalation.text() and "7 working days" in escalation.text() and "Person U0MGR1" in escalation.text()
    assert not [c for c in fake_slack.calls_to("chat.postMessage") if c.args.get("channel") in ("U0MGR1", ESCALATION)
                and "Reminder" in c.text()]


async def test_pilot_check_in_asks_the_manager_to_record_the_result(settings, fake_slack, fake_teams, teams_tokens):
    clock = Clock(utc(2026, 12, 1, 8, 0))
    async with Both(settings, config(), clock, fake_teams, teams_tokens) as both:
        await both.teams.message("hero help", user="U1", channel=None)
        idea = both.idea("Callbacks instead of holds")
        to_review(both.core, idea, utc(2026, 11, 20, 9, 0))
        start_pilot(both.core, idea, MANAGER, utc(2026, 11, 21, 9, 0), ends_on=date(2026, 12, 1))
        clock.set(utc(2026, 12, 1, 9, 0))
        keys = await both.run()
        assert {k.recipient for k in keys if k.kind == "pilot"} == {"author", MANAGER}
    [to_manager] = [c for c in cards_to(fake_teams, PERSONAL.format("U0MGR1")) if "Pilot #1" in c.body["summary"]]
    assert action_verbs(to_manager.card()) == [("Record result", "decide")]
    assert to_manager.card()["actions"][0]["data"]["choice"] == "implemented"  # the outcome form, as Mark implemented
    assert "Callbacks cut repeat calls" in to_manager.text()
    [to_author] = [c for c in cards_to(fake_teams, PERSONAL.format("U1")) if "pilot of your idea" in c.body["summary"]]
    assert action_verbs(to_author.card()) == []
