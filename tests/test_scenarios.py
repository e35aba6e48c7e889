"""The same scenarios on Slack and on Teams: post an idea, vote for it, discuss it."""

import pytest

from tests.conftest import export_of
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
