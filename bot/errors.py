"""Errors the core raises for the adapters to turn into user-facing answers."""


class SaveFailed(Exception):
    """A write could not be committed; nothing was changed. Tell the user to retry."""


class Refused(Exception):
    """The request is understood but not allowed or not valid; the message says why."""


SAVE_FAILED = "Sorry, that could not be saved. Please try again in a moment."
