"""Who may do what: managers of an idea (by `[routing]` of its mission goal, else `[roles] managers`)."""

from __future__ import annotations

from bot.config import Config
from bot.model import Idea


def managers_for(config: Config, idea: Idea) -> tuple[str, ...]:
    if idea.mission_goal and idea.mission_goal in config.routing:
        return config.routing[idea.mission_goal]
    return config.managers


def is_manager_of(config: Config, idea: Idea, user_id: str) -> bool:
    return user_id in managers_for(config, idea)


def is_manager(config: Config, user_id: str) -> bool:
    """A manager of anything: `[roles] managers`, or a manager of any mission goal in `[routing]`."""
    return user_id in config.managers or any(user_id in people for people in config.routing.values())
