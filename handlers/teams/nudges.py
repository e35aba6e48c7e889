"""Teams listener for the **Remind me tomorrow** button on reminders (the decision buttons are the decision flow's).

Also loads the renderings of the scheduled messages (digest, queues, reminders, check-ins) the
scheduler sends through TeamsChat.
"""

from __future__ import annotations

from bot.core import Core
from bot.decision_actions import DecisionRequest, remind_me_tomorrow
from bot.replies import Notice
from handlers.teams import digest_cards
from handlers.teams.bot import TeamsBot, Turn
from handlers.teams.chat import TeamsChat

COMMANDS: tuple[tuple[str, str], ...] = ()


def register(bot: TeamsBot, core: Core, chat: TeamsChat) -> None:
    @bot.verb(digest_cards.REMIND_TOMORROW_VERB)
    async def remind_tomorrow_clicked(turn: Turn, data: dict) -> Notice:
        result = await remind_me_tomorrow(core, DecisionRequest(turn.actor, str(data.get("idea", ""))))
        return result.note  # shown to the clicker; the reminder card stays
