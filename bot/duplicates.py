"""Stopping duplicates at the door, and merging the ones that got through.

Before an idea or problem is posted, similar open ones are looked up; when some come close
the draft is held (storage.pending) and the poster chooses: Vote / Me too on one of them, or
Post mine anyway. Managers can mark an item a duplicate of another and undo it
(storage.merges keeps every count exact both ways).
"""

from __future__ import annotations

from bot.policy import is_closed
from bot.cards import refresh
from bot.core import Core
from bot.errors import Refused
from bot.events import DuplicateUndone, MarkedDuplicate
from bot.followups import emit
from bot.ideas import BUTTON, closed_note, draft_errors, submit_idea
from bot.model import Actor, Draft, Origin, ProblemDraft, ProblemStatus
from bot.problems import check as check_problem
from bot.problems import me_too, not_open_note, submit_problem
from bot.replies import Notice, Reply, SimilarFound
from bot.roles import is_manager_of
from storage import ideas as idea_store
from storage import merges, pending, search
from storage import problems as problem_store
from storage.db import write

IDEA, PROBLEM = "idea", "problem"


# --- before posting -------------------------------------------------------------------------------

def _check_link(core: Core, problem_id: int | None) -> None:
    if problem_id is None:
        return
    problem = problem_store.get_problem(core.db, problem_id)
    if problem is None:
        raise Refused(f"There is no problem P{problem_id}.")
    if problem.status != ProblemStatus.OPEN:
        raise Refused(not_open_note(problem))


async def propose_idea(core: Core, origin: Origin, draft: Draft, answer_within: float = 0.0) -> Reply | None:
    """Post the idea, unless similar open ideas exist: then hold it and show them (nothing is posted).
    When posted, the reply is the poster's note if the post is done within `answer_within` seconds."""
    errors = draft_errors(draft, core.config.mission_goals)
    if errors:
        raise Refused(" ".join(errors.values()))
    _check_link(core, draft.problem_id)
    found = await core.read(search.similar, IDEA, f"{draft.title()} {draft.full_text()}")
    if not found:
        _, note = await submit_idea(core, origin, draft, answer_within)
        return note
    async with write(core.db) as db:
        token = pending.hold(db, IDEA, Actor(origin.platform, origin.user_id), draft, origin.channel_id, core.now())
    return SimilarFound(IDEA, token, ideas=[idea_store.get_idea(core.db, i) for i in found])


async def propose_problem(core: Core, origin: Origin, draft: ProblemDraft, answer_within: float = 0.0) -> Reply | None:
    """Post the problem, unless similar open problems exist: then hold it and show them.
    When posted, the reply is the poster's note if the post is done within `answer_within` seconds."""
    check_problem(draft)
    found = await core.read(search.similar, PROBLEM, draft.full_text())
    if not found:
        _, note = await submit_problem(core, origin, draft, answer_within)
        return note
    async with write(core.db) as db:
        token = pending.hold(db, PROBLEM, Actor(origin.platform, origin.user_id), draft, origin.channel_id, core.now())
    return SimilarFound(PROBLEM, token, problems=[problem_store.get_problem(core.db, p) for p in found])


async def post_anyway(core: Core, origin: Origin, token: str) -> Reply | None:
    """Post mine anyway: publish the held draft (only its poster can)."""
    actor = Actor(origin.platform, origin.user_id)
    async with write(core.db) as db:
        held = pending.take(db, token, actor)
    if held is None:
        raise Refused("That draft is no longer waiting: it was posted or set aside already (drafts wait a day).")
    kind, fields, channel = held
    where = Origin(origin.platform, origin.user_id, channel or origin.channel_id, origin.handle)
    try:
        if kind == IDEA:
            await submit_idea(core, where, Draft(**fields))
        else:
            await submit_problem(core, where, ProblemDraft(**fields))
    except Exception:
        async with write(core.db) as db:  # not posted: keep it waiting so the click can be tried again
            pending.hold_again(db, token, kind, actor, fields, channel, core.now())
        raise
    return None


async def vote_instead(core: Core, origin: Origin, idea_id: int, token: str) -> Notice:
    """Vote on a similar idea instead of posting: adds the vote (never takes it back) and drops the draft."""
    actor = Actor(origin.platform, origin.user_id)
    async with write(core.db) as db:
        idea = idea_store.get_idea(db, idea_id)
        if idea is None:
            raise Refused(f"There is no idea #{idea_id}.")
        if is_closed(idea.status):
            raise Refused(closed_note(idea))
        pending.take(db, token, actor)
        added = idea_store.add_vote_mark(db, idea_id, actor.user_id, BUTTON, core.now())
    refresh(core, idea)
    verb = "You voted for" if added else "You already vote for"
    return Notice(f"{verb} #{idea_id}; your draft was not posted.")


async def me_too_instead(core: Core, origin: Origin, problem_id: int, token: str) -> Notice:
    actor = Actor(origin.platform, origin.user_id)
    note = await me_too(core, actor, problem_id)
    async with write(core.db) as db:
        pending.take(db, token, actor)
    return Notice(f"{note.text} Your draft was not posted.")


# --- merging ---------------------------------------------------------------------------------------

def parse_ref(word: str, default: str = IDEA) -> tuple[str, int]:
    """`12` / `#12` is idea 12 (or problem 12 where a problem is expected); `P12` / `#P12` is problem 12."""
    raw = (word or "").strip().lstrip("#")
    kind = default
    if raw[:1] in ("P", "p"):
        kind, raw = PROBLEM, raw[1:]
    if not raw.isdigit() or len(raw) > 12:
        raise Refused(f"“{word}” is not an idea or problem number. Use `12` for idea #12 and `P12` for problem P12.")
    return kind, int(raw)


def show_ref(kind: str, item_id: int) -> str:
    return f"#{item_id}" if kind == IDEA else f"P{item_id}"


def _load(db, kind: str, item_id: int):
    item = idea_store.get_idea(db, item_id) if kind == IDEA else problem_store.get_problem(db, item_id)
    if item is None:
        raise Refused(f"There is no {kind} {show_ref(kind, item_id)}.")
    return item


def _check_manager(core: Core, kind: str, item, user_id: str) -> None:
    allowed = is_manager_of(core.config, item, user_id) if kind == IDEA else user_id in core.config.managers
    if not allowed:
        raise Refused(f"Only a manager of {show_ref(kind, item.id)} can mark or unmark duplicates.")


def may_mark_duplicate(core: Core, actor: Actor, ref: str) -> str:
    """Before the Mark duplicate form opens: only a manager gets it. Returns the ref; raises Refused."""
    kind, item_id = parse_ref(ref)
    _check_manager(core, kind, _load(core.db, kind, item_id), actor.user_id)
    return ref


async def mark_duplicate(core: Core, actor: Actor, ref: str, original_ref: str) -> Notice:
    """Mark an idea or problem a duplicate of another; its votes or reporters move to the original."""
    kind, item_id = parse_ref(ref)
    original_kind, original_id = parse_ref(original_ref, default=kind)
    if original_kind != kind:
        raise Refused("An idea can only be a duplicate of an idea, and a problem of a problem.")
    me, other = show_ref(kind, item_id), show_ref(kind, original_id)
    if item_id == original_id:
        raise Refused(f"{me} cannot be a duplicate of itself.")
    async with write(core.db) as db:
        item, original = _load(db, kind, item_id), _load(db, kind, original_id)
        _check_manager(core, kind, item, actor.user_id)
        if item.duplicate_of is not None:
            raise Refused(f"{me} is already a duplicate of {show_ref(kind, item.duplicate_of)}. "
                          f"Undo that first with `/hero unduplicate {me.lstrip('#')}`.")
        if original_id in merges.subtree(db, kind, item_id):
            raise Refused(f"{other} is one of {me}'s own duplicates, so it cannot be its original.")
        if original.duplicate_of is not None:
            root = show_ref(kind, merges.root_of(db, kind, original_id))
            raise Refused(f"{other} is itself a duplicate; mark {me} a duplicate of {root} instead.")
        if kind == IDEA:
            done = merges.merge_idea(db, item_id, original_id, actor.user_id, core.now())
            state = item.status.label
        else:
            done = item.status == ProblemStatus.OPEN and merges.merge_problem(db, item_id, original_id,
                                                                                actor.user_id, core.now())
            state = item.status.value
        if not done:
            raise Refused(f"{me} is {state}; only open (or in review) items can be marked duplicates.")
    emit(core, MarkedDuplicate(kind, item_id, original_id, actor.user_id))
    moved = "votes" if kind == IDEA else "reporters"
    return Notice(f"{me} is now a duplicate of {other}; its {moved} count there (each person once).")


async def unmark_duplicate(core: Core, actor: Actor, ref: str) -> Notice:
    """Undo a merge: the item gets its status back and the originals lose only what came from it."""
    kind, item_id = parse_ref(ref)
    me = show_ref(kind, item_id)
    async with write(core.db) as db:
        item = _load(db, kind, item_id)
        _check_manager(core, kind, item, actor.user_id)
        chain = merges.ancestors(db, kind, item_id)
        if not chain:
            raise Refused(f"{me} is not marked a duplicate.")
        undo = merges.unmerge_idea if kind == IDEA else merges.unmerge_problem
        if not undo(db, item_id, actor.user_id, core.now()):
            raise Refused(f"{me} could not be unmarked; try again.")
    emit(core, DuplicateUndone(kind, item_id, tuple(chain), actor.user_id))
    return Notice(f"{me} is no longer a duplicate of {show_ref(kind, chain[0])}; every count is as it was.")


# --- linking ideas to problems ------------------------------------------------------------------------

async def link_idea(core: Core, actor: Actor, idea_ref: str, problem_ref: str) -> Notice:
    """Say that an idea addresses a problem; the idea's author or one of its managers may."""
    _, idea_id = parse_ref(idea_ref)
    kind, problem_id = parse_ref(problem_ref, default=PROBLEM)
    if kind != PROBLEM:
        raise Refused("Give the problem as `P12`, e.g. `/hero link 7 P12`.")
    async with write(core.db) as db:
        idea = _load(db, IDEA, idea_id)
        problem = _load(db, PROBLEM, problem_id)
        if not (idea_store.is_author(db, idea_id, actor) or is_manager_of(core.config, idea, actor.user_id)):
            raise Refused(f"Only the author of #{idea_id} or one of its managers can link it to a problem.")
        if problem.status == ProblemStatus.DUPLICATE:
            raise Refused(not_open_note(problem))
        added = problem_store.link(db, idea_id, problem_id, core.now())
    refresh(core, problem)
    if not added:
        return Notice(f"#{idea_id} is already linked to {problem.ref}.")
    return Notice(f"#{idea_id} now addresses problem {problem.ref}.")
