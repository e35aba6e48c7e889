"""`/hero box [add|edit <ref>|retire <ref>]`, `/hero can <words>`, `/hero used <ref> [amount] [text]`,
`/hero champions [month|quarter]`: the empowerment box's words."""

from __future__ import annotations

from bot import box, box_actions
from bot.box_followups import champions
from bot.core import Core
from bot.errors import Refused
from bot.model import Actor, Origin
from bot.replies import Reply

HELP_LINES = """
• `/hero box` what you may do on your own · `/hero can <words>` e.g. `/hero can I waive a late fee`
• `/hero used <ref> [amount] [what happened]` log a use, e.g. `/hero used B1 12.50 waived the fee`
• `/hero champions [month|quarter]` the empowerment champions
• managers: `/hero box add` · `/hero box edit <ref>` · `/hero box retire <ref>`"""


def _actor(origin: Origin) -> Actor:
    return Actor(origin.platform, origin.user_id)


async def _box(core: Core, origin: Origin, args: list[str]) -> Reply:
    verb = args[0].lower() if args else ""
    if not verb:
        return box.box_list(core)
    if verb == "add" and len(args) == 1:
        return box_actions.open_add(core, _actor(origin))
    if verb == "edit" and len(args) == 2:
        return box_actions.open_edit(core, _actor(origin), args[1])
    if verb == "retire" and len(args) == 2:
        return await box_actions.retire(core, _actor(origin), args[1])
    raise Refused("Use `/hero box`, `/hero box add`, `/hero box edit <ref>` or `/hero box retire <ref>`, "
                  "e.g. `/hero box edit B1`.")


async def _can(core: Core, origin: Origin, args: list[str]) -> Reply:
    return box.can(core, " ".join(args))


async def _used(core: Core, origin: Origin, args: list[str]) -> Reply:
    return await box.used_command(core, origin, args)


async def _champions(core: Core, origin: Origin, args: list[str]) -> Reply:
    return champions(core, args[0].lower() if args else "month")


SUBCOMMANDS = {"box": _box, "can": _can, "used": _used, "champions": _champions}
