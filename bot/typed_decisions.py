"""Deciding by typing: `/hero approve|pilot|decline|ask|done <n> …`, the same checks and transaction as the buttons.

A word that needs more than one line of answers (a pilot, a pilot's result, a decision typed without
its reason) returns the DecisionForm instead: Slack and Teams open it, the shell asks field by field.
"""

from __future__ import annotations

from bot.core import Core
from bot.decision_forms import FormInvalid
from bot.replies import DecisionForm
from bot.decisions import open_form, submit
from bot.errors import Refused
from bot.model import RISKS, Actor, Origin, Status
from bot.replies import Notice
from storage import ideas as store

USAGE = {
    "approve": "`/hero approve <number> [low|medium|high] [mitigation]`",
    "pilot": "`/hero pilot <number>`",
    "decline": "`/hero decline <number> <reason>`",
    "ask": "`/hero ask <number> <question>`",
    "done": "`/hero done <number> <what changed>`",
}


def _number(word: str, usage: str) -> int:
    from bot.hero import parse_idea_number  # hero lists these words; the parser lives there

    if not word:
        raise Refused(f"Which idea? Use {usage}.")
    return parse_idea_number(word)


async def _decide(core: Core, origin: Origin, kind: str, idea_id: int, values: dict, usage: str) -> Notice:
    try:
        return await submit(core, Actor(origin.platform, origin.user_id), kind, idea_id, values)
    except FormInvalid as invalid:
        raise Refused(f"{' '.join(invalid.errors.values())} Nothing changed. Use {usage}.") from None


def _form(core: Core, origin: Origin, idea_id: int, kind: str) -> DecisionForm:
    return open_form(core, Actor(origin.platform, origin.user_id), idea_id, kind)


async def approve(core: Core, origin: Origin, args: list[str]) -> Notice:
    idea_id = _number(args[0] if args else "", USAGE["approve"])
    rest = args[1:]
    risk = rest.pop(0).lower() if rest and rest[0].lower() in RISKS else "low"
    return await _decide(core, origin, "approve", idea_id, {"risk": risk, "mitigation": " ".join(rest)},
                         USAGE["approve"])


async def pilot(core: Core, origin: Origin, args: list[str]) -> DecisionForm:
    return _form(core, origin, _number(args[0] if args else "", USAGE["pilot"]), "pilot")


def _with_text(kind: str, field: str, word: str):
    async def run(core: Core, origin: Origin, args: list[str]) -> Notice | DecisionForm:
        idea_id = _number(args[0] if args else "", USAGE[word])
        if len(args) < 2:  # nothing typed after the number: the form asks for it
            return _form(core, origin, idea_id, kind)
        return await _decide(core, origin, kind, idea_id, {field: " ".join(args[1:])}, USAGE[word])
    return run


decline = _with_text("decline", "reason", "decline")
ask = _with_text("needs_info", "question", "ask")


async def done(core: Core, origin: Origin, args: list[str]) -> Notice | DecisionForm:
    """What changed, typed for an approved idea; a pilot's result (a figure and a verdict) goes through its form."""
    idea_id = _number(args[0] if args else "", USAGE["done"])
    idea = store.get_idea(core.db, idea_id)
    if len(args) < 2 or idea is None or idea.status == Status.PILOTING:
        return _form(core, origin, idea_id, "outcome")
    return await _decide(core, origin, "outcome", idea_id, {"outcome": " ".join(args[1:])}, USAGE["done"])


SUBCOMMANDS = {"approve": approve, "pilot": pilot, "decline": decline, "ask": ask, "done": done}
