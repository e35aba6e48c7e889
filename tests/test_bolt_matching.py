"""Listener matching on the request body alone (handlers.slack.matching) picks the same listeners."""

import json

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.listener_matcher.async_builtins import AsyncBuiltinListenerMatcher
from slack_bolt.request.async_request import AsyncBoltRequest

from bot.bootstrap import running_core
from handlers.slack.app import build_slack
from handlers.slack.matching import BodyMatcher, match_on_body


def bolt_with_listeners(calls: list[str]) -> AsyncApp:
    async def authorize(**_):
        return AuthorizeResult(enterprise_id=None, team_id="T1", bot_token="xoxb-test", bot_user_id="UBOT")

    bolt = AsyncApp(authorize=authorize, signing_secret="s", process_before_response=True,
                    request_verification_enabled=False)

    async def is_done(body):
        return body.get("text", "").startswith("done")

    @bolt.command("/hero", matchers=[is_done])
    async def done(ack):
        calls.append("done")
        await ack()

    @bolt.command("/hero")
    async def hero(ack):
        calls.append("hero")
        await ack()

    @bolt.event("reaction_added")
    async def reaction(ack):
        calls.append("reaction")
        await ack()

    return bolt


async def test_every_builtin_matcher_is_swapped_and_custom_ones_are_kept():
    bolt = bolt_with_listeners([])
    assert match_on_body(bolt) == 3
    matchers = [m for listener in bolt._async_listeners for m in listener.matchers]
    assert not any(type(m) is AsyncBuiltinListenerMatcher for m in matchers)
    assert sum(isinstance(m, BodyMatcher) for m in matchers) == 3
    assert len(matchers) == 4  # the custom `done` matcher is still there


async def test_requests_reach_the_same_listeners_as_before():
    seen = {}
    for swap in (False, True):
        calls: list[str] = []
        bolt = bolt_with_listeners(calls)
        if swap:
            match_on_body(bolt)
        for body in ("command=%2Fhero&text=done+12&team_id=T1&user_id=U1&channel_id=C1",
                     "command=%2Fhero&text=top&team_id=T1&user_id=U1&channel_id=C1",
                     "command=%2Fidea&text=x&team_id=T1&user_id=U1&channel_id=C1",
                     '{"type": "event_callback", "team_id": "T1", "event": {"type": "reaction_added", '
                     '"user": "U1", "reaction": "+1", "item": {"type": "message", "channel": "C1", "ts": "1.2"}}}'):
            kind = "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
            response = await bolt.async_dispatch(AsyncBoltRequest(body=body, headers={"content-type": kind}))
            calls.append(str(response.status))
        seen[swap] = calls
    assert seen[True] == seen[False] == ["done", "200", "hero", "200", "404", "reaction", "200"]


async def test_reactions_and_idea_commands_meet_their_listener_among_the_first_tried(settings):
    """Bolt tries every listener in turn until one matches: the most frequent requests are not made to walk
    past the others (bench/RESULTS.md, 5c), and a general `/hero` still comes after every specialised one."""
    async with running_core(settings) as core, aiohttp.ClientSession() as session:
        listeners = build_slack(core, settings, session)._async_listeners

        async def tried_until_matched(body: str) -> list[int]:
            kind = "application/json" if body.startswith("{") else "application/x-www-form-urlencoded"
            request = AsyncBoltRequest(body=body, headers={"content-type": kind})
            return [i for i, listener in enumerate(listeners) if await listener.async_matches(req=request, resp=None)]

        for reaction in ("reaction_added", "reaction_removed"):
            event = {"type": reaction, "user": "U1", "reaction": "+1", "item": {"type": "message", "channel": "C1",
                                                                                 "ts": "1.2"}}
            assert (await tried_until_matched(json.dumps({"type": "event_callback", "team_id": "T1",
                                                          "event": event})))[0] < 3
        assert (await tried_until_matched("command=%2Fidea&text=x&team_id=T1&user_id=U1&channel_id=C1"))[0] < 3
        heroes = await tried_until_matched("command=%2Fhero&text=done+12&team_id=T1&user_id=U1&channel_id=C1")
        assert len(heroes) == 2 and heroes[-1] == len(listeners) - 1  # `/hero done` first, the general one last
