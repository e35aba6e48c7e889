"""A challenge on Slack and on Teams, through the platforms' own entries: started from a hot spot,
ideas added by the Add an idea button and by command, voted, closed on the scheduler's clock, the most
voted idea decided and implemented, the challenge's message following it and the win crediting it."""

from datetime import date, timedelta

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.config import Config
from bot.schedule import Weekly
from bot.scheduler import run_due
from tests import decision_steps as slack_steps
from tests import teams_decision_steps as teams_steps
from tests.conftest import CONFIG, export_of
from tests.core_fixtures import Clock
from tests.teams_requests import IDEAS_CHANNEL, aad
from tests.test_scenarios import MANAGERS, SlackDriver, TeamsDriver

ENDS_ON = (date.today() + timedelta(days=3)).isoformat()
QUESTION = "How might we stop the <!channel> “where is my parcel” calls? 📦"


@pytest.fixture
def config():
    people = {"managers": [*MANAGERS, *map(aad, MANAGERS)], "it_champions": ["U0IT1", aad("U0IT1")]}
    return Config.from_dict({**CONFIG, "roles": people})


def valid_slack(call) -> None:
    for block in call.args.get("blocks") or []:
        Block.parse(block).validate_json()


class SlackChallenges(SlackDriver):
    async def start_from_hotspot(self, manager: str, values: dict) -> None:
        await self.slack.command("/hero", "hotspots", user=manager)
        answer = (await self.fake.wait_for("answer", where=lambda c: "Start a challenge" in c.text()))[-1]
        for block in answer.args["blocks"]:
            Block.parse(block).validate_json()
        await self.slack.click("start_challenge", "1", user=manager, channel="C0GENERAL")
        view = (await self.fake.wait_for("views.open", where=lambda c: "challenge_form" in c.text()))[-1].args["view"]
        View(**view).validate_json()
        [problem] = [b for b in view["blocks"] if b["block_id"] == "problem_id"]
        assert problem["element"]["initial_option"]["value"] == "1"  # the hot spot's problem is filled in
        labels = [b["label"]["text"] for b in view["blocks"]]
        assert labels == ["Question", "Customer problem", "Mission goal", "Ends on", "Ideas to advance"]
        response = await slack_steps.submit(self.slack, view, {**values, "problem_id": "1"}, user=manager)
        assert response.status == 200 and await response.text() == ""

    async def start_refused(self, user: str, values: dict) -> str:
        await self.slack.command("/hero", "challenge", user=user)
        return (await self.fake.wait_for("answer", where=lambda c: "Only managers" in c.text()))[-1].text()

    async def form_error(self, manager: str, values: dict) -> dict:
        await self.slack.command("/hero", "challenge", user=manager)
        view = (await self.fake.wait_for("views.open", where=lambda c: "challenge_form" in c.text()))[-1].args["view"]
        response = await slack_steps.submit(self.slack, view, values, user=manager)
        return (await response.json())["errors"]

    async def challenge_posted(self, words) -> None:
        call = (await self.fake.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == "C0IDEAS"
                                         and all(w in c.text() for w in words)))[-1]
        valid_slack(call)
        self.challenge = call.answer["ts"]

    async def add_idea_by_button(self, user: str, text: str) -> None:
        await self.slack.click("challenge_add_idea", "1", user=user, message_ts=self.challenge)
        view = (await self.fake.wait_for("views.open", where=lambda c: c.args.get("view", {}).get("callback_id")
                                         == "idea_form"))[-1].args["view"]
        View(**view).validate_json()
        [field] = [b for b in view["blocks"] if b["block_id"] == "challenge_id"]
        assert field["label"]["text"] == "Challenge" and field["element"]["initial_option"]["value"] == "1"
        await self.slack.submit_view(view, {"problem": "Customers call about parcels", "solution": text,
                                            "impact": "Fewer calls", "challenge_id": {
                                                "type": "static_select", "selected_option": {"value": "1"}}}, user=user)
        await self.fake.wait_for("chat.postMessage", where=lambda c: text in c.text() and "Idea #" in c.args["text"])

    async def add_idea_by_command(self, user: str, text: str) -> None:
        await self.slack.command("/idea", f"challenge C1 {text}", user=user)
        await self.fake.wait_for("chat.postMessage", where=lambda c: text in c.text() and "Idea #" in c.args["text"])

    async def vote_for(self, user: str, idea: int) -> None:
        await self.slack.click("idea_vote", str(idea), user=user)

    async def challenge_shows(self, words) -> None:
        call = (await self.fake.wait_for("chat.update", timeout=6, where=lambda c: c.args.get("ts") == self.challenge
                                         and all(w in c.text() for w in words)))[-1]
        valid_slack(call)

    async def idea_refused(self, user: str, text: str, words: str) -> None:
        await self.slack.command("/idea", f"challenge C1 {text}", user=user)
        await self.fake.wait_for("answer", where=lambda c: words in c.text())

    async def listed(self, user: str, words) -> None:
        await self.slack.command("/hero", "challenges", user=user)
        valid_slack((await self.fake.wait_for("answer", where=lambda c: all(w in c.text() for w in words)))[-1])

    async def thread_says(self, words) -> None:
        call = (await self.fake.wait_for("chat.postMessage", where=lambda c: c.args.get("thread_ts") == self.challenge
                                         and all(w in c.text() for w in words)))[-1]
        valid_slack(call)


class TeamsChallenges(TeamsDriver):
    async def start_from_hotspot(self, manager: str, values: dict) -> None:
        await self.teams.message("hero hotspots", user=manager, channel=None)
        await self.fake.wait_for("send", where=lambda c: teams_steps.is_personal_chat_of(c.conversation, manager)
                                 and "Start a challenge" in c.text())
        _, answer = await self.teams.click("start_challenge", {"problem": 1}, user=manager,
                                           conversation=teams_steps.personal(manager))
        form = answer["value"]
        fields = teams_steps.inputs(form)
        assert fields["problem_id"]["value"] == "1"
        assert [f["label"] for f in fields.values()] == ["Question", "Customer problem", "Mission goal", "Ends on",
                                                         "Ideas to advance"]
        _, answer = await self.teams.click("challenge_form", {**values, "problem_id": "1"}, user=manager,
                                           conversation=teams_steps.personal(manager))
        assert "Challenge C1 is started" in str(answer["value"])

    async def start_refused(self, user: str, values: dict) -> str:
        await self.teams.message("hero challenge", user=user, channel=None)
        return (await self.fake.wait_for("send", where=lambda c: "Only managers" in c.text()))[-1].text()

    async def form_error(self, manager: str, values: dict) -> dict:
        _, answer = await self.teams.click("challenge_form", values, user=manager,
                                           conversation=teams_steps.personal(manager))
        return {b["id"]: b for b in answer["value"]["body"] if b["type"].startswith("Input.")} | {
            "errors": [b["text"] for b in answer["value"]["body"] if b.get("color") == "Attention"]}

    async def challenge_posted(self, words) -> None:
        call = (await self.fake.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL
                                         and all(w in c.text() for w in words)))[-1]
        self.challenge = call.activity_id

    async def add_idea_by_button(self, user: str, text: str) -> None:
        _, answer = await self.teams.click("challenge_add_idea", {"challenge": 1}, user=user, message_id=self.challenge)
        assert "The idea form is in your chat" in str(answer["value"]) and "Add an idea" in str(answer["value"])
        form = (await self.fake.wait_for("send", where=lambda c: teams_steps.is_personal_chat_of(c.conversation, user)
                                         and "Share an idea" in c.text()))[-1].card()
        field = teams_steps.inputs(form)["challenge_id"]
        assert field["label"] == "Challenge" and field["value"] == "1"
        await self.teams.click("idea_form", {"problem": "Customers call about parcels", "solution": text,
                                             "impact": "Fewer calls", "challenge_id": "1"}, user=user,
                               conversation=teams_steps.personal(user))
        await self.fake.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL and text in c.text())

    async def add_idea_by_command(self, user: str, text: str) -> None:
        await self.teams.message(f"idea challenge C1 {text}", user=user)
        await self.fake.wait_for("send", where=lambda c: c.conversation == IDEAS_CHANNEL and text in c.text())

    async def vote_for(self, user: str, idea: int) -> None:
        await self.teams.click("vote", {"idea": idea}, user=user)

    async def challenge_shows(self, words) -> None:
        await self.fake.wait_for("update", timeout=6, where=lambda c: c.conversation == IDEAS_CHANNEL
                                 and "C1 ·" in c.text() and all(w in c.text() for w in words))

    async def idea_refused(self, user: str, text: str, words: str) -> None:
        await self.teams.message(f"idea challenge C1 {text}", user=user)
        await self.fake.wait_for("send", where=lambda c: words in c.text())

    async def listed(self, user: str, words) -> None:
        await self.teams.message("hero challenges", user=user, channel=None)
        await self.fake.wait_for("send", where=lambda c: teams_steps.is_personal_chat_of(c.conversation, user)
                                 and all(w in c.text() for w in words))

    async def thread_says(self, words) -> None:
        thread = f"{IDEAS_CHANNEL};messageid={self.challenge}"
        await self.fake.wait_for("send", where=lambda c: c.conversation == thread and all(w in c.text() for w in words))


@pytest.fixture(params=["slack", "teams"])
def platform(request, slack, fake_slack, teams, fake_teams):
    return SlackChallenges(slack, fake_slack) if request.param == "slack" else TeamsChallenges(teams, fake_teams)


async def test_a_challenge_from_a_hot_spot_to_a_win(platform, core, db_path):
    for user in (*MANAGERS, "U1", "U2"):
        await platform.hello(user)
    await platform.log_problem("Where is my parcel: customers call again and again", user="U7")
    assert "Only managers" in await platform.start_refused("U5", {})
    await platform.start_from_hotspot("U0MGR1", {"question": QUESTION, "ends_on": ENDS_ON, "advance": "1"})
    await platform.challenge_posted(["C1", "Add an idea", "P1", "where is my parcel"])

    await platform.add_idea_by_button("U1", "Text customers the locker code")
    await platform.add_idea_by_command("U2", "Show parcels on a live map")
    for voter, idea in (("U3", 1), ("U4", 1), ("U5", 2)):
        await platform.vote_for(platform.user(voter), idea)
    await platform.challenge_shows(["2 ideas", "Most voted", "Text customers the locker code", "2 votes"])
    await platform.listed("U5", ["Open challenges", "C1", "2 ideas", "left"])

    ends = Weekly.of(core.config).on(date.fromisoformat(ENDS_ON))
    core.clock = Clock(ends - timedelta(hours=12))  # past halfway
    await run_due(core)
    await platform.thread_says(["Halfway through challenge C1", "2 ideas", "Text customers the locker code"])
    core.clock = Clock(ends + timedelta(minutes=1))
    await run_due(core)
    await run_due(core)  # a second wake-up sends nothing again
    for manager in MANAGERS:
        await platform.review_buttons_become(manager, ["Approve", "Pilot", "Decline", "Needs info", "Mark duplicate"])
    await platform.channel_post(["Challenge C1 is closed", "Advanced to review", "Text customers the locker code"])
    await platform.told("U1", ["most voted of challenge", "C1"])
    await platform.challenge_shows(["closed", "Advanced to review", "in review"])
    await platform.idea_refused("U2", "One more idea", "closed and takes no more ideas")

    await platform.decide("U0MGR1", "approve", {"risk": "low"})
    await platform.challenge_shows(["Advanced to review", "approved"])
    await platform.decide("U0MGR2", "implemented", {"outcome": "Lockers text the code on arrival"})
    await platform.win_shows(["Lockers text the code on arrival", "born in challenge C1"])
    await platform.challenge_shows(["Advanced to review", "implemented"])
    await platform.listed("U5", ["Closed in the last 90 days", "C1", "implemented"])

    data = export_of(db_path)
    [challenge] = data["challenges"]
    assert {k: challenge[k] for k in ("id", "problem", "status", "ideas", "advanced", "advance", "ends_on")} == {
        "id": "C1", "problem": "P1", "status": "closed", "ideas": [1, 2], "advanced": [1], "advance": 1,
        "ends_on": ENDS_ON}
    assert challenge["question"] == QUESTION and challenge["created_by"] == platform.user("U0MGR1")
    assert [i["challenge"] for i in data["ideas"]] == ["C1", "C1"]
    assert [i["status"] for i in data["ideas"]] == ["implemented", "open"]


async def test_bad_form_answers_show_under_their_fields_and_store_nothing(platform, core, db_path):
    await platform.hello("U0MGR1")
    today = date.today().isoformat()
    errors = await platform.form_error("U0MGR1", {"question": QUESTION, "ends_on": today, "advance": "0"})
    text = str(errors)
    assert "tomorrow or later" in text and "At least one idea" in text
    assert export_of(db_path)["challenges"] == []


async def test_an_idea_form_for_a_challenge_closed_meanwhile_says_so_under_challenge(platform, core, db_path):
    from bot.challenges import close

    await platform.hello("U0MGR1")
    await platform.hello("U1")
    await platform.log_problem("Where is my parcel: customers call again and again", user="U7")
    await platform.start_from_hotspot("U0MGR1", {"question": QUESTION, "ends_on": ENDS_ON, "advance": "1"})
    await platform.challenge_posted(["C1", "Add an idea"])
    close(core, 1)
    errors = await platform.submit_idea_form("U1", {"problem": "Customers call about parcels",
                                                    "solution": "Text the code", "impact": "Fewer calls",
                                                    "challenge_id": "1"})
    assert "closed and takes no more ideas" in errors["challenge_id"]
    assert export_of(db_path)["ideas"] == []


async def _slack_submit_idea_form(self, user: str, values: dict) -> dict:
    await self.slack.command("/idea", "", user=user)
    view = (await self.fake.wait_for("views.open", where=lambda c: c.args.get("view", {}).get("callback_id")
                                     == "idea_form"))[-1].args["view"]
    state = {**values, "challenge_id": {"type": "static_select", "selected_option": {"value": values["challenge_id"]}}}
    response = await self.slack.submit_view(view, state, user=user)
    return (await response.json())["errors"]


async def _teams_submit_idea_form(self, user: str, values: dict) -> dict:
    _, answer = await self.teams.click("idea_form", values, user=user, conversation=teams_steps.personal(user))
    errors = [b["text"] for b in answer["value"]["body"] if b.get("color") == "Attention"]
    return {"challenge_id": " ".join(errors)}


SlackChallenges.submit_idea_form = _slack_submit_idea_form
TeamsChallenges.submit_idea_form = _teams_submit_idea_form
