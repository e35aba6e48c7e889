"""The reply vocabulary: every neutral reply the core wants shown, and the words all platforms show.

Each adapter renders these with its explicit table (handlers/slack/render.py, handlers/teams/render.py,
handlers/shell_render.py); tests/test_every_reply_renders.py checks that every member of `Reply` renders
on every platform.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from bot.box_model import ActionStats, BoxAction, BoxDraft, BoxUse
from bot.challenge_model import DEFAULT_ADVANCE, Challenge
from bot.model import CONTACT_CHANNELS, Comment, Decision, Experiment, Idea, Problem, ProblemStatus, Status
from bot.policy import buttons_for
from bot.words import plural



# === ideas, problems, forms ====================================================================

@dataclass(frozen=True)
class Notice:
    """A short message for the person who acted, seen only by them."""

    text: str
    link: str | None = None


@dataclass(frozen=True)
class IdeaCard:
    """An idea's public message: number, title, body, author, counts, status and a Vote button."""

    idea: Idea


@dataclass(frozen=True)
class IdeaList:
    heading: str
    ideas: list[Idea]
    empty: str = "Nothing here yet."
    decisions: dict = field(default_factory=dict)  # idea id -> its latest decision, a Story


@dataclass(frozen=True)
class IdeaDetail:
    idea: Idea
    comments: list[Comment] = field(default_factory=list)
    link: str | None = None
    decision: Story | None = None  # the latest decision, told in words


@dataclass(frozen=True)
class IdeaForm:
    """The problem-solving frame for a new idea."""

    goals: tuple[str, ...] = ()
    problems: tuple[Problem, ...] = ()  # open problems an idea can say it solves
    challenges: tuple[Challenge, ...] = ()  # open challenges it can answer (the form's Challenge field)
    challenge_id: int | None = None  # chosen already (a challenge's Add an idea button)


@dataclass(frozen=True)
class FieldErrors:
    """Form fields that need fixing, by field name (see bot.forms)."""

    errors: dict[str, str]


@dataclass(frozen=True)
class ProblemCard:
    """A problem's public message: text, reporter, reporters count, status, linked ideas, a Me too button."""

    problem: Problem
    ideas: list[Idea] = field(default_factory=list)


@dataclass(frozen=True)
class ProblemForm:
    """The /problem form: what the customer tried, what went wrong, how they reached us, how often."""


@dataclass(frozen=True)
class SimilarFound:
    """Similar open items found before posting; `token` names the held draft for Post mine anyway."""

    kind: str  # what is being posted: "idea" or "problem"
    token: str
    ideas: list[Idea] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass(frozen=True)
class Hotspot:
    problem: Problem
    reporters: int  # distinct people in the window
    previous: int  # in the window before it, of the same length
    channel_mix: dict[str, int]
    self_service: bool


@dataclass(frozen=True)
class HotspotList:
    heading: str
    hotspots: list[Hotspot]
    threshold: int
    empty: str = "No problems were reported in that period."
    starts_challenges: bool = False  # the viewer is a manager: each hot spot offers Start a challenge


@dataclass(frozen=True)
class SearchResults:
    words: str
    items: list[Idea | Problem]


# === decisions, pilots and wins ================================================================

@dataclass(frozen=True)
class ReviewRequest:
    """What a manager sees of an idea to decide on: the idea, its counts, a link, the buttons that fit."""

    idea: Idea
    link: str | None = None
    decision: Decision | None = None

    @property
    def decided(self) -> Decision | None:
        """The decision the card names ("Approved by …"): none while the idea still waits for one."""
        return self.decision if self.idea.status not in (Status.OPEN, Status.IN_REVIEW) else None


REVIEW_HEADINGS = {
    Status.NEEDS_INFO: "❓ Waiting for the author's answer",
    Status.APPROVED: "✅ Approved: mark it implemented once it is live",
    Status.PILOTING: "🧪 Piloting: record the result when the pilot ends",
    Status.DECLINED: "⛔ Declined: no decision needed",
    Status.IMPLEMENTED: "🏆 Implemented: no decision needed",
    Status.DUPLICATE: "🔁 Marked a duplicate: no decision needed",
}
DECIDED_BY = {"approve": "Approved by", "pilot": "Pilot approved by", "decline": "Declined by",
              "needs_info": "Question asked by"}


def review_heading(status: Status) -> str:
    """A review request's first line: what the manager can still do about the idea."""
    return REVIEW_HEADINGS.get(status, "🔎 An idea is waiting for your decision")


@dataclass(frozen=True)
class DecisionForm:
    """A form a manager fills in for a decision. `kind` is approve, pilot, decline, needs_info or outcome."""

    kind: str
    idea: Idea
    champion: str | None = None  # the IT champion offered by default (approve)
    experiment: Experiment | None = None  # the pilot whose result is recorded (outcome)
    verdict: str | None = None  # outcome of a pilot: "implemented" or "declined", preselected
    champions: tuple[str, ...] = ()  # `[roles] it_champions`, for platforms that offer a list (approve)


@dataclass(frozen=True)
class Choice:
    """A decision button: its words (the contract), and the form it opens."""

    name: str
    label: str
    form: str  # the DecisionForm kind
    verdict: str | None = None


CHOICES = {c.name: c for c in (
    Choice("approve", "Approve", "approve"),
    Choice("pilot", "Pilot", "pilot"),
    Choice("decline", "Decline", "decline"),
    Choice("needs_info", "Needs info", "needs_info"),
    Choice("implemented", "Mark implemented", "outcome"),
    Choice("close_pilot", "Close as declined", "outcome", "declined"),  # a pilot that missed its target
)}
# Next to the decisions, a manager may mark an idea that is still undecided (bot.policy.DUPLICATE_FROM)
# a duplicate of another.
MARK_DUPLICATE = "Mark duplicate"


def choices_for(status: Status) -> tuple[Choice, ...]:
    """The decision buttons that still make sense in `status` (none once an idea is closed)."""
    return tuple(CHOICES[name] for name in buttons_for(status))


@dataclass(frozen=True)
class WinStory:
    """A win told in a few lines, crediting its people. `author` is None for an anonymous idea."""

    idea: Idea
    outcome: str
    supporters: int
    author: str | None = None
    decider: str | None = None
    champion: str | None = None
    experiment: Experiment | None = None
    challenge: str | None = None  # "C1 · How might we …" when the idea came from a challenge

    def facts(self) -> tuple[str, ...]:
        """What came of it, beyond the outcome: the challenge it was born in, the pilot's measured result."""
        facts = [f"🚩 born in challenge {self.challenge}"] if self.challenge else []
        experiment = self.experiment
        if experiment and experiment.result is not None:
            baseline = f" (baseline {experiment.baseline:g})" if experiment.baseline is not None else ""
            facts.append(f"📈 {experiment.metric}: {experiment.result:g} against a target of {experiment.target:g}{baseline}")
        return tuple(facts)

    def credits(self) -> tuple[tuple[str | Person, ...], ...]:
        """Its people, one credit a line: the author (or that they stayed anonymous), supporters, decider, champion."""
        author = ("💡 idea by ", Person(self.author)) if self.author else (
            "💡 idea by a colleague who chose to stay anonymous",)
        credits = [author, (f"👍 {plural(self.supporters, 'supporter')}",)]
        if self.decider:
            credits.append(("✅ decided by ", Person(self.decider)))
        if self.champion:
            credits.append(("🛠️ IT champion ", Person(self.champion)))
        return tuple(credits)


@dataclass(frozen=True)
class WinList:
    heading: str
    wins: list[tuple[Idea, datetime]]
    empty: str = "No wins yet."


@dataclass(frozen=True)
class WaitingList:
    """Ideas waiting for a manager's decision, the longest waiting first, with how long."""

    heading: str
    items: list[tuple[Idea, timedelta]]
    empty: str = "Nothing is waiting for your decision."


@dataclass(frozen=True)
class HomeView:
    """A person's own page: their ideas, the ideas they voted for, and (managers) what waits for them."""

    mine: list[Idea] = field(default_factory=list)
    voted: list[Idea] = field(default_factory=list)
    waiting: WaitingList | None = None
    decisions: dict = field(default_factory=dict)  # idea id -> its latest decision, a Story
    greeting: str = ""  # above the page: the welcome when the app is added to a personal chat

    def lists(self) -> tuple[tuple[str, list[Idea], str], ...]:
        """Its two lists, worded: (heading, ideas, what to say while there are none)."""
        return (("Your ideas", self.mine, "You have not posted an idea yet. Try `/idea <text>`."),
                ("Ideas you voted for", self.voted, "No votes yet."))


def age_text(age: timedelta) -> str:
    """`3 days`, `5 hours`, `12 minutes` (rounded down, at least a minute)."""
    seconds = max(int(age.total_seconds()), 60)
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            count = seconds // size
            return plural(count, unit)
    return "1 minute"


@dataclass(frozen=True)
class Person:
    """Someone named in a story or a digest line: a mention on Slack, a name on Teams, @id in the shell."""

    user_id: str


@dataclass(frozen=True)
class Strong:
    text: str


@dataclass(frozen=True)
class Story:
    """A message built from parts: plain text (people's words, shown as typed), people (mentions), bold text."""

    parts: tuple[str | Person | Strong, ...]
    link: str | None = None


def story(*parts: str | Person | Strong | None, link: str | None = None) -> Story:
    return Story(tuple(p for p in parts if p), link)


# === scheduled messages: the digest, queues, reminders, check-ins ==============================

@dataclass(frozen=True)
class IdeaRef:
    idea_id: int
    title: str
    link: str | None = None


@dataclass(frozen=True)
class DigestChart:
    png: bytes
    alt: str  # what the picture shows, in words (its alt text, and its title on Slack)


Part = str | Person | Strong | IdeaRef  # people and ideas each platform shows its way; Strong: emphasis
Line = tuple[Part, ...]


@dataclass(frozen=True)
class Section:
    heading: str
    lines: tuple[Line, ...] = ()
    more_hint: str = ""  # where to see what did not fit, e.g. "`/hero top week`"
    hidden: int = 0  # lines left out by the core already


@dataclass(frozen=True)
class WeeklyDigest:
    """The channel digest. `title` is its first line: "Weekly digest" and the week it covers."""

    title: str
    sections: tuple[Section, ...]
    chart: DigestChart | None = None  # the week's picture: uploaded into the thread on Slack, an Image on Teams


@dataclass(frozen=True)
class QueueItem:
    idea: Idea
    waiting_days: int  # working days since the last action
    escalated: bool = False


@dataclass(frozen=True)
class ManagerQueue:
    """A manager's personal digest: ideas waiting for them, oldest first, with decision buttons."""

    title: str
    items: tuple[QueueItem, ...]
    hidden: int = 0


@dataclass(frozen=True)
class Reminder:
    """A nudge to decide (or, for a pilot, to record its result), with a Remind me tomorrow button."""

    idea: Idea
    waiting_days: int
    pilot_ended: date | None = None


@dataclass(frozen=True)
class Escalation:
    idea: Idea
    waiting_days: int
    managers: tuple[str, ...]
    pilot_ended: date | None = None


@dataclass(frozen=True)
class PilotCheckIn:
    idea: Idea
    ends_on: date
    hypothesis: str
    metric: str
    baseline: float | None
    target: float
    for_author: bool = False


# === an anonymous author's private answer ======================================================

@dataclass(frozen=True)
class AuthorQuestion:
    """A message for an anonymous author that wants an answer: the text, and an **Answer** button."""

    idea: Idea
    message: Story


ANSWER = "Answer"  # an anonymous author's button (contract)
ANSWER_LABEL = "Your answer"  # its form's only field (contract)


@dataclass(frozen=True)
class AnswerForm:
    """The private form: one field, "Your answer"."""

    idea: Idea
    value: str = ""
    error: str | None = None


# === the empowerment box (button titles and form labels are the contract) ======================

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


# === challenges ================================================================================

ADD_IDEA = "Add an idea"  # the button on a challenge's message (contract)
START_CHALLENGE = "Start a challenge"  # the button on each hot spot (contract)
TOP_SHOWN = 3

# The challenge form: field name -> label (contract)
LABELS = {
    "question": "Question",
    "problem_id": "Customer problem",
    "goal": "Mission goal",
    "ends_on": "Ends on",
    "advance": "Ideas to advance",
}
CHALLENGE_LABEL = "Challenge"  # the idea form's field


@dataclass(frozen=True)
class ProblemContext:
    """The customer problem a challenge is about: who reported it and the trend over 30 days."""

    problem: Problem
    reporters: int
    previous: int


@dataclass(frozen=True)
class ChallengeForm:
    """The form a manager starts a challenge with; `values` are answers to show again, `errors` by field."""

    problems: tuple[Problem, ...] = ()
    goals: tuple[str, ...] = ()
    values: dict[str, str] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)

    def value(self, name: str) -> str:
        return self.values.get(name) or (str(DEFAULT_ADVANCE) if name == "advance" else "")


@dataclass(frozen=True)
class ChallengeCard:
    """A challenge's public message: question, problem, goal, time left, ideas, the most voted, the outcome."""

    challenge: Challenge
    time_left: str
    top: list[Idea] = field(default_factory=list)
    advanced: list[Idea] = field(default_factory=list)
    problem: ProblemContext | None = None


@dataclass(frozen=True)
class ChallengeList:
    """`/hero challenges`: open ones with time left and ideas, those closed lately with what came of them."""

    open: list[ChallengeCard]
    closed: list[ChallengeCard]
    days: int = 90


@dataclass(frozen=True)
class ChallengeHalfway:
    """The reminder in a challenge's thread halfway to its end."""

    challenge: Challenge
    time_left: str
    top: list[Idea] = field(default_factory=list)


@dataclass(frozen=True)
class ChallengeSummary:
    """Posted in the thread and the channel when a challenge closes."""

    challenge: Challenge
    people: int  # distinct authors
    named: list[str]  # authors who did not post anonymously
    advanced: list[Idea] = field(default_factory=list)


def time_left_text(now: datetime, closes_at: datetime) -> str:
    """`5 days left`, `3 hours left`, `closing now`."""
    left = closes_at - now
    if left <= timedelta(0):
        return "closing now"
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        count = int(left.total_seconds()) // size
        if count >= 1:
            return f"{plural(count, unit)} left"
    return "less than a minute left"


def ideas_text(count: int) -> str:
    return f"💡 {plural(count, 'idea')}"


def idea_line(idea: Idea) -> str:
    """`#4 Title — 👍 5 · 🔎 in review` (text only: adapters escape it)."""
    return f"#{idea.id} {idea.display_title} — 👍 {plural(idea.votes, 'vote')} · {STATUS_BADGES[idea.status]}"


def status_line(card: ChallengeCard) -> str:
    challenge = card.challenge
    if challenge.is_open:
        return f"🟢 open · ⏳ {card.time_left} (ends {challenge.ends_on.isoformat()}) · {ideas_text(challenge.ideas)}"
    closed = f"{challenge.closed_at:%Y-%m-%d}" if challenge.closed_at else challenge.ends_on.isoformat()
    return f"🏁 closed {closed} · {ideas_text(challenge.ideas)} · {len(card.advanced)} advanced to review"


# === the words all platforms show (each renders them in its own markup) ========================

STATUS_BADGES = {
    Status.OPEN: "🟢 open",
    Status.IN_REVIEW: "🔎 in review",
    Status.NEEDS_INFO: "❓ needs info",
    Status.APPROVED: "✅ approved",
    Status.PILOTING: "🧪 piloting",
    Status.DECLINED: "⛔ declined",
    Status.IMPLEMENTED: "🏆 implemented",
    Status.DUPLICATE: "🔁 duplicate",
}
PROBLEM_BADGES = {ProblemStatus.OPEN: "🟠 open", ProblemStatus.DUPLICATE: "🔁 duplicate", ProblemStatus.SOLVED: "✅ solved"}


def counts(idea: Idea) -> str:
    return f"👍 {plural(idea.votes, 'vote')} · 💬 {plural(idea.comments, 'comment')}"


def idea_badges(idea: Idea) -> str:
    """`🟢 open · 👍 3 votes · 💬 1 comment`: an idea's status and counts, the line under its title everywhere."""
    return f"{STATUS_BADGES[idea.status]} · {counts(idea)}"


def problem_badges(problem: Problem) -> str:
    """`🟠 open · 🙋 4 reporters`."""
    return f"{PROBLEM_BADGES[problem.status]} · {reporters_text(problem.reporters)}"


def working_days(days: int) -> str:
    return plural(days, "working day")


def people_text(count: int) -> str:
    return plural(count, "person", "people")


def uses_text(count: int) -> str:
    return plural(count, "use")


def hotspot_figures(spot: Hotspot) -> str:
    """`🙋 5 reporters · ▲ +3 vs the period before (2) · phone 3, chat 2`."""
    figures = f"{reporters_text(spot.reporters)} · {trend_text(spot.reporters, spot.previous)}"
    return figures + (f" · {channel_mix_text(spot.channel_mix)}" if spot.channel_mix else "")


def self_service_note(threshold: int) -> tuple[str | Strong, ...]:
    """Why a hot spot is a self-service candidate, its key words strong."""
    return "🛟 ", Strong("self-service candidate"), f" ({threshold}+ reporters, no approved idea linked)"


def reporters_text(count: int) -> str:
    return f"🙋 {plural(count, 'reporter')}"


def channel_mix_text(mix: dict[str, int]) -> str:
    return ", ".join(f"{CONTACT_CHANNELS.get(k, k)} {v}" for k, v in mix.items())


def trend_text(now: int, before: int) -> str:
    if now == before:
        return "= same as the period before"
    sign = "▲ +" if now > before else "▼ "
    return f"{sign}{now - before} vs the period before ({before})"


def renderer_for(table: Mapping[type, Callable], reply: object, platform: str) -> Callable:
    """The function a platform's renderer table holds for the reply's type (TypeError when it has none)."""
    try:
        return table[type(reply)]
    except KeyError:
        raise TypeError(f"no {platform} rendering for {type(reply).__name__}") from None


# === the union: every reply an adapter renders (tests/test_every_reply_renders.py holds each platform to it) ====
Reply = (
    Notice | IdeaCard | IdeaList | IdeaDetail | IdeaForm | FieldErrors | ProblemCard | ProblemForm | SimilarFound
    | HotspotList | SearchResults
    | ReviewRequest | DecisionForm | WinStory | WinList | WaitingList | HomeView | Story
    | WeeklyDigest | ManagerQueue | Reminder | Escalation | PilotCheckIn
    | AuthorQuestion | AnswerForm
    | BoxForm | BoxList | BoxActionCard | UseForm | UseLogged | OverLimit | ExceptionRequest | FollowUp | BoxStory
    | ChampionList | BoxOffer | NoMatch
    | ChallengeForm | ChallengeCard | ChallengeList | ChallengeHalfway | ChallengeSummary
)
