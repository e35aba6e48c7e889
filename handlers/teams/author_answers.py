"""Teams: an anonymous author's private answer. The **Answer** button turns the card into a one-field
form ("Your answer"), submitted with Action.Execute; the core posts it in the idea's thread, nameless."""

from __future__ import annotations

from bot import hero
from bot.author_answers import AnswerForm, AuthorQuestion, answer, open_answer_form
from bot.core import Core
from bot.decision_forms import FormInvalid
from bot.decision_replies import Person
from bot.errors import SAVE_FAILED, SaveFailed
from handlers.teams.bot import TeamsBot, Turn
from handlers.teams.cards import Names, card, error_line, execute, render, runs, text_block
from handlers.teams.chat import TeamsChat, people_of

COMMANDS: tuple[tuple[str, str], ...] = ()

ANSWER_VERB = "answer_question"
ANSWER_FORM_VERB = "answer_form"
ANSWER_LABEL = "Your answer"


def answer_action(idea_id: int) -> dict:
    return execute("Answer", ANSWER_VERB, {"idea": idea_id}, style="positive")


@render.register
def _(reply: AuthorQuestion, names: Names) -> dict:
    rendered = render(reply.message, names)
    document = rendered["attachments"][0]["content"]
    document["actions"] = [*document.get("actions", []), answer_action(reply.idea.id)]
    return rendered


@people_of.register
def _(reply: AuthorQuestion) -> set[str]:
    return {part.user_id for part in reply.message.parts if isinstance(part, Person)}


def answer_form(form: AnswerForm) -> dict:
    field = {"type": "Input.Text", "id": "answer", "label": ANSWER_LABEL, "isMultiline": True, "maxLength": 3000,
             "isRequired": True, "errorMessage": "Write your answer."}
    if form.value:
        field["value"] = form.value
    body = [runs((f"#{form.idea.id} · {form.idea.display_title}", {"weight": "Bolder"})),
            text_block("Your answer is posted in the idea's thread as \u201cThe author answered: \u2026\u201d, "
                       "without your name.", subtle=True),
            field, *error_line(form.error)]
    return card(body, [execute("Send answer", ANSWER_FORM_VERB, {"idea": form.idea.id}, style="positive")])


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
