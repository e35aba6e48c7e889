"""Property: over any sequence of votes, reports, merges and undos, everyone is counted exactly once
where they should be, and a merge followed by its undo leaves every count as it was.

The reference model: each item has the people who acted on it themselves; an item's count is
the distinct people of the item and of everything merged (directly or not) into it.
"""

import asyncio
import tempfile
from datetime import UTC, datetime

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.bootstrap import new_core
from bot.config import Config
from bot.duplicates import mark_duplicate, unmark_duplicate
from bot.errors import Refused
from bot.ideas import toggle_vote
from bot.model import Actor, Draft, ProblemDraft
from bot.problems import me_too
from storage import ideas as idea_store
from storage import problems as problem_store
from storage.db import open_database, write
from tests.core_fixtures import copy_database

ITEMS = 3
USERS = [f"U{n}" for n in range(4)]
MANAGER = Actor("slack", "UMGR")
NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)

kinds = st.sampled_from(["idea", "problem"])
items = st.integers(1, ITEMS)
users = st.sampled_from(USERS)
operation = st.one_of(
    st.tuples(st.just("act"), kinds, items, users),
    st.tuples(st.just("merge"), kinds, items, items),
    st.tuples(st.just("undo"), kinds, items),
    st.tuples(st.just("merge_and_undo"), kinds, items, items),
)


class Model:
    def __init__(self):
        self.own = {k: {i: set() for i in range(1, ITEMS + 1)} for k in ("idea", "problem")}
        self.parent = {k: {} for k in ("idea", "problem")}

    def subtree(self, kind, item):
        found, frontier = {item}, [item]
        while frontier:
            current = frontier.pop()
            children = [c for c, p in self.parent[kind].items() if p == current]
            found.update(children)
            frontier += children
        return found

    def people(self, kind, item):
        return set().union(*(self.own[kind][o] for o in self.subtree(kind, item)))

    def merge_allowed(self, kind, x, y):
        return x != y and x not in self.parent[kind] and y not in self.parent[kind] and y not in self.subtree(kind, x)


def ref(kind, number):
    return str(number) if kind == "idea" else f"P{number}"


def counted(db, kind, item):
    if kind == "idea":
        people = idea_store.voters(db, item)
        assert len(people) == idea_store.get_idea(db, item).votes
    else:
        people = problem_store.reporters(db, item)
        assert len(people) == problem_store.get_problem(db, item).reporters
    assert len(people) == len(set(people)), "someone is counted twice"
    return set(people)


def snapshot(db):
    return {(k, i): counted(db, k, i) for k in ("idea", "problem") for i in range(1, ITEMS + 1)}


def fresh_core(template, directory):
    """A core on a copy of the migrated template (tests/conftest.py): copying is ten times cheaper than migrating."""
    db = open_database(copy_database(template, directory))
    with write(db):
        for n in range(1, ITEMS + 1):
            idea_store.insert_idea(db, Actor("slack", "UAUTHOR"), Draft(text=f"idea {n}"), NOW)
            problem_store.insert_problem(db, Actor("slack", "UAUTHOR"), ProblemDraft(text=f"problem {n}"), NOW)
        db.execute("DELETE FROM problem_reports")  # start every problem at zero reporters, like ideas
    return new_core(db=db, config=Config.from_dict({"roles": {"managers": [MANAGER.user_id]}}), clock=lambda: NOW)


async def act(core, model, kind, item, user):
    actor = Actor("slack", user)
    try:
        if kind == "idea":
            await toggle_vote(core, actor, item)
            model.own[kind][item] ^= {user}
        else:
            await me_too(core, actor, item)
            model.own[kind][item].add(user)
    except Refused:
        assert item in model.parent[kind], "only a duplicate refuses votes and reports"


async def merge(core, model, kind, x, y):
    allowed = model.merge_allowed(kind, x, y)
    try:
        await mark_duplicate(core, MANAGER, ref(kind, x), ref(kind, y))
    except Refused:
        assert not allowed
        return False
    assert allowed
    model.parent[kind][x] = y
    return True


async def undo(core, model, kind, x):
    try:
        await unmark_duplicate(core, MANAGER, ref(kind, x))
    except Refused:
        assert x not in model.parent[kind]
        return
    del model.parent[kind][x]


async def run(operations, template):
    with tempfile.TemporaryDirectory(prefix="herobot-merge-") as directory:
        await _run(operations, template, directory)


async def _run(operations, template, directory):
    core, model = fresh_core(template, directory), Model()
    try:
        for op in operations:
            name, kind, *args = op
            if name == "act":
                await act(core, model, kind, *args)
            elif name == "merge":
                await merge(core, model, kind, *args)
            elif name == "undo":
                await undo(core, model, kind, *args)
            else:
                before = snapshot(core.db)
                if await merge(core, model, kind, *args):
                    await undo(core, model, kind, args[0])
                    assert snapshot(core.db) == before, "a merge and its undo changed a count"
            for k in ("idea", "problem"):
                for item in range(1, ITEMS + 1):
                    assert counted(core.db, k, item) == model.people(k, item), (op, k, item)
    finally:
        core.db.close()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(operations=st.lists(operation, max_size=40))
def test_nobody_is_ever_counted_twice_or_lost(migrated_database, operations):
    asyncio.run(run(operations, migrated_database))


def test_a_chain_of_merges_undone_from_the_middle(migrated_database):
    """3 → 2 → 1, then 2 is unmarked: 1 keeps only its own people, 2 keeps 3's."""
    ops = [("act", "idea", 3, "U1"), ("act", "idea", 2, "U2"), ("act", "idea", 1, "U1"),
           ("merge", "idea", 3, 2), ("merge", "idea", 2, 1), ("undo", "idea", 2),
           ("act", "problem", 3, "U3"), ("merge", "problem", 3, 2), ("merge", "problem", 2, 1),
           ("undo", "problem", 2), ("merge", "problem", 2, 1), ("undo", "problem", 3)]
    asyncio.run(run(ops, migrated_database))


def test_a_duplicate_cannot_be_asked_for_information(migrated_database, tmp_path):
    """Found by suites/property.py: DUPLICATE → NEEDS_INFO is the undo edge, not a decision."""
    from bot import decisions

    async def scenario():
        core = fresh_core(migrated_database, tmp_path)
        try:
            await mark_duplicate(core, MANAGER, "2", "1")
            try:
                await decisions.submit(core, MANAGER, "needs_info", 2, {"question": "Which queue?"})
            except Refused:
                pass
            else:
                raise AssertionError("a duplicate was moved to needs_info")
            assert idea_store.get_idea(core.db, 2).status.value == "duplicate"
        finally:
            core.db.close()
    asyncio.run(scenario())
