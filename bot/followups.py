"""What follows a committed change: one small handler per follow-up, listed per event type in FOLLOW_UPS.

`emit` runs an event's plain handlers at once (before the use case answers: asking for a card refresh
is only a request) and its async handlers one after the other in a single background task, in the
order listed (the thread hears of a decision before the author, the voters last). Messages that must
go out once are claimed in `sends` by the handlers they call (bot.news).
"""

from __future__ import annotations

import inspect
import logging
from collections.abc import Callable
from functools import cached_property

from bot.replies import AuthorQuestion
from bot.cards import refresh
from bot.challenge_cards import challenge_credit
from bot.chat import Chat
from bot.core import Core
from bot.replies import Person, Story, Strong, WinStory, story
from bot.events import (
    Approved,
    Decided,
    Declined,
    DuplicateUndone,
    Event,
    Implemented,
    InfoRequested,
    MarkedDuplicate,
    PilotClosed,
    PilotStarted,
    VoteChanged,
)
from bot.model import Experiment, Idea
from bot.news import tell_of_duplicate, tell_voters
from bot.review import post_in_thread, request_review, tell_author, update_review_messages
from storage import decisions as decided
from storage import ideas as store
from storage import problems as problem_store

log = logging.getLogger(__name__)


class Scene:
    """What the follow-ups of one event share: the idea as it is after the change, its chat, its link."""

    def __init__(self, core: Core, event: Event):
        self.core = core
        self.event = event
        self._link: list[str | None] = []

    @cached_property
    def idea(self) -> Idea | None:
        return store.get_idea(self.core.db, self.event.idea_id)

    @cached_property
    def chat(self) -> Chat | None:
        return self.core.chat(self.idea.platform) if self.idea else None

    @property
    def by(self) -> Person:
        return Person(self.event.by)

    @property
    def title(self) -> Strong:
        return Strong(f"#{self.idea.id} {self.idea.display_title}")

    async def link(self) -> str | None:
        """The link to the idea's message, asked of the platform once."""
        if not self._link:
            idea = self.idea
            self._link.append(await self.chat.link(idea.channel_id, idea.message_id) if idea.message_id else None)
        return self._link[0]


Handler = Callable[[Scene], object]


def emit(core: Core, event: Event) -> None:
    """Run the event's follow-ups: plain handlers now, async ones in order in one background task."""
    now, later = _PLAN[type(event)]
    scene = Scene(core, event)
    for handler in now:
        handler(scene)
    if later:
        core.background.spawn(_run(scene, later), name=f"follow up {type(event).__name__} {_subject(event)}")


def _subject(event: Event) -> int:
    if isinstance(event, VoteChanged):
        return event.idea.id
    return event.idea_id if isinstance(event, Decided) else event.item_id


async def _run(scene: Scene, handlers: tuple[Handler, ...]) -> None:
    if isinstance(scene.event, Decided) and scene.chat is None:
        return  # the idea's platform is not connected here (a CLI run): nobody to tell
    for handler in handlers:
        await handler(scene)


# --- cards --------------------------------------------------------------------------------------

async def refresh_idea_card(scene: Scene) -> None:
    """The idea's message (and its challenge's) shows the new status."""
    refresh(scene.core, scene.idea)


async def update_review_requests(scene: Scene) -> None:
    await update_review_messages(scene.core, scene.idea)


def refresh_voted_card(scene: Scene) -> None:
    refresh(scene.core, scene.event.idea)


def request_review_when_reached(scene: Scene) -> None:
    """Enough votes: the managers get the idea (in the background, like every message)."""
    if scene.event.reached_review:
        request_review(scene.core, scene.event.idea.id)


def refresh_merged_cards(scene: Scene) -> None:
    """The duplicate and the originals it counts (or counted) in show their counts as they are now."""
    event, core = scene.event, scene.core
    ids = [event.item_id, event.original_id] if isinstance(event, MarkedDuplicate) else [event.item_id,
                                                                                          *event.originals]
    load = store.get_idea if event.kind == "idea" else problem_store.get_problem
    for item_id in ids:
        refresh(core, load(core.db, item_id))


# --- the thread and the author --------------------------------------------------------------------

def _number(value: float | None) -> str:
    return "–" if value is None else f"{value:g}"


def _experiment_line(experiment: Experiment) -> str:
    baseline = f"from {_number(experiment.baseline)} " if experiment.baseline is not None else ""
    return (f"Hypothesis: {experiment.hypothesis}\nMetric: {experiment.metric}, {baseline}to "
            f"{_number(experiment.target)} by {experiment.ends_on}")


def _risk(event: Approved | PilotStarted) -> str:
    risk = f" Risk: {event.risk}." if event.risk else ""
    return risk + (f" Mitigation: {event.mitigation}" if event.mitigation else "")


def _pilot_result(scene: Scene) -> str:
    experiment = decided.experiment_of(scene.core.db, scene.idea.id)
    target = f" against a target of {_number(experiment.target)}" if experiment else ""
    return f"Result {_number(scene.event.result)}{target}. What we learned: "


def _how_to_answer(idea: Idea) -> str:
    return ("The author answers privately; the answer will appear here without their name."
            if idea.anonymous else "The author can answer by replying in this thread.")


THREAD_LINES: dict[type, Callable[[Scene], Story]] = {
    Approved: lambda s: story("✅ Approved by ", s.by, f".{_risk(s.event)}",
                              " IT champion: " if s.event.champion else None,
                              Person(s.event.champion) if s.event.champion else None),
    PilotStarted: lambda s: story("🧪 Pilot started by ", s.by, f".{_risk(s.event)}\n",
                                  _experiment_line(s.event.experiment)),
    Declined: lambda s: story("⛔ Declined by ", s.by, ". Reason: ", s.event.reason),
    InfoRequested: lambda s: story("❓ ", s.by, " asks: ", s.event.question, "\n" + _how_to_answer(s.idea)),
    PilotClosed: lambda s: story("⛔ Pilot closed as declined by ", s.by, ". ", _pilot_result(s), s.event.learning),
    Implemented: lambda s: story("🏆 Implemented, marked by ", s.by, ". What changed: ", s.event.what_changed),
}


def _question_to_author(s: Scene, link: str | None) -> Story | AuthorQuestion:
    if s.idea.anonymous:  # never in public: the Answer button opens a private form
        return AuthorQuestion(s.idea, story(
            "❓ ", s.by, " has a question about your idea ", s.title, ": ", s.event.question,
            "\nAnswer with the button: your answer is posted in the idea's thread without your name.", link=link))
    return story("❓ ", s.by, " has a question about your idea ", s.title, ": ", s.event.question,
                 "\nAnswer by replying in the idea's thread.", link=link)


AUTHOR_NOTES: dict[type, Callable[[Scene, str | None], Story | AuthorQuestion]] = {
    Approved: lambda s, link: story("✅ Your idea ", s.title, " was approved by ", s.by, ".", link=link),
    PilotStarted: lambda s, link: story("🧪 Your idea ", s.title, " will be piloted, decided by ", s.by, ".\n",
                                        _experiment_line(s.event.experiment), link=link),
    Declined: lambda s, link: story("⛔ Your idea ", s.title, " was declined by ", s.by, ". Reason: ",
                                    s.event.reason, link=link),
    InfoRequested: _question_to_author,
    PilotClosed: lambda s, link: story("⛔ The pilot of your idea ", s.title, " is closed by ", s.by, ". ",
                                       _pilot_result(s), s.event.learning, link=link),
    Implemented: lambda s, link: story("🏆 Your idea ", s.title, " is implemented. What changed: ",
                                       s.event.what_changed, " Thank you!", link=link),
}


async def post_thread_line(scene: Scene) -> None:
    await post_in_thread(scene.core, scene.idea, THREAD_LINES[type(scene.event)](scene))


async def tell_the_author(scene: Scene) -> None:
    await tell_author(scene.core, scene.idea, AUTHOR_NOTES[type(scene.event)](scene, await scene.link()))


async def tell_the_champion(scene: Scene) -> None:
    event, idea = scene.event, scene.idea
    if event.champion:
        await _safe(scene.chat.send_direct(event.champion, story(
            "🛠️ You are the IT champion for ", scene.title, ", approved by ", scene.by, f".{_risk(event)}\n",
            idea.body or idea.title, link=await scene.link())))


async def tell_the_voters(scene: Scene) -> None:
    await tell_voters(scene.core, scene.idea.id, scene.event.by)


async def tell_of_the_duplicate(scene: Scene) -> None:
    event = scene.event
    await tell_of_duplicate(scene.core, event.by, event.kind, event.item_id, event.original_id)


async def _safe(work) -> None:
    try:
        await work
    except Exception:
        log.warning("a decision message could not be sent", exc_info=True)


# --- wins ---------------------------------------------------------------------------------------

def win_channel(core: Core, idea: Idea) -> tuple[str, str] | None:
    """(words for the manager, channel id) where a win is announced: the wins channel, else the ideas channel,
    else the channel the idea was posted in; None when there is none."""
    for kind in ("wins", "ideas"):
        if channel := core.config.channel(idea.platform, kind):
            return f"the {kind} channel", channel
    return ("the idea's channel", idea.channel_id) if idea.channel_id else None


async def announce_the_win(scene: Scene) -> None:
    await announce_win(scene.core, scene.idea, scene.event.by)


async def announce_win(core: Core, idea: Idea, marked_by: str) -> None:
    """The win, told in the wins channel, crediting the author (unless anonymous), supporters, manager, champion."""
    chat = core.chat(idea.platform)
    where = win_channel(core, idea)
    if chat is None or where is None:
        log.warning("idea %s is implemented but not announced: set [%s] wins_channel", idea.id, idea.platform)
        return
    channel = where[1]
    decider = decided.last_decision(core.db, idea.id, ("approve", "pilot"))
    extras = decided.extras(core.db, idea.id)
    win = WinStory(
        idea=idea, outcome=extras["outcome"] or "", supporters=idea.votes,
        author=None if idea.anonymous else idea.author_id, decider=decider.by_user if decider else marked_by,
        champion=extras["champion"], experiment=decided.experiment_of(core.db, idea.id),
        challenge=challenge_credit(core, idea.id),
    )
    await _safe(chat.post(channel, win))


# --- the table ------------------------------------------------------------------------------------

_CARDS = (refresh_idea_card, update_review_requests)
_TOLD = (post_thread_line, tell_the_author)

FOLLOW_UPS: dict[type, tuple[Handler, ...]] = {
    Approved: (*_CARDS, *_TOLD, tell_the_champion, tell_the_voters),
    PilotStarted: (*_CARDS, *_TOLD, tell_the_voters),
    Declined: (*_CARDS, *_TOLD, tell_the_voters),
    InfoRequested: (*_CARDS, *_TOLD),  # voters hear of decisions, not of questions
    PilotClosed: (*_CARDS, *_TOLD, tell_the_voters),
    Implemented: (*_CARDS, *_TOLD, announce_the_win, tell_the_voters),
    VoteChanged: (refresh_voted_card, request_review_when_reached),
    MarkedDuplicate: (refresh_merged_cards, tell_of_the_duplicate),
    DuplicateUndone: (refresh_merged_cards,),
}
# Each event's (plain, async) handlers, sorted once: the vote path runs through `emit`.
_PLAN = {kind: (tuple(h for h in handlers if not inspect.iscoroutinefunction(h)),
                tuple(h for h in handlers if inspect.iscoroutinefunction(h)))
         for kind, handlers in FOLLOW_UPS.items()}
