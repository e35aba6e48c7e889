"""Challenges: start one (managers), post ideas to it, list them, and close them on the scheduler's clock.

The grammar and the form's checks live here once; adapters hand over the raw answers (every value a
string, as both platforms send them) and render the neutral replies of bot/replies.py.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

from bot.cards import refresh_challenge
from bot.challenge_cards import card, closes_at, halfway_at
from bot.challenge_model import MAX_ADVANCE, MAX_QUESTION, Challenge, ChallengeDraft
from bot.roles import is_manager
from bot.replies import ChallengeForm, ChallengeHalfway, ChallengeList, ChallengeSummary, time_left_text
from bot.chat import Chat
from bot.core import Core
from bot.replies import Strong, story
from bot.errors import Refused
from bot.model import Actor, Origin, ProblemStatus, Status
from bot.publishing import post_card, publish
from bot.replies import IdeaForm, Notice, Reply
from bot.review import SYSTEM, request_review, tell_author
from bot.schedule import Weekly
from bot.sending import Send
from storage import challenges as store
from storage import ideas as idea_store
from storage import problems as problem_store
from storage.audit import transition
from storage.db import write
from storage.sends import SendKey

CLOSED_SHOWN_DAYS = 90


# --- who and what ---------------------------------------------------------------------------

def _problem_number(raw: str) -> int | None:
    text = raw.strip()
    text = text[1:] if text[:1] in ("P", "p") else text
    return int(text) if text.isdigit() and len(text) <= 12 else None


# --- the form ----------------------------------------------------------------------------------

def blank_form(core: Core, values: dict[str, str] | None = None, errors: dict[str, str] | None = None) -> ChallengeForm:
    return ChallengeForm(tuple(problem_store.open_problems(core.db)), core.config.mission_goals,
                         dict(values or {}), dict(errors or {}))


def open_form(core: Core, actor: Actor, problem: str | None = None) -> ChallengeForm:
    """`/hero challenge`, or a hot spot's Start a challenge (the problem filled in). Managers only."""
    if not is_manager(core.config, actor.user_id):
        raise Refused("Only managers start challenges. Ask one of them; anyone can add ideas to an open challenge.")
    values = {}
    if problem:
        number = _problem_number(problem)
        found = problem_store.get_problem(core.db, number) if number else None
        if found is None or found.status != ProblemStatus.OPEN:
            raise Refused(f"Problem {problem} is not open any more; pick another one in the form.")
        values["problem_id"] = str(found.id)
    return blank_form(core, values)


def read_form(core: Core, values: dict[str, str], today: date) -> tuple[ChallengeDraft | None, dict[str, str]]:
    """The answers checked: the draft, or what is wrong by field (and no draft)."""
    errors: dict[str, str] = {}
    question = " ".join((values.get("question") or "").split())
    if not question:
        errors["question"] = "Ask the question ideas should answer, e.g. “How might we stop the ‘where is my parcel’ calls?”"
    elif len(question) > MAX_QUESTION:
        errors["question"] = f"The question is {len(question):,} characters long; keep it under {MAX_QUESTION}."
    problem_id = None
    raw_problem = (values.get("problem_id") or "").strip()
    if raw_problem:
        problem_id = _problem_number(raw_problem)
        problem = problem_store.get_problem(core.db, problem_id) if problem_id else None
        if problem is None:
            errors["problem_id"] = f"There is no problem {raw_problem[:20]}."
        elif problem.status != ProblemStatus.OPEN:
            errors["problem_id"] = f"Problem {problem.ref} is {problem.status.value}; pick an open problem."
    goal = (values.get("goal") or "").strip() or None
    if goal and core.config.mission_goals and goal not in core.config.mission_goals:
        errors["goal"] = "Pick one of the listed mission goals."
    elif goal and len(goal) > MAX_QUESTION:
        errors["goal"] = f"Keep the mission goal under {MAX_QUESTION} characters."
    ends_on = None
    raw_end = (values.get("ends_on") or "").strip()
    try:
        ends_on = date.fromisoformat(raw_end) if raw_end else None
    except ValueError:
        errors["ends_on"] = "Give the end date as a date, e.g. 2026-12-15."
    if ends_on is None and "ends_on" not in errors:
        errors["ends_on"] = "Pick the day the challenge ends."
    elif ends_on is not None and ends_on <= today:
        errors["ends_on"] = "The end date must be tomorrow or later."
    raw_advance = (values.get("advance") or "").strip() or "3"
    advance = int(raw_advance) if raw_advance.lstrip("-").isdigit() and len(raw_advance) < 6 else None
    if advance is None:
        errors["advance"] = "Give a whole number, e.g. 3."
    elif advance < 1:
        errors["advance"] = "At least one idea must advance to review."
    elif advance > MAX_ADVANCE:
        errors["advance"] = f"At most {MAX_ADVANCE} ideas can advance."
    if errors:
        return None, errors
    return ChallengeDraft(question, ends_on, advance, problem_id, goal), {}


async def submit_challenge(core: Core, origin: Origin, values: dict[str, str]) -> tuple[Challenge | None, dict[str, str]]:
    """Check the form and start the challenge (posted in the background); or the errors by field, nothing stored."""
    actor = Actor(origin.platform, origin.user_id)
    if not is_manager(core.config, actor.user_id):
        raise Refused("Only managers start challenges.")
    now = core.now()
    draft, errors = read_form(core, values, Weekly.of(core.config).today(now))
    if draft is None:
        return None, errors
    async with write(core.db) as db:
        problem = problem_store.get_problem(db, draft.problem_id) if draft.problem_id else None
        if draft.problem_id and (problem is None or problem.status != ProblemStatus.OPEN):
            return None, {"problem_id": "That problem was closed meanwhile; pick an open problem."}
        challenge_id = store.insert_challenge(db, actor, draft, now)
    challenge = store.get_challenge(core.db, challenge_id)
    await publish(core, origin, publish_challenge(core, challenge, origin), f"publish challenge {challenge_id}")
    return challenge, {}


async def publish_challenge(core: Core, challenge: Challenge, origin: Origin) -> Notice | None:
    channel = core.config.channel(challenge.platform, "ideas") or origin.channel_id

    def record(db, message_id: str) -> None:
        store.set_challenge_message(db, challenge.id, channel, message_id)

    _, note = await post_card(core, challenge.platform, channel, card(core, challenge), f"Challenge {challenge.ref}",
                              "ideas channel", record)
    return note


# --- ideas for a challenge ----------------------------------------------------------------------

def idea_form_for(core: Core, platform: str, challenge_id: int | None = None) -> IdeaForm:
    """The idea form, with the platform's open challenges for its Challenge field (`challenge_id` chosen already)."""
    if challenge_id is not None:
        challenge_for_idea(core, challenge_id, platform)
    return IdeaForm(core.config.mission_goals, tuple(problem_store.open_problems(core.db)),
                    tuple(store.open_challenges(core.db, platform)), challenge_id)


def challenge_for_idea(core: Core, challenge_id: int, platform: str) -> Challenge:
    """The challenge an idea is about to join: refused, with a clear note, when unknown or closed."""
    challenge = store.get_challenge(core.db, challenge_id)
    if challenge is None or challenge.platform != platform:
        raise Refused(f"There is no challenge C{challenge_id}; nothing was posted. `/hero challenges` lists the open ones.")
    if not challenge.is_open:
        raise Refused(f"Challenge {challenge.ref} is closed and takes no more ideas; nothing was posted.")
    return challenge


# --- /hero challenge, /hero challenges --------------------------------------------------------

def list_challenges(core: Core) -> ChallengeList:
    now = core.now()
    closed = store.closed_between(core.db, now - timedelta(days=CLOSED_SHOWN_DAYS), now + timedelta(seconds=1))
    return ChallengeList([card(core, c, now) for c in store.open_challenges(core.db)],
                         [card(core, c, now) for c in closed], CLOSED_SHOWN_DAYS)


async def hero_challenge(core: Core, origin: Origin, args: list[str]) -> Reply:
    return open_form(core, Actor(origin.platform, origin.user_id), args[0] if args else None)


async def hero_challenges(core: Core, origin: Origin, args: list[str]) -> Reply:
    return list_challenges(core)


SUBCOMMANDS = {"challenge": hero_challenge, "challenges": hero_challenges}
HELP_LINES = """• `/hero challenges` open challenges and those closed lately; `/idea challenge C1 <text>` adds an idea to one
• managers: `/hero challenge` start a challenge (a question, an end date, how many ideas go to review)"""


# --- the scheduler's part: halfway and close, each claimed once ---------------------------------

def due_challenges(core: Core, now: datetime) -> list[Send]:
    """Halfway reminders and closes that are due; the close's summary and author notes follow it in order."""
    sends = []
    weekly = Weekly.of(core.config)
    daily = weekly.on(weekly.today(now))  # [digest] time today: open challenges' messages show the days left
    for challenge in store.open_challenges(core.db):
        ends = closes_at(core, challenge)
        if now >= ends:
            sends += closing_sends(core, challenge)
            continue
        if now >= halfway_at(core, challenge):
            sends.append(_send(challenge, "challenge_halfway", "halfway", _halfway(core, challenge.id)))
        if now >= daily > challenge.created_at:
            sends.append(_send(challenge, "challenge_card", daily.date().isoformat(), _update_card(core, challenge.id)))
    for challenge in store.closed_between(core.db, now - timedelta(days=1), now + timedelta(seconds=1)):
        sends += closing_sends(core, challenge)  # what an earlier run left unsent after the close (claims skip the rest)
    return sends


def closing_sends(core: Core, challenge: Challenge) -> list[Send]:
    period = challenge.ends_on.isoformat()
    return [_send(challenge, "challenge_close", period, _close(core, challenge.id)),
            _send(challenge, "challenge_summary", period, _summary_in_channel(core, challenge.id)),
            _send(challenge, "challenge_authors", period, _tell_authors(core, challenge.id))]


def _send(challenge: Challenge, kind: str, period: str, deliver) -> Send:
    return Send(SendKey(kind, 0, challenge.ref, period, challenge.platform), challenge.platform, deliver)


def _update_card(core: Core, challenge_id: int):
    async def deliver(chat: Chat) -> tuple[str, str] | None:
        challenge = store.get_challenge(core.db, challenge_id)
        if not (challenge and challenge.channel_id and challenge.message_id):
            return None
        await chat.update(challenge.channel_id, challenge.message_id, card(core, challenge))
        return challenge.channel_id, challenge.message_id
    return deliver


class NotClosedYet(Exception):
    """A closing message is due before its close went through; the send is retried."""


def _halfway(core: Core, challenge_id: int):
    async def deliver(chat: Chat) -> tuple[str, str] | None:
        challenge = store.get_challenge(core.db, challenge_id)
        if not (challenge and challenge.channel_id and challenge.message_id):
            return None  # never posted: there is no thread to remind in
        reply = ChallengeHalfway(challenge, time_left_text(core.now(), closes_at(core, challenge)),
                                 store.most_voted(core.db, challenge.id, 3))
        return challenge.channel_id, await chat.post(challenge.channel_id, reply, thread_id=challenge.message_id)
    return deliver


def close(core: Core, challenge_id: int) -> list[int]:
    """Close the challenge once: its `advance` most-voted open ideas go to review. The ideas advanced now
    (empty when it was closed already)."""
    now = core.now()
    with write(core.db) as db:
        challenge = store.get_challenge(db, challenge_id)
        if challenge is None or not challenge.is_open:
            return []
        chosen = [i.id for i in store.most_voted(db, challenge_id, challenge.advance, open_only=True)]
        advanced = [i for i in chosen if transition(db, i, SYSTEM, "challenge", Status.IN_REVIEW, now) is not None]
        store.close(db, challenge_id, advanced, now)
    for idea_id in advanced:
        request_review(core, idea_id, story("🔎 In review: one of the most voted ideas of challenge ",
                                            Strong(f"C{challenge_id}"), ", now with its managers for a decision."))
    refresh_challenge(core, challenge_id)
    return advanced


def _close(core: Core, challenge_id: int):
    async def deliver(chat: Chat) -> tuple[str, str] | None:
        close(core, challenge_id)
        summary = summary_of(core, challenge_id)
        challenge = summary.challenge
        if not (challenge.channel_id and challenge.message_id):
            return None
        return challenge.channel_id, await chat.post(challenge.channel_id, summary, thread_id=challenge.message_id)
    return deliver


def summary_of(core: Core, challenge_id: int) -> ChallengeSummary:
    challenge = store.get_challenge(core.db, challenge_id)
    people, named = store.authors(core.db, challenge_id)
    advanced = [i for i in map(lambda n: idea_store.get_idea(core.db, n), store.advanced_ids(core.db, challenge_id)) if i]
    return ChallengeSummary(challenge, people, named, advanced)


def _summary_in_channel(core: Core, challenge_id: int):
    async def deliver(chat: Chat) -> tuple[str, str] | None:
        challenge = store.get_challenge(core.db, challenge_id)
        if challenge.is_open:
            raise NotClosedYet(challenge.ref)
        channel = challenge.channel_id or core.config.channel(challenge.platform, "ideas")
        if channel is None:
            return None
        return channel, await chat.post(channel, summary_of(core, challenge_id))
    return deliver


def _tell_authors(core: Core, challenge_id: int):
    async def deliver(chat: Chat) -> tuple[str, str] | None:
        challenge = store.get_challenge(core.db, challenge_id)
        if challenge.is_open:
            raise NotClosedYet(challenge.ref)
        for idea in summary_of(core, challenge_id).advanced:
            link = await chat.link(idea.channel_id, idea.message_id) if idea.channel_id and idea.message_id else None
            await tell_author(core, idea, story(
                "🚀 Your idea ", Strong(f"#{idea.id} {idea.display_title}"), " is one of the most voted of challenge ",
                Strong(challenge.ref), ": it goes to its managers for a decision.", link=link))
        return None
    return deliver


# --- the weekly digest's part ----------------------------------------------------------------

def digest_lines(core: Core, start: datetime, end: datetime, platform: str | None) -> tuple[tuple, ...]:
    """Open challenges with time left and ideas, and those closed in [start, end) with the ideas they advanced."""
    lines = []
    for challenge in store.open_challenges(core.db, platform):
        left = time_left_text(end, closes_at(core, challenge))
        lines.append((f"🚩 {challenge.ref} {challenge.display_question} — {left}, "
                      f"{challenge.ideas} idea{'s' if challenge.ideas != 1 else ''}",))
    for challenge in store.closed_between(core.db, start, end, platform):
        advanced = store.advanced_ids(core.db, challenge.id)
        line = (f"🏁 {challenge.ref} {challenge.display_question} — closed with {challenge.ideas} "
                f"idea{'s' if challenge.ideas != 1 else ''}",)
        line += (", advanced to review: " + ", ".join(f"#{i}" for i in advanced),) if advanced else (", none advanced",)
        lines.append(line)
    return tuple(lines)
