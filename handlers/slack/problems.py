"""Bolt listeners for problems and duplicates: /problem, Me too, the similar-items choice, Mark duplicate."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot import clicks
from bot.commands import problem_command as typed_problem
from bot.core import Core
from bot.duplicates import mark_duplicate, may_mark_duplicate, parse_ref
from bot.errors import Refused
from bot.interactions import Request
from bot.replies import FieldErrors, Notice, Reply
from bot.submissions import checked, submit_problem_form
from handlers.slack import parse
from handlers.slack.answers import POST_WITHIN, answer_action, answer_form, answer_typed, tell_later
from handlers.slack.blocks import field_errors
from handlers.slack.chat import SlackChat
from handlers.slack.problem_blocks import (
    DUPLICATE_FORM,
    MARK_DUPLICATE_ACTION,
    ME_TOO_ACTION,
    POST_ANYWAY_ACTION,
    PROBLEM_FORM,
    SIMILAR_ME_TOO_ACTION,
    SIMILAR_VOTE_ACTION,
    duplicate_modal,
    problem_modal,
)

COMMANDS = ("/problem",)
EVENTS = ()


def _choice(value: str) -> tuple[int, str]:
    """A similar-item button's value: `<id>:<token of the held draft>`."""
    number, _, token = (value or "").partition(":")
    if not number.isdigit() or not token:
        raise Refused("That button is out of date; post again.")
    return int(number), token


def _register_instead(app: AsyncApp, core: Core, chat: SlackChat, action_id: str, instead) -> None:
    """A button on the similar items shown before posting: act on that item instead (`instead(core, request,
    item_id, token)`, Vote or Me too), which drops the held draft."""

    @app.action(action_id)
    async def chosen_instead(ack, body, action):
        origin = parse.origin_of_action(body)

        async def work() -> Reply | None:
            item_id, token = _choice(action.get("value", ""))
            return (await instead(core, Request(origin), item_id, token)).note

        await answer_action(ack, core, chat, origin, work())


def register(app: AsyncApp, core: Core, chat: SlackChat) -> None:

    @app.command("/problem")
    async def problem_command(ack, command):
        origin = parse.origin_of_command(command)
        await answer_typed(ack, core, chat, typed_problem(core, Request(origin, private=True),
                                                          parse.command_text(command), answer_within=POST_WITHIN),
                           command["trigger_id"], lambda f, metadata: problem_modal(f.form, metadata), origin)

    @app.view(PROBLEM_FORM)
    async def problem_form_submitted(ack, body, view):
        origin = parse.origin_of_view(body)
        result = await submit_problem_form(core, Request(origin, private=True), parse.problem_draft_from_view(view))
        await answer_form(ack, core, chat, origin, result)

    @app.action(ME_TOO_ACTION)
    async def me_too_clicked(ack, body, action):
        origin = parse.origin_of_action(body)

        async def work() -> Reply | None:
            _, problem_id = parse_ref(action.get("value", ""), default="problem")
            return (await clicks.count_me_too(core, Request(origin), problem_id)).note  # the card: the refresher

        await answer_action(ack, core, chat, origin, work())

    for action_id, instead in ((SIMILAR_VOTE_ACTION, clicks.vote_on_similar),
                               (SIMILAR_ME_TOO_ACTION, clicks.me_too_on_similar)):
        _register_instead(app, core, chat, action_id, instead)

    @app.action(POST_ANYWAY_ACTION)
    async def post_anyway_clicked(ack, body, action):
        origin = parse.origin_of_action(body)

        async def work() -> Reply | None:
            return (await clicks.post_mine_anyway(core, Request(origin), action.get("value", ""))).note

        await answer_action(ack, core, chat, origin, work())

    @app.action(MARK_DUPLICATE_ACTION)
    async def mark_duplicate_clicked(ack, body, action):
        """The review message's Mark duplicate button (value: the idea number, or `P<n>` for a problem)."""
        origin = parse.origin_of_action(body)
        try:
            ref = may_mark_duplicate(core, parse.actor(origin.user_id), action.get("value", ""))
        except Refused as refusal:  # no form for someone who may not mark: a private note
            await ack()
            tell_later(core, chat, origin, Notice(str(refusal)))
            return
        await ack()
        view = duplicate_modal(ref, {"channel": origin.channel_id, "response_url": origin.handle})
        core.background.spawn(chat.client.views_open(trigger_id=body["trigger_id"], view=view),
                              name="open duplicate form")

    @app.view(DUPLICATE_FORM)
    async def duplicate_form_submitted(ack, body, view):
        origin = parse.origin_of_view(body)
        ref = parse.view_metadata(body).get("ref", "")
        original = parse.typed(view.get("state", {}).get("values", {}), "original")
        note = await checked(mark_duplicate(core, parse.actor(origin.user_id), ref, original), "original")
        if isinstance(note, FieldErrors):
            return await ack(**field_errors(note))
        await ack()
        tell_later(core, chat, origin, note)
