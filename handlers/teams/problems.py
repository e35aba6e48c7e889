"""Teams listeners for problems and duplicates: `problem`, its form, Me too, the similar-items choice
(Vote / Me too / Post mine anyway), Mark duplicate. Parse the activity, call the core, render.

A button's answer is the card that replaces the clicked one: the problem card with the new count,
or, on a similar-items offer, a card saying what was done (so it cannot be clicked twice).
"""

from __future__ import annotations

from bot import clicks
from bot.commands import problem_command as typed_problem
from bot.core import Core
from bot.duplicates import mark_duplicate, may_mark_duplicate, parse_ref
from bot.interactions import FormToFill
from bot.model import ProblemDraft
from bot.replies import FieldErrors, ProblemForm, Reply
from bot.submissions import checked, submit_problem_form
from handlers.teams import parse
from handlers.teams.answers import click_answer, done_card, form_answer
from handlers.teams.bot import TeamsBot, Turn
from handlers.teams.cards import message
from handlers.teams.chat import TeamsChat
from handlers.teams.decision_cards import MARK_DUPLICATE_VERB
from handlers.teams.parse import STALE_POST_AGAIN, field_number, field_text
from handlers.teams.problem_cards import (
    DUPLICATE_FORM_VERB,
    ME_TOO_VERB,
    POST_ANYWAY_VERB,
    PROBLEM_FORM_VERB,
    SIMILAR_ME_TOO_VERB,
    SIMILAR_VOTE_VERB,
    duplicate_form,
    problem_form,
)

COMMANDS = (
    ("problem", "Log a customer problem: problem <text>, or problem alone for a form"),
)


def draft_from_form(data: dict) -> ProblemDraft:
    """The problem form's inputs, as Action.Execute sends them (every value a string)."""
    return ProblemDraft(tried=field_text(data, "tried"), went_wrong=field_text(data, "went_wrong"),
                        contact_channel=field_text(data, "contact_channel") or None,
                        frequency=field_text(data, "frequency") or None)


def register(bot: TeamsBot, core: Core, chat: TeamsChat) -> None:
    @bot.command("problem")
    async def problem_command(turn: Turn, rest: str) -> Reply | None:
        result = await typed_problem(core, parse.request_of(turn.activity), rest)
        if isinstance(result, FormToFill):  # the form, in the person's own chat
            core.background.spawn(chat.tell_activity(turn.origin, message(problem_form(result.form),
                                                                          "Log a customer problem")), name="send form")
            return None
        return result

    @bot.verb(PROBLEM_FORM_VERB)
    async def problem_form_submitted(turn: Turn, data: dict) -> dict:
        result = await submit_problem_form(core, parse.request_of(turn.activity), draft_from_form(data))
        return form_answer(result, data, lambda values, errors: problem_form(ProblemForm(), values, errors))

    @bot.verb(ME_TOO_VERB)
    async def me_too_clicked(turn: Turn, data: dict) -> dict:
        _, problem_id = parse_ref(field_text(data, "problem"), default="problem")
        return click_answer(chat, await clicks.count_me_too(core, parse.request_of(turn.activity), problem_id))

    @bot.verb(SIMILAR_VOTE_VERB)
    async def similar_vote_clicked(turn: Turn, data: dict) -> dict:
        idea_id = field_number(data, "idea", STALE_POST_AGAIN)
        return click_answer(chat, await clicks.vote_on_similar(core, parse.request_of(turn.activity),
                                                               idea_id, field_text(data, "token")))

    @bot.verb(SIMILAR_ME_TOO_VERB)
    async def similar_me_too_clicked(turn: Turn, data: dict) -> dict:
        problem_id = field_number(data, "problem", STALE_POST_AGAIN)
        return click_answer(chat, await clicks.me_too_on_similar(core, parse.request_of(turn.activity),
                                                                 problem_id, field_text(data, "token")))

    @bot.verb(POST_ANYWAY_VERB)
    async def post_anyway_clicked(turn: Turn, data: dict) -> dict:
        return click_answer(chat, await clicks.post_mine_anyway(core, parse.request_of(turn.activity),
                                                                field_text(data, "token")))

    @bot.verb(MARK_DUPLICATE_VERB)
    async def mark_duplicate_clicked(turn: Turn, data: dict) -> dict:
        """On a review card or a reminder: data `idea` (a number) or `ref` (`P4` for a problem). Asks for the original."""
        ref = field_text(data, "ref") or field_text(data, "idea")
        return duplicate_form(may_mark_duplicate(core, turn.actor, ref))  # a refusal is a private note, no form

    @bot.verb(DUPLICATE_FORM_VERB)
    async def duplicate_form_submitted(turn: Turn, data: dict) -> dict:
        ref, original = field_text(data, "ref"), field_text(data, "original")
        note = await checked(mark_duplicate(core, turn.actor, ref, original), "original")
        if isinstance(note, FieldErrors):
            return duplicate_form(ref, original, note.errors["original"])
        return done_card(note)
