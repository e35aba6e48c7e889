"""What people look at: the manager's queue, the wins, and a person's home (the Slack App Home, `/hero home`)."""

from __future__ import annotations

from dataclasses import replace

from bot.core import Core
from bot.decision_notes import decision_stories
from bot.replies import HomeView, WaitingList, WinList
from bot.model import Actor
from bot.periods import Period
from bot.roles import is_manager, is_manager_of
from storage import decisions as decided
from storage import ideas as store

def waiting_for(core: Core, actor: Actor) -> WaitingList:
    """Ideas in review whose managers include `actor`, the longest waiting first, with their age."""
    now = core.now()
    items = [(idea, now - since) for idea, since in decided.in_status_since(core.db, ("in_review",), actor.platform)
             if is_manager_of(core.config, idea, actor.user_id)]
    return WaitingList("Waiting for your decision", items)


def wins(core: Core, period: Period) -> WinList:
    heading = "Wins of all time" if period.days is None else f"Wins of {period.phrase}"
    return WinList(heading, decided.wins(core.db, period.since(core.now())), empty="No celebrated wins in that period yet.")


WELCOME = ("Welcome to *herobot*: share ideas that fix things for customers, vote for colleagues' ideas and see "
           "what became of them. This is your page; `/hero home` shows it again, `/hero help` lists every command.")


def welcome_home(core: Core, actor: Actor) -> HomeView:
    """The page a person first sees when they add the app to their personal chat."""
    return replace(home_of(core, actor), greeting=WELCOME)


def home_of(core: Core, actor: Actor) -> HomeView:
    waiting = waiting_for(core, actor) if is_manager(core.config, actor.user_id) else None
    mine = store.ideas_of_author(core.db, actor)
    voted = decided.ideas_voted_by(core.db, actor.platform, actor.user_id)
    return HomeView(mine=mine, voted=voted, waiting=waiting,
                    decisions=decision_stories(core.db, [*mine[:20], *voted[:20]]))
