"""Slack payloads → the core's inputs. Pure functions over the dicts Slack sends."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

from bot.model import Actor, Draft, Origin, ProblemDraft

PLATFORM = "slack"


def origin_of_command(command: dict) -> Origin:
    return Origin(PLATFORM, command["user_id"], command.get("channel_id"), command.get("response_url"))


def origin_of_action(body: dict) -> Origin:
    channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get("channel_id")
    return Origin(PLATFORM, body["user"]["id"], channel, body.get("response_url"))


def origin_of_view(body: dict) -> Origin:
    metadata = view_metadata(body)
    return Origin(PLATFORM, body["user"]["id"], metadata.get("channel"), metadata.get("response_url"))


def actor(user_id: str) -> Actor:
    return Actor(PLATFORM, user_id)


def unescape(text: str) -> str:
    """Slack sends message and command text with `&`, `<` and `>` escaped; undone once, it is what the person
    wrote (a typed `&lt;` arrives as `&amp;lt;` and stays `&lt;`). Renderers escape it again on the way out."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def command_text(command: dict) -> str:
    text = command.get("text")
    return unescape(text) if isinstance(text, str) else ""


def view_metadata(body: dict) -> dict:
    try:
        data = json.loads(_dict(body.get("view")).get("private_metadata") or "{}")
    except (ValueError, TypeError, RecursionError):
        return {}
    return data if isinstance(data, dict) else {}


def draft_from_view(view: dict) -> Draft:
    values = _dict(_dict(view.get("state")).get("values"))

    def element(block_id: str) -> dict:
        return _dict(_dict(values.get(block_id)).get("value"))

    def text(block_id: str) -> str:
        value = element(block_id).get("value")
        return value if isinstance(value, str) else ""

    goal = _dict(element("mission_goal").get("selected_option")).get("value")
    chosen = element("anonymous").get("selected_options")
    anonymous = isinstance(chosen, list) and any(_dict(o).get("value") == "anonymous" for o in chosen)
    problem = selected(values, "problem_id")
    challenge = selected(values, "challenge_id")
    return Draft(
        problem=text("problem"), root_cause=text("root_cause"), solution=text("solution"), impact=text("impact"),
        mission_goal=goal if isinstance(goal, str) else None, anonymous=anonymous,
        problem_id=int(problem) if problem and problem.isdigit() else None,
        challenge_id=int(challenge) if challenge and challenge.isdigit() and len(challenge) <= 12 else None,
    )


def _dict(value) -> dict:
    return value if isinstance(value, dict) else {}


def selected(values: dict, block_id: str) -> str | None:
    """The value of a static select in a submitted view, if one was picked."""
    value = _dict(_dict(_dict(values.get(block_id)).get("value")).get("selected_option")).get("value")
    return value if isinstance(value, str) else None


def typed(values: dict, block_id: str) -> str:
    value = _dict(_dict(values.get(block_id)).get("value")).get("value")
    return value if isinstance(value, str) else ""


def problem_draft_from_view(view: dict) -> ProblemDraft:
    values = _dict(_dict(view.get("state")).get("values"))
    return ProblemDraft(tried=typed(values, "tried"), went_wrong=typed(values, "went_wrong"),
                        contact_channel=selected(values, "contact_channel"), frequency=selected(values, "frequency"))


def reaction_name(raw: str) -> str:
    """`+1::skin-tone-3` counts as `+1`."""
    return raw.split("::", 1)[0]


def is_thread_reply(event: dict) -> bool:
    """A person's reply in a thread (not the parent, not an edit, deletion or bot post)."""
    thread_ts = event.get("thread_ts")
    return (
        bool(thread_ts) and thread_ts != event.get("ts") and bool(event.get("user"))
        and event.get("subtype") in (None, "thread_broadcast", "file_share") and not event.get("bot_id")
    )


def thread_change(event: dict) -> tuple[str, str | None, str, str | None, str | None] | None:
    """A thread reply edited (`message_changed`) or deleted (`message_deleted`): (channel, thread or None when a
    deletion does not say, message ts, editor or None for a deletion, new text). None for anything else, the
    thread's parent and bots' posts included."""
    subtype = event.get("subtype")
    if subtype == "message_changed":
        message = event.get("message") if isinstance(event.get("message"), dict) else {}
        user, text = message.get("user"), message.get("text")
        if message.get("bot_id") or not isinstance(user, str) or not isinstance(text, str):
            return None
    elif subtype == "message_deleted":
        message = event.get("previous_message") if isinstance(event.get("previous_message"), dict) else {}
        user, text = None, None
    else:
        return None
    channel, thread_ts, ts = event.get("channel"), message.get("thread_ts"), message.get("ts") or event.get("deleted_ts")
    if subtype == "message_deleted" and not message.get("thread_ts"):
        thread_ts = None  # Slack's documented example names only the channel and the deleted ts
    elif not (isinstance(thread_ts, str) and thread_ts) or thread_ts == ts:
        return None
    if not all(isinstance(v, str) and v for v in (channel, ts)) or thread_ts == ts:
        return None
    return channel, thread_ts, ts, user, unescape(text) if text is not None else None


INTERACTIONS = ("block_actions", "view_submission", "view_closed")
# Slack's other payload kinds: herobot registers nothing for them, so they are acknowledged and ignored
NOT_HANDLED = ("app_rate_limited", "shortcut", "message_action", "block_suggestion", "interactive_message",
               "dialog_submission", "dialog_cancellation", "dialog_suggestion", "workflow_step_edit",
               "function_executed", "app_deleted", "app_uninstalled_team")


def ignored_kind(data: dict) -> str | None:
    """The kind of a well-formed payload herobot has no use for, or None."""
    kind = data.get("type") if "command" not in data else None
    return kind if kind in NOT_HANDLED else None


class Malformed(ValueError):
    """A request body that is not a payload herobot can act on; answered with a 400."""


def read_body(raw: str, content_type: str | None) -> dict:
    """The request body as Bolt expects it. Unlike Bolt's own parser, a slash command whose text
    contains the word "payload" stays a slash command."""
    if (content_type or "").split(";")[0].strip() == "application/json" or raw.startswith("{"):
        data = _json(raw)
    else:
        fields = dict(parse_qsl(raw, keep_blank_values=True))
        data = _json(fields["payload"]) if "payload" in fields and "command" not in fields else fields
    problem = payload_problem(data)
    if problem:
        raise Malformed(problem)
    return data


def _json(raw: str):
    try:
        return json.loads(raw)
    except (ValueError, RecursionError) as error:
        raise Malformed(f"not JSON: {error}") from None


def payload_problem(data) -> str | None:
    """What makes `data` unusable, or None. Checks the fields the listeners read, with their types."""
    if not isinstance(data, dict):
        return "the payload is not an object"
    if data.get("ssl_check") == "1" and "command" not in data:
        return None  # Slack checking the certificate; Bolt answers it
    if "command" in data:
        return _command_problem(data)
    kind = data.get("type")
    if not isinstance(kind, str) or not kind:
        return "no payload type"
    if kind == "url_verification":
        return None if isinstance(data.get("challenge"), str) else "no challenge"
    if kind == "event_callback":
        return _event_problem(data)
    if kind in NOT_HANDLED:
        return None
    if kind not in INTERACTIONS:
        return f"herobot does not handle {kind[:40]!r} payloads"  # and Bolt would stumble over some
    return _interaction_problem(data)


def _strings(data: dict, required: tuple[str, ...], optional: tuple[str, ...] = ()) -> str | None:
    for key in required:
        if not isinstance(data.get(key), str) or not data[key]:
            return f"{key} is missing"
    for key in optional:
        if key in data and data[key] is not None and not isinstance(data[key], str):
            return f"{key} is not text"
    return None


def _command_problem(data: dict) -> str | None:
    problem = _strings(data, ("command", "user_id", "trigger_id"), ("text", "channel_id", "response_url", "team_id"))
    if problem:
        return problem
    if not data["command"].startswith("/"):
        return "command does not start with /"
    return None if "text" in data else "text is missing"


def _event_problem(data: dict) -> str | None:
    if not isinstance(data.get("event_id"), str) or not data["event_id"]:
        return "event_id is missing"
    event = data.get("event")
    if not isinstance(event, dict):
        return "event is not an object"
    kind = event.get("type")
    if not isinstance(kind, str) or not kind:
        return "event type is missing"
    # fields Bolt itself reads from any event (to find the user, channel, thread): text, or for
    # user and channel also an object with a text id (channel_rename sends one)
    if problem := _strings(event, (), ("ts", "thread_ts", "event_ts", "subtype", "bot_id", "text")):
        return problem
    for key in ("user", "channel"):
        value = event.get(key)
        if value is not None and not isinstance(value, str) and not (
                isinstance(value, dict) and isinstance(value.get("id", ""), str)):
            return f"{key} is neither text nor an object with an id"
    if kind in ("reaction_added", "reaction_removed"):
        item = event.get("item")
        if not isinstance(item, dict):
            return "item is not an object"
        return _strings(event, ("user", "reaction")) or _strings(item, ("type",), ("channel", "ts"))
    if kind == "message":
        return _strings(event, ("channel", "ts"), ("user",))
    return None


def _interaction_problem(data: dict) -> str | None:
    user = data.get("user")
    if "user" in data and not (isinstance(user, dict) and isinstance(user.get("id"), str) and user["id"]):
        return "user is not an object with an id"
    for key in ("channel", "container", "view", "team"):
        if data.get(key) is not None and not isinstance(data[key], dict):
            return f"{key} is not an object"
    if data["type"] in ("block_actions", "view_submission") and not isinstance(user, dict):
        return "user is missing"
    if data["type"] == "block_actions":
        actions = data.get("actions")
        if not (isinstance(actions, list) and actions and all(isinstance(a, dict) for a in actions)):
            return "actions are missing"
        if not any(isinstance(data.get(k), dict) for k in ("channel", "container")):
            return "no channel"
        for action in actions:
            problem = _strings(action, ("action_id",), ("value", "block_id"))
            if problem:
                return problem
    if data["type"] in ("view_submission", "view_closed"):
        view = data.get("view")
        if not isinstance(view, dict):
            return "view is missing"
        if problem := _strings(view, ("callback_id", "type"), ("private_metadata", "id", "hash")):
            return problem
        state = view.get("state", {})
        if not isinstance(state, dict) or not isinstance(state.get("values", {}), dict):
            return "view state is not an object"
    return None
