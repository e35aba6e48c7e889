"""Cheaper listener matching for Bolt.

Bolt tries listeners in order and, for each of their built-in matchers (command name, event
type, action_id, …), builds the full set of listener arguments (command, event, action, view,
say, respond, …) only to pass the one it wants: `body`. With herobot's few dozen listeners that
was a large share of each request (bench/RESULTS.md). The built-in matchers take exactly `body`,
so they are given it directly; the answer is the same. Matchers of any other shape are left alone.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp
from slack_bolt.listener_matcher.async_builtins import AsyncBuiltinListenerMatcher
from slack_bolt.listener_matcher.async_listener_matcher import AsyncListenerMatcher


class BodyMatcher(AsyncListenerMatcher):
    """A built-in matcher called with the request body alone."""

    def __init__(self, builtin: AsyncBuiltinListenerMatcher):
        self.func = builtin.func

    async def async_matches(self, req, resp) -> bool:
        return await self.func(body=req.body)


def match_on_body(bolt: AsyncApp) -> int:
    """Swap every built-in matcher that takes only `body` for a BodyMatcher; returns how many were swapped."""
    swapped = 0
    for listener in getattr(bolt, "_async_listeners", ()):
        matchers = list(listener.matchers)
        for i, matcher in enumerate(matchers):
            if type(matcher) is AsyncBuiltinListenerMatcher and list(matcher.arg_names) == ["body"]:
                matchers[i] = BodyMatcher(matcher)
                swapped += 1
        listener.matchers = matchers
    return swapped
