"""The empowerment box in the terminal: its replies as text, and typed stand-ins for its buttons and forms."""

from __future__ import annotations

from bot import box, box_actions
from bot.box_model import limit_text, number_text
from bot.box_replies import (
    ANSWERS, BOX_FIELDS, USE_FIELDS, BoxActionCard, BoxForm, BoxList, BoxOffer, BoxStory, ChampionList,
    ExceptionRequest, FollowUp, NoMatch, OverLimit, UseForm, UseLogged,
)
from bot.duplicates import propose_idea
from bot.errors import Refused
from bot.model import Actor, Draft
from bot.submissions import checked

HELP = """          /iused B1 (I used this: asks each field) · /story N · /exception N · /allow N · /decline N
          /worked N · /didnotwork N · /tooearly N (the follow-up's answers) · /addtobox N (a proven pilot)"""
ANSWER_COMMANDS = {"/worked": "worked", "/didnotwork": "did_not_work", "/tooearly": "too_early"}
COMMANDS = ("/iused", "/story", "/exception", "/allow", "/decline", "/addtobox", "/postidea", *ANSWER_COMMANDS)


def _action_text(action) -> str:
    return (f"{action.ref} {action.action}\n    for: {action.customers}\n    limit: {limit_text(action)}\n"
            f"    steps: {action.steps}\n    expected: {action.expected_outcome}")


def register(as_text) -> None:
    @as_text.register
    def _(reply: BoxList) -> str:
        lines = [reply.heading]
        if not reply.entries:
            lines.append("  The box is empty. Managers add to it with /hero box add.")
        for entry in reply.entries:
            lines.append("  " + _action_text(entry.action).replace("\n", "\n  "))
            lines.append(f"      {entry.stats.uses} uses this month, {entry.stats.rate_text}  → /iused {entry.action.ref}")
        return "\n".join(lines)

    @as_text.register
    def _(reply: NoMatch) -> str:
        return f"{reply.text}  → /postidea {reply.words}"

    @as_text.register
    def _(reply: BoxActionCard) -> str:
        return f"{reply.headline}: {_action_text(reply.action)}\n    owner: {reply.action.owner}"

    @as_text.register
    def _(reply: BoxForm) -> str:
        return "The box form: use /hero box add or /hero box edit <ref>."

    @as_text.register
    def _(reply: UseForm) -> str:
        return f"I used {reply.action.ref}: /iused {reply.action.ref}"

    @as_text.register
    def _(reply: UseLogged) -> str:
        return reply.text + ("" if reply.use.story else f"  → /story {reply.use.id} (Share as a story)")

    @as_text.register
    def _(reply: OverLimit) -> str:
        return (f"Not logged: {reply.text} The owner of {reply.action.ref} is {reply.action.owner}."
                f"  → /exception {reply.use_id} (Ask for an exception)")

    @as_text.register
    def _(reply: ExceptionRequest) -> str:
        use = reply.use
        amount = f" {number_text(use.amount)} {reply.action.unit}" if use.amount is not None else ""
        text = f"{use.user_id} asks for an exception to {reply.action.ref} ({limit_text(reply.action)}):{amount} {use.note}"
        if reply.answered:
            return f"{text} [{reply.answered}]"
        return f"{text}  → /allow {use.id} (Allow once) or /decline {use.id} (Decline)"

    @as_text.register
    def _(reply: FollowUp) -> str:
        use = reply.use
        text = f"Did it work? You used {reply.action.ref} {reply.action.action}: {use.note}"
        if reply.answered:
            return f"{text} [recorded: {ANSWERS[reply.answered]}]"
        return f"{text}  → /worked {use.id} · /didnotwork {use.id} · /tooearly {use.id}"

    @as_text.register
    def _(reply: BoxStory) -> str:
        return f"📣 {reply.use.user_id} used {reply.action.ref} {reply.action.action}: {reply.use.note}"

    @as_text.register
    def _(reply: ChampionList) -> str:
        lines = [reply.heading] + ([f"  {reply.empty}"] if not reply.champions else [])
        for champion in reply.champions:
            lines.append(f"  🏅 {champion.user_id}: {champion.worked} uses that worked")
            lines += [f"      {action.ref} {action.action}: {use.note}" for action, use in champion.stories]
        return "\n".join(lines)

    @as_text.register
    def _(reply: BoxOffer) -> str:
        return f"{reply.text}  → /addtobox {reply.idea_id} (Add to the box)"


async def fill(shell, reply):
    """A form the core asks for is filled in line by line; anything else is shown as it is."""
    if isinstance(reply, BoxForm):
        values = {key: _ask(shell, label, getattr(reply.draft, key)) for key, label, *_ in BOX_FIELDS}
        return await checked(box_actions.submit_form(shell.core, shell.origin, values,
                                                     reply.action.id if reply.action else None, reply.idea_id), "action")
    if isinstance(reply, UseForm):
        action = reply.action
        values = {}
        if action.needs_amount:
            values["amount"] = _ask(shell, f"{USE_FIELDS['amount']} ({action.unit})", "")
        if action.per_customer_period:
            values["customer"] = _ask(shell, USE_FIELDS["customer"], "")
        values["situation"] = _ask(shell, USE_FIELDS["situation"], "")
        values["did"] = _ask(shell, USE_FIELDS["did"], "")
        values["story"] = "story" if _ask(shell, f"{USE_FIELDS['story']}? [y/N]", "").lower().startswith("y") else ""
        return await checked(box.submit_use(shell.core, shell.origin, action.id, values), "did")
    return reply


def _ask(shell, label: str, current: str) -> str:
    answer = shell.ask(f"{label}{f' [{current}]' if current else ''}: ")
    return answer if answer.strip() else current


async def run(shell, command: str, rest: str):
    """The buttons, typed: `/story 3` is Share as a story on use 3, and so on."""
    actor = Actor(shell.origin.platform, shell.user)
    if command == "/iused":
        return await fill(shell, box.use_form(shell.core, rest.strip()))
    if command == "/postidea":
        return await propose_idea(shell.core, shell.origin, Draft(text=rest))
    number = rest.strip()
    if not number.isdigit():
        raise Refused(f"Use {command} <number>, the number shown next to it.")
    number = int(number)
    if command == "/story":
        return await box.share_story(shell.core, actor, number)
    if command == "/exception":
        return await box.ask_exception(shell.core, actor, number)
    if command in ("/allow", "/decline"):
        return await box.decide_exception(shell.core, actor, number, command == "/allow")
    if command == "/addtobox":
        return await fill(shell, box_actions.open_from_pilot(shell.core, actor, number))
    return await box.answer_follow_up(shell.core, actor, number, ANSWER_COMMANDS[command])
