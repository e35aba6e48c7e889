"""How listeners answer: ack with the core's reply, or with what went wrong, and tell people later."""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from bot.core import Core
from bot.errors import Refused
from bot.interactions import FormToFill, outcome
from bot.model import Origin
from bot.replies import FieldErrors, Notice, Reply, SimilarFound
from bot.submissions import FormResult
from handlers.slack.blocks import field_errors
from handlers.slack.render import render
from handlers.slack.chat import SlackChat

# Slack gives a slash command 3 s to be answered. A new item's post is awaited at most this long, so that
# the answer itself carries the confirmation and its link; a slower post confirms through response_url.
POST_WITHIN = 2.0
Ack = Callable[..., Awaitable]


async def answer_command(ack: Ack, work: Awaitable[Reply | None]) -> None:
    """Ack a slash command with the reply of `work`, privately."""
    await ack_with(ack, await outcome(work))


async def ack_with(ack: Ack, reply: Reply | None) -> None:
    """Ack a slash command with `reply`, privately."""
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


async def answer_typed(ack: Ack, core: Core, chat: SlackChat, work: Awaitable[Reply | FormToFill | None],
                       trigger_id: str, view_of: Callable[[FormToFill, dict], dict], origin: Origin) -> None:
    """Ack a typed command with its reply; when it asks for the form, open the modal (ack first: the trigger
    lives 3 s)."""
    reply = await outcome(work)
    if not isinstance(reply, FormToFill):
        return await ack_with(ack, reply)
    await ack()
    view = view_of(reply, {"channel": origin.channel_id, "response_url": origin.handle})
    core.background.spawn(chat.client.views_open(trigger_id=trigger_id, view=view), name="open form")


async def answer_form(ack: Ack, core: Core, chat: SlackChat, origin: Origin, result: FormResult) -> None:
    """Ack a modal's submission: field errors keep it open; otherwise it closes, and the similar items found
    reach the person afterwards (a saved item's link follows once it is posted)."""
    if isinstance(result, FieldErrors):
        return await ack(**field_errors(result))
    await ack()
    if isinstance(result, SimilarFound):
        tell_later(core, chat, origin, result)
