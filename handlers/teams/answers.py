"""How Teams listeners answer a form or a button: the card that replaces the submitted or clicked one."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from bot.interactions import Outcome
from bot.replies import FieldErrors, Notice, SimilarFound
from bot.submissions import FormResult
from handlers.teams.cards import card, runs, teams_words, text_block
from handlers.teams.chat import TeamsChat
from handlers.teams.problem_cards import similar_card

FormCard = Callable[[Mapping[str, str], Mapping[str, str]], dict]  # (values typed, errors) → the form again


def form_answer(result: FormResult, data: dict, form_card: FormCard) -> dict:
    """Field errors: the form again with what was typed (nothing, when the errors are about posting
    anonymously on a shared card: its words stay off it); similar items: the choice; saved: a line saying so."""
    if isinstance(result, SimilarFound):
        return similar_card(result)  # the form becomes the choice: Vote / Me too on one, or Post mine anyway
    if isinstance(result, FieldErrors):
        shared = "anonymous" in result.errors
        values = {} if shared else {k: v for k, v in data.items() if isinstance(v, str)}
        return form_card(values, result.errors)
    return done_card(result)


def click_answer(chat: TeamsChat, outcome: Outcome) -> dict:
    """The clicker's copy of the card: the refreshed view with their note under it (everyone's copy follows
    via the refresher), or a line saying what was done (so an offer cannot be clicked twice)."""
    if outcome.view is None or isinstance(outcome.view, Notice):
        return done_card(outcome.view or outcome.note)
    document = chat.render(outcome.view)["attachments"][0]["content"]
    if outcome.note is not None:
        document["body"].append(text_block(teams_words(outcome.note.text), subtle=True))
    return document


def done_card(note: Notice) -> dict:
    return card([runs(note.text)])
