"""The neutral interaction layer: what a person asked for, whatever the platform, and what to show back.

An adapter turns a platform's payload into a `Request` (and the words or form values it carries), calls a
core function, and renders the result it gets: the note for the person, and the view to show after the
action (for Teams' invoke answer, the card that replaces the clicked one).
"""

from __future__ import annotations

from collections.abc import Awaitable
from dataclasses import dataclass

from bot.errors import SAVE_FAILED, Refused, SaveFailed
from bot.model import Actor, Origin
from bot.replies import IdeaForm, Notice, ProblemForm, Reply

__all__ = ["FormToFill", "Outcome", "Request", "outcome"]


@dataclass(frozen=True)
class Request:
    """Who asked, from where; `private` when only they see the conversation (their own direct or personal
    chat, a Slack slash command or modal, the shell): where anonymous posting is allowed."""

    origin: Origin
    private: bool = False

    @property
    def actor(self) -> Actor:
        return Actor(self.origin.platform, self.origin.user_id)


@dataclass(frozen=True)
class Outcome:
    """What a button click did: `note` for the clicker (None: nothing to say), `view` the message that replaces
    the clicked one for them (the refreshed card, or a line saying what was done)."""

    note: Reply | None
    view: Reply | None = None


@dataclass(frozen=True)
class FormToFill:
    """A command said nothing to post: give the person the form (in their own chat), ticked as asked."""

    form: IdeaForm | ProblemForm
    anonymous: bool = False


async def outcome(work: Awaitable[Reply | None]) -> Reply | None:
    """The reply of `work`; a refusal or a failed save becomes a note for the person."""
    try:
        return await work
    except Refused as refusal:
        return Notice(str(refusal))
    except SaveFailed:
        return Notice(SAVE_FAILED)
