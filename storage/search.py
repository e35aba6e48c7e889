"""Full-text search over ideas and problems (SQLite FTS5, ranked by bm25).

People's words never reach FTS5's query syntax: they are cut into words and each word is
quoted, so `"`, `*`, `NEAR(`, `-` and friends are plain characters, never operators.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from itertools import combinations

from sqlite_utils import Database

_WORD = re.compile(r"\w+", re.UNICODE)
_OPERATORS = {"AND", "OR", "NOT", "NEAR"}
# Words too common to say two texts are about the same thing.
STOPWORDS = frozenset("""
a about after all also am an and any are as at be because been but by can cannot could did do does doing
for from get gets got had has have he her him his how i if in into is it its just me more my no not now of
on once only or our out over she so some than that the their them then there these they this to too under
up us very was we were what when where which while who why will with would you your customer customers
""".split())
MAX_QUERY_WORDS = 12


def words(text: str) -> list[str]:
    """The searchable words of a text, in order, without FTS operators written in capitals."""
    return [w for w in _WORD.findall(text or "") if w not in _OPERATORS and w.strip("_")]


def _quoted(word: str) -> str:
    return '"' + word.replace('"', '""') + '"'


def all_words_query(text: str) -> str | None:
    """An FTS5 query matching every word (ranked); None when nothing searchable is left."""
    found = list(dict.fromkeys(w.lower() for w in words(text)))[:MAX_QUERY_WORDS]
    return " ".join(_quoted(w) for w in found) or None


def key_terms(text: str) -> list[str]:
    """The words that say what a text is about: no stopwords, longest (rarest, usually) first."""
    found = dict.fromkeys(w.lower() for w in words(text) if w.lower() not in STOPWORDS and len(w) > 2)
    return sorted(found, key=len, reverse=True)[:MAX_QUERY_WORDS]


@dataclass(frozen=True)
class Hit:
    kind: str  # "idea" or "problem"
    id: int
    rank: float


def _match(db: Database, table: str, query: str, where: str, limit: int) -> list[tuple[int, float]]:
    rows = db.execute(
        f"SELECT f.rowid, f.rank FROM {table}_fts f JOIN {table} t ON t.id = f.rowid "
        f"WHERE {table}_fts MATCH ? {where} ORDER BY f.rank LIMIT ?",
        [query, limit],
    )
    return [(r[0], r[1]) for r in rows]


def search(db: Database, text: str, limit: int = 10) -> list[Hit]:
    """Ideas and problems containing every word, best first (bm25; lower rank is better)."""
    query = all_words_query(text)
    if query is None:
        return []
    hits = [Hit("idea", i, r) for i, r in _match(db, "ideas", query, "", limit)]
    hits += [Hit("problem", i, r) for i, r in _match(db, "problems", query, "", limit)]
    return sorted(hits, key=lambda h: h.rank)[:limit]


def similar(db: Database, kind: str, text: str, limit: int = 3, candidates: int = 80,
            min_share: float = 0.5) -> list[int]:
    """Open items that look like `text`: those sharing at least `min_share` of its key words (and two of
    them, when the text has two or more), best first by how rare the shared words are.

    Sublinear: the candidates are read through the text's rarest key words only (see `_candidates`),
    so the long match lists of common words are never read or ranked; the best `candidates` of them,
    by bm25 over those rare words, are then checked against every key word."""
    terms = key_terms(text)
    if not terms:
        return []
    table = {"idea": "ideas", "problem": "problems"}[kind]
    frequency = {t: document_frequency(db, table, t) for t in terms}
    if not any(frequency.values()):
        return []
    items = max(1, db.execute(f"SELECT max(rowid) FROM {table}").fetchone()[0] or 1)
    needed = max(min(2, len(terms)), round(len(terms) * min_share))
    average = _average_length(db, table, _TEXT[kind])
    found = []
    for item_id, text_of in _candidates(db, kind, table, terms, frequency, items, candidates):
        stems = _stems(text_of)
        shared = [t for t in terms if t in stems or t.rstrip("s") in stems]
        if len(shared) >= needed:
            found.append((_bm25(shared, frequency, items, len(text_of) / average), item_id))
    return [item_id for _, item_id in sorted(found, key=lambda f: (-f[0], -f[1]))[:limit]]


_TEXT = {"idea": "t.title || ' ' || t.text", "problem": "t.text"}  # of a row `t` of the kind's table


def _bm25(shared: list[str], frequency: dict[str, int], items: int, relative_length: float) -> float:
    """bm25 of an item for the text's key words it holds (each counted once): rare words weigh most,
    and a long item that holds a word says less than a short one (which is how a retold text
    outranks items that merely mention many of its words)."""
    k1, b = 1.2, 0.75
    saturation = (k1 + 1) / (1 + k1 * (1 - b + b * relative_length))
    return sum(math.log((items - frequency[t] + 0.5) / (frequency[t] + 0.5) + 1) for t in shared) * saturation


# Items expected to hold the chosen words together (assuming words fall independently) above which
# a look-up asks for one more of them: the candidates stay few even when every word is common.
MATCH_BUDGET = 2_000
# (rarest words taken, how many of them an item must hold): each step leaves out two words, so an
# item holding the text's words still matches when two added words happen to be among the rarest.
_STEPS = ((4, 2), (5, 3), (6, 4))


def _candidates(db: Database, kind: str, table: str, terms: list[str], frequency: dict[str, int], items: int,
                limit: int) -> list[tuple[int, str]]:
    """Up to `limit` open items (id, text) holding `needed` of the text's rarest key words, best first
    by bm25 over those words. Only those words' match lists are read, intersected inside FTS5."""
    present = sorted(_one_per_stem(t for t in terms if frequency[t]), key=lambda t: (frequency[t], terms.index(t)))
    order = "f.rank"
    if len(present) == 1:
        groups, order = [present], "f.rowid DESC"  # one word says little: the newest items holding it
    else:
        for rarest, needed in _STEPS:
            chosen = present[:rarest]
            groups = [list(g) for g in combinations(chosen, max(min(2, len(chosen)), min(needed, len(chosen) - 2)))]
            if sum(_expected(frequency, g, items) for g in groups) <= MATCH_BUDGET:
                break
        else:  # still too many: leave out the groups of common words alone, which say least
            groups = sorted(groups, key=lambda g: _expected(frequency, g, items))
            groups = groups[:1] + [g for g in groups[1:] if _expected(frequency, g, items) <= MATCH_BUDGET]
    query = " OR ".join("(" + " AND ".join(_quoted(t) for t in g) + ")" for g in groups)
    text_column = _TEXT[kind]
    open_only = ("t.status NOT IN ('declined', 'implemented', 'duplicate')" if kind == "idea"
                 else "t.status = 'open'")
    rows = db.execute(f"SELECT f.rowid, {text_column} FROM {table}_fts f JOIN {table} t ON t.id = f.rowid "
                      f"WHERE {table}_fts MATCH ? AND {open_only} ORDER BY {order} LIMIT ?", [query, limit])
    return [(r[0], r[1]) for r in rows]


def _one_per_stem(terms) -> list[str]:
    """The terms without the plural of one already there ("bills" and "bill" are one word to FTS5's porter stems):
    an item holding that one word must not fill a candidate's place as if it held two."""
    seen, kept = set(), []
    for term in terms:
        if term.rstrip("s") not in seen:
            seen.add(term.rstrip("s"))
            kept.append(term)
    return kept


def _expected(frequency: dict[str, int], group: list[str], items: int) -> float:
    return items * math.prod(frequency[t] / items for t in group)


# Common words' document frequencies are kept a while per database file: their count only orders words
# by rarity, so a few minutes' drift changes nothing, while counting a common word's long match list on
# every look-up would cost more than the rest of it. Rarer words are counted afresh every time (cheap):
# a word seen in no item yet must be found as soon as one item holds it. Keyed by a hash of the word
# (no text is kept).
FREQUENCY_TTL_S = 600.0
CACHED_FROM = 1_000
_FREQUENCY_CACHE_SIZE = 50_000
_frequencies: OrderedDict[tuple[str, str, int], tuple[float, int]] = OrderedDict()
_frequencies_lock = threading.Lock()


def document_frequency(db: Database, table: str, term: str, now: Callable[[], float] = time.monotonic) -> int:
    """How many items hold the word (as FTS5 matches it: porter stems), remembered for FREQUENCY_TTL_S."""
    key = (_file_of(db), table, hash(term))
    with _frequencies_lock:  # the read pool's threads share it
        cached = _frequencies.get(key)
        if cached is not None and now() - cached[0] < FREQUENCY_TTL_S:
            _frequencies.move_to_end(key)
            return cached[1]
    count = db.execute(f"SELECT count(*) FROM {table}_fts WHERE {table}_fts MATCH ?", [_quoted(term)]).fetchone()[0]
    if count < CACHED_FROM:
        return count
    with _frequencies_lock:
        _frequencies[key] = (now(), count)
        _frequencies.move_to_end(key)
        while len(_frequencies) > _FREQUENCY_CACHE_SIZE:
            _frequencies.popitem(last=False)
    return count


def _file_of(db: Database) -> str:
    return db.conn.execute("PRAGMA database_list").fetchone()[2] or f"memory:{id(db.conn)}"


_averages: dict[tuple[str, str], tuple[float, float]] = {}


def _average_length(db: Database, table: str, text_column: str, now: Callable[[], float] = time.monotonic) -> float:
    """Average length in characters of the newest thousand items' texts, remembered for FREQUENCY_TTL_S."""
    key = (_file_of(db), table)
    cached = _averages.get(key)
    if cached is None or now() - cached[0] >= FREQUENCY_TTL_S:
        average = db.execute(f"SELECT avg(length(x)) FROM (SELECT {text_column} AS x FROM {table} t "
                             f"ORDER BY t.rowid DESC LIMIT 1000)").fetchone()[0]
        cached = _averages[key] = (now(), average or 1.0)
    return cached[1]


def _stems(text: str) -> set[str]:
    """Lower-cased words of a text, with a crude plural fold to match what porter matched."""
    out = set()
    for w in words(text):
        w = w.lower()
        out.add(w)
        out.add(w.rstrip("s"))
    return out
