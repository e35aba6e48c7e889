"""The empowerment box in the terminal: its replies as text, and typed stand-ins for its buttons and forms."""

from __future__ import annotations

from bot import box, box_actions
from bot.replies import BOX_FIELDS, USE_FIELDS, BoxForm, UseForm
from bot.duplicates import propose_idea
from bot.errors import Refused
from bot.model import Actor, Draft
from bot.submissions import checked

HELP = """          /iused B1 (I used this: asks each field) · /story N · /exception N · /allow N · /decline N
          /worked N · /didnotwork N · /tooearly N (the follow-up's answers) · /addtobox N (a proven pilot)"""
ANSWER_COMMANDS = {"/worked": "worked", "/didnotwork": "did_not_work", "/tooearly": "too_early"}
COMMANDS = ("/iused", "/story", "/exception", "/allow", "/decline", "/addtobox", "/postidea", *ANSWER_COMMANDS)


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
