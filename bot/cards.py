"""The cards the bot keeps up to date (an idea's, a problem's, a challenge's message): what each shows, and the
one way to ask for a refresh.

`refresh(core, item)` asks; the platform's Refresher (bot.refresh) coalesces and paces the asks, then calls
`update_card(core, key)`, the one function the composition root injects into it. Keys are (kind, id).
Nothing here imports a use case, so every use case (votes, decisions, merges, challenges) may call it.
"""

from __future__ import annotations

from bot.challenge_cards import card as challenge_card
from bot.challenge_model import Challenge
from bot.core import Core
from bot.model import Idea, Problem
from bot.replies import IdeaCard, ProblemCard
from storage import challenges as challenge_store
from storage import ideas as idea_store
from storage import problems as problem_store

IDEA, PROBLEM, CHALLENGE = "idea", "problem", "challenge"
_KINDS = {Idea: IDEA, Problem: PROBLEM, Challenge: CHALLENGE}
_LOAD = {IDEA: idea_store.get_idea, PROBLEM: problem_store.get_problem, CHALLENGE: challenge_store.get_challenge}


def problem_card(core: Core, problem: Problem) -> ProblemCard:
    """A problem's message: the problem and the ideas that address it."""
    ideas = [idea_store.get_idea(core.db, i) for i in problem_store.ideas_for_problem(core.db, problem.id)]
    return ProblemCard(problem, [i for i in ideas if i is not None])


def view_of(core: Core, kind: str, item):
    """What the card of `item` shows now."""
    if kind == IDEA:
        return IdeaCard(item)
    if kind == PROBLEM:
        return problem_card(core, item)
    return challenge_card(core, item)


def refresh(core: Core, item: Idea | Problem | Challenge | None) -> None:
    """Ask for the card of `item` to be brought up to date, at its platform's pace. An idea's challenge card
    follows its ideas (their votes and status)."""
    if item is None:
        return
    kind = _KINDS[type(item)]
    refresher = core.refreshers.get(item.platform)
    if refresher and item.message_id:
        refresher.request((kind, item.id))
    if kind == IDEA:
        found = challenge_store.posted_challenge_of_idea(core.db, item.id)  # one look-up on the vote path
        refresher = core.refreshers.get(found[1]) if found else None
        if refresher:
            refresher.request((CHALLENGE, found[0]))


def refresh_challenge(core: Core, challenge_id: int | None) -> None:
    """`refresh` for a challenge known by its number (the number an idea was posted to)."""
    if challenge_id is not None:
        refresh(core, challenge_store.get_challenge(core.db, challenge_id))


async def update_card(core: Core, key: tuple[str, int]) -> None:
    """Bring one card up to date: read the item as it is now and update its message (the Refresher's send)."""
    kind, item_id = key
    item = _LOAD[kind](core.db, item_id)
    chat = core.chat(item.platform) if item else None
    if item and chat and item.message_id:
        await chat.update(item.channel_id, item.message_id, view_of(core, kind, item))
