"""Teams activities → the core's inputs. Pure functions over the SDK's `Activity` model."""

from __future__ import annotations

import html
import re

from microsoft_agents.activity import Activity

from bot.chat import Origin
from bot.model import Actor, Draft

PLATFORM = "teams"
ANONYMOUS_WORDS = ("anon", "anonymous")
THREAD_MARK = ";messageid="
_MENTION = re.compile(r"<at[^>]*>(.*?)</at>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]+>")


def user_of(activity: Activity) -> str | None:
    """People on Teams are known by their AAD object id."""
    sender = activity.from_property
    return sender.aad_object_id if sender and sender.aad_object_id else None


def actor(activity: Activity) -> Actor:
    return Actor(PLATFORM, user_of(activity) or "")


def split_thread(conversation_id: str) -> tuple[str, str | None]:
    """`19:x@thread.tacv2;messageid=17` → ("19:x@thread.tacv2", "17"): a channel and the root of a thread."""
    channel, mark, root = conversation_id.partition(THREAD_MARK)
    return channel, (root or None) if mark else None


def origin_of(activity: Activity) -> Origin:
    """`channel_id` is the conversation without the thread; `handle` the full conversation id, to answer there."""
    conversation = activity.conversation.id if activity.conversation else ""
    return Origin(PLATFORM, user_of(activity) or "", split_thread(conversation)[0] or None, conversation or None)


def tenant_of(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = (data.get("tenant") or {}).get("id") if isinstance(data.get("tenant"), dict) else None
    return tenant or (activity.conversation.tenant_id if activity.conversation else None)


def is_thread_reply(activity: Activity) -> bool:
    """A reply under a channel post (not the post itself)."""
    _, root = split_thread(activity.conversation.id if activity.conversation else "")
    return root is not None and root != activity.id


def plain_text(raw: str | None) -> str:
    """Message text without markup; mentions become the name they show."""
    text = _MENTION.sub(lambda m: m.group(1), raw or "")
    return html.unescape(_TAG.sub(" ", text)).replace("\xa0", " ").strip()


def command_of(raw: str | None) -> tuple[str, str, bool]:
    """(first word lower-cased, the rest, whether the text started with a mention of the bot)."""
    text = (raw or "").strip()
    mentioned = bool(re.match(r"\s*(<p>\s*)?<at[^>]*>", text, re.IGNORECASE))
    if mentioned:
        text = _MENTION.sub("", text, count=1)
    word, _, rest = plain_text(text).partition(" ")
    return word.lower(), rest.strip(), mentioned


def draft_from_text(text: str) -> Draft:
    """`idea <text>` or `idea anon <text>`."""
    first, _, rest = text.strip().partition(" ")
    if first.lower() in ANONYMOUS_WORDS:
        return Draft(text=rest.strip(), anonymous=True)
    return Draft(text=text.strip())


def draft_from_form(data: dict) -> Draft:
    """The form card's inputs, as Action.Execute sends them (every value a string)."""
    def text(key: str) -> str:
        value = data.get(key)
        return value if isinstance(value, str) else ""

    problem_id = text("problem_id")
    challenge_id = text("challenge_id")
    return Draft(problem=text("problem"), root_cause=text("root_cause"), solution=text("solution"),
                 impact=text("impact"), mission_goal=text("mission_goal") or None,
                 anonymous=text("anonymous").lower() == "true",
                 problem_id=int(problem_id) if problem_id.isdigit() and len(problem_id) <= 12 else None,
                 challenge_id=int(challenge_id) if challenge_id.isdigit() and len(challenge_id) <= 12 else None)


def action_of(activity: Activity) -> tuple[str, dict]:
    """The verb and data of an `adaptiveCard/action` invoke."""
    value = activity.value if isinstance(activity.value, dict) else {}
    action = value.get("action") if isinstance(value.get("action"), dict) else {}
    data = action.get("data") if isinstance(action.get("data"), dict) else {}
    return str(action.get("verb") or ""), data
