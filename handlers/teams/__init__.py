"""The Microsoft Teams adapter.

This package's own modules import the Agents SDK (the `teams` extra); this file must not,
so that `herobot` can say clearly that the extra is missing instead of failing on an import.
"""

from __future__ import annotations

import importlib

# what the adapter imports from the `teams` extra (PyJWT comes with MSAL)
EXTRA_MODULES = ("microsoft_agents.activity", "microsoft_agents.hosting.core",
                 "microsoft_agents.authentication.msal", "jwt")
INSTALL_HINT = "pip install 'herobot[teams]' (in a checkout: pip install -e '.[teams]')"


def missing_extra(modules: tuple[str, ...] = EXTRA_MODULES) -> str | None:
    """Why Teams cannot run in this environment (a sentence for the log), or None when it can."""
    for name in modules:
        try:
            importlib.import_module(name)
        except ImportError as error:
            return (f"Teams is configured but the Teams extra is not installed ({error}). "
                    f"Install it with {INSTALL_HINT}, or unset MICROSOFT_APP_ID, MICROSOFT_APP_PASSWORD, "
                    f"MICROSOFT_APP_TENANT_ID and HEROBOT_TEAMS_ANONYMOUS to run without Teams.")
    return None
