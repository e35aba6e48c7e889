"""The buttons on ideas and problems, once for every platform: Vote, Me too, and on the similar items shown
before posting Vote / Me too instead and Post mine anyway. Each returns an `Outcome`: the clicker's note and
the view that replaces the clicked message for them (Slack shows the note; Teams answers with the view)."""

from __future__ import annotations

from bot.core import Core
from bot.duplicates import me_too_instead, post_anyway, vote_instead
from bot.ideas import toggle_vote
from bot.interactions import Outcome, Request
from bot.cards import problem_card
from bot.problems import me_too
from bot.replies import IdeaCard, Notice
from storage import ideas as idea_store
from storage import problems as problem_store

POSTING_ANYWAY = "Posting yours now; a note with its link follows."


async def vote(core: Core, request: Request, idea_id: int) -> Outcome:
    """Vote, or take the vote back; the view is the idea's card with the new count."""
    note = await toggle_vote(core, request.actor, idea_id)
    return Outcome(note, IdeaCard(idea_store.get_idea(core.db, idea_id)))


async def count_me_too(core: Core, request: Request, problem_id: int) -> Outcome:
    """Me too on a problem; the view is the problem's card with the new count."""
    note = await me_too(core, request.actor, problem_id)
    return Outcome(note, problem_card(core, problem_store.get_problem(core.db, problem_id)))


async def vote_on_similar(core: Core, request: Request, idea_id: int, token: str) -> Outcome:
    """Vote on a similar idea instead of posting the held draft; the offer becomes what was done."""
    note = await vote_instead(core, request.origin, idea_id, token)
    return Outcome(note, note)


async def me_too_on_similar(core: Core, request: Request, problem_id: int, token: str) -> Outcome:
    note = await me_too_instead(core, request.origin, problem_id, token)
    return Outcome(note, note)


async def post_mine_anyway(core: Core, request: Request, token: str) -> Outcome:
    """Post the held draft; its note (with the link) reaches the poster once it is posted."""
    await post_anyway(core, request.origin, token)
    return Outcome(None, Notice(POSTING_ANYWAY))
