"""The same scenarios on Slack and on Teams: post an idea, vote for it, discuss it; log a problem and
Me too; the weekly digest and a reminder with Remind me tomorrow."""

import pytest

from bot.config import Config
from bot.scheduler import run_due
from bot.schedule import Weekly, add_working_days
from tests.conftest import CONFIG, export_of
from tests.scheduling import Clock, to_review
from tests.teams_requests import IDEAS_CHANNEL, aad


class SlackDriver:
    platform = "slack"

    def __init__(self, slack, fake):
        self.slack, self.fake = slack, fake

    def user(self, name):
        return name

    async def post(self, text, user):
        await self.slack.command("/idea", text, user=user)
        self.message = (await self.fake.wait_for("chat.postMessage"))[-1].answer["ts"]

    async def vote(self, user):
        await self.slack.click("idea_vote", "1", user=user, message_ts=self.message)

    async def react(self, user, added):
        await self.slack.reaction(added, user, "C0IDEAS", self.message, "+1")

    async def comment(self, user, text):
        await self.slack.reply(user, "C0IDEAS", self.message, text)

    async def card_shows(self, words):
        await self.fake.wait_for("chat.update", where=lambda c: all(w in c.text() for w in words), timeout=6)

    async def hello(self, user):
        """Teams learns about a person when they first write to the bot; Slack needs nothing."""

    async def log_problem(self, text, user):
        await self.slack.command("/problem", text, user=user)
        self.problem = (await self.fake.wait_for("chat.postMessage", where=lambda c: "Problem P" in c.text()))[-1].answer["ts"]

    async def me_too(self, user):
        await self.slack.click("problem_me_too", "1", user=user, message_ts=self.problem)

    async def channel_post(self, words):
        return await self.fake.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == "C0IDEAS"
                                        and all(w in c.text() for w in words))

    async def direct(self, user, words):
        return await self.fake.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == user
                                        and all(w in c.text() for w in words))

    async def remind_tomorrow(self, user, idea):
        await self.slack.click("remind_tomorrow", str(idea), user=user, channel="D" + user)
        return (await self.fake.wait_for("response_url", where=lambda c: "remind you" in str(c.args)))[-1].args["text"]


class TeamsDriver:
    platform = "teams"

    def __init__(self, teams, fake):
        self.teams, self.fake = teams, fake

    def user(self, name):
        return aad(name)

    async def post(self, text, user):
        await self.teams.message(f"idea {text}", user=user)
        self.message = (await self.fake.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL))[-1].activity_id

    async def vote(self, user):
        await self.teams.click("vote", {"idea": 1}, user=user, message_id=self.message)

    async def react(self, user, added):
        await self.teams.reaction(added, self.message, user=user)

    async def comment(self, user, text):
        await self.teams.message(text, user=user, channel=IDEAS_CHANNEL, thread=self.message, mention=False)

    async def card_shows(self, words):
        await self.fake.wait_for("update", where=lambda c: all(w in c.text() for w in words), timeout=6)

    async def hello(self, user):
        await self.teams.message("hero help", user=user, channel=None)

    async def log_problem(self, text, user):
        await self.teams.message(f"problem {text}", user=user)
        self.problem = (await self.fake.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL
                                                 and "P1 ·" in c.text()))[-1].activity_id

    async def me_too(self, user):
        await self.teams.click("me_too", {"problem": 1}, user=user, message_id=self.problem)

    async def channel_post(self, words):
        return await self.fake.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL
                                        and all(w in c.text() for w in words))

    async def direct(self, user, words):
        return await self.fake.wait_for("send", where=lambda c: c.conversation == f"a:personal-29:{user}"
                                        and all(w in c.text() for w in words))

    async def remind_tomorrow(self, user, idea):
        _, answer = await self.teams.click("remind_tomorrow", {"idea": idea}, user=user,
                                           conversation=f"a:personal-29:{user}")
        return answer["value"]


@pytest.fixture
def config():
    """[roles] managers mix Slack user ids and Teams AAD object ids."""
    return Config.from_dict({**CONFIG, "roles": {"managers": ["U0MGR1", aad("U0MGR1")]}})


@pytest.fixture(params=["slack", "teams"])
def platform(request, slack, fake_slack, teams, fake_teams):
    return SlackDriver(slack, fake_slack) if request.param == "slack" else TeamsDriver(teams, fake_teams)


async def test_post_vote_and_discuss(platform, db_path):
    await platform.post("Self-service refunds under 20 EUR", user="U1")
    await platform.vote("U2")
    await platform.react("U3", added=True)
    await platform.react("U2", added=True)  # already voted by button: still one vote
    await platform.comment("U4", "We tried this in 2022")
    await platform.card_shows(["2 votes", "1 comment", "Vote (2)"])

    idea = export_of(db_path)["ideas"][0]
    assert idea["platform"] == platform.platform and idea["author"] == platform.user("U1")
    assert sorted(idea["voters"]) == sorted([platform.user("U2"), platform.user("U3")])
    assert idea["comments"] == 1
    assert idea[platform.platform] is not None and idea["slack" if platform.platform == "teams" else "teams"] is None

    await platform.react("U3", added=False)
    await platform.card_shows(["1 vote", "Vote (1)"])
    assert export_of(db_path)["ideas"][0]["voters"] == [platform.user("U2")]


async def test_log_a_problem_and_me_too(platform, db_path):
    await platform.log_problem("Parcel lockers refuse the pickup code", user="U1")
    await platform.me_too("U2")
    await platform.me_too("U2")  # counted once
    await platform.card_shows(["2 reporters", "Me too (2)"])
    problem = export_of(db_path)["problems"][0]
    assert problem["platform"] == platform.platform and problem["reporter"] == platform.user("U1")
    assert problem["reporters"] == 2 and problem[platform.platform] is not None


async def test_reminder_then_weekly_digest(platform, core, db_path):
    await platform.hello("U0MGR1")
    await platform.post("Callback slots when the queue is long", user="U1")
    weekly = Weekly.of(core.config)
    clock = Clock(core.now())
    core.clock = clock
    posted_at = clock.at
    to_review(core, 1, clock.at)
    clock.set(weekly.on(add_working_days(weekly.today(clock.at), core.config.remind_after_days)))
    await run_due(core)
    await platform.direct("U0MGR1", ["Callback slots", "Remind me tomorrow", "Approve"])
    note = await platform.remind_tomorrow("U0MGR1", 1)
    assert "remind you about #1" in note

    clock.set(weekly.next_fire(posted_at))  # the digest of the week the idea was posted in
    await run_due(core)
    await platform.channel_post(["Weekly digest", "Callback slots"])
