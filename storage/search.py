"""Full-text search over ideas and problems (SQLite FTS5, ranked by bm25).

People's words never reach FTS5's query syntax: they are cut into words and each word is
quoted, so `"`, `*`, `NEAR(`, `-` and friends are plain characters, never operators.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import dataclass

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


def similar(db: Database, kind: str, text: str, limit: int = 3, candidates: int = 60,
            min_share: float = 0.5) -> list[int]:
    """Open items that look like `text`: those sharing at least `min_share` of its key words (and two of
    them, when the text has two or more), best first by how rare the shared words are.

    Sublinear: each key word's document frequency is counted up to DF_CAP; only the rarest words'
    matches, up to MATCH_BUDGET rows in all (both of the two rarest, when even those are common), are
    read and scored by the rare words each item holds; the best `candidates` are then checked against
    every key word. The long match lists of common words are never read or ranked."""
    terms = key_terms(text)
    if not terms:
        return []
    table = {"idea": "ideas", "problem": "problems"}[kind]
    closed = {"declined", "implemented", "duplicate"} if kind == "idea" else {"duplicate", "solved"}
    frequency = {t: _frequency(db, table, t) for t in terms}
    needed = max(min(2, len(terms)), round(len(terms) * min_share))
    text_column = "title || ' ' || text" if kind == "idea" else "text"
    found = []
    for item_id in _candidates(db, table, terms, frequency, candidates):
        text_of, status = db.execute(f"SELECT {text_column}, status FROM {table} WHERE id = ?", [item_id]).fetchone()
        stems = _stems(text_of)
        shared = [t for t in terms if t in stems or t.rstrip("s") in stems]
        if status not in closed and len(shared) >= needed:
            found.append((sum(_rarity(frequency[t]) for t in shared), item_id))
    return [item_id for _, item_id in sorted(found, key=lambda f: (-f[0], -f[1]))[:limit]]


DF_CAP = 5_000
MATCH_BUDGET = 4_000
RARE_WORDS = 3


def _candidates(db: Database, table: str, terms: list[str], frequency: dict[str, int], limit: int) -> list[int]:
    """The `limit` items most likely to share many key words, read through the rare words only: per
    rare word (fewer than DF_CAP items; the rarest, up to MATCH_BUDGET items in all, at most RARE_WORDS)
    and each other key word, the items holding both (two shared words are needed to count), scored by
    the rarity of the pairs they hold. When every word is common: bm25 over every key word among the
    items holding two of the four longest."""
    everything = " OR ".join(_quoted(t) for t in terms)
    if not any(frequency.values()):
        return []
    if len(terms) == 1:
        return [r[0] for r in db.execute(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ? "
                                         f"ORDER BY rowid DESC LIMIT ?", [everything, limit])]
    rare = sorted((t for t in terms if 0 < frequency[t] < DF_CAP), key=lambda t: (frequency[t], terms.index(t)))
    chosen, total = [], 0
    for term in rare[:RARE_WORDS]:
        if chosen and total + frequency[term] > MATCH_BUDGET:
            break
        chosen.append(term)
        total += frequency[term]
    if not chosen:
        longest = [t for t in terms if frequency[t]][:4]
        pairs = " OR ".join(f"({_quoted(a)} AND {_quoted(b)})" for i, a in enumerate(longest) for b in longest[i + 1:])
        return [r[0] for r in db.execute(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ? ORDER BY rank "
                                         f"LIMIT ?", [f"({pairs}) AND ({everything})", limit])]
    scores: Counter = Counter()
    for a in chosen:
        for b in terms:
            if b == a or (b in chosen and terms.index(b) < terms.index(a)):
                continue
            weight = _rarity(frequency[a]) + _rarity(frequency[b])
            for (item_id,) in db.execute(f"SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ?",
                                         [f"{_quoted(a)} AND {_quoted(b)}"]):
                scores[item_id] += weight
    return [item_id for item_id, _ in sorted(scores.items(), key=lambda s: (-s[1], -s[0]))[:limit]]


def _frequency(db: Database, table: str, term: str) -> int:
    """How many items hold the word, counted up to DF_CAP (beyond that a word says little anyway)."""
    return db.execute(f"SELECT count(*) FROM (SELECT rowid FROM {table}_fts WHERE {table}_fts MATCH ? LIMIT ?)",
                      [_quoted(term), DF_CAP]).fetchone()[0]


def _rarity(frequency: int) -> float:
    return math.log((DF_CAP + 1) / (frequency + 1)) + 0.1


def _stems(text: str) -> set[str]:
    """Lower-cased words of a text, with a crude plural fold to match what porter matched."""
    out = set()
    for w in words(text):
        w = w.lower()
        out.add(w)
        out.add(w.rstrip("s"))
    return out
