"""Reminders, escalations and pilot check-ins, counted in working days from an idea's last action.

An idea in review or needing info reminds each of its managers on the `[nudges]
remind_after_days`-th working day after its last action, at `[digest] time`, and again on the
day a manager asked to be reminded ("Remind me tomorrow"). On the `escalate_after_days`-th
working day it goes to `[roles] escalation`. A pilot asks its deciding manager and its author
for the result on its end date; a result still missing is then nudged the same way.
Each send's key carries the day it is due, so it is sent once however often this runs.
"""

from __future__ import annotations

import logging
from datetime import date, datetime

from bot.chat import Chat
from bot.core import Core
from bot.errors import Refused
from bot.model import Actor, Idea
from bot.replies import Escalation, PilotCheckIn, Reminder
from bot.policy import REMINDABLE
from bot.replies import Notice
from bot.roles import managers_for
from bot.schedule import Weekly, add_working_days, next_working_day, working_days_between
from bot.sending import Send, reaches
from storage import digest as store
from storage import ideas as ideas_store
from storage import sends as sends_store
from storage.db import write
from storage.sends import SendKey

log = logging.getLogger(__name__)

def waits(db) -> tuple[list[store.Waiting], list[store.Pilot], dict]:
    """What `due_nudges` looks through: every waiting idea and pilot, and every snooze (read off the loop
    by the scheduler, in one query each rather than one per idea)."""
    return store.waiting_ideas(db), store.pilots(db), sends_store.all_snoozes(db)


def due_nudges(core: Core, now: datetime, found: tuple | None = None) -> list[Send]:
    weekly = Weekly.of(core.config)
    sends: list[Send] = []
    waiting_ideas, pilots, snoozes = found or waits(core.db)
    for waiting in waiting_ideas:
        idea = waiting.idea
        sends += _spell(core, weekly, now, idea, waiting.since, weekly.today(waiting.since),
                        managers_for(core.config, idea), "reminder", "escalation", None, snoozes.get(idea.id, {}))
    for pilot in pilots:
        if pilot.result is not None:
            continue
        idea = pilot.idea
        deciders = (pilot.decided_by,) if pilot.decided_by else managers_for(core.config, idea)
        if now >= weekly.on(pilot.ends_on):
            sends += _check_ins(idea, pilot, tuple(d for d in deciders if reaches(core, idea.platform, d)))
        ended = weekly.on(pilot.ends_on)
        sends += _spell(core, weekly, now, idea, ended, pilot.ends_on, deciders,
                        "pilot_reminder", "pilot_escalation", pilot.ends_on, snoozes.get(idea.id, {}))
    return sends


def _spell(core: Core, weekly: Weekly, now: datetime, idea: Idea, since: datetime, start: date,
           managers: tuple[str, ...], remind_kind: str, escalate_kind: str, pilot_ended: date | None,
           snoozes: dict[str, tuple[date, datetime]]) -> list[Send]:
    """Reminders (and snoozed ones) and the escalation of one wait that began on `start`."""
    config = core.config
    today = weekly.today(now)
    days = working_days_between(start, today)
    sends = []
    remind_on = add_working_days(start, config.remind_after_days)
    for manager in managers:
        if not reaches(core, idea.platform, manager):
            continue
        due_days = {remind_on}
        if manager in snoozes and snoozes[manager][1] >= since:
            due_days.add(snoozes[manager][0])
        for day in sorted(due_days):
            if now >= weekly.on(day):
                reply = Reminder(idea, days, pilot_ended)
                sends.append(Send(SendKey(remind_kind, idea.id, manager, day.isoformat(), idea.platform), idea.platform,
                                  _direct(manager, reply)))
    escalate_on = add_working_days(start, config.escalate_after_days)
    if config.escalation and now >= weekly.on(escalate_on) and reaches(core, idea.platform, config.escalation):
        reply = Escalation(idea, days, managers, pilot_ended)
        sends.append(Send(SendKey(escalate_kind, idea.id, config.escalation, escalate_on.isoformat(), idea.platform), idea.platform,
                          _direct(config.escalation, reply)))
    return sends


def _check_ins(idea: Idea, pilot: store.Pilot, deciders: tuple[str, ...]) -> list[Send]:
    period = pilot.ends_on.isoformat()
    details = (pilot.ends_on, pilot.hypothesis, pilot.metric, pilot.baseline, pilot.target)
    sends = [Send(SendKey("pilot", idea.id, manager, period, idea.platform), idea.platform,
                  _direct(manager, PilotCheckIn(idea, *details))) for manager in deciders]
    to_author = PilotCheckIn(idea, *details, for_author=True)
    # Recorded as 'author', never by user id: the author may be anonymous.
    sends.append(Send(SendKey("pilot", idea.id, "author", period, idea.platform), idea.platform,
                      _to_author(idea, pilot.author_channel, to_author)))
    return sends


def _direct(user_id: str, reply):
    async def deliver(chat: Chat) -> tuple[str, str]:
        return await chat.send_direct(user_id, reply)
    return deliver


def _to_author(idea: Idea, author_channel: str | None, reply: PilotCheckIn):
    async def deliver(chat: Chat) -> tuple[str, str] | None:
        if idea.author_id and not idea.anonymous:
            return await chat.send_direct(idea.author_id, reply)
        if author_channel:  # the claim records no conversation: it would tie the idea to its author
            return "", await chat.post(author_channel, reply)
        log.info("a pilot check-in found no way to reach an anonymous author; only the manager was asked")
        return None
    return deliver


async def remind_tomorrow(core: Core, actor: Actor, idea_id: int) -> Notice:
    """The **Remind me tomorrow** button: remind this manager about the idea on the next working day."""
    idea = ideas_store.get_idea(core.db, idea_id)
    if idea is None:
        raise Refused(f"There is no idea #{idea_id}.")
    if idea.status not in REMINDABLE:
        raise Refused(f"Idea #{idea_id} is {idea.status.label} now: there is nothing left to remind you about.")
    allowed = set(managers_for(core.config, idea)) | {core.config.escalation} | set(
        p.decided_by for p in store.pilots(core.db) if p.idea.id == idea_id)
    if actor.user_id not in allowed:
        raise Refused(f"Only the managers of idea #{idea_id} get reminders about it.")
    weekly = Weekly.of(core.config)
    now = core.now()
    until = next_working_day(weekly.today(now))
    async with write(core.db) as db:
        sends_store.snooze(db, idea_id, actor.user_id, until, now)
    return Notice(f"I'll remind you about #{idea_id} on {until:%A} {until.day} {until:%B}, "
                  f"at {core.config.digest_time:%H:%M} ({core.config.digest_timezone}).")
