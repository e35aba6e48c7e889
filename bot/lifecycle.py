"""Open and close the core: the database, the config and the background work.

bot.bootstrap adds the collaborators (`running_core`); build cores there, not here."""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator

from bot.config import Config, Settings
from bot.core import Core
from storage.backup import in_use
from storage.checkpoint import checkpoints_in_background
from storage.db import open_database
from storage.keys import load_secret
from storage.reads import ReadPool

log = logging.getLogger(__name__)


@contextlib.asynccontextmanager
async def opened_core(settings: Settings, config: Config | None = None) -> AsyncIterator[Core]:
    """A core over the settings' database; on exit, background work is drained before the db closes."""
    config = config or Config.of(settings)
    with in_use(settings.db_path):  # `herobot restore` refuses while this is held
        async with _open_core(settings, config) as core:
            yield core


@contextlib.asynccontextmanager
async def _open_core(settings: Settings, config: Config) -> AsyncIterator[Core]:
    secret = load_secret(settings.secret_key, settings.key_file(config), settings.db_path)
    db = open_database(settings.db_path, secret=secret)
    reads = None if str(settings.db_path) == ":memory:" else ReadPool(settings.db_path, secret=secret)
    core = Core(db=db, config=config, reads=reads)
    log.info("database %s is open", settings.db_path)
    try:
        async with checkpoints_in_background(db, settings.db_path):
            yield core
    finally:
        await core.background.drain()
        if reads is not None:
            reads.close()
        db.close()
