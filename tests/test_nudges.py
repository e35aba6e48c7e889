"""Reminders and escalations in working days, Remind me tomorrow, manager digests, pilot check-ins."""

import json
import logging
from datetime import date, timedelta

from bot.model import Status
from handlers.web import CORE, create_app
from storage import sends
from storage.db import write
from tests.core_fixtures import Clock
from tests.scheduling import (
    add_idea, config_with, decide, posts_to, scheduled_core, start_pilot, tick_through, to_review, utc,
)
from tests.slack_requests import Slack

ESCALATION = {"escalation": "U0ESC"}


def action_ids(call) -> list[str]:
    return [e["action_id"] for b in json.loads(json.dumps(call.args.get("blocks") or []))
            if b.get("type") == "actions" for e in b["elements"]]


def labels(call) -> list[str]:
    return [e["text"]["text"] for b in call.args.get("blocks") or [] if b.get("type") == "actions" for e in b["elements"]]


async def test_reminder_and_escalation_count_working_days(settings, fake_slack):
    clock = Clock(utc(2026, 11, 26, 10, 0))  # Thursday
    config = config_with(roles={**ESCALATION})
    async with scheduled_core(settings, config, clock) as core:
        idea = add_idea(core, "Text customers their case number", utc(2026, 11, 25, 9, 0))
        to_review(core, idea, utc(2026, 11, 26, 10, 0))
        sent = await tick_through(core, clock, utc(2026, 12, 8, 12, 0), timedelta(hours=1))
    nudges = [(at, key.kind, key.recipient) for at, key in sent if key.kind in ("reminder", "escalation")]
    # three working days after Thursday: Friday, Monday, Tuesday -> Tuesday 1 December, 09:00
    # seven: Fri, Mon, Tue, Wed, Thu, Fri, Mon -> Monday 7 December (a calendar week would be 3 December)
    assert nudges == [(utc(2026, 12, 1, 9, 0), "reminder", "U0MGR1"), (utc(2026, 12, 7, 9, 0), "escalation", "U0ESC")]
    reminders = [c for c in posts_to(fake_slack, "U0MGR1") if "Reminder" in c.args["text"]]
    assert len(reminders) == 1
    reminder = reminders[0]
    assert action_ids(reminder) == ["decide_approve", "decide_pilot", "decide_decline", "decide_needs_info",
                                    "mark_duplicate", "remind_tomorrow"]
    assert "Remind me tomorrow" in labels(reminder) and "3 working days" in reminder.text()
    [escalation] = posts_to(fake_slack, "U0ESC")
    assert "7 working days" in escalation.text() and "<@U0MGR1>" in escalation.text()
    # the digest of Monday 7 December flags it
    digest = posts_to(fake_slack, "C0IDEAS")[-1]
    assert digest.args["text"].startswith("Weekly digest: 30 Nov") and "escalated" in digest.text()


async def test_an_action_restarts_the_wait(settings, fake_slack):
    clock = Clock(utc(2026, 11, 30, 10, 0))  # Monday
    async with scheduled_core(settings, config_with(), clock) as core:
        idea = add_idea(core, "Shorter hold music", utc(2026, 11, 30, 9, 0))
        to_review(core, idea, utc(2026, 11, 30, 10, 0))
        decide(core, idea, "needs_info", Status.NEEDS_INFO, "U0MGR1", utc(2026, 12, 2, 15, 0))  # Wednesday
        sent = await tick_through(core, clock, utc(2026, 12, 8, 12, 0), timedelta(hours=1))
    # from Wednesday: Thursday, Friday, Monday 7 December
    assert [(at, key.kind) for at, key in sent if key.kind == "reminder"] == [(utc(2026, 12, 7, 9, 0), "reminder")]


async def test_remind_me_tomorrow_reminds_again_on_the_next_working_day(settings, fake_slack):
    clock = Clock(utc(2026, 12, 4, 9, 30))  # Friday, after the reminder of 09:00
    app = create_app(settings, config_with(), clock=clock)
    from aiohttp.test_utils import TestClient, TestServer

    async with TestClient(TestServer(app)) as client:
        core = app[CORE]
        slack = Slack(client, fake_slack)
        idea = add_idea(core, "Callback slots", utc(2026, 11, 30, 8, 0))
        to_review(core, idea, utc(2026, 12, 1, 8, 0))  # Tuesday: reminder due Friday 4 December 09:00
        from bot.scheduler import run_due
        await run_due(core)
        await fake_slack.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") == "U0MGR1")

        response = await slack.click("remind_tomorrow", str(idea), user="U0MGR1", channel="DMGR1")
        assert response.status == 200
        [note] = await fake_slack.wait_for("note")
        assert "Monday 7 December" in json.dumps(note.args)
        refused = await slack.click("remind_tomorrow", str(idea), user="U7")
        assert refused.status == 200
        notes = await fake_slack.wait_for("note", count=2)
        assert "Only the managers" in json.dumps(notes[1].args)

        # the app's own scheduler runs too: count what reached Slack rather than who sent it
        def reminders():
            return [c for c in posts_to(fake_slack, "U0MGR1") if "Reminder" in c.args["text"]]
        clock.set(utc(2026, 12, 7, 8, 59))
        await run_due(core)
        assert len(reminders()) == 1
        clock.set(utc(2026, 12, 7, 9, 0))
        await run_due(core)
        await fake_slack.wait_for("chat.postMessage", count=2, where=lambda c: c in reminders())
        clock.set(utc(2026, 12, 8, 9, 0))
        await run_due(core)
        assert len(reminders()) == 2 and [r["period"] for r in sends.sent(core.db, "reminder")] == [
            "2026-12-04", "2026-12-07"]


async def test_each_manager_gets_their_queue_oldest_first_with_decision_buttons(settings, fake_slack):
    clock = Clock(utc(2026, 11, 27, 12, 0))
    config = config_with(routing={"Shorter waits": ["U0MGR2"]})
    async with scheduled_core(settings, config, clock) as core:
        newer = add_idea(core, "Newer idea", utc(2026, 11, 20, 9, 0))
        older = add_idea(core, "Older idea", utc(2026, 11, 20, 9, 0))
        routed = add_idea(core, "Routed idea", utc(2026, 11, 20, 9, 0), goal="Shorter waits")
        to_review(core, older, utc(2026, 11, 24, 9, 0))
        to_review(core, newer, utc(2026, 11, 26, 9, 0))
        to_review(core, routed, utc(2026, 11, 26, 9, 0))
        sent = await tick_through(core, clock, utc(2026, 11, 30, 9, 0), timedelta(hours=1))
    queues = {key.recipient: at for at, key in sent if key.kind == "manager_digest"}
    assert queues == {"U0MGR1": utc(2026, 11, 30, 9, 0), "U0MGR2": utc(2026, 11, 30, 9, 0)}
    [mine] = [c for c in posts_to(fake_slack, "U0MGR1") if "decision queue" in c.args["text"]]
    text = mine.text()
    assert text.index("Older idea") < text.index("Newer idea") and "Routed idea" not in text
    assert action_ids(mine).count("decide_approve") == 2


async def test_pilot_check_in_on_the_end_date_then_overdue_nudges(settings, fake_slack, caplog):
    caplog.set_level(logging.INFO)
    clock = Clock(utc(2026, 12, 1, 12, 0))
    async with scheduled_core(settings, config_with(roles={**ESCALATION}), clock) as core:
        named = add_idea(core, "Callback pilot", utc(2026, 11, 2, 9, 0), author="U0AUTHOR")
        hidden = add_idea(core, "Secret pilot", utc(2026, 11, 2, 9, 0), author="U0SHY", anonymous=True)
        channelled = add_idea(core, "Channel pilot", utc(2026, 11, 2, 9, 0), author="U0QUIET", anonymous=True)
        with write(core.db) as db:
            db.execute("UPDATE ideas SET author_channel = 'D0QUIET' WHERE id = ?", [channelled])
        for idea in (named, hidden, channelled):
            to_review(core, idea, utc(2026, 11, 3, 9, 0))
            start_pilot(core, idea, "U0MGR2", utc(2026, 11, 4, 9, 0), date(2026, 12, 2))
        sent = await tick_through(core, clock, utc(2026, 12, 8, 12, 0), timedelta(hours=1))
        recorded = sends.sent(core.db, "pilot")
    assert len(recorded) == 6 and {r["recipient"] for r in recorded} == {"U0MGR2", "author"}
    check_ins = sorted((key.idea_id, key.recipient) for at, key in sent
                       if key.kind == "pilot" and at == utc(2026, 12, 2, 9, 0))
    assert check_ins == [(named, "U0MGR2"), (named, "author"), (hidden, "U0MGR2"), (hidden, "author"),
                         (channelled, "U0MGR2"), (channelled, "author")]
    [to_author] = posts_to(fake_slack, "U0AUTHOR")
    assert action_ids(to_author) == [] and "they record the result" in str(to_author.args)  # authors cannot record it
    [to_manager] = [c for c in posts_to(fake_slack, "U0MGR2") if "ends today" in c.args["text"]][:1]
    assert action_ids(to_manager) == ["decide_implemented"] and labels(to_manager) == ["Record result"]
    assert posts_to(fake_slack, "D0QUIET") and not posts_to(fake_slack, "U0SHY") and not posts_to(fake_slack, "U0QUIET")
    [to_anonymous] = posts_to(fake_slack, "D0QUIET")  # the anonymous author answers privately, never in the thread
    assert action_ids(to_anonymous) == ["answer_author_question"] and labels(to_anonymous) == ["Answer"]
    assert "U0SHY" not in caplog.text and "U0QUIET" not in caplog.text
    assert "no way to reach an anonymous author" in caplog.text
    # no result three working days later (Thu, Fri, Mon): the deciding manager is nudged
    overdue = [(at, key.idea_id) for at, key in sent if key.kind == "pilot_reminder"]
    assert overdue == [(utc(2026, 12, 7, 9, 0), named), (utc(2026, 12, 7, 9, 0), hidden), (utc(2026, 12, 7, 9, 0), channelled)]
    nudge = [c for c in posts_to(fake_slack, "U0MGR2") if "Reminder" in c.args["text"]][0]
    assert action_ids(nudge) == ["decide_implemented", "remind_tomorrow"]


async def test_one_tick_reads_the_snoozes_once_not_once_per_waiting_idea(settings, fake_slack):
    clock = Clock(utc(2026, 11, 26, 10, 0))
    async with scheduled_core(settings, config_with(), clock) as core:
        for n in range(5):
            to_review(core, add_idea(core, f"Waiting idea {n}", utc(2026, 11, 25, 9, 0)), utc(2026, 11, 26, 9, 0))
        core.reads = None  # reads on the loop's connection, where the trace sees them
        statements = []
        core.db.conn.set_trace_callback(statements.append)
        from bot.scheduler import run_due
        await run_due(core)
        core.db.conn.set_trace_callback(None)
    snooze_reads = [s for s in statements if "FROM snoozes" in s]
    assert len(snooze_reads) <= 2 and not any("idea_id = " in s for s in snooze_reads)  # the tick's check, the scan


async def test_a_tick_scans_the_waiting_ideas_only_at_a_fire_time_or_after_a_change(settings, fake_slack):
    from bot.scheduler import run_due
    clock = Clock(utc(2026, 11, 26, 10, 0))  # after Thursday's 09:00
    async with scheduled_core(settings, config_with(), clock) as core:
        idea = add_idea(core, "Waiting idea", utc(2026, 11, 25, 9, 0))
        to_review(core, idea, utc(2026, 11, 26, 9, 30))
        core.reads = None  # reads on the loop's connection, where the trace sees them
        statements = []
        core.db.conn.set_trace_callback(statements.append)

        async def scanned_at(at) -> bool:
            clock.at = at
            statements.clear()
            await run_due(core)
            return any("FROM waiting w" in s for s in statements)

        assert await scanned_at(utc(2026, 11, 26, 10, 0))  # a process's first tick
        assert not await scanned_at(utc(2026, 11, 26, 10, 1))  # nothing changed, no 09:00 passed
        decide(core, idea, "needs_info", Status.NEEDS_INFO, "U0MGR1", utc(2026, 11, 26, 10, 2))
        assert await scanned_at(utc(2026, 11, 26, 10, 3))  # a decision
        assert not await scanned_at(utc(2026, 11, 27, 8, 59))
        assert await scanned_at(utc(2026, 11, 27, 9, 0))  # Friday's 09:00
        core.db.conn.set_trace_callback(None)
