"""Steps shared by the Teams decision tests: an idea voted into review, review cards, clicks and filled-in forms."""

from __future__ import annotations

import itertools

from tests.teams_requests import IDEAS_CHANNEL, aad

MANAGERS = ("U0MGR1", "U0MGR2")
_voters = itertools.count(100)
REVIEW_WORDS = "waiting for your decision"  # a review card's heading while a decision is wanted
# ... and once one was made (bot.replies.REVIEW_HEADINGS)
DECIDED_WORDS = ("Waiting for the author", "mark it implemented", "record the result", "no decision needed")


def is_review_text(text: str) -> bool:
    return REVIEW_WORDS in text or any(words in text for words in DECIDED_WORDS)


def personal(user: str) -> str:
    """The fake Bot Connector's id for the bot's personal chat with a test person (seen or not)."""
    return f"a:personal-29:{user}"


def is_personal_chat_of(conversation: str | None, user: str) -> bool:
    return conversation in (personal(user), f"a:personal-{aad(user)}")


def titles(card: dict) -> list[str]:
    return [a["title"] for a in card.get("actions", []) if a["type"] == "Action.Execute"]


def inputs(card: dict) -> dict[str, dict]:
    return {b["id"]: b for b in card["body"] if b["type"].startswith("Input.")}


async def posted(teams, fake, text="Self-service refunds under 20 EUR", user="U1") -> str:
    before = len(fake.calls_to("send", IDEAS_CHANNEL))
    await teams.message(f"idea {text}", user=user)
    card = (await fake.wait_for("send", count=before + 1, where=lambda c: c.conversation == IDEAS_CHANNEL))[-1]
    number = before + 1  # ideas in these tests are all posted on Teams
    await fake.wait_for("send", where=lambda c: f"Idea #{number} is posted" in c.text())
    return card.activity_id


async def review_card_of(fake, manager: str, idea: int = 1, count: int = 1):
    """The `count`-th review card sent to a manager's personal chat: (conversation, activity id, card)."""
    calls = await fake.wait_for("send", count=count, where=lambda c: is_personal_chat_of(c.conversation, manager)
                                and REVIEW_WORDS in c.text() and f"#{idea} " in c.text())
    call = calls[count - 1]
    return call.conversation, call.activity_id, call.card()


async def in_review(teams, fake, text="Self-service refunds under 20 EUR", managers=MANAGERS) -> str:
    """An idea by U1 liked into review; returns its card's activity id once its managers have their cards."""
    message_id = await posted(teams, fake, text)
    for _ in range(3):
        await teams.reaction(True, message_id, user=f"U{next(_voters)}")
    for manager in managers:
        await review_card_of(fake, manager)
    return message_id


async def open_form(teams, fake, choice: str, manager: str = "U0MGR1", idea: int = 1) -> dict:
    """Click a decision button on the manager's review card; returns the form card that replaces it."""
    conversation, activity_id, _ = await review_card_of(fake, manager, idea)
    response, answer = await teams.click("decide", {"idea": idea, "choice": choice}, user=manager,
                                         conversation=conversation, message_id=activity_id)
    assert response.status == 200, response.status
    return answer


async def submit(teams, fake, form: dict, values: dict, manager: str = "U0MGR1") -> dict:
    """Submit a form card as Teams does: the Action.Execute's data with every input's value (strings) merged in."""
    action = next(a for a in form["actions"] if a["verb"] == "decision_form")
    conversation, activity_id, _ = await review_card_of(fake, manager, action["data"]["idea"])
    data = {**action["data"], **{k: str(v) for k, v in values.items()}}
    response, answer = await teams.click("decision_form", data, user=manager, conversation=conversation,
                                         message_id=activity_id)
    assert response.status == 200, response.status
    return answer


async def decide(teams, fake, choice: str, values: dict, manager: str = "U0MGR1", idea: int = 1) -> dict:
    form = await open_form(teams, fake, choice, manager, idea)
    assert form["type"] == "application/vnd.microsoft.card.adaptive", form
    return await submit(teams, fake, form["value"], values, manager)
