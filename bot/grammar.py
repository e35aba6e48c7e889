"""What people type after `/idea` (or `idea` on Teams) and `/problem`, read once for every platform.

Pure functions over text: `anon` first posts anonymously; `challenge C1` (after or before `anon`) makes the
idea an answer to a challenge. The use cases that act on the result live in bot.commands.
"""

from __future__ import annotations

from bot.errors import Refused
from bot.model import Draft, ProblemDraft

ANONYMOUS_WORDS = ("anon", "anonymous")
USAGE = "Use `/idea challenge <C-number> <your idea>`, e.g. `/idea challenge C1 Text customers the locker code`."


def without_anonymous(text: str) -> tuple[bool, str]:
    """(whether the text starts with `anon`/`anonymous`, the text after it), stripped."""
    text = (text or "").strip()
    first, *rest = text.split(maxsplit=1) or [""]
    if first.lower() in ANONYMOUS_WORDS:
        return True, rest[0].strip() if rest else ""
    return False, text


def parse_challenge_ref(word: str) -> int:
    """`C1` (or `c1`) → 1."""
    text = (word or "").strip()
    if len(text) < 2 or text[0] not in "cC" or not text[1:].isdigit() or len(text) > 13:
        raise Refused(f"“{text[:40]}” is not a challenge. Challenges are numbered like `C1`; "
                      "`/hero challenges` lists the open ones.")
    return int(text[1:])


def is_challenge_idea(text: str) -> bool:
    """Whether `/idea <text>` is `/idea [anon] challenge C<n> …`: the word alone may begin an ordinary idea."""
    words = (text or "").split(maxsplit=3)
    if words and words[0].lower() in ANONYMOUS_WORDS:
        words = words[1:]
    return (len(words) >= 2 and words[0].lower() == "challenge" and len(words[1]) >= 2 and words[1][0] in "cC"
            and words[1][1:].isdigit())


def draft_for_challenge(text: str) -> Draft:
    """`challenge C1 <text>`, `challenge C1 anon <text>` or `anon challenge C1 <text>` (what follows `/idea`)."""
    anonymous, rest = without_anonymous(text)
    words = rest.split(maxsplit=2)
    if len(words) < 2 or words[0].lower() != "challenge":
        raise Refused(USAGE)
    challenge_id = parse_challenge_ref(words[1])
    rest = words[2] if len(words) > 2 else ""
    if not anonymous:
        anonymous, rest = without_anonymous(rest)
    if not rest.strip():
        raise Refused(USAGE)
    return Draft(text=rest.strip(), anonymous=anonymous, challenge_id=challenge_id)


def idea_draft(text: str) -> Draft:
    """Everything `/idea` may say: `<text>`, `anon <text>`, `[anon] challenge C1 [anon] <text>`; an empty
    `text` (with or without `anon`) asks for the form."""
    if is_challenge_idea(text):
        return draft_for_challenge(text)
    anonymous, rest = without_anonymous(text)
    return Draft(text=rest, anonymous=anonymous)


def asks_anonymity(text: str) -> bool:
    """Whether `/idea <text>` asks to post anonymously (a malformed challenge idea included)."""
    try:
        return idea_draft(text).anonymous
    except Refused:  # `challenge C1 anon` with nothing after it
        return without_anonymous(text)[0]


def problem_draft(text: str) -> ProblemDraft:
    """`/problem <text>`; an empty text asks for the form."""
    return ProblemDraft(text=(text or "").strip())
