"""Neutral replies of the empowerment box: what the core wants shown; each adapter renders them.

The button titles and form labels are the contract's; adapters take them from here.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from bot.box_model import ActionStats, BoxAction, BoxDraft, BoxUse
from bot.replies import Notice

I_USED_THIS = "I used this"
SHARE_STORY = "Share as a story"
ASK_EXCEPTION = "Ask for an exception"
ALLOW_ONCE = "Allow once"
DECLINE = "Decline"
ANSWERS = {"worked": "It worked", "did_not_work": "It did not work", "too_early": "Too early to say"}
ADD_TO_BOX = "Add to the box"
POST_AS_IDEA = "Post it as an idea"

# The manager's form: (field, label, placeholder, required). The limit is a number then its unit, optional.
BOX_FIELDS = (
    ("action", "Action", "What staff may do, e.g. Waive a late-payment fee", True),
    ("customers", "For which customers", "The situation, e.g. a first late payment after a billing error", True),
    ("limit", "Limit", "A number and a unit, e.g. 25 GBP, or 1 per customer per year (optional)", False),
    ("steps", "Steps", "The process to follow", True),
    ("expected_outcome", "Expected outcome", "How success is measured, e.g. no repeat contact within 7 days", True),
)
# The use form: amount only when the action has a limit on an amount, customer only for a per-customer limit.
USE_FIELDS = {
    "amount": "Amount",
    "customer": "Customer reference",
    "situation": "What was the situation",
    "did": "What you did",
    "story": SHARE_STORY,
}


@dataclass(frozen=True)
class BoxForm:
    """Add (action None) or edit an action; `values` prefill it (edit, or a pilot that proved a practice)."""

    draft: BoxDraft = BoxDraft()
    action: BoxAction | None = None
    idea_id: int | None = None  # the proven pilot it comes from
    errors: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class BoxEntry:
    action: BoxAction
    stats: ActionStats  # this month


@dataclass(frozen=True)
class BoxList:
    """`/hero box`, or `/hero can`'s matches (with `words`): each action with its limit, steps and how it worked."""

    entries: tuple[BoxEntry, ...]
    words: str | None = None  # what `/hero can` looked for
    owners: Mapping[int, str] = field(default_factory=dict)

    @property
    def heading(self) -> str:
        if self.words is None:
            return "The empowerment box: what you may do on your own"
        return f"You can: {self.words}" if self.entries else f"Nothing in the box matches “{self.words}”"


@dataclass(frozen=True)
class BoxActionCard:
    """A new (or changed) action, announced in the ideas channel."""

    action: BoxAction
    headline: str


@dataclass(frozen=True)
class UseForm:
    """I used this: amount (when limited), customer (per-customer limit), situation, what you did, Share as a story."""

    action: BoxAction
    values: Mapping[str, str] = field(default_factory=dict)
    errors: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class UseLogged:
    """A use is logged; offers Share as a story unless already shared."""

    action: BoxAction
    use: BoxUse
    text: str


@dataclass(frozen=True)
class OverLimit:
    """Refused: above the limit. The owner is named; Ask for an exception sends them the request."""

    action: BoxAction
    use_id: int  # the refused attempt, kept for the exception request
    text: str


@dataclass(frozen=True)
class ExceptionRequest:
    """To the owner: someone asks to go beyond the limit once. Allow once / Decline (until answered)."""

    action: BoxAction
    use: BoxUse
    answered: str | None = None  # "allowed" or "declined", once decided


@dataclass(frozen=True)
class FollowUp:
    """Did it work? To the person who used an action; the three answers as buttons (until answered)."""

    action: BoxAction
    use: BoxUse
    again: bool = False
    answered: str | None = None


@dataclass(frozen=True)
class BoxStory:
    """A use shared as a story that worked: posted in the wins channel, naming the person."""

    action: BoxAction
    use: BoxUse


@dataclass(frozen=True)
class Champion:
    user_id: str
    worked: int
    stories: tuple[tuple[BoxAction, BoxUse], ...]


@dataclass(frozen=True)
class ChampionList:
    heading: str
    champions: tuple[Champion, ...]
    empty: str = "No use of the box has worked in that period yet."


@dataclass(frozen=True)
class BoxOffer(Notice):
    """After a pilot is closed with its target met: the note, and Add to the box (opens the box form prefilled)."""

    idea_id: int = 0


@dataclass(frozen=True)
class NoMatch(Notice):
    """`/hero can` found nothing: offers to post the words as an idea."""

    words: str = ""


BOX_REPLIES = (BoxForm, BoxList, BoxActionCard, UseForm, UseLogged, OverLimit, ExceptionRequest, FollowUp, BoxStory,
               ChampionList, BoxOffer, NoMatch)
