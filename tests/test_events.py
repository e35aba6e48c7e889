"""Typed events and the status policy at the core: decisions and merges on a real SQLite file, with a
recording chat as the platform. Each follow-up (thread, author, champion, voters, win, cards) is checked
by what the chat was asked to do, in order."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.bootstrap import new_core
from bot import decisions, duplicates, ideas
from bot.config import Config
from bot.replies import AuthorQuestion
from bot.replies import CHOICES, ReviewRequest, Story, WinStory, choices_for
from bot.errors import Refused
from bot.events import (
    Approved, Declined, DuplicateUndone, Implemented, InfoRequested, MarkedDuplicate, PilotClosed, PilotStarted,
    VoteChanged,
)
from bot.followups import FOLLOW_UPS, tell_the_voters
from bot.model import Actor, Draft, Origin, Status
from bot.policy import (
    ALLOWED, BUTTONS, CLOSED, DECISIONS, DUPLICATE_FROM, REMINDABLE, TARGETS, WAITING, allows, can_move,
    is_closed,
)
from bot.refresh import TokenBucket
from storage import ideas as store
from storage.db import open_database
from tests.core_fixtures import Clock, RecordingChat

MANAGER, CHAMPION, AUTHOR = "UMGR", "UIT", "UAUTHOR"
LOUD = "<!channel> “quoted” 🚀 " + "x" * 200


def texts(chat: RecordingChat) -> list[tuple[str, str | None, str]]:
    """(what, to whom, the words) of each call that carried a Story or a win."""
    found = []
    for call in chat.sent:
        inner = call.reply.message if isinstance(call.reply, AuthorQuestion) else call.reply
        if isinstance(inner, Story):
            found.append((call.kind, call.to, "".join(p if isinstance(p, str) else getattr(p, "text", None) or
                                                      f"@{p.user_id}" for p in inner.parts)))
        elif isinstance(inner, WinStory):
            found.append((call.kind, call.to, f"win #{inner.idea.id}"))
    return found


@pytest.fixture
def chat():
    return RecordingChat(opaque_directs=True)


@pytest.fixture
async def core(tmp_path, chat):
    config = Config.from_dict({"slack": {"ideas_channel": "CIDEAS", "wins_channel": "CWINS"},
                               "roles": {"managers": [MANAGER], "it_champions": [CHAMPION]},
                               "voting": {"threshold": 2}})
    core = new_core(open_database(tmp_path / "events.db"), config, clock=Clock(datetime(2026, 3, 2, 10, 0, tzinfo=UTC)))
    core.connect(chat, per_message=0, bucket=TokenBucket(per_minute=10**6, burst=10**3))
    yield core
    await core.background.drain()


async def posted_idea(core, chat, text="Refunds under 20 EUR without a manager", voters=("UV1", "UV2")) -> int:
    idea, _ = await ideas.submit_idea(core, Origin("slack", AUTHOR, "CGEN"), Draft(text=text))
    await core.background.drain()
    for voter in voters:
        await ideas.toggle_vote(core, Actor("slack", voter), idea.id)
    await core.background.drain()
    chat.clear()
    return idea.id


async def decide(core, kind, idea_id, values, by=MANAGER):
    note = await decisions.submit(core, Actor("slack", by), kind, idea_id, values)
    await core.background.drain()
    return note


# --- the policy ---------------------------------------------------------------------------------------

def test_every_button_a_status_shows_is_a_decision_it_allows():
    for status, names in BUTTONS.items():
        assert names == tuple(c.name for c in choices_for(status))
        for name in names:
            assert allows(status, CHOICES[name].form), (status, name)
    for status in CLOSED:
        assert choices_for(status) == () and not any(allows(status, d) for d in DECISIONS)


def test_every_allowed_decision_follows_an_edge_of_the_status_graph():
    for status, allowed in ALLOWED.items():
        for decision in allowed:
            if decision == "outcome":
                assert can_move(status, Status.IMPLEMENTED)
                continue
            start = Status.IN_REVIEW if status == Status.OPEN else status  # decided through review
            assert can_move(start, TARGETS[decision]) or start == TARGETS[decision] == Status.NEEDS_INFO
    assert not set(WAITING) & CLOSED and not set(REMINDABLE) & CLOSED and not DUPLICATE_FROM & CLOSED
    assert is_closed(Status.DUPLICATE) and not is_closed(Status.NEEDS_INFO)


# --- decisions: one event each, its follow-ups in order --------------------------------------------

async def test_approval_tells_thread_then_author_then_champion_then_voters_and_refreshes_the_card(core, chat):
    idea_id = await posted_idea(core, chat)
    note = await decide(core, "approve", idea_id, {"risk": "medium", "mitigation": LOUD, "tech_support": ["tech"],
                                                           "champion": CHAMPION})
    assert note.text == f"Idea #{idea_id} is approved. The author and the idea's thread are told."
    said = texts(chat)
    assert [(what, to) for what, to, _ in said] == [("post", "CIDEAS"), ("direct", AUTHOR), ("direct", CHAMPION),
                                                    ("direct", "UV1"), ("direct", "UV2")]
    assert said[0][2] == f"✅ Approved by @{MANAGER}. Risk: medium. Mitigation: {LOUD} IT champion: @{CHAMPION}"
    thread = next(c for c in chat.sent if c.kind == "post")
    assert thread.thread_id == store.get_idea(core.db, idea_id).message_id  # in the idea's thread
    assert said[2][2].startswith(f"🛠️ You are the IT champion for #{idea_id} Refunds")
    updates = [c for c in chat.updates if c.message_id == store.get_idea(core.db, idea_id).message_id]
    assert updates and updates[-1].reply.idea.status == Status.APPROVED  # the card shows the decision


async def test_a_question_is_not_news_for_voters_and_an_anonymous_author_answers_privately(core, chat):
    idea, _ = await ideas.submit_idea(core, Origin("slack", AUTHOR, "CGEN"), Draft(text="Shorter hold music",
                                                                                  anonymous=True))
    await core.background.drain()
    for voter in ("UV1", "UV2"):
        await ideas.toggle_vote(core, Actor("slack", voter), idea.id)
    await core.background.drain()
    chat.clear()
    await decide(core, "needs_info", idea.id, {"question": LOUD})
    said = texts(chat)
    assert [what for what, _, _ in said] == ["post", "post"]  # the thread, then the author's kept conversation
    assert "The author answers privately" in said[0][2]
    assert isinstance(chat.posts[-1].reply, AuthorQuestion)
    assert AUTHOR not in str(chat.sent)  # never who it is


async def test_decline_then_nothing_more_a_refused_decision_emits_nothing(core, chat):
    idea_id = await posted_idea(core, chat)
    await decide(core, "decline", idea_id, {"reason": LOUD})
    assert [t for _, _, t in texts(chat)][0] == f"⛔ Declined by @{MANAGER}. Reason: {LOUD}"
    chat.clear()
    with pytest.raises(Refused, match="already declined"):
        await decide(core, "approve", idea_id, {"risk": "low"})
    assert chat.sent == []


async def test_a_pilot_then_its_close_or_its_win(core, chat):
    first = await posted_idea(core, chat)
    second = await posted_idea(core, chat, "Printable return labels")
    pilot = {"hypothesis": "Fewer calls", "metric": "calls a week", "baseline": "100", "target": "80",
             "ends_on": "2026-04-01", "risk": "low"}
    for idea_id in (first, second):
        await decide(core, "pilot", idea_id, pilot)
    assert texts(chat)[0][2].startswith(f"🧪 Pilot started by @{MANAGER}. Risk: low.\nHypothesis: Fewer calls")
    chat.clear()
    await decide(core, "outcome", first, {"result": "95", "verdict": "declined", "outcome": "Calls moved to chat"})
    closed = texts(chat)
    assert closed[0][2] == (f"⛔ Pilot closed as declined by @{MANAGER}. Result 95 against a target of 80. "
                            "What we learned: Calls moved to chat")
    assert not any(what == "post" and to == "CWINS" for what, to, _ in closed)
    chat.clear()
    note = await decide(core, "outcome", second, {"result": "70", "verdict": "implemented", "outcome": "Labels print"})
    assert "The win is announced in the wins channel." in note.text
    said = texts(chat)
    assert [(what, to) for what, to, _ in said] == [("post", "CIDEAS"), ("direct", AUTHOR), ("post", "CWINS"),
                                                    ("direct", "UV1"), ("direct", "UV2")]
    await tell_the_voters_again(core, second)
    assert len(texts(chat)) == len(said)  # voters are told once (claimed in `sends`)


async def tell_the_voters_again(core, idea_id):
    from bot.followups import Scene

    await tell_the_voters(Scene(core, Implemented(idea_id, MANAGER)))


# --- votes -------------------------------------------------------------------------------------------

async def test_the_vote_that_reaches_the_threshold_refreshes_the_card_and_brings_the_managers(core, chat):
    idea = (await ideas.submit_idea(core, Origin("slack", AUTHOR, "CGEN"), Draft(text=LOUD)))[0]
    await core.background.drain()
    chat.clear()
    await ideas.toggle_vote(core, Actor("slack", "UV1"), idea.id)
    await core.background.drain()
    assert [c.kind for c in chat.sent] == ["update"]  # one vote: the card's count, nothing else
    await ideas.toggle_vote(core, Actor("slack", "UV2"), idea.id)
    await core.background.drain()
    assert [(c.kind, c.to) for c in chat.sent if isinstance(c.reply, ReviewRequest)] == [("direct", MANAGER)]
    assert store.get_idea(core.db, idea.id).status == Status.IN_REVIEW


# --- merges ------------------------------------------------------------------------------------------

async def test_a_merge_refreshes_both_cards_at_once_and_tells_the_author_once(core, chat):
    original = await posted_idea(core, chat, voters=())
    copy = await posted_idea(core, chat, "Refunds under 20 EUR with no manager", voters=())
    await duplicates.mark_duplicate(core, Actor("slack", MANAGER), str(copy), str(original))
    await core.background.drain()
    updated = {c.message_id for c in chat.updates}
    assert {store.get_idea(core.db, i).message_id for i in (original, copy)} <= updated
    told = [t for what, to, t in texts(chat) if to == AUTHOR]
    assert len(told) == 1 and told[0].startswith(f"🔁 Your idea #{copy} ")
    chat.clear()
    await duplicates.unmark_duplicate(core, Actor("slack", MANAGER), str(copy))
    await core.background.drain()
    assert store.get_idea(core.db, copy).status == Status.OPEN
    assert {c.kind for c in chat.sent} == {"update"}  # undoing is quiet: the cards follow


def test_every_event_has_its_follow_ups():
    for event in (Approved, PilotStarted, Declined, InfoRequested, PilotClosed, Implemented, VoteChanged,
                  MarkedDuplicate, DuplicateUndone):
        assert FOLLOW_UPS[event]
