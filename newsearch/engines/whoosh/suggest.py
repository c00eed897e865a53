"""'Did you mean …?': corrections drawn from the index's own vocabulary.

The index holds stemmed terms ("ukrain"), which would make poor suggestions,
so a corrected stem is turned back into a real word by finding it in the text
of one article that contains it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from newsearch.deadline import Deadline, DeadlineExceeded
from newsearch.engines.whoosh.names import QUERY_OPERATORS

_WORD = re.compile(r"^[^\W\d_][\w'’-]*$")
FIELDS = ("title", "body")
# Longer "words" are not slips of the keyboard (the longest German compounds run to ~60 letters), and
# comparing one against the vocabulary costs its length squared per candidate: 28 s for 2,000 letters.
MAX_WORD_CHARS = 64


def corrections(searcher, words: Sequence[str], few_hits: bool, deadline: Deadline) -> dict[str, str]:
    """{typed word: correction} for the words worth correcting.

    Words the index has never seen are corrected, unless there are more than
    ``MAX_UNSEEN`` of them; with ``few_hits``, rare words (in one or two
    articles) are corrected too when a much more common spelling is one or
    two letters away.
    """
    analyzer = searcher.schema["body"].analyzer
    reader = searcher.reader()
    candidates: list[tuple[str, str, str, int]] = []  # (word, core, stem, articles with it)
    for word in dict.fromkeys(words):
        core = word.strip("\"()+-")
        if not core or core in QUERY_OPERATORS or not _WORD.match(core) or not 3 <= len(core) <= MAX_WORD_CHARS:
            continue
        stems = [tok.text for tok in analyzer(core)]
        if len(stems) == 1:
            candidates.append((word, core, stems[0], _frequency(reader, stems[0])))
    unseen = sum(1 for *_, known in candidates if not known)
    out: dict[str, str] = {}
    for word, core, stem, known in candidates:
        if deadline.expired():
            deadline.cut_short("the suggestions")
            break
        if not known and unseen > MAX_UNSEEN:
            continue
        try:
            replacement = _correct(reader, analyzer, stem, core, 2 if few_hits else 0, known, deadline)
        except DeadlineExceeded:
            deadline.cut_short("the suggestions")
            break
        if replacement and replacement.lower() != core.lower():
            out[word] = replacement
    return out


def _frequency(reader, stem: str) -> int:
    return sum(reader.doc_frequency(field, stem) for field in FIELDS)


# A correction must be this many times as common as the word typed (when the index has it at all):
# the evidence that the typed form is a slip rather than a rare word of its own.
MORE_COMMON = 4
MIN_FREQUENCY = 3  # ... and in at least this many articles
# A question with more words the index has never seen than this is about what the archive does not
# hold rather than mistyped, and its unseen words are not corrected: each costs a scan of the term
# table (~40 ms on TIME's 423 articles), and a 50-word test-collection question on TIME spent ~1 s
# correcting two dozen of them into noise.
MAX_UNSEEN = 2


def _correct(reader, analyzer, stem: str, typed: str, rare: int, known: int, deadline: Deadline) -> str | None:
    """The spelling to suggest for one word, or None.

    Candidates are index terms within two edits (one for short words), the
    first letter kept; a swap of two neighbouring letters counts as one edit
    here ("Gadaffi" -> Gaddafi), as people make that slip. The nearest wins,
    then the most common. A word the index does not know is corrected to any
    candidate at all (a name in a single article is still worth offering);
    a rare word only to a much more common one.
    """
    from whoosh.support.levenshtein import damerau_levenshtein

    if known > rare:
        return None
    reach = 2 if len(stem) >= 5 else 1
    best: tuple[int, int, str] | None = None
    for candidate in reader.terms_within("body", stem, reach + 1 if reach == 1 else reach, prefix=1):
        deadline.check()
        if candidate == stem or abs(len(candidate) - len(stem)) > reach:
            continue
        edits = damerau_levenshtein(stem, candidate)
        if edits > reach:
            continue
        key = (edits, -_frequency(reader, candidate), candidate)
        if best is None or key < best:
            best = key
    if best is None:
        return None
    if known and -best[1] < max(MIN_FREQUENCY, MORE_COMMON * known):
        return None
    return _surface_form(reader, analyzer, best[2], typed)


def _surface_form(reader, analyzer, stem: str, typed: str, articles: int = 3) -> str | None:
    """The word closest to what was typed, among words in the articles that analyse to ``stem``.

    Stems are not words ("elect" stands for election, elected, elects), so
    the suggestion is the form nearest the user's spelling.
    """
    from whoosh.support.levenshtein import distance

    forms: set[str] = set()
    for count, docnum in enumerate(reader.postings("body", stem).all_ids()):
        if count >= articles:
            break
        body = reader.stored_fields(docnum).get("body", "")
        forms.update(t.original for t in analyzer(body, keeporiginal=True) if t.text == stem)
    if not forms:
        return None
    best = min(forms, key=lambda form: (distance(typed, form.lower()), form != form.lower(), form))
    # As the articles write it when the user typed a capital ("Gaddafi"), else in lower case.
    return best if typed[:1].isupper() and best[:1].isupper() else best.lower()
