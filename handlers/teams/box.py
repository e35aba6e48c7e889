"""Teams listeners for the empowerment box: its forms and buttons (Action.Execute). `hero box|can|used|champions`
go through the ideas feature's `hero` command; the core's reply is rendered by box_cards. A button's answer is
the card that replaces the clicked one."""

from __future__ import annotations

from bot import box, box_actions
from bot.replies import BoxForm, BoxOffer, UseForm
from bot.core import Core
from bot.decision_forms import FormInvalid
from bot.duplicates import propose_idea
from bot.errors import SAVE_FAILED, Refused, SaveFailed
from bot.model import Draft
from handlers.teams import box_cards
from handlers.teams.bot import TeamsBot, Turn
from handlers.teams.cards import card, runs
from handlers.teams.chat import TeamsChat
from handlers.teams.parse import field_number, field_text

COMMANDS = (
    ("hero box", "The empowerment box: what you may do on your own; managers: hero box add | edit <ref> | retire <ref>"),
    ("hero can", "hero can <words>: e.g. hero can I waive a late fee; then hero used <ref> [amount] [text], "
                 "hero champions [month|quarter]"),
)


def register(bot: TeamsBot, core: Core, chat: TeamsChat) -> None:
    def card_of(reply) -> dict:
        return chat.render(reply)["attachments"][0]["content"]

    def note_card(text: str) -> dict:
        return card([runs(text)])

    @bot.verb(box_cards.BOX_FORM_VERB)
    async def box_form_submitted(turn: Turn, data: dict) -> dict:
        values = {k: v for k, v in data.items() if isinstance(v, str)}
        action_id = field_number(data, "ref") if field_text(data, "ref") else 0
        idea_id = field_number(data, "idea") if field_text(data, "idea") else 0
        form = box_actions.open_edit(core, turn.actor, f"B{action_id}") if action_id else BoxForm(idea_id=idea_id or None)
        try:
            added = await box_actions.submit_form(core, turn.origin, values, action_id or None, idea_id or None)
        except FormInvalid as invalid:
            return box_cards.box_form(form, values, invalid.errors)
        except SaveFailed:
            return box_cards.box_form(form, values, {"action": SAVE_FAILED})
        return card_of(added)

    @bot.verb(box_cards.USED_VERB)
    async def used_clicked(turn: Turn, data: dict) -> dict:
        return box_cards.use_form(box.use_form(core, field_number(data, "action")))

    @bot.verb(box_cards.USE_FORM_VERB)
    async def use_form_submitted(turn: Turn, data: dict) -> dict:
        values = {k: v for k, v in data.items() if isinstance(v, str)}
        action_id = field_number(data, "action")
        try:
            reply = await box.submit_use(core, turn.origin, action_id, values)
        except FormInvalid as invalid:
            return box_cards.use_form(UseForm(box.get_action(core, action_id)), values, invalid.errors)
        except SaveFailed:
            return box_cards.use_form(UseForm(box.get_action(core, action_id)), values, {"did": SAVE_FAILED})
        return card_of(reply)

    @bot.verb(box_cards.STORY_VERB)
    async def story_clicked(turn: Turn, data: dict) -> dict:
        return note_card((await box.share_story(core, turn.actor, field_number(data, "use"))).text)

    @bot.verb(box_cards.ASK_EXCEPTION_VERB)
    async def ask_exception_clicked(turn: Turn, data: dict) -> dict:
        return note_card((await box.ask_exception(core, turn.actor, field_number(data, "use"))).text)

    @bot.verb(box_cards.ALLOW_VERB)
    async def allow_clicked(turn: Turn, data: dict) -> dict:
        return card_of(await box.decide_exception(core, turn.actor, field_number(data, "use"), True))

    @bot.verb(box_cards.DECLINE_VERB)
    async def decline_clicked(turn: Turn, data: dict) -> dict:
        return card_of(await box.decide_exception(core, turn.actor, field_number(data, "use"), False))

    @bot.verb(box_cards.ANSWER_VERB)
    async def answer_clicked(turn: Turn, data: dict) -> dict:
        use_id = field_number(data, "use")
        return card_of(await box.answer_follow_up(core, turn.actor, use_id, field_text(data, "answer")))

    @bot.verb(box_cards.ADD_FROM_PILOT_VERB)
    async def add_from_pilot_clicked(turn: Turn, data: dict) -> dict:
        return box_cards.box_form(box_actions.open_from_pilot(core, turn.actor, field_number(data, "idea")))

    @bot.verb(box_cards.POST_IDEA_VERB)
    async def post_idea_clicked(turn: Turn, data: dict) -> dict:
        words = field_text(data, "words")
        if not words:
            raise Refused("That button is out of date.")
        similar = await propose_idea(core, turn.origin, Draft(text=words))
        if similar is not None:
            return card_of(similar)
        return note_card("Posting it as an idea now; a note with its link follows.")


def offer_after_decision(bot: TeamsBot, turn: Turn, note) -> None:
    """A pilot closed with its target met: the Add to the box offer follows in the manager's chat."""
    if isinstance(note, BoxOffer):
        bot.tell_later(turn.origin, note)
