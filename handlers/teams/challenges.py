"""Teams listeners for challenges (`idea challenge C1 …` is the `idea` command's, bot.commands): Add an idea, Start a challenge and the form.
`hero challenge` and `hero challenges` go through the `hero` command like every /hero word."""

from __future__ import annotations

from bot.challenge_cards import card as challenge_reply
from bot.challenges import blank_form, challenge_for_idea, idea_form_for, open_form, submit_challenge
from bot.core import Core
from bot.errors import SAVE_FAILED, SaveFailed
from handlers.teams.bot import TeamsBot, Turn
from handlers.teams.cards import card, idea_form, message, runs, text_block
from handlers.teams.challenge_cards import ADD_IDEA_VERB, CHALLENGE_FORM_VERB, challenge_form
from handlers.teams.problem_cards import START_CHALLENGE_VERB
from handlers.teams.chat import TeamsChat
from handlers.teams.parse import STALE_POST_AGAIN, field_number, field_text

COMMANDS = (
    ("hero challenges", "Open challenges and what came of recent ones; managers start one with hero challenge"),
)
FORM_FIELDS = ("question", "problem_id", "goal", "ends_on", "advance")


def register(bot: TeamsBot, core: Core, chat: TeamsChat) -> None:
    @bot.verb(START_CHALLENGE_VERB)
    async def start_clicked(turn: Turn, data: dict) -> dict:
        """A hot spot's button: the form, with the problem filled in, replaces the hot spots for the clicker."""
        return challenge_form(open_form(core, turn.actor, field_text(data, "problem")))

    @bot.verb(CHALLENGE_FORM_VERB)
    async def challenge_form_submitted(turn: Turn, data: dict) -> dict:
        values = {key: field_text(data, key) for key in FORM_FIELDS}
        try:
            challenge, errors = await submit_challenge(core, turn.origin, values)
        except SaveFailed:
            challenge, errors = None, {"question": SAVE_FAILED}
        if challenge is None:
            return challenge_form(blank_form(core, values, errors))
        return card([runs(f"Challenge {challenge.ref} is started; it is being posted to the ideas channel.")])

    @bot.verb(ADD_IDEA_VERB)
    async def add_idea_clicked(turn: Turn, data: dict) -> dict:
        """The idea form (Challenge chosen) goes to the clicker's chat; their copy of the card says so."""
        challenge_id = field_number(data, "challenge", STALE_POST_AGAIN)
        form = idea_form_for(core, turn.origin.platform, challenge_id)
        core.background.spawn(chat.tell_activity(turn.origin, message(idea_form(form), "Share an idea")),
                              name="send idea form")
        reply = challenge_reply(core, challenge_for_idea(core, challenge_id, turn.origin.platform))
        document = chat.render(reply)["attachments"][0]["content"]
        document["body"].append(text_block("The idea form is in your chat with herobot.", subtle=True))
        return document
