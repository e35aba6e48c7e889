"""Full-text search over ideas and problems (SQLite FTS5, ranked by bm25).

People's words never reach FTS5's query syntax: they are cut into words and each word is
quoted, so `"`, `*`, `NEAR(`, `-` and friends are plain characters, never operators.
"""

from __future__ import annotations

import re
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


def similar(db: Database, kind: str, text: str, limit: int = 3, candidates: int = 30,
            min_share: float = 0.5) -> list[int]:
    """Open items that look like `text`: bm25 over its key words, kept when they share at least
    `min_share` of those words (and two of them, when the text has two or more)."""
    terms = key_terms(text)
    if not terms:
        return []
    table = {"idea": "ideas", "problem": "problems"}[kind]
    where = ("AND t.status NOT IN ('declined', 'implemented', 'duplicate')" if kind == "idea"
             else "AND t.status = 'open'")
    query = " OR ".join(_quoted(t) for t in terms)
    found = _match(db, table, query, where, candidates)
    needed = max(min(2, len(terms)), round(len(terms) * min_share))
    text_column = "title || ' ' || text" if kind == "idea" else "text"
    result = []
    for item_id, _ in found:
        row = db.execute(f"SELECT {text_column} FROM {table} WHERE id = ?", [item_id]).fetchone()
        stems = _stems(row[0])
        shared = [t for t in terms if t in stems or t.rstrip("s") in stems]
        if len(shared) >= needed:
            result.append(item_id)
            if len(result) == limit:
                break
    return result


def _stems(text: str) -> set[str]:
    """Lower-cased words of a text, with a crude plural fold to match what porter matched."""
    out = set()
    for w in words(text):
        w = w.lower()
        out.add(w)
        out.add(w.rstrip("s"))
    return out
