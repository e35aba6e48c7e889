"""`/idea` and `/problem` as typed (Slack's slash commands, Teams' `idea`/`problem`, the shell): text in,
a neutral result out: the poster's note, the similar items found, or the form to fill in."""

from __future__ import annotations

from bot import grammar
from bot.challenges import challenge_for_idea, idea_form_for
from bot.core import Core
from bot.duplicates import propose_idea, propose_problem
from bot.interactions import FormToFill, Request
from bot.replies import Notice, ProblemForm, Reply

ANONYMOUS_IN_PRIVATE = ("Anonymous ideas are posted only from your personal chat with herobot, where nobody sees "
                        "them typed: nothing was posted. Write `idea anon <your idea>` here.")


async def idea_command(core: Core, request: Request, text: str, answer_within: float = 0.0) -> Reply | FormToFill | None:
    """`/idea <text>`, `/idea anon <text>`, `/idea challenge C1 <text>`, or `/idea [anon]` alone (the form).
    Anonymous only where nobody else sees it typed: the person's message would sit beside the idea."""
    draft = grammar.idea_draft(text)
    if draft.anonymous and draft.text and not request.private:
        return Notice(ANONYMOUS_IN_PRIVATE)  # store nothing
    if not draft.text:
        return FormToFill(idea_form_for(core, request.origin.platform), anonymous=draft.anonymous)
    if draft.challenge_id is not None:
        challenge_for_idea(core, draft.challenge_id, request.origin.platform)
    return await propose_idea(core, request.origin, draft, answer_within=answer_within)


async def problem_command(core: Core, request: Request, text: str, answer_within: float = 0.0) -> Reply | FormToFill | None:
    """`/problem <text>`, or `/problem` alone (the form)."""
    draft = grammar.problem_draft(text)
    if not draft.text:
        return FormToFill(ProblemForm())
    return await propose_problem(core, request.origin, draft, answer_within=answer_within)
