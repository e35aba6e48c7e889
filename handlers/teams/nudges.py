"""Teams listener for the **Remind me tomorrow** button on reminders (the decision buttons are the decision flow's).

Also loads the renderings of the scheduled messages (digest, queues, reminders, check-ins) the
scheduler sends through TeamsChat.
"""

from __future__ import annotations

from bot import hero
from bot.core import Core
from bot.nudges import remind_tomorrow
from bot.replies import Notice
from handlers.teams import digest_cards
from handlers.teams.bot import TeamsBot, Turn
from handlers.teams.chat import TeamsChat

COMMANDS: tuple[tuple[str, str], ...] = ()


def register(bot: TeamsBot, core: Core, chat: TeamsChat) -> None:
    @bot.verb(digest_cards.REMIND_TOMORROW_VERB)
    async def remind_tomorrow_clicked(turn: Turn, data: dict) -> Notice:
        idea_id = hero.parse_idea_number(str(data.get("idea", "")))
        return await remind_tomorrow(core, turn.actor, idea_id)  # shown to the clicker; the reminder card stays
