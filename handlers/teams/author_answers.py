"""Teams: an anonymous author's private answer. The **Answer** button turns the card into a one-field
form ("Your answer"), submitted with Action.Execute; the core posts it in the idea's thread, nameless."""

from __future__ import annotations

from bot import hero
from bot.author_answers import answer, open_answer_form
from bot.core import Core
from bot.decision_forms import FormInvalid
from bot.replies import AnswerForm
from bot.errors import SAVE_FAILED, SaveFailed
from handlers.teams.bot import TeamsBot, Turn
from handlers.teams.cards import card, text_block
from handlers.teams.chat import TeamsChat
from handlers.teams.decision_cards import ANSWER_FORM_VERB, ANSWER_VERB, answer_form

COMMANDS: tuple[tuple[str, str], ...] = ()


def register(bot: TeamsBot, core: Core, chat: TeamsChat) -> None:
    def idea_number(data: dict) -> int:
        return hero.parse_idea_number(str(data.get("idea", "")))

    @bot.verb(ANSWER_VERB)
    async def answer_clicked(turn: Turn, data: dict) -> dict:
        return answer_form(open_answer_form(core, turn.actor, idea_number(data)))  # a refusal: a note, no form

    @bot.verb(ANSWER_FORM_VERB)
    async def answer_submitted(turn: Turn, data: dict) -> dict:
        idea_id = idea_number(data)
        text = data.get("answer") if isinstance(data.get("answer"), str) else ""
        try:
            note = await answer(core, turn.actor, idea_id, text)
        except (FormInvalid, SaveFailed) as problem:
            error = problem.errors.get("answer") if isinstance(problem, FormInvalid) else SAVE_FAILED
            return answer_form(AnswerForm(open_answer_form(core, turn.actor, idea_id).idea, text, error))
        return card([text_block(note.text)])
