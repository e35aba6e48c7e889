"""Teams listeners for ideas: post, form, vote, like, discuss, hero. Parse the activity, call the core, render.

Each answer comes after the core has committed: a command's note goes out in the
background, a button's refreshed card is the invoke response itself.
"""

from __future__ import annotations

from bot import hero
from bot.core import Core
from bot.duplicates import propose_idea
from bot.errors import Refused, SaveFailed
from bot.challenges import idea_form_for
from bot.ideas import comment_in_thread, delete_in_thread, draft_errors, edit_in_thread, react, toggle_vote
from bot.replies import IdeaForm, Notice, Reply
from handlers.teams import parse
from handlers.teams.bot import SAVE_FAILED, TeamsBot, Turn
from handlers.teams.cards import (
    IDEA_FORM_VERB,
    VOTE_VERB,
    card,
    idea_card,
    idea_form,
    message,
    runs,
)
from handlers.teams.chat import TeamsChat
from handlers.teams.problem_cards import similar_card
from storage import ideas as store
from storage import teams as refs

COMMANDS = (
    ("idea", "Post an idea: idea <text>, idea anon <text>, or idea alone for a form"),
    ("hero", "hero help | top [period] | mine | show <number> | search <words> | hotspots [period] | "
             "link <idea> <problem> | duplicate <id> <original> | unduplicate <id> | digest | dashboard"),
    ("hero whoami", "hero whoami: your id, for [roles] in herobot.toml; hero mute | unmute: news of ideas you voted for"),
)

ANONYMOUS_IN_PRIVATE = ("Anonymous ideas are posted only from your personal chat with herobot, where nobody sees "
                        "them typed: nothing was posted. Write `idea anon <your idea>` here.")


def register(bot: TeamsBot, core: Core, chat: TeamsChat) -> None:
    @bot.command("idea")
    async def idea_command(turn: Turn, rest: str) -> Reply | None:
        draft = parse.draft_from_text(rest)
        if draft.anonymous and draft.text and turn.kind != parse.PERSONAL:
            # the person's own message already sits in this conversation under their name: store nothing
            core.background.spawn(chat.send_direct(turn.actor.user_id, Notice(ANONYMOUS_IN_PRIVATE)),
                                  name="anonymous only in private")
            return None
        if not draft.text:  # `idea` or `idea anon` alone: the form, in the person's own chat
            form = idea_form(the_form(), anonymous=draft.anonymous)
            core.background.spawn(chat.tell_activity(turn.origin, message(form, "Share an idea")), name="send form")
            return None
        return await propose_idea(core, turn.origin, draft)  # similar open ideas: the choice, else posted

    def the_form() -> IdeaForm:
        return idea_form_for(core, "teams")

    @bot.command("hero")
    async def hero_command(turn: Turn, rest: str) -> Reply | None:
        return await hero.run(core, turn.origin, rest)

    @bot.verb(IDEA_FORM_VERB)
    async def idea_form_submitted(turn: Turn, data: dict) -> dict:
        draft = parse.draft_from_form(data)
        values = {k: v for k, v in data.items() if isinstance(v, str)}
        if draft.anonymous and turn.kind != parse.PERSONAL:  # a shared card: keep nothing typed on it
            return idea_form(the_form(), {}, {"anonymous": ANONYMOUS_IN_PRIVATE})
        errors = draft_errors(draft, core.config.mission_goals)
        if "text" in errors:  # the whole text is too long: show it under the solution
            errors["solution"] = errors.pop("text")
        if not errors:
            try:
                similar = await propose_idea(core, turn.origin, draft)
            except Refused as refusal:
                field = "challenge_id" if draft.challenge_id else "problem_id" if draft.problem_id else "problem"
                errors = {field: str(refusal)}  # the draft passed: the link (or the challenge) refused it
            except SaveFailed:
                errors = {"problem": SAVE_FAILED}
            else:
                if similar is not None:
                    return similar_card(similar)  # the form becomes the choice: Vote on one, or Post mine anyway
                return card([runs("Your idea is saved; it is being posted to the ideas channel.")])
        return idea_form(the_form(), values, errors)

    @bot.verb(VOTE_VERB)
    async def vote_clicked(turn: Turn, data: dict) -> dict:
        idea_id = hero.parse_idea_number(str(data.get("idea", "")))
        note = await toggle_vote(core, turn.actor, idea_id)
        idea = store.get_idea(core.db, idea_id)
        names = refs.names(core.db, {idea.author_id} if idea.author_id and not idea.anonymous else set())
        return idea_card(idea, names, note=note.text)  # the clicker's copy; everyone's follows via the refresher

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
