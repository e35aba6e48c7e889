"""Teams listeners for ideas: post, form, vote, like, discuss, hero. Parse the activity, call the core, render.

Each answer comes after the core has committed: a command's note goes out in the
background, a button's refreshed card is the invoke response itself.
"""

from __future__ import annotations

from bot import clicks, hero
from bot.challenges import idea_form_for
from bot.commands import idea_command as typed_idea
from bot.core import Core
from bot.ideas import comment_in_thread, delete_in_thread, edit_in_thread, react
from bot.interactions import FormToFill
from bot.replies import IdeaForm, Notice, Reply
from bot.submissions import submit_idea_form
from handlers.teams import parse
from handlers.teams.answers import click_answer, form_answer
from handlers.teams.bot import TeamsBot, Turn
from handlers.teams.cards import IDEA_FORM_VERB, VOTE_VERB, idea_form, message
from handlers.teams.chat import TeamsChat

COMMANDS = (
    ("idea", "Post an idea: idea <text>, idea anon <text>, or idea alone for a form"),
    ("hero", "hero help | top [period] | mine | show <number> | search <words> | hotspots [period] | "
             "link <idea> <problem> | duplicate <id> <original> | unduplicate <id> | digest | dashboard"),
    ("hero whoami", "hero whoami: your id, for [roles] in herobot.toml; hero mute | unmute: news of ideas you voted for"),
    ("hero home", "Your page: your ideas with their status, the ideas you voted for, and (managers) what waits for "
                  "your decision, with the buttons"),
)


def register(bot: TeamsBot, core: Core, chat: TeamsChat) -> None:
    @bot.command("idea")
    async def idea_command(turn: Turn, rest: str) -> Reply | None:
        result = await typed_idea(core, parse.request_of(turn.activity), rest)
        if isinstance(result, FormToFill):  # the form, in the person's own chat
            form = idea_form(result.form, anonymous=result.anonymous)
            core.background.spawn(chat.tell_activity(turn.origin, message(form, "Share an idea")), name="send form")
            return None
        return result  # posted, similar open ideas (the choice), or anonymity refused: told in their own chat

    def the_form() -> IdeaForm:
        return idea_form_for(core, "teams")

    @bot.command("hero")
    async def hero_command(turn: Turn, rest: str) -> Reply | None:
        return await hero.run(core, turn.origin, rest)

    @bot.verb(IDEA_FORM_VERB)
    async def idea_form_submitted(turn: Turn, data: dict) -> dict:
        result = await submit_idea_form(core, parse.request_of(turn.activity), parse.draft_from_form(data))
        return form_answer(result, data, lambda values, errors: idea_form(the_form(), values, errors))

    @bot.verb(VOTE_VERB)
    async def vote_clicked(turn: Turn, data: dict) -> dict:
        idea_id = hero.parse_idea_number(str(data.get("idea", "")))
        return click_answer(chat, await clicks.vote(core, parse.request_of(turn.activity), idea_id))

    @bot.on_reaction
    async def reaction(turn: Turn, channel: str, message_id: str, kind: str, added: bool) -> Notice | None:
        return await react(core, turn.actor, channel, message_id, kind, added, turn.event_id)

    @bot.on_thread_reply
    async def thread_reply(turn: Turn, channel: str, root: str) -> None:
        text = parse.text_of(turn.activity)
        if text:
            await comment_in_thread(core, turn.actor, channel, root, turn.activity.id or "", text, turn.event_id)

    @bot.on_thread_change
    async def thread_change(turn: Turn, channel: str, root: str, deleted: bool) -> None:
        # edits and deletions are idempotent: a redelivery does the same again, so no event is claimed
        if deleted:
            await delete_in_thread(core, parse.PLATFORM, channel, root, turn.activity.id or "")
        elif parse.restored(turn.activity):  # its comment was removed: it comes back (one row per message id)
            text = parse.text_of(turn.activity)
            if text:
                await comment_in_thread(core, turn.actor, channel, root, turn.activity.id or "", text)
        else:
            await edit_in_thread(core, turn.actor, channel, root, turn.activity.id or "", parse.text_of(turn.activity))
