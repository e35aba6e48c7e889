"""The composition root: wires the core, its collaborators and the registered platforms
(bot.platform_packages names the platform packages).

`herobot serve` (through handlers.web), `shell`, `digest` and the tests build their core here, so
each gets the same collaborators: the card refresher, the clock, the platforms' chats.
Adapter packages are imported lazily, inside functions: the core never imports them at load time.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime
from typing import TextIO

from bot import platforms
from bot.cards import update_card
from bot.chat import Chat
from bot.config import Config, Settings
from bot.core import Core
from bot.lifecycle import opened_core
from bot.platforms import Overrides, Wiring
from storage.channel_teams import SqliteChannelTeams
from storage.conversations import SqliteConversations


def new_core(db, config: Config, **collaborators) -> Core:
    """A core over an open database (tests, suites, benchmarks), wired like the running one."""
    return Core(db=db, config=config, refresh_card=update_card, **collaborators)


@contextlib.asynccontextmanager
async def running_core(settings: Settings, config: Config | None = None,
                       clock: Callable[[], datetime] | None = None) -> AsyncIterator[Core]:
    """The core over the settings' database, with its collaborators; `clock` replaces the system's (tests)."""
    async with opened_core(settings, config) as core:
        core.refresh_card = update_card
        if clock is not None:
            core.clock = clock
        yield core


def wiring(core: Core, settings: Settings, overrides: Overrides | None = None, session=None) -> Wiring:
    """What a platform gets to plug into `core`: its ports over the core's database, and the test doubles."""
    return Wiring(core, settings, SqliteConversations(core.db), overrides or {}, session,
                  SqliteChannelTeams(core.db, core.now))


@contextlib.asynccontextmanager
async def standalone_chats(core: Core, settings: Settings, names: Iterable[str],
                           overrides: Overrides | None = None) -> AsyncIterator[dict[str, Chat]]:
    """Chats for one-off sends from the command line (no web server), connected to the core."""
    async with contextlib.AsyncExitStack() as stack:
        chats = {}
        for name in names:
            make = platforms.platform(name).standalone_chat
            chat = await stack.enter_async_context(make(wiring(core, settings, overrides)))
            core.connect(chat)
            chats[name] = chat
        yield chats


async def run_shell(settings: Settings, user: str, read_line: Callable[[str], str], out: TextIO) -> None:
    """`herobot shell`: the terminal adapter over the running core."""
    from handlers.shell import run_shell as shell

    async with running_core(settings) as core:
        await shell(core, user, read_line, out)


def as_text(reply) -> str:
    """A reply as the shell prints it (`digest --preview`)."""
    from handlers.shell_render import as_text as text

    return text(reply)


def serve(settings: Settings, host: str, port: int) -> None:
    """`herobot serve`: the web app (handlers.web) with every enabled platform's routes."""
    from handlers.web import serve as serve_web

    serve_web(settings, host, port)


def reachable(core: Core, name: str) -> bool:
    """Whether the platform has heard of somewhere to send to yet (Teams: a conversation reference)."""
    return platforms.platform(name).reachable(SqliteConversations(core.db))
