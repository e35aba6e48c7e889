"""Issue 11, point 9: an idea or problem saved but not posted is retried until it lands, exactly once."""

from __future__ import annotations

from bot.ideas import submit_idea
from bot.model import Actor, Draft, Origin, ProblemDraft
from bot.problems import submit_problem
from bot.scheduler import run_due
from storage import decisions as decided
from storage import ideas as store
from storage import outbox
from storage import problems as problem_store
from storage.db import write
from tests.core_fixtures import Clock
from tests.scheduling import config_with, posts_to, scheduled_core, utc

ALICE = Origin("slack", "U0ALICE", "C0GENERAL", None)


def waiting(core) -> list:
    return outbox.waiting(core.db)


async def test_a_refused_post_waits_for_retry_after_then_lands_once_and_the_poster_is_told(settings, fake_slack):
    clock = Clock(utc(2026, 12, 1, 10, 0))
    fake_slack.fail("chat.postMessage", status=503, error="service_unavailable", retry_after=600)
    async with scheduled_core(settings, config_with(), clock) as core:
        idea, note = await submit_idea(core, ALICE, Draft(text="Callbacks after 5 minutes"), answer_within=5)
        assert "could not be posted" in note.text and "told" in note.text
        assert store.get_idea(core.db, idea.id).message_id is None and len(waiting(core)) == 1
        clock.advance(minutes=5)  # backoff alone would say 1 minute; Retry-After says 10
        await run_due(core)
        assert len(posts_to(fake_slack, "C0IDEAS")) == 1  # only the refused attempt
        clock.advance(minutes=6)
        await run_due(core)
        await core.background.drain(timeout=10)
        posted = store.get_idea(core.db, idea.id)
        assert posted.message_id and waiting(core) == []
        clock.advance(minutes=30)
        await run_due(core)
    cards = posts_to(fake_slack, "C0IDEAS")
    assert len(cards) == 2 and cards[-1].answer["ts"] == posted.message_id
    assert cards[-1].args["metadata"]["event_payload"]["claim"]  # the claim travels with the post
    told = posts_to(fake_slack, "U0ALICE")
    assert len(told) == 1 and "is posted now" in told[0].text()


async def test_a_post_that_landed_but_was_not_recorded_is_found_not_posted_again(settings, fake_slack):
    clock = Clock(utc(2026, 12, 1, 10, 0))
    fake_slack.fail("chat.postMessage", status=500, error="internal_error", landed=True)
    async with scheduled_core(settings, config_with(), clock) as core:
        idea, _ = await submit_idea(core, ALICE, Draft(text="Print labels at the counter"), answer_within=5)
    landed = fake_slack.history["C0IDEAS"][0]["ts"]
    clock.advance(minutes=2)
    async with scheduled_core(settings, config_with(), clock) as core:  # a restart
        await run_due(core)
        assert store.get_idea(core.db, idea.id).message_id == landed and waiting(core) == []
    assert len(posts_to(fake_slack, "C0IDEAS")) == 1
    assert fake_slack.calls_to("conversations.history")


async def test_a_new_idea_is_saved_with_its_first_attempt_and_costs_one_more_transaction_when_posted(
        settings, fake_slack):
    clock = Clock(utc(2026, 12, 1, 10, 0))
    async with scheduled_core(settings, config_with(), clock) as core:
        statements: list[str] = []
        core.db.conn.set_trace_callback(statements.append)
        idea, note = await submit_idea(core, ALICE, Draft(text="Callbacks after 5 minutes"), answer_within=5)
        core.db.conn.set_trace_callback(None)
        assert note.text == f"Idea #{idea.id} is posted." and waiting(core) == []
    assert statements.count("BEGIN IMMEDIATE") == 2  # the idea with its attempt's claim; where its card landed
    assert len(posts_to(fake_slack, "C0IDEAS")) == 1


async def test_an_attempt_cut_short_by_a_crash_is_taken_over_after_its_hold(settings, fake_slack):
    clock = Clock(utc(2026, 12, 1, 10, 0))
    async with scheduled_core(settings, config_with(), clock) as core:
        with write(core.db) as db:
            problem_id = problem_store.insert_problem(db, Actor("slack", "U0BOB"), ProblemDraft(
                tried="Reset a password", went_wrong="No e-mail"), clock())
            outbox.add(db, "problem", problem_id, "slack", "C0IDEAS", Origin("slack", "U0BOB"), clock(),
                       clock.at.replace(minute=3))  # saved with its first attempt taken
        # the process that saved it died before posting: the hold keeps others off for three minutes
        clock.advance(minutes=1)
        await run_due(core)
        assert posts_to(fake_slack, "C0IDEAS") == []
        clock.advance(minutes=3)
        await run_due(core)
        assert len(posts_to(fake_slack, "C0IDEAS")) == 1 and waiting(core) == []


async def test_an_anonymous_author_keeps_their_reach_path_when_the_post_fails(settings, fake_slack):
    clock = Clock(utc(2026, 12, 1, 10, 0))
    fake_slack.fail("chat.postMessage", status=200, error="channel_not_found")
    async with scheduled_core(settings, config_with(), clock) as core:
        idea, _ = await submit_idea(core, ALICE, Draft(text="Shorter hold music", anonymous=True), answer_within=5)
        await core.background.drain(timeout=10)
        assert decided.extras(core.db, idea.id)["author_channel"] == "U0ALICE"  # the fake's DM id
        hello = posts_to(fake_slack, "U0ALICE")
        assert len(hello) == 1 and "will be posted as soon as" in hello[0].text()
        clock.advance(minutes=2)
        await run_due(core)
        await core.background.drain(timeout=10)
    assert len(posts_to(fake_slack, "C0IDEAS")) == 2  # the refused attempt and the one that landed
    assert "is posted now" in posts_to(fake_slack, "U0ALICE")[-1].text()
    assert len(posts_to(fake_slack, "U0ALICE")) == 2  # the hello is not repeated


async def test_problems_go_through_the_outbox_too(settings, fake_slack):
    clock = Clock(utc(2026, 12, 1, 10, 0))
    fake_slack.fail("chat.postMessage", status=200, error="not_in_channel")
    async with scheduled_core(settings, config_with(), clock) as core:
        problem, note = await submit_problem(core, ALICE, ProblemDraft(tried="Pay a bill", went_wrong="Card refused"),
                                             answer_within=5)
        assert "could not be posted" in note.text
        clock.advance(minutes=1)
        await run_due(core)
    assert len(posts_to(fake_slack, "C0IDEAS")) == 2


async def test_a_landed_post_is_found_behind_hundreds_of_newer_messages(settings, fake_slack):
    clock = Clock(utc(2026, 12, 1, 10, 0))
    fake_slack.fail("chat.postMessage", status=500, error="internal_error", landed=True)
    async with scheduled_core(settings, config_with(), clock) as core:
        idea, _ = await submit_idea(core, ALICE, Draft(text="Print labels at the counter"), answer_within=5)
        landed = fake_slack.history["C0IDEAS"][0]["ts"]
        fake_slack.history["C0IDEAS"][:0] = [{"ts": f"1800000000.{n:06d}"} for n in range(450)]  # a busy channel
        clock.advance(minutes=2)
        await run_due(core)
        assert store.get_idea(core.db, idea.id).message_id == landed
    assert len(posts_to(fake_slack, "C0IDEAS")) == 1 and len(fake_slack.calls_to("conversations.history")) == 3
