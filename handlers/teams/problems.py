"""Teams listeners for problems and duplicates: `problem`, its form, Me too, the similar-items choice
(Vote / Me too / Post mine anyway), Mark duplicate. Parse the activity, call the core, render.

A button's answer is the card that replaces the clicked one: the problem card with the new count,
or, on a similar-items offer, a card saying what was done (so it cannot be clicked twice).
"""

from __future__ import annotations

from bot.core import Core
from bot.duplicates import (
    mark_duplicate,
    may_mark_duplicate,
    me_too_instead,
    parse_ref,
    post_anyway,
    propose_problem,
    vote_instead,
)
from bot.errors import Refused, SaveFailed
from bot.model import ProblemDraft
from bot.problems import card as problem_reply
from bot.problems import me_too, problem_errors
from bot.replies import Notice, ProblemForm, Reply
from handlers.teams.bot import SAVE_FAILED, TeamsBot, Turn
from handlers.teams.cards import card, message, runs
from handlers.teams.chat import TeamsChat
from handlers.teams.decision_cards import MARK_DUPLICATE_VERB
from handlers.teams.problem_cards import (
    DUPLICATE_FORM_VERB,
    ME_TOO_VERB,
    POST_ANYWAY_VERB,
    PROBLEM_FORM_VERB,
    SIMILAR_ME_TOO_VERB,
    SIMILAR_VOTE_VERB,
    duplicate_form,
    problem_card,
    problem_form,
    similar_card,
)
from storage import problems as store
from storage import teams as refs

COMMANDS = (
    ("problem", "Log a customer problem: problem <text>, or problem alone for a form"),
)


def text_of(data: dict, key: str) -> str:
    value = data.get(key)
    return value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""


def draft_from_form(data: dict) -> ProblemDraft:
    """The problem form's inputs, as Action.Execute sends them (every value a string)."""
    return ProblemDraft(tried=text_of(data, "tried"), went_wrong=text_of(data, "went_wrong"),
                        contact_channel=text_of(data, "contact_channel") or None,
                        frequency=text_of(data, "frequency") or None)


def number_of(data: dict, key: str) -> int:
    raw = text_of(data, key)
    if not raw.isdigit() or len(raw) > 12:
        raise Refused("That button is out of date; post again.")
    return int(raw)


def done_card(note: Notice) -> dict:
    return card([runs(note.text)])


def register(bot: TeamsBot, core: Core, chat: TeamsChat) -> None:
    @bot.command("problem")
    async def problem_command(turn: Turn, rest: str) -> Reply | None:
        if not rest.strip():  # the form, in the person's own chat
            core.background.spawn(chat.tell_activity(turn.origin, message(problem_form(ProblemForm()),
                                                                          "Log a customer problem")), name="send form")
            return None
        return await propose_problem(core, turn.origin, ProblemDraft(text=rest.strip()))

    @bot.verb(PROBLEM_FORM_VERB)
    async def problem_form_submitted(turn: Turn, data: dict) -> dict:
        draft = draft_from_form(data)
        values = {k: v for k, v in data.items() if isinstance(v, str)}
        errors = problem_errors(draft)
        if "text" in errors:  # the whole text is too long, or nothing was said: show it under what went wrong
            errors["went_wrong"] = errors.pop("text")
        if not errors:
            try:
                similar = await propose_problem(core, turn.origin, draft)
            except Refused as refusal:
                errors = {"went_wrong": str(refusal)}
            except SaveFailed:
                errors = {"went_wrong": SAVE_FAILED}
            else:
                if similar is not None:
                    return similar_card(similar)  # the form becomes the choice
                return card([runs("Your problem is saved; it is being posted to the problems channel.")])
        return problem_form(ProblemForm(), values, errors)

    @bot.verb(ME_TOO_VERB)
    async def me_too_clicked(turn: Turn, data: dict) -> dict:
        _, problem_id = parse_ref(text_of(data, "problem"), default="problem")
        note = await me_too(core, turn.actor, problem_id)
        reply = problem_reply(core, store.get_problem(core.db, problem_id))
        names = refs.names(core.db, {reply.problem.reporter_id})
        return problem_card(reply, names, note=note.text)  # the clicker's copy; everyone's follows via the refresher

    @bot.verb(SIMILAR_VOTE_VERB)
    async def similar_vote_clicked(turn: Turn, data: dict) -> dict:
        note = await vote_instead(core, turn.origin, number_of(data, "idea"), text_of(data, "token"))
        return done_card(note)

    @bot.verb(SIMILAR_ME_TOO_VERB)
    async def similar_me_too_clicked(turn: Turn, data: dict) -> dict:
        note = await me_too_instead(core, turn.origin, number_of(data, "problem"), text_of(data, "token"))
        return done_card(note)

    @bot.verb(POST_ANYWAY_VERB)
    async def post_anyway_clicked(turn: Turn, data: dict) -> dict:
        await post_anyway(core, turn.origin, text_of(data, "token"))
        return done_card(Notice("Posting yours now; a note with its link follows."))

    @bot.verb(MARK_DUPLICATE_VERB)
    async def mark_duplicate_clicked(turn: Turn, data: dict) -> dict:
        """On a review card or a reminder: data `idea` (a number) or `ref` (`P4` for a problem). Asks for the original."""
        ref = text_of(data, "ref") or text_of(data, "idea")
        return duplicate_form(may_mark_duplicate(core, turn.actor, ref))  # a refusal is a private note, no form

    @bot.verb(DUPLICATE_FORM_VERB)
    async def duplicate_form_submitted(turn: Turn, data: dict) -> dict:
        ref, original = text_of(data, "ref"), text_of(data, "original")
        try:
            note = await mark_duplicate(core, turn.actor, ref, original)
        except Refused as refusal:
            return duplicate_form(ref, original, str(refusal))
        except SaveFailed:
            return duplicate_form(ref, original, SAVE_FAILED)
        return done_card(note)
