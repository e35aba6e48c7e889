"""The terminal's side of challenges: their texts, and the challenge form asked field by field."""

from __future__ import annotations

from collections.abc import Callable
from typing import TextIO

from bot.replies import LABELS, ChallengeForm, Notice, Reply
from bot.challenges import blank_form, submit_challenge
from bot.core import Core
from bot.model import Origin


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
