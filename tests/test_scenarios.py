"""The same scenarios on Slack and on Teams: post, vote, discuss, review, decide, pilot, celebrate;
log a problem and Me too; the weekly digest and a reminder with Remind me tomorrow."""

from datetime import date, timedelta

import pytest

from bot.config import Config
from bot.schedule import Weekly, add_working_days
from bot.scheduler import run_due
from tests import decision_steps as slack_steps
from tests import teams_decision_steps as teams_steps
from tests.conftest import CONFIG, export_of
from tests.core_fixtures import Clock
from tests.scheduling import to_review
from tests.teams_requests import IDEAS_CHANNEL, aad

WINS = {"slack": "C0WINS", "teams": "19:wins@thread.tacv2"}
TOMORROW = (date.today() + timedelta(days=1)).isoformat()
MANAGERS = ("U0MGR1", "U0MGR2")


@pytest.fixture
def config():
    people = {"managers": [*MANAGERS, *map(aad, MANAGERS)], "it_champions": ["U0IT1", aad("U0IT1")]}
    return Config.from_dict({**CONFIG, "roles": people})


def as_slack_form(values: dict) -> dict:
    """Neutral answers as the Slack modal gives them: a champion comes with the technology box checked."""
    return {**values, "tech_support": ["tech"]} if values.get("champion") else values


def as_teams_form(values: dict) -> dict:
    return {**values, "tech_support": "true"} if values.get("champion") else values


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
        await self.fake.wait_for("chat.update", where=lambda c: c.args.get("channel") == "C0IDEAS"
                                 and all(w in c.text() for w in words), timeout=6)

    def name(self, user):
        return f"<@{user}>"

    async def say_hello(self, user):
        await self.slack.command("/hero", "help", user=user)

    async def review_buttons_become(self, manager, labels):
        def fits(call):
            buttons = [e["text"]["text"] for b in call.args.get("blocks", []) if b["type"] == "actions"
                       for e in b["elements"]]
            return call.args.get("channel") == manager and buttons == labels

        await self.fake.wait_for("chat.postMessage", where=fits, timeout=6) if labels[0] == "Approve" else \
            await self.fake.wait_for("chat.update", where=fits, timeout=6)

    async def decide(self, manager, choice, values):
        view = await slack_steps.open_form(self.slack, self.fake, f"decide_{choice}", user=manager)
        response = await slack_steps.submit(self.slack, view, as_slack_form(values), user=manager)
        assert response.status == 200 and await response.text() == ""

    async def refused(self, manager, choice, words):
        await self.slack.click(f"decide_{choice}", "1", user=manager, channel=manager)
        return await slack_steps.note_saying(self.fake, words)

    async def thread_shows(self, words):
        await self.fake.wait_for("chat.postMessage", where=lambda c: c.args.get("thread_ts") == self.message
                                 and all(w in c.text() for w in words))

    async def told(self, user, words):
        await self.fake.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == user
                                 and all(w in c.text() for w in words))

    async def win_shows(self, words):
        await self.fake.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == WINS[self.platform]
                                 and all(w in c.text() for w in words))

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
        return (await self.fake.wait_for("note", where=lambda c: "remind you" in str(c.args)))[-1].args["text"]


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
        await self.fake.wait_for("update", where=lambda c: c.conversation == IDEAS_CHANNEL
                                 and all(w in c.text() for w in words), timeout=6)

    def name(self, user):
        return f"Person {user}"

    async def say_hello(self, user):
        await self.teams.installed(user)

    async def review_buttons_become(self, manager, labels):
        await self.fake.wait_for("update" if labels[0] != "Approve" else "send", timeout=6, where=lambda c: (
            teams_steps.is_personal_chat_of(c.conversation, manager) and c.card() is not None
            and teams_steps.is_review_text(c.text()) and teams_steps.titles(c.card()) == labels))

    async def decide(self, manager, choice, values):
        answer = await teams_steps.decide(self.teams, self.fake, choice, as_teams_form(values), manager=manager)
        assert teams_steps.is_review_text(str(answer["value"]))  # the form gave way to the review card

    async def refused(self, manager, choice, words):
        _, answer = await self.teams.click("decide", {"idea": 1, "choice": choice}, user=manager,
                                           conversation=teams_steps.personal(manager))
        assert words in answer["value"]
        return answer["value"]

    async def thread_shows(self, words):
        thread = f"{IDEAS_CHANNEL};messageid={self.message}"
        await self.fake.wait_for("send", where=lambda c: c.conversation == thread and all(w in c.text() for w in words))

    async def told(self, user, words):
        await self.fake.wait_for("send", where=lambda c: teams_steps.is_personal_chat_of(c.conversation, user)
                                 and all(w in c.text() for w in words))

    async def win_shows(self, words):
        await self.fake.wait_for("send", where=lambda c: c.conversation == WINS[self.platform]
                                 and all(w in c.text() for w in words))

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


DECIDE = ["Approve", "Pilot", "Decline", "Needs info", "Mark duplicate"]


async def voted_into_review(platform):
    await platform.post("Self-service refunds under 20 EUR", user="U1")
    for voter in ("U2", "U3", "U4"):
        await platform.vote(voter)
    for manager in MANAGERS:
        await platform.review_buttons_become(manager, DECIDE)


def audit(db_path):
    return [(a["from_status"], a["to_status"], a["action"]) for a in export_of(db_path)["audit"]]


async def test_needs_info_answer_pilot_and_celebrate(platform, db_path):
    await voted_into_review(platform)
    await platform.decide("U0MGR1", "needs_info", {"question": "Which refund reasons would qualify?"})
    await platform.thread_shows(["asks", "Which refund reasons would qualify?"])
    await platform.told("U1", ["Which refund reasons would qualify?"])
    await platform.comment("U7", "Not the author speaking")
    assert export_of(db_path)["ideas"][0]["status"] == "needs_info"
    await platform.comment("U1", "Damaged goods and late deliveries")
    assert export_of(db_path)["ideas"][0]["status"] == "in_review"
    await platform.told("U0MGR1", ["answered your question"])

    await platform.decide("U0MGR2", "pilot", {"hypothesis": "Fewer repeat calls", "metric": "repeat calls per 100",
                                              "baseline": "12", "target": "8", "ends_on": TOMORROW, "risk": "low"})
    await platform.thread_shows(["Pilot started", "repeat calls per 100", TOMORROW])
    await platform.told("U1", ["piloted"])
    await platform.review_buttons_become("U0MGR1", ["Mark implemented", "Close as declined"])
    await platform.card_shows(["piloting"])

    await platform.decide("U0MGR1", "implemented", {"outcome": "Rolled out to all queues", "result": "7.5",
                                                    "verdict": "implemented"})
    await platform.win_shows(["Rolled out to all queues", "repeat calls per 100: 7.5 against a target of 8",
                              platform.name("U1"), "3 supporters", platform.name("U0MGR2")])
    idea = export_of(db_path)["ideas"][0]
    assert idea["status"] == "implemented" and idea["experiment"]["result"] == 7.5
    assert idea["decision"]["by"] == platform.user("U0MGR2") and idea["outcome"] == "Rolled out to all queues"
    assert audit(db_path) == [("open", "in_review", "threshold"), ("in_review", "needs_info", "needs_info"),
                              ("needs_info", "in_review", "answered"), ("in_review", "piloting", "pilot"),
                              ("piloting", "implemented", "implemented")]


async def test_approve_with_a_champion_and_celebrate(platform, db_path):
    await platform.say_hello("U0IT1")
    await voted_into_review(platform)
    await platform.decide("U0MGR1", "approve", {"risk": "high", "mitigation": "Cap at 20 EUR, weekly review",
                                                "champion": platform.user("U0IT1")})
    await platform.told("U0IT1", ["IT champion", "Self-service refunds"])
    await platform.told("U1", ["approved", platform.name("U0MGR1")])
    await platform.thread_shows(["Approved by", "Cap at 20 EUR, weekly review"])
    await platform.card_shows(["approved"])
    for manager in MANAGERS:
        await platform.review_buttons_become(manager, ["Mark implemented"])

    await platform.decide("U0MGR2", "implemented", {"outcome": "Refunds now take 2 minutes instead of 2 days"})
    await platform.win_shows(["2 minutes instead of 2 days", platform.name("U1"), "3 supporters",
                              platform.name("U0MGR1"), platform.name("U0IT1")])
    await platform.thread_shows(["Implemented"])
    idea = export_of(db_path)["ideas"][0]
    assert idea["status"] == "implemented" and idea["champion"] == platform.user("U0IT1")
    assert {k: idea["decision"][k] for k in ("action", "by", "risk", "note")} == {
        "action": "approve", "by": platform.user("U0MGR1"), "risk": "high", "note": "Cap at 20 EUR, weekly review"}
    assert "already implemented" in await platform.refused("U0MGR1", "implemented", "already implemented")


async def test_decline_tells_the_author_and_old_buttons_are_refused(platform, db_path):
    await voted_into_review(platform)
    await platform.decide("U0MGR2", "decline", {"reason": "Refunds need finance sign-off"})
    await platform.told("U1", ["declined", "Refunds need finance sign-off"])
    await platform.thread_shows(["Declined by", "Refunds need finance sign-off"])
    assert "already declined" in await platform.refused("U0MGR1", "approve", "already declined")
    assert "Only a manager" in await platform.refused("U5", "pilot", "Only a manager")
    assert audit(db_path) == [("open", "in_review", "threshold"), ("in_review", "declined", "decline")]


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
