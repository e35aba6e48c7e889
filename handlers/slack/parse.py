"""Slack payloads → the core's inputs. Pure functions over the dicts Slack sends."""

from __future__ import annotations

import json

from bot.chat import Origin
from bot.model import Actor, Draft, ProblemDraft

PLATFORM = "slack"
ANONYMOUS_WORDS = ("anon", "anonymous")


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


def draft_from_command(text: str) -> Draft:
    """`/idea <text>` or `/idea anon <text>`."""
    text = (text or "").strip()
    first, _, rest = text.partition(" ")
    if first.lower() in ANONYMOUS_WORDS:
        return Draft(text=rest.strip(), anonymous=True)
    return Draft(text=text)


def view_metadata(body: dict) -> dict:
    try:
        data = json.loads(body.get("view", {}).get("private_metadata") or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def draft_from_view(view: dict) -> Draft:
    values = view.get("state", {}).get("values", {})

    def text(block_id: str) -> str:
        return ((values.get(block_id) or {}).get("value") or {}).get("value") or ""

    goal = ((values.get("mission_goal") or {}).get("value") or {}).get("selected_option") or {}
    anonymous = ((values.get("anonymous") or {}).get("value") or {}).get("selected_options") or []
    problem = selected(values, "problem_id")
    return Draft(
        problem=text("problem"), root_cause=text("root_cause"), solution=text("solution"), impact=text("impact"),
        mission_goal=goal.get("value"), anonymous=any(o.get("value") == "anonymous" for o in anonymous),
        problem_id=int(problem) if problem and problem.isdigit() else None,
    )


def selected(values: dict, block_id: str) -> str | None:
    """The value of a static select in a submitted view, if one was picked."""
    return (((values.get(block_id) or {}).get("value") or {}).get("selected_option") or {}).get("value")


def typed(values: dict, block_id: str) -> str:
    return ((values.get(block_id) or {}).get("value") or {}).get("value") or ""


def problem_draft_from_view(view: dict) -> ProblemDraft:
    values = view.get("state", {}).get("values", {})
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
