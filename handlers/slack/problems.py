"""Bolt listeners for problems and duplicates: /problem, Me too, the similar-items choice, Mark duplicate."""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.core import Core
from bot.duplicates import mark_duplicate, may_mark_duplicate, me_too_instead, parse_ref, post_anyway, propose_problem, vote_instead
from bot.errors import Refused, SaveFailed
from bot.model import ProblemDraft
from bot.problems import me_too, problem_errors
from bot.replies import FieldErrors, Notice, ProblemForm, Reply
from handlers.slack import parse  # problem_blocks registers its renderings
from handlers.slack.answers import POST_WITHIN, SAVE_FAILED, answer_action, answer_command, tell_later
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
    """A button on the similar items shown before posting: act on that item instead (`instead(core, origin,
    item_id, token)`, Vote or Me too), which drops the held draft."""

    @app.action(action_id)
    async def chosen_instead(ack, body, action):
        origin = parse.origin_of_action(body)

        async def work() -> Reply:
            item_id, token = _choice(action.get("value", ""))
            return await instead(core, origin, item_id, token)

        await answer_action(ack, core, chat, origin, work())


def register(app: AsyncApp, core: Core, chat: SlackChat) -> None:

    @app.command("/problem")
    async def problem_command(ack, command):
        origin = parse.origin_of_command(command)
        text = (parse.command_text(command)).strip()
        if not text:
            await ack()
            view = problem_modal(ProblemForm(), {"channel": origin.channel_id, "response_url": origin.handle})
            core.background.spawn(chat.client.views_open(trigger_id=command["trigger_id"], view=view),
                                  name="open problem form")
            return
        await answer_command(ack, propose_problem(core, origin, ProblemDraft(text=text), answer_within=POST_WITHIN))

    @app.view(PROBLEM_FORM)
    async def problem_form_submitted(ack, body, view):
        draft = parse.problem_draft_from_view(view)
        errors = problem_errors(draft)
        if "text" in errors:
            errors["went_wrong"] = errors.pop("text")
        if errors:
            return await ack(**field_errors(FieldErrors(errors)))
        origin = parse.origin_of_view(body)
        try:
            similar = await propose_problem(core, origin, draft)
        except (Refused, SaveFailed) as error:
            message = str(error) if isinstance(error, Refused) else SAVE_FAILED
            return await ack(**field_errors(FieldErrors({"went_wrong": message})))
        await ack()
        if similar is not None:
            tell_later(core, chat, origin, similar)

    @app.action(ME_TOO_ACTION)
    async def me_too_clicked(ack, body, action):
        origin = parse.origin_of_action(body)

        async def work() -> Reply:
            _, problem_id = parse_ref(action.get("value", ""), default="problem")
            return await me_too(core, parse.actor(origin.user_id), problem_id)

        await answer_action(ack, core, chat, origin, work())

    for action_id, instead in ((SIMILAR_VOTE_ACTION, vote_instead), (SIMILAR_ME_TOO_ACTION, me_too_instead)):
        _register_instead(app, core, chat, action_id, instead)

    @app.action(POST_ANYWAY_ACTION)
    async def post_anyway_clicked(ack, body, action):
        origin = parse.origin_of_action(body)
        await answer_action(ack, core, chat, origin, post_anyway(core, origin, action.get("value", "")))

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
        try:
            note = await mark_duplicate(core, parse.actor(origin.user_id), ref, original)
        except (Refused, SaveFailed) as error:
            message = str(error) if isinstance(error, Refused) else SAVE_FAILED
            return await ack(**field_errors(FieldErrors({"original": message})))
        await ack()
        tell_later(core, chat, origin, note)
