"""The weekly digest for the ideas channel, and each manager's personal queue.

The digest summarises (top five, first lines of each list, counts of the rest) so that it
fits a chat message however busy the week was; adapters enforce their own size limits.
"""

from __future__ import annotations

import asyncio
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from sqlite_utils import Database

from bot import challenges
from bot.box_followups import empowerment_part
from bot.chat import Chat
from bot.core import Core
from bot.decision_notes import note_parts
from bot.digest_chart import digest_chart
from bot.model import Idea, Status
from bot.problem_commands import hotspots_in
from bot.replies import STATUS_BADGES, Hotspot, IdeaRef, Line, ManagerQueue, Person, QueueItem, Section, WeeklyDigest
from bot.roles import managers_for
from bot.schedule import Weekly, week_key, working_days_between
from bot.sending import Send, reaches
from bot.words import plural
from storage import digest as store
from storage import sends as sends_store
from storage.db import write
from storage.sends import SendKey

TOP_NEW = 5
MAX_DECISIONS = 12
MAX_WAITING = 15
MAX_WINS = 5
MAX_HOT = 5
MAX_QUEUE = 20
MAX_LINKS = 40
DECISION_WORDS = {s.value: STATUS_BADGES[s] for s in (Status.APPROVED, Status.PILOTING, Status.DECLINED,
                                                      Status.NEEDS_INFO, Status.IMPLEMENTED)}

def day_label(day: date) -> str:
    return f"{day.day} {day:%b}"


def title_for(weekly: Weekly, start: datetime, end: datetime) -> str:
    """The days the window covers, in `[digest] timezone`; a window that ends before midnight is "so far"."""
    first = start.astimezone(weekly.zone).date()
    local_end = end.astimezone(weekly.zone)
    whole = local_end.time() == time(0)
    last = (local_end - timedelta(microseconds=1)).date() if whole else local_end.date()
    return f"Weekly digest: {day_label(first)} – {day_label(last)} {last.year}" + ("" if whole else ", so far")


def scope(core: Core, platform: str | None) -> str | None:
    """Whose ideas a platform's digest tells of: its own, or every platform's with `[digest] combined = true`."""
    return None if core.config.digest_combined else platform


def _digest_figures(db: Database, threshold: int, start: datetime, end: datetime, platform: str | None) -> tuple:
    """Everything the digest reads, in one snapshot (on a read connection, off the event loop)."""
    count, top = store.new_ideas(db, start, end, TOP_NEW, platform)
    decided = store.decided(db, start, end, platform, MAX_DECISIONS)  # only the decisions the digest shows
    facts = [store.facts_of(db, d) for d in decided]
    counts = store.decided_counts(db, start, end, platform)
    wins = store.decided(db, start, end, platform, MAX_WINS, ("implemented",))
    return (count, top, decided, counts, wins, facts, store.waiting_ideas(db, platform, MAX_WAITING),
            store.waiting_count(db, platform),
            hotspots_in(db, threshold, start, end, MAX_HOT, platform),
            store.participation(db, start, end, platform), store.participation(db, start - (end - start), start, platform))


async def build_digest(core: Core, start: datetime, end: datetime, chat: Chat | None = None,
                       platform: str | None = None) -> WeeklyDigest:
    """What happened between `start` and `end`, and what is waiting now: `platform`'s ideas and problems only,
    or every platform's when it is None."""
    weekly = Weekly.of(core.config)
    today = weekly.today(end)
    count, top, decided, counts, wins, facts, waiting, waiting_total, hot, now_people, before = await core.read(
        _digest_figures, core.config.self_service_threshold, start, end, platform)
    decided_total, wins_total = sum(counts.values()), counts.get("implemented", 0)

    shown = [*top, *(d.idea for d in decided[:MAX_DECISIONS]), *(w.idea for w in waiting[:MAX_WAITING]),
             *(w.idea for w in wins[:MAX_WINS])]
    links = await _links(shown, chat)

    def ref(idea: Idea) -> IdeaRef:
        return IdeaRef(idea.id, idea.display_title, links.get(idea.id))

    new_lines: list[Line] = [(f"{plural(count, 'new idea')} this week" + (", the most voted:" if top else "."),)]
    new_lines += [("• ", ref(i), f" — 👍 {i.votes}") for i in top]

    decision_lines: list[Line] = [_decision(d, f, ref(d.idea)) for d, f in zip(decided, facts)]
    totals = ", ".join(f"{n} {DECISION_WORDS[s].split(' ', 1)[1]}" for s in DECISION_WORDS if (n := counts.get(s, 0)))
    decision_lines.insert(0, (f"{plural(decided_total, 'decision')}: {totals}." if decided else
                              "No decisions this week.",))

    escalate = core.config.escalate_after_days
    waiting_lines: list[Line] = []
    for w in waiting[:MAX_WAITING]:
        days = working_days_between(weekly.today(w.since), today)
        age = f"for {plural(days, 'working day')}" if days else "since today"
        line = ("⏳ ", ref(w.idea), f" — {w.idea.status.label} {age}, ")
        line += _people(managers_for(core.config, w.idea)) or ("no manager configured",)
        if days >= escalate:
            line += (" · ⚠️ escalated",)
        waiting_lines.append(line)

    win_lines: list[Line] = [_win(core, w.idea, ref(w.idea)) for w in wins[:MAX_WINS]]
    hot_lines: list[Line] = [_hot(h, core.config.hot_threshold) for h in hot]
    people = (f"{plural(now_people.people, 'person', 'people')} took part (the week before: {before.people}): "
              f"{now_people.posters} posted, {now_people.voters} voted, {now_people.commenters} commented.",)

    if count == 0 and not decided:  # a quiet week: one line, and only the lists that have something in them
        sections = (Section("A quiet week", (("A quiet week: no new ideas or decisions.",),)),)
        if waiting:
            sections += (Section(f"Waiting for a decision ({len(waiting)})", tuple(waiting_lines), "the managers' queues",
                                 max(0, len(waiting) - MAX_WAITING)),)
        if hot_lines:
            sections += (Section("Hot problems", tuple(hot_lines), "`/hero hotspots`"),)
        if now_people.people:
            sections += (Section("Participation", (people,)),)
        return WeeklyDigest(title_for(weekly, start, end), sections + _other_parts(core, start, end, platform))
    sections = (
        Section("New ideas", tuple(new_lines), "`/hero top week`", max(0, count - len(top))),
        Section("Decisions made", tuple(decision_lines), "`/hero show <number>`", max(0, decided_total - MAX_DECISIONS)),
        Section(f"Waiting for a decision ({waiting_total})", tuple(waiting_lines) or (("Nothing is waiting. 🎉",),),
                "the managers' queues", max(0, waiting_total - MAX_WAITING)),
        Section("Wins of the week", tuple(win_lines) or (("No wins recorded this week.",),), "`/hero show <number>`",
                max(0, wins_total - MAX_WINS)),
        Section("Hot problems", tuple(hot_lines) or (("No customer problems reported this week.",),),
                "`/hero hotspots`"),
        Section("Participation", (people,)),
    ) + _other_parts(core, start, end, platform)
    return WeeklyDigest(title_for(weekly, start, end), sections)


def _other_parts(core: Core, start: datetime, end: datetime, platform: str | None) -> tuple[Section, ...]:
    """The empowerment box's and the challenges' parts, each only when it has something to say."""
    parts = tuple(empowerment_part(core, start, end, platform))
    if challenge_lines := challenges.digest_lines(core, start, end, platform):
        parts += (Section("Challenges", challenge_lines, "`/hero challenges`"),)
    return parts


def _decision(d: store.Decided, facts, ref: IdeaRef) -> Line:
    """A decision with its decider and its reason or next step."""
    parts = note_parts(facts, Person) if facts else ()
    return ("• ", ref, " — ", *(parts or (DECISION_WORDS[d.status],)))


def _hot(spot: Hotspot, threshold: int) -> Line:
    people = plural(spot.reporters, "reporter")
    line: Line = ("🔥 " if spot.reporters >= threshold else "• ", f"{spot.problem.ref} {spot.problem.display_title}",
                  f" — {people} this week (the week before: {spot.previous})")
    return line + ((" · 🛟 self-service candidate",) if spot.self_service else ())


def _people(users: tuple[str, ...], limit: int = 3) -> Line:
    line: Line = ()
    for n, user in enumerate(users[:limit]):
        line += ((", " if n else ""), Person(user))
    if len(users) > limit:
        line += (f" and {len(users) - limit} more",)
    return line


def _win(core: Core, idea: Idea, ref: IdeaRef) -> Line:
    outcome, champion, pilot = store.outcome_of(core.db, idea.id)
    line: Line = ("🏆 ", ref)
    if outcome:
        line += (f" — {outcome}",)
    elif pilot and pilot["result"] is not None:
        line += (f" — {pilot['metric']}: {_number(pilot['baseline'])} → {_number(pilot['result'])}"
                 f" (target {_number(pilot['target'])})",)
    credits = ([Person(idea.author_id)] if idea.author_id and not idea.anonymous else []) + (
        [Person(champion)] if champion else [])
    if credits:
        line += (" — thanks to ",)
        for n, person in enumerate(credits):
            line += ((" and " if n else ""), person)
    return line


def _number(value: float | None) -> str:
    if value is None:
        return "?"
    return f"{value:g}"


async def _links(ideas: list[Idea], chat: Chat | None) -> dict[int, str]:
    if chat is None:
        return {}
    wanted = {i.id: i for i in ideas if i.message_id and i.channel_id and i.platform == chat.platform}
    ids = list(wanted)[:MAX_LINKS]
    found = await asyncio.gather(*(chat.link(wanted[i].channel_id, wanted[i].message_id) for i in ids),
                                 return_exceptions=True)
    return {i: link for i, link in zip(ids, found) if isinstance(link, str)}


def manager_queues(core: Core, now: datetime) -> dict[tuple[str, str], list[QueueItem]]:
    """(platform, manager) -> the ideas waiting for them, oldest wait first."""
    weekly = Weekly.of(core.config)
    today = weekly.today(now)
    queues: dict[tuple[str, str], list[QueueItem]] = {}
    for w in store.waiting_ideas(core.db):
        days = working_days_between(weekly.today(w.since), today)
        item = QueueItem(w.idea, days, days >= core.config.escalate_after_days)
        for manager in managers_for(core.config, w.idea):
            queues.setdefault((w.idea.platform, manager), []).append(item)
    return queues


def queue_reply(items: list[QueueItem]) -> ManagerQueue:
    title = f"Your decision queue: {plural(len(items), 'idea')} waiting, oldest first"
    return ManagerQueue(title, tuple(items[:MAX_QUEUE]), max(0, len(items) - MAX_QUEUE))


def due_digests(core: Core, now: datetime) -> list[Send]:
    """The channel digest and the managers' digests of the latest weekly period, when it has come."""
    weekly = Weekly.of(core.config)
    with write(core.db) as db:
        since = sends_store.schedule_since(db, now)
    fire = weekly.last_fire(now)
    if fire < since:  # before this database ever ran a scheduler: nothing to catch up
        return []
    start, end = weekly.covered(fire)
    period = week_key(start)
    sends = []
    for platform in core.chats:  # a digest per platform with an ideas channel, each claimed on its own
        channel = core.config.channel(platform, "ideas")
        if channel:
            sends.append(Send(SendKey("digest", 0, channel, period, platform), platform,
                              _post_digest(core, channel, start, end, scope(core, platform))))
    for (platform, manager), items in manager_queues(core, fire).items():
        if reaches(core, platform, manager):
            sends.append(Send(SendKey("manager_digest", 0, manager, period, platform), platform,
                              _direct(manager, queue_reply(items))))
    return sends


def manual_digest(core: Core, now: datetime, platform: str) -> Send | None:
    """`herobot digest --send`: the last seven days, now, outside the weekly schedule (recorded, not claimed per week)."""
    channel = core.config.channel(platform, "ideas")
    if channel is None:
        return None
    return Send(SendKey("digest_manual", 0, channel, now.isoformat(), platform), platform,
                _post_digest(core, channel, *Weekly.of(core.config).so_far(now), scope(core, platform)))


def _post_digest(core: Core, channel: str, start: datetime, end: datetime, platform: str | None):
    async def deliver(chat: Chat) -> tuple[str, str]:
        digest = await build_digest(core, start, end, chat, platform)
        chart = await digest_chart(core, start, end, platform)
        return channel, await chat.post(channel, replace(digest, chart=chart) if chart else digest)
    return deliver


def _direct(user_id: str, reply):
    async def deliver(chat: Chat) -> tuple[str, str]:
        return await chat.send_direct(user_id, reply)
    return deliver


async def preview(core: Core, now: datetime, platform: str | None = None) -> WeeklyDigest:
    """The digest of the last seven days up to now, today included, as `platform`'s would read if sent now
    (None: every platform's)."""
    return await build_digest(core, *Weekly.of(core.config).so_far(now),
                              platform=scope(core, platform) if platform else None)
