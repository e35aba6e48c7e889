"""Steps shared by the decision tests: an idea through votes to review, clicks, and filled-in modals."""

from __future__ import annotations

import itertools
import json

from tests.test_voting import posted_idea

MANAGERS = ("U0MGR1", "U0MGR2")
_voters = itertools.count(100)


def element_types(view: dict) -> dict:
    return {b["block_id"]: b["element"]["type"] for b in view["blocks"] if b["type"] == "input"}


async def submit(slack, view: dict, values: dict, user: str = "U0MGR1"):
    """Submit a decision modal as Slack does, with each value shaped by its element's type."""
    state = {}
    for block_id, kind in element_types(view).items():
        value = values.get(block_id)
        if kind == "checkboxes":
            element = {"selected_options": [{"value": v} for v in (value or [])]}
        elif kind in ("static_select", "radio_buttons"):
            element = {"selected_option": {"value": value} if value else None}
        elif kind == "users_select":
            element = {"selected_user": value}
        elif kind == "datepicker":
            element = {"selected_date": value}
        else:
            element = {"value": value}
        state[block_id] = {"value": {"type": kind, **element}}
    return await slack.interaction({
        "type": "view_submission", "team": {"id": "T1", "domain": "example"},
        "user": {"id": user, "username": user.lower(), "team_id": "T1"}, "api_app_id": "A1", "token": "legacy",
        "trigger_id": f"1337.42.efgh{next(_voters)}",  # Slack's are unique: the same signed body twice is a replay
        "view": {**view, "id": "V1", "team_id": "T1", "state": {"values": state}, "hash": "h"},
    })


async def voted_in(slack, fake, votes: int = 3, text: str = "Self-service refunds under 20 EUR"):
    channel, ts = await posted_idea(slack, fake, text)
    for _ in range(votes):
        await slack.reaction(True, f"U{next(_voters)}", channel, ts)
    return channel, ts


async def in_review(slack, fake, text="Self-service refunds under 20 EUR"):
    """An idea by U1 voted into review; returns (channel, ts) once its managers have their messages."""
    channel, ts = await voted_in(slack, fake, 3, text)
    await fake.wait_for("chat.postMessage", where=lambda c: c.args.get("channel") in MANAGERS, count=len(MANAGERS))
    return channel, ts


async def open_form(slack, fake, action_id: str, idea: int = 1, user: str = "U0MGR1", channel: str = "DMGR") -> dict:
    before = len(fake.calls_to("views.open"))
    response = await slack.click(action_id, str(idea), user=user, channel=channel)
    assert response.status == 200
    call = (await fake.wait_for("views.open", count=before + 1))[-1]
    assert call.args["trigger_id"] == "1337.42.abcd"
    view = call.args["view"]
    assert json.loads(view["private_metadata"])["idea"] == idea
    return view


async def last_note(fake, count: int) -> str:
    """The text of the `count`-th ephemeral note (a command's answer or through a response_url)."""
    return (await fake.wait_for("note", count=count))[count - 1].args["text"]


def posts_to(fake, channel: str) -> list[str]:
    return [c.text() for c in fake.calls_to("chat.postMessage") if c.args.get("channel") == channel]


def thread_lines(fake, ts: str) -> list[str]:
    return [c.text() for c in fake.calls_to("chat.postMessage") if c.args.get("thread_ts") == ts]


async def note_saying(fake, words: str) -> str:
    """Wait for an ephemeral note (a command's answer or through a response_url) containing `words`."""
    calls = await fake.wait_for("note", where=lambda c: words in (c.args.get("text") or ""))
    return calls[-1].args["text"]
