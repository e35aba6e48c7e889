"""How listeners answer: ack with the core's reply, or with what went wrong, and tell people later."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.chat import Origin
from bot.core import Core
from bot.errors import Refused, SaveFailed
from bot.replies import Notice, Reply
from handlers.slack.render import render
from handlers.slack.chat import SlackChat

SAVE_FAILED = "Sorry, that could not be saved. Please try again in a moment."
# Slack gives a slash command 3 s to be answered. A new item's post is awaited at most this long, so that
# the answer itself carries the confirmation and its link; a slower post confirms through response_url.
POST_WITHIN = 2.0
Ack = Callable[..., Awaitable]


async def outcome(work: Awaitable[Reply | None]) -> Reply | None:
    """The reply of `work`; a refusal or a failed save becomes a note for the person."""
    try:
        return await work
    except Refused as refusal:
        return Notice(str(refusal))
    except SaveFailed:
        return Notice(SAVE_FAILED)


async def answer_command(ack: Ack, work: Awaitable[Reply | None]) -> None:
    """Ack a slash command with the reply of `work`, privately."""
    reply = await outcome(work)
    if reply is None:
        await ack()
    else:
        await ack(response_type="ephemeral", **render(reply))


async def answer_action(ack: Ack, core: Core, chat: SlackChat, origin: Origin, work: Awaitable[Reply | None]) -> None:
    """Ack a button click after its work is committed; its note reaches the clicker afterwards."""
    reply = await outcome(work)
    await ack()
    if reply is not None:
        tell_later(core, chat, origin, reply)


def tell_later(core: Core, chat: SlackChat, origin: Origin, reply: Reply) -> None:
    core.background.spawn(chat.tell(origin, reply), name=f"tell {origin.user_id}")


async def open_form_or_refuse(ack: Ack, core: Core, chat: SlackChat, origin: Origin, make_form: Callable[[], object],
                              view_of: Callable[[object, dict], dict], trigger_id: str, name: str) -> None:
    """Open the modal for the form `make_form()` builds (ack first: the trigger lives 3 s); a refusal is
    told to the person privately instead."""
    try:
        form = make_form()
    except Refused as refusal:
        await ack()
        tell_later(core, chat, origin, Notice(str(refusal)))
        return
    await ack()
    view = view_of(form, {"channel": origin.channel_id, "response_url": origin.handle})
    core.background.spawn(chat.client.views_open(trigger_id=trigger_id, view=view), name=name)
