"""'Did you mean …?' on OpenSearch: the term suggester over the body's terms, with the Whoosh engine's rules
(``engines/whoosh/suggest.py``): unknown words are always corrected, rare ones (with ``few_hits``) only to a
much more common spelling, and the corrected stem is turned back into a word as the articles write it."""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence

from newsearch import terms
from newsearch.deadline import Deadline
from newsearch.terms import QUERY_OPERATORS

_WORD = re.compile(r"^[^\W\d_][\w'’-]*$")
MORE_COMMON = 4  # a correction must be this many times as common as the word typed (when the index has it)
MIN_FREQUENCY = 3  # ... and in at least this many articles
SURFACE_ARTICLES = 3


def corrections(engine, words: Sequence[str], few_hits: bool, deadline: Deadline) -> dict[str, str]:
    out: dict[str, str] = {}
    for word in dict.fromkeys(words):
        if deadline.expired():
            break
        core = word.strip("\"()+-")
        if not core or core in QUERY_OPERATORS or not _WORD.match(core) or len(core) < 3:
            continue
        stems = terms.analyze(core, "text")
        if len(stems) != 1:
            continue
        replacement = _correct(engine, stems[0], core, 2 if few_hits else 0, deadline)
        if replacement and replacement.lower() != core.lower():
            out[word] = replacement
    return out


def _correct(engine, stem: str, typed: str, rare: int, deadline: Deadline) -> str | None:
    reach = 2 if len(stem) >= 5 else 1
    body = {
        "size": 0, "track_total_hits": True, "query": {"term": {"body": stem}},
        "suggest": {"fix": {"text": stem, "term": {
            "field": "body", "suggest_mode": "always", "max_edits": reach, "prefix_length": 1, "min_word_length": 3,
            "string_distance": "damerau_levenshtein", "size": 10, "analyzer": "whitespace"}}},
    }
    response = engine._search(body, deadline, "the suggestions")
    if response is None:
        return None
    known = response["hits"]["total"]["value"]
    if known > rare:
        return None
    options = [o for entry in response["suggest"]["fix"] for o in entry["options"] if o["text"] != stem]
    if not options:
        return None
    best = max(options, key=lambda o: (o["score"], o["freq"], o["text"]))
    if known and best["freq"] < max(MIN_FREQUENCY, MORE_COMMON * known):
        return None
    return _surface_form(engine, best["text"], typed)


def _surface_form(engine, stem: str, typed: str) -> str | None:
    """The word closest to what was typed, among words in a few articles that analyse to ``stem``."""
    body = {"size": SURFACE_ARTICLES, "query": {"term": {"body": stem}}, "_source": ["id", "stored.body"]}
    forms: set[str] = set()
    for hit in engine.client.search(index=engine.alias, body=body)["hits"]["hits"]:
        text = hit["_source"].get("stored", {}).get("body") or ""
        analyzer = terms.analyzer("text")
        forms.update(tok.original for tok in analyzer.tokens(text) if tok.term == stem)
    if not forms:
        return None
    best = max(forms, key=lambda form: (difflib.SequenceMatcher(None, typed.lower(), form.lower()).ratio(),
                                       form == form.lower(), form))
    return best if typed[:1].isupper() and best[:1].isupper() else best.lower()
