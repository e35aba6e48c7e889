"""Teams listeners for decisions: the buttons on review cards, the decision forms, and `hero done|queue|wins|review`.

A click answers with the form in place of the card (Universal Actions); the form's
submission goes to the core, which checks everything again in its write transaction:
its field errors come back next to the fields, a refusal (a lost race, a second click)
comes back on the refreshed review card. `hero …` is answered by the ideas feature's
`hero` command: the core returns a DecisionForm for `hero done`, rendered as a card.
"""

from __future__ import annotations

from bot import hero
from bot.core import Core
from bot.decision_forms import FIRST_FIELD, FormInvalid
from bot.replies import CHOICES, ReviewRequest
from bot.decisions import KINDS, may_see_review, open_form, submit
from bot.errors import Refused, SaveFailed
from bot.model import Idea
from handlers.teams.bot import SAVE_FAILED, TeamsBot, Turn
from handlers.teams.box import offer_after_decision
from handlers.teams.chat import TeamsChat
from handlers.teams.render import people_in
from handlers.teams.decision_cards import (
    DECIDE_VERB,
    FORM_VERB,
    REVIEW_VERB,
    decision_form,
    review_card,
)
from storage import decisions as decided
from storage import ideas as store
from storage import teams as refs

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
    def names_for(reply) -> dict[str, str]:
        return refs.names(core.db, people_in(reply))

    async def current_review_card(idea: Idea, note: str | None = None) -> dict:
        link = await chat.link(idea.channel_id, idea.message_id) if idea.message_id else None
        reply = ReviewRequest(idea, link, decided.last_decision(core.db, idea.id))
        return review_card(reply, names_for(reply), note)

    def idea_number(data: dict) -> int:
        return hero.parse_idea_number(str(data.get("idea", "")))

    @bot.verb(DECIDE_VERB)
    async def clicked(turn: Turn, data: dict) -> dict:
        choice = CHOICES.get(str(data.get("choice", "")))
        if choice is None:
            raise Refused("This button is no longer in use.")
        form = open_form(core, turn.actor, idea_number(data), choice.form, choice.verdict)
        return decision_form(form, names_for(form))

    @bot.verb(FORM_VERB)
    async def submitted(turn: Turn, data: dict) -> dict:
        idea_id, kind = idea_number(data), str(data.get("kind", ""))
        if kind not in KINDS:
            raise Refused("This form is no longer in use; open it again from the idea.")
        values = form_values(data)
        try:
            note = await submit(core, turn.actor, kind, idea_id, values)
        except (FormInvalid, SaveFailed) as problem:
            errors = problem.errors if isinstance(problem, FormInvalid) else {FIRST_FIELD[kind]: SAVE_FAILED}
            form = open_form(core, turn.actor, idea_id, kind, values.get("verdict"))
            typed = {k: v for k, v in data.items() if isinstance(v, str)}
            return decision_form(form, names_for(form), typed, errors)
        except Refused as refusal:  # the idea moved on meanwhile: show where it is now, and why nothing changed
            idea = may_see_review(core, turn.actor, idea_id)  # someone who may not decide gets the refusal alone
            return await current_review_card(idea, str(refusal))
        offer_after_decision(bot, turn, note)
        return await current_review_card(store.get_idea(core.db, idea_id), note.text)

    @bot.verb(REVIEW_VERB)
    async def back(turn: Turn, data: dict) -> dict:
        return await current_review_card(may_see_review(core, turn.actor, idea_number(data)))
