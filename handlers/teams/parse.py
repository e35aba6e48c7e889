"""Teams activities → the core's inputs. Pure functions over the SDK's `Activity` model."""

from __future__ import annotations

import html
import re

from microsoft_agents.activity import Activity

from bot.errors import Refused
from bot.grammar import asks_anonymity
from bot.interactions import Request
from bot.model import Actor, Draft, Origin

PLATFORM = "teams"
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


def request_of(activity: Activity) -> Request:
    """The core's request: private only in the person's own chat with the bot."""
    return Request(origin_of(activity), private=kind_of(activity) == PERSONAL)


def tenant_of(activity: Activity) -> str | None:
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    tenant = (data.get("tenant") or {}).get("id") if isinstance(data.get("tenant"), dict) else None
    return tenant or (activity.conversation.tenant_id if activity.conversation else None)


def is_thread_reply(activity: Activity) -> bool:
    """A reply under a channel post (not the post itself)."""
    _, root = split_thread(activity.conversation.id if activity.conversation else "")
    return root is not None and root != activity.id


def plain_text(raw: str | None) -> str:
    """Message text without markup, as the person wrote it; mentions become the name they show."""
    text = _MENTION.sub(lambda m: _TAG.sub("", m.group(1)), raw or "")
    text = html.unescape(_TAG.sub(_tag_space, text)).replace("\xa0", " ")
    return "\n".join(" ".join(line.split()) for line in text.strip().splitlines()).strip()


_BREAK = re.compile(r"<br\s*/?>|</p>|</div>", re.IGNORECASE)


def _tag_space(match: re.Match) -> str:
    return "\n" if _BREAK.fullmatch(match.group(0)) else " "


def bot_names(activity: Activity) -> set[str]:
    """The names under which the bot itself is mentioned: mention entities whose `mentioned.id` is the bot."""
    bot_id = activity.recipient.id if activity.recipient else None
    names: set[str] = set()
    for entity in activity.entities or []:
        mentioned = getattr(entity, "mentioned", None)
        kind = getattr(entity, "type", None)
        if getattr(kind, "value", kind) != "mention":
            continue
        if bot_id and mentioned is not None and getattr(mentioned, "id", None) == bot_id:
            text = getattr(entity, "text", None)
            found = _MENTION.search(text) if isinstance(text, str) else None
            name = found.group(1) if found else getattr(mentioned, "name", None)
            if isinstance(name, str) and name.strip():
                names.add(_TAG.sub("", name).strip().lower())
    return names


def _is_bot(match: re.Match, names: set[str]) -> bool:
    return _TAG.sub("", match.group(1)).strip().lower() in names


def text_of(activity: Activity) -> str:
    """The message as the person wrote it: the bot's own mentions removed, other people's kept as their names."""
    names = bot_names(activity)
    return plain_text(_MENTION.sub(lambda m: " " if _is_bot(m, names) else m.group(0), activity.text or ""))


def command_of(activity: Activity) -> tuple[str, str, bool]:
    """(first word lower-cased, the rest, whether the bot is mentioned). Addressed mid-sentence ("hey @herobot
    idea …"), the command is what follows the mention; with nothing after it, what comes before."""
    raw = activity.text or ""
    names = bot_names(activity)
    mention = next((m for m in _MENTION.finditer(raw) if _is_bot(m, names)), None) if names else None
    if mention is not None:
        after = raw[mention.end():]
        raw = after if plain_text(after) else raw[:mention.start()]
        activity = activity.model_copy(update={"text": raw})
    word, _, rest = text_of(activity).partition(" ")
    return word.lower(), rest.strip(), mention is not None


def soft_deleted(activity: Activity) -> bool:
    """Teams reports a deleted message as `messageDelete`, or as `messageUpdate` with eventType softDeleteMessage."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    return data.get("eventType") == "softDeleteMessage"


def restored(activity: Activity) -> bool:
    """A deleted message brought back (messageUpdate with eventType undeleteMessage)."""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    return data.get("eventType") == "undeleteMessage"


PERSONAL, CHANNEL, GROUP = "personal", "channel", "groupChat"


def kind_of(activity: Activity) -> str:
    """personal, channel or groupChat. Without `conversationType` (or when it contradicts the conversation) the
    kind comes from the conversation itself; personal only when everything says so."""
    conversation = activity.conversation
    conversation_id = (conversation.id or "") if conversation else ""
    data = activity.channel_data if isinstance(activity.channel_data, dict) else {}
    if data.get("team") or data.get("channel") or THREAD_MARK in conversation_id or "@thread.tacv2" in conversation_id:
        derived = CHANNEL
    elif (conversation and conversation.is_group) or conversation_id.startswith("19:"):
        derived = GROUP
    elif conversation_id.startswith("a:"):
        derived = PERSONAL
    else:
        derived = GROUP  # unknown: never assume a private conversation
    stated = conversation.conversation_type if conversation else None
    if stated in (CHANNEL, GROUP) or (stated == PERSONAL and derived == PERSONAL):
        return stated
    return derived


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


STALE_BUTTON = "That button is out of date."
STALE_POST_AGAIN = "That button is out of date; post again."


def field_text(data: dict, key: str) -> str:
    """One value of an action's data, as text (Action.Execute sends strings; ids may come as numbers)."""
    value = data.get(key)
    return value.strip() if isinstance(value, str) else str(value) if isinstance(value, int) else ""


def field_number(data: dict, key: str, stale: str = STALE_BUTTON) -> int:
    """One id of an action's data; anything else is a stale button, refused with `stale`."""
    raw = field_text(data, key)
    if not raw.isdigit() or len(raw) > 12:
        raise Refused(stale)
    return int(raw)


def posts_anonymously(activity: Activity) -> bool:
    """`idea anon …`, the idea form with its anonymous box ticked, or Post mine anyway on such a draft
    (whose sender the bot then must not write down: a person who only posts anonymously stays unknown)."""
    if activity.type == "message":
        word, rest, _ = command_of(activity)
        return word == "idea" and asks_anonymity(rest)
    if activity.type == "invoke":
        verb, data = action_of(activity)
        return str(data.get("anonymous", "")).lower() == "true" or verb == "post_anyway"
    return False
