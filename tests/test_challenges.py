"""Challenges at the core, on the scheduler's clock: the form's checks, ideas joining, the card following
the votes, the halfway reminder and the close exactly once (caught up after downtime), the export."""

from datetime import date, timedelta

import pytest
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.challenges import blank_form, submit_challenge
from bot.commands import idea_command
from bot.digest import build_digest
from bot.errors import Refused
from bot.export import export
from bot.ideas import toggle_vote
from bot.interactions import Request
from bot.model import Actor, Origin, ProblemDraft
from bot.problems import submit_problem
from handlers.slack.challenge_blocks import challenge_modal
from storage import sends
from storage.db import write
from tests.core_fixtures import Clock, MovingClock
from tests.scheduling import config_with, posts_to, scheduled_core, tick_through, utc

MANAGER = Origin("slack", "U0MGR1", "C0GENERAL")
START = utc(2026, 12, 1, 10, 0)  # a Tuesday; [digest] time is 09:00 UTC
NASTY = "<!channel> “quotes” 🎉 & <@U0MGR1> " + "x" * 40


def staff(user: str) -> Origin:
    return Origin("slack", user, "C0GENERAL")


def valid(**changes) -> dict:
    return {"question": "How might we stop the 'where is my parcel' calls?", "ends_on": "2026-12-05",
            "advance": "2", **changes}


def assert_valid_slack(message: dict) -> None:
    for block in message["blocks"]:
        Block.parse(block).validate_json()
    assert len(message["blocks"]) <= 50


async def drained(core):
    await core.background.drain()


@pytest.fixture
def clock():
    return Clock(START)


async def started(core, **changes):
    challenge, errors = await submit_challenge(core, MANAGER, valid(**changes))
    assert errors == {} and challenge is not None
    await drained(core)
    return challenge


async def idea(core, user: str, text: str) -> int:
    await idea_command(core, Request(staff(user), private=True), f"challenge C1 {text}")
    await drained(core)
    return max(i["id"] for i in export(core.db)["ideas"])


async def test_bad_input_gets_a_field_error_and_stores_nothing(settings, fake_slack, clock):
    async with scheduled_core(settings, config_with(), clock) as core:
        problem, _ = await submit_problem(core, staff("U7"), ProblemDraft(text="Lockers refuse the code"))
        with write(core.db) as db:
            db.execute("UPDATE problems SET status = 'solved' WHERE id = ?", [problem.id])
        cases = [(valid(ends_on="2026-12-01"), "ends_on"), (valid(ends_on="2026-11-30"), "ends_on"),
                 (valid(ends_on="soon"), "ends_on"), (valid(problem_id="P99"), "problem_id"),
                 (valid(problem_id=str(problem.id)), "problem_id"), (valid(advance="0"), "advance"),
                 (valid(advance="-2"), "advance"), (valid(question="  "), "question"),
                 (valid(goal="Not a goal"), "goal"), (valid(question="“q” 🎉 " * 500), "question"),
                 (valid(advance="21"), "advance"), (valid(advance="three"), "advance")]
        for values, field in cases:
            challenge, errors = await submit_challenge(core, MANAGER, values)
            assert challenge is None and field in errors, (values, errors)
        with pytest.raises(Refused, match="Only managers"):
            await submit_challenge(core, staff("U5"), valid())
        assert export(core.db)["challenges"] == []
        assert not any("Challenge C" in c.text() for c in posts_to(fake_slack, "C0IDEAS"))


async def test_the_form_renders_within_slacks_limits_with_nasty_text(settings, fake_slack, clock):
    async with scheduled_core(settings, config_with(), clock) as core:
        form = blank_form(core, {"question": NASTY * 10, "problem_id": "1", "ends_on": "2026-12-05"},
                          {"ends_on": "The end date must be tomorrow or later."})
        View(**challenge_modal(form, {"channel": "C1"})).validate_json()


async def test_ideas_join_votes_move_the_card_and_closed_or_unknown_challenges_refuse(settings, fake_slack, clock):
    async with scheduled_core(settings, config_with(), clock) as core:
        problem, _ = await submit_problem(core, staff("U7"), ProblemDraft(text="Where is my parcel calls"))
        await started(core, problem_id=f"P{problem.id}", question=NASTY)
        [post] = [c for c in posts_to(fake_slack, "C0IDEAS") if "Challenge C1" in c.args["text"]]
        assert "Add an idea" in post.text() and f"P{problem.id}" in post.text() and "&lt;!channel&gt;" in post.text()
        assert "<!channel>" not in post.text()
        first = await idea(core, "U1", "Text customers the locker code")
        second = await idea(core, "U2", "Show the parcel on a map")
        await toggle_vote(core, Actor("slack", "U3"), second)
        await drained(core)
        update = [c for c in fake_slack.calls_to("chat.update") if c.args.get("ts") == post.answer["ts"]][-1]
        assert "2 ideas" in update.text() and update.text().index("Show the parcel") < update.text().index("Text customers")
        assert_valid_slack(update.args)
        assert [i["challenge"] for i in export(core.db)["ideas"]] == ["C1", "C1"]
        with pytest.raises(Refused, match="no challenge C9"):
            await idea_command(core, Request(staff("U1"), private=True), "challenge C9 Something")
        assert first == 1


async def test_halfway_and_close_happen_once_on_the_clock(settings, fake_slack, clock):
    config = config_with(roles={"managers": ["U0MGR1", "U0MGR2"]})
    async with scheduled_core(settings, config, clock) as core:
        await started(core, ends_on="2026-12-05", advance="2")  # closes Saturday 5 December 09:00 UTC
        texts = {1: "Text customers the locker code", 2: "Show parcels on a live map", 3: "Callback from the depot"}
        ideas = [await idea(core, f"U{n}", texts[n]) for n in (1, 2, 3)]
        await idea_command(core, Request(staff("U4"), private=True), "challenge C1 anon Anonymous idea")
        await drained(core)
        for voter, target in (("U8", ideas[2]), ("U9", ideas[2]), ("U8", ideas[1])):
            await toggle_vote(core, Actor("slack", voter), target)
        sent = await tick_through(core, clock, utc(2026, 12, 5, 12, 0), timedelta(minutes=30))
        clock.set(utc(2026, 12, 5, 8, 0))  # the clock jumps back over the close: nothing again
        sent += await tick_through(core, clock, utc(2026, 12, 5, 12, 0), timedelta(minutes=30))
        await drained(core)
        kinds = [(at, key.kind) for at, key in sent if key.kind.startswith("challenge") and key.kind != "challenge_card"]
        days = [at for at, key in sent if key.kind == "challenge_card"]  # the days left, brought up to date daily
        assert days == [utc(2026, 12, d, 9) for d in (2, 3, 4)]
        halfway = utc(2026, 12, 3, 9, 30)  # halfway between Tuesday 10:00 and Saturday 09:00
        assert kinds == [(halfway, "challenge_halfway"),
                         (utc(2026, 12, 5, 9), "challenge_close"), (utc(2026, 12, 5, 9), "challenge_summary"),
                         (utc(2026, 12, 5, 9), "challenge_authors")]
        card_ts = [c for c in posts_to(fake_slack, "C0IDEAS") if "Challenge C1" in c.args["text"]][0].answer["ts"]
        thread = [c for c in posts_to(fake_slack, "C0IDEAS") if c.args.get("thread_ts") == card_ts]
        assert "Halfway through challenge C1" in thread[0].text() and "Callback from the depot" in thread[0].text()
        assert "is closed" in thread[1].text() and "#3" in thread[1].text() and "#2" in thread[1].text()
        channel_summary = [c for c in posts_to(fake_slack, "C0IDEAS") if "is closed" in c.text()
                           and not c.args.get("thread_ts")]
        assert len(channel_summary) == 1 and "<@U1>" in channel_summary[0].text() and "4 people" in channel_summary[0].text()
        data = export(core.db)
        [challenge] = data["challenges"]
        assert challenge["status"] == "closed" and challenge["advanced"] == [2, 3] and challenge["ideas"] == [1, 2, 3, 4]
        assert set(challenge) == {"id", "question", "problem", "goal", "ends_on", "advance", "status", "ideas",
                                  "advanced", "created_by", "created_at", "closed_at"}
        assert [i["status"] for i in data["ideas"]] == ["open", "in_review", "in_review", "open"]
        assert [a["action"] for a in data["audit"]] == ["challenge", "challenge"]
        for manager in ("U0MGR1", "U0MGR2"):
            review = [c for c in posts_to(fake_slack, manager) if "Approve" in c.text()]
            assert {c.text().split("#")[1][:1] for c in review} == {"2", "3"}
        assert any("most voted of challenge" in c.text() for c in posts_to(fake_slack, "U2"))
        assert any("most voted of challenge" in c.text() for c in posts_to(fake_slack, "U3"))
        assert not any("most voted of challenge" in c.text() for c in posts_to(fake_slack, "U1"))
        with pytest.raises(Refused, match="closed and takes no more ideas"):
            await idea_command(core, Request(staff("U1"), private=True), "anon challenge C1 Too late")
        assert len(export(core.db)["ideas"]) == 4


async def test_a_close_missed_while_down_is_caught_up_once(settings, fake_slack, clock):
    async with scheduled_core(settings, config_with(), clock) as core:
        await started(core, ends_on="2026-12-03", advance="1")
        await idea(core, "U1", "Only idea")
    clock.set(utc(2026, 12, 7, 15, 0))  # down from Tuesday until the Monday after: halfway and close were missed
    async with scheduled_core(settings, config_with(), clock) as core:
        first = await run_twice(core)
        await drained(core)
        assert [k.kind for k in first] == ["challenge_close", "challenge_summary", "challenge_authors"]
        assert export(core.db)["challenges"][0]["advanced"] == [1]
        assert sorted(s["kind"] for s in sends.sent(core.db) if s["kind"].startswith("challenge")) == [
            "challenge_authors", "challenge_close", "challenge_summary"]  # no halfway after the end
        digest = await build_digest(core, utc(2026, 12, 7, 9), utc(2026, 12, 14, 9), platform="slack")
        [section] = [s for s in digest.sections if s.heading == "Challenges"]
        assert "closed with 1 idea" in str(section.lines) and "#1" in str(section.lines)


async def run_twice(core):
    from bot.scheduler import run_due
    return [*await run_due(core), *await run_due(core)]


async def test_on_a_moving_clock_a_start_and_a_close_each_read_the_time_once(settings, fake_slack):
    clock = MovingClock(utc(2026, 12, 1, 23, 59, 58))  # midnight passes while the challenge is being started
    async with scheduled_core(settings, config_with(), clock) as core:
        challenge = await started(core, ends_on="2026-12-02", advance="2")
        assert challenge.created_at.date() == date(2026, 12, 1)  # the day the end date was checked against
        await idea(core, "U1", "Text customers the locker code")
        await idea(core, "U2", "Show parcels on a live map")
        clock.set(utc(2026, 12, 2, 9, 0))
        await run_twice(core)
        data = export(core.db)
        [closed] = data["challenges"]
        assert {a["at"] for a in data["audit"]} == {closed["closed_at"]} and len(data["audit"]) == 2


async def test_only_managers_see_start_a_challenge_on_hot_spots(settings, fake_slack, clock):
    from bot import hero
    from handlers.slack.render import render

    async with scheduled_core(settings, config_with(), clock) as core:
        await submit_problem(core, staff("U7"), ProblemDraft(text="Lockers refuse the code"))
        clock.advance(minutes=1)
        for who, shown in ((MANAGER, True), (staff("U5"), False)):
            spots = await hero.run(core, who, "hotspots")
            assert spots.starts_challenges is shown
            assert ("Start a challenge" in str(render(spots))) is shown
        with pytest.raises(Refused, match="Only managers"):
            await hero.run(core, staff("U5"), "challenge P1")
        form = await hero.run(core, MANAGER, "challenge P1")
        assert form.value("problem_id") == "1" and form.value("advance") == "3"


@pytest.mark.parametrize("text, expected", [
    ("challenge C1 Text the code", ("Text the code", False, 1)),
    ("challenge c12 anon Text the code", ("Text the code", True, 12)),
    ("anon challenge C3  Text  the code", ("Text  the code", True, 3)),
    ("anonymous challenge C3 anon", ("anon", True, 3)),
])
def test_the_idea_command_grammar(text, expected):
    from bot.grammar import draft_for_challenge, is_challenge_idea

    draft = draft_for_challenge(text)
    assert is_challenge_idea(text) and (draft.text, draft.anonymous, draft.challenge_id) == expected


@pytest.mark.parametrize("text", ["challenge accepted: callbacks", "challenge", "anon challenge", "challenge C1",
                                  "challenge Cx idea", "challenge C1 anon", "challenges C1 idea"])
def test_what_is_not_an_idea_for_a_challenge(text):
    from bot.grammar import draft_for_challenge, is_challenge_idea

    if is_challenge_idea(text):
        with pytest.raises(Refused):
            draft_for_challenge(text)


@pytest.mark.paced
async def test_a_burst_of_votes_updates_the_challenge_message_paced_and_ends_on_the_last_count(settings, fake_slack, clock):
    async with scheduled_core(settings, config_with(voting={"threshold": 100}), clock) as core:
        await started(core)
        card_ts = [c for c in posts_to(fake_slack, "C0IDEAS") if "Challenge C1" in c.args["text"]][0].answer["ts"]
        first = await idea(core, "U1", "Text customers the locker code")
        before = len(fake_slack.calls_to("chat.update"))
        for n in range(12):
            await toggle_vote(core, Actor("slack", f"U{100 + n}"), first)
        await drained(core)
        updates = [c for c in fake_slack.calls_to("chat.update")[before:] if c.args.get("ts") == card_ts]
        assert 1 <= len(updates) <= 3  # at most one a second per message, not one per vote
        assert "12 votes" in updates[-1].text()


async def test_the_digest_lists_open_challenges_and_forgetting_their_manager_leaves_no_trace(settings, fake_slack, clock):
    from storage import privacy

    async with scheduled_core(settings, config_with(), clock) as core:
        await started(core, question="How might we help U0MGR1's customers?")
        await idea(core, "U1", "Text customers the locker code")
        digest = await build_digest(core, START - timedelta(days=7), START + timedelta(hours=1), platform="slack")
        [section] = [s for s in digest.sections if s.heading == "Challenges"]
        assert "C1" in str(section.lines) and "3 days left, 1 idea" in str(section.lines)
        with write(core.db) as db:
            privacy.forget(db, "U0MGR1")
        [challenge] = export(core.db)["challenges"]
        assert challenge["created_by"] == "forgotten" and "U0MGR1" not in str(export(core.db))
