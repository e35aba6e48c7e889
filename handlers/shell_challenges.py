"""The terminal's side of challenges: their texts, and the challenge form asked field by field."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bot.challenge_replies import (
    ADD_IDEA,
    LABELS,
    ChallengeCard,
    ChallengeForm,
    ChallengeHalfway,
    ChallengeList,
    ChallengeSummary,
    idea_line,
    ideas_text,
    status_line,
)
from bot.challenges import blank_form, submit_challenge
from bot.chat import Origin
from bot.core import Core
from bot.replies import Notice, Reply, reporters_text, trend_text


def register(as_text) -> None:
    """Add the challenge replies to the shell's `as_text`."""

    @as_text.register
    def _(reply: ChallengeCard) -> str:
        challenge = reply.challenge
        lines = [f"{challenge.ref} {challenge.display_question}  [{status_line(reply)}] by {challenge.created_by}"]
        if challenge.goal:
            lines.append(f"    goal: {challenge.goal}")
        if reply.problem:
            spot = reply.problem
            lines.append(f"    problem {spot.problem.ref} {spot.problem.display_title}: "
                         f"{reporters_text(spot.problem.reporters)}, {trend_text(spot.reporters, spot.previous)}")
        shown, heading = (reply.advanced, "advanced to review") if reply.advanced else (reply.top, "most voted")
        if shown:
            lines.append(f"    {heading}:")
            lines += [f"      {idea_line(i)}" for i in shown]
        if challenge.is_open:
            lines.append(f"    {ADD_IDEA}: /idea challenge {challenge.ref} <your idea>")
        return "\n".join(lines)

    @as_text.register
    def _(reply: ChallengeList) -> str:
        lines = ["Open challenges"] + [f"  {as_text(c)}" for c in reply.open] + (["  none"] if not reply.open else [])
        lines += [f"Closed in the last {reply.days} days"] + [f"  {as_text(c)}" for c in reply.closed]
        return "\n".join(lines + (["  none"] if not reply.closed else []))

    @as_text.register
    def _(reply: ChallengeHalfway) -> str:
        top = "; ".join(idea_line(i) for i in reply.top) or "no ideas yet"
        return (f"Halfway through challenge {reply.challenge.ref}: {ideas_text(reply.challenge.ideas)} so far, "
                f"{reply.time_left}. Most voted: {top}")

    @as_text.register
    def _(reply: ChallengeSummary) -> str:
        challenge = reply.challenge
        named = f" Thanks to {', '.join(reply.named)}." if reply.named else ""
        advanced = "; ".join(idea_line(i) for i in reply.advanced) or "none"
        return (f"Challenge {challenge.ref} is closed: {challenge.display_question}. {ideas_text(challenge.ideas)} "
                f"from {reply.people} people.{named} Advanced to review: {advanced}")

    @as_text.register
    def _(reply: ChallengeForm) -> str:
        return "Start a challenge with /hero challenge (managers)."


async def fill_in(core: Core, origin: Origin, form: ChallengeForm, ask: Callable[[str], str], out: TextIO) -> Reply:
    """Ask each field of the challenge form until it passes its checks (an empty question gives up)."""
    values = dict(form.values)
    while True:
        for problem in form.problems[:20]:
            out.write(f"  {problem.ref} {problem.display_title}\n")
        for name in LABELS:
            default = form.value(name) if name not in values else values[name]
            answer = ask(f"{LABELS[name]}{f' [{default}]' if default else ''}: ").strip()
            values[name] = answer or default or ""
        if not values["question"]:
            return Notice("No challenge was started.")
        challenge, errors = await submit_challenge(core, origin, values)
        if challenge is not None:
            return Notice(f"Challenge {challenge.ref} is started.")
        for name, error in errors.items():
            out.write(f"  {LABELS.get(name, name)}: {error}\n")
        form = blank_form(core, values, errors)
