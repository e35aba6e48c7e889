"""Teams listeners for decisions: the buttons on review cards, the decision forms, and `hero done|queue|wins|review`.

A click answers with the form in place of the card (Universal Actions); the form's
submission goes to the core, which checks everything again in its write transaction:
its field errors come back next to the fields, a refusal (a lost race, a second click)
comes back on the refreshed review card. `hero …` is answered by the ideas feature's
`hero` command: the core returns a DecisionForm for `hero done`, rendered as a card.
"""

from __future__ import annotations

from bot.core import Core
from bot.decision_actions import DecisionRequest, DecisionResult, back_to_review, open_decision, submit_decision
from bot.replies import DecisionForm
from handlers.teams.bot import TeamsBot, Turn
from handlers.teams.box import offer_after_decision
from handlers.teams.chat import TeamsChat
from handlers.teams.decision_cards import (
    DECIDE_VERB,
    FORM_VERB,
    REVIEW_VERB,
    decision_form,
    review_card,
)

COMMANDS = (  # listed in teams/manifest.json (at most 12 there, so the typed decisions share one line)
    ("hero queue", "Managers: the ideas waiting for your decision; hero review <number> sends an open idea to review"),
    ("hero approve", "Managers decide: hero approve|pilot|decline|ask|done <number> [text]; "
                     "a command without its text opens the form"),
    ("hero wins", "hero wins [week|month|quarter|all|30d]: celebrated wins"),
)


def form_values(data: dict) -> dict:
    """The form's inputs as the core reads them: text, and the technology toggle as a checked list."""
    values = {k: v for k, v in data.items() if isinstance(v, str)}
    values["tech_support"] = ["tech"] if values.get("tech_support") == "true" else []
    if values.get("champion_other", "").strip():  # typed in: it wins over the list
        values["champion"] = values["champion_other"].strip()
    return values


def register(bot: TeamsBot, core: Core, chat: TeamsChat) -> None:
    def request(turn: Turn, data: dict, choice: str = "", values: dict | None = None) -> DecisionRequest:
        return DecisionRequest(turn.actor, str(data.get("idea", "")), choice, values or {})

    def shown(result: DecisionResult, typed: dict | None = None):
        """The card to show after the action; a note alone when there is nothing to show."""
        if isinstance(result.view, DecisionForm):
            return decision_form(result.view, chat.names_in(result.view), typed, result.errors)
        if result.view is not None:
            return review_card(result.view, chat.names_in(result.view), result.note_text)
        return result.note

    @bot.verb(DECIDE_VERB)
    async def clicked(turn: Turn, data: dict):
        return shown(open_decision(core, request(turn, data, str(data.get("choice", "")))))

    @bot.verb(FORM_VERB)
    async def submitted(turn: Turn, data: dict):
        result = await submit_decision(core, request(turn, data, str(data.get("kind", "")), form_values(data)))
        if not result.errors:
            offer_after_decision(bot, turn, result.note)
        return shown(result, {k: v for k, v in data.items() if isinstance(v, str)})

    @bot.verb(REVIEW_VERB)
    async def back(turn: Turn, data: dict):
        return shown(await back_to_review(core, request(turn, data)))
