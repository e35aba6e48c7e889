"""The box's measured half: "Did it work?" after `[box] follow_up_days` working days (asked again once),
the empowerment champions, and the weekly digest's Empowerment part."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.box_model import BoxUse
from bot.replies import Champion, ChampionList, FollowUp
from bot.chat import Chat
from bot.core import Core
from bot.errors import Refused
from bot.replies import Line, Person, Section
from bot.schedule import Weekly, add_working_days
from bot.sending import Send
from storage import box as store
from storage.sends import SendKey

FOLLOW_UP = "box_follow_up"
CHAMPION_PERIODS = {"month": 30, "quarter": 91}
MAX_CHAMPIONS = 10
MAX_ACTIONS = 10
MAX_STORIES = 5
DAY = timedelta(days=1)


def due_follow_ups(core: Core, now: datetime) -> list[Send]:
    """Each counted use without a final answer is asked once on the `follow_up_days`-th working day after it
    counted, at `[digest] time`, and once more as many working days later (unanswered or "too early")."""
    weekly = Weekly.of(core.config)
    days = core.config.box_follow_up_days
    calendar = timedelta(days=2 * (days * 7 // 5 + 3) + 7)  # the longest two spells of working days can take
    uses = store.to_follow_up(core.db, now - timedelta(days=days - 1), now - calendar)
    asked = store.follow_ups_sent(core.db, FOLLOW_UP, [u.id for u in uses])
    sends = []
    for use in uses:
        first = add_working_days(weekly.today(use.counted_at), days)
        ask = 1 if (use.id, "1") not in asked else 2
        due = first if ask == 1 else add_working_days(first, days)
        if ask == 2 and use.outcome not in (None, "too_early"):
            continue
        if (use.id, str(ask)) in asked or now < weekly.on(due):
            continue
        # Recorded as 'person', never by user id: forgetting them must not have to rewrite the claims table.
        key = SendKey(FOLLOW_UP, use.id, "person", str(ask), use.platform)
        sends.append(Send(key, use.platform, _ask(core, use, ask == 2)))
    return sends


def _ask(core: Core, use: BoxUse, again: bool):
    async def deliver(chat: Chat) -> tuple[str, str] | None:
        current = store.get_use(core.db, use.id)
        if current is None or current.outcome not in (None, "too_early"):
            return None  # answered (or forgotten) since it was found due
        action = store.get_action(core.db, use.action_id)
        return await chat.send_direct(use.user_id, FollowUp(action, current, again=again))
    return deliver


def champions(core: Core, period: str) -> ChampionList:
    if period not in CHAMPION_PERIODS:
        raise Refused("Use `/hero champions month` or `/hero champions quarter`.")
    since = core.now() - timedelta(days=CHAMPION_PERIODS[period])
    found = []
    for user_id, worked in store.champions(core.db, since, MAX_CHAMPIONS):
        stories = tuple((store.get_action(core.db, u.action_id), u) for u in store.stories_of(core.db, user_id, since, 3))
        found.append(Champion(user_id, worked, stories))
    return ChampionList(f"Empowerment champions of the last {period}", tuple(found))


def empowerment_part(core: Core, start: datetime, end: datetime, platform: str | None) -> tuple[Section, ...]:
    """The digest's Empowerment part; none while the box is empty and unused (a team that has no box)."""
    section = empowerment_section(core, start, end, platform)
    if len(section.lines) == 1 and store.count_actions(core.db) == 0:
        return ()
    return (section,)


def empowerment_section(core: Core, start: datetime, end: datetime, platform: str | None) -> Section:
    """Uses per action on the days the digest's title names (whole days, as the daily figures are kept in UTC),
    the outcome rate against the expectation, exceptions asked and allowed, the stories told in [start, end)."""
    first = Weekly.of(core.config).today(start)
    by_action = store.stats_of_days(core.db, first, first + timedelta(days=max(1, round((end - start) / DAY))), platform)
    asked, allowed = store.exceptions_between(core.db, start, end, platform)
    lines: list[Line] = []
    total = sum(s.uses for s in by_action.values())
    lines.append((f"{total} use{'s' if total != 1 else ''} of the box this week; exceptions: {asked} asked, "
                  f"{allowed} allowed.",))
    for action_id, stats in list(by_action.items())[:MAX_ACTIONS]:
        action = store.get_action(core.db, action_id)
        lines.append((f"• {action.ref} {action.action} — {stats.uses} use{'s' if stats.uses != 1 else ''}, "
                      f"{stats.rate_text}; expected: {action.expected_outcome}",))
    for use in store.stories_between(core.db, start, end, MAX_STORIES, platform):
        action = store.get_action(core.db, use.action_id)
        lines.append(("📣 ", Person(use.user_id), f" used {action.ref} {action.action}: {use.note}"[:600]))
    return Section("Empowerment", tuple(lines), "`/hero box` · `/hero champions`", max(0, len(by_action) - MAX_ACTIONS))
