"""What every engine indexes of an article beside its text: rules shared by the engines (standard library only)."""

from __future__ import annotations

import os
import re

from newsearch import terms
from newsearch.query import tree as t

_SPACE = re.compile(r"\s+")


def indexed_title(title: str, body: str) -> str:
    """The title text to index: ``""`` when it only repeats the body's opening.

    A reader that finds no headline (TIME's one-line articles, bare text
    files) uses the opening words as the display title ("THE ALLIES AFTER
    NASSAU IN DECEMBER 1960, ...…"). Indexed as a title, those words get the
    title boost and the lead sentence outweighs the article: on TIME that
    costs MAP 0.745 -> 0.653. The words are in the body anyway. Detected as:
    the title, without a trailing ellipsis, is the start of the body, and it
    was cut ("…") or is too long for a headline (more than 15 words).
    Use it when writing documents, keeping the display title stored::

        doc["title"] = indexed_title(article.title, article.body)
        doc["_stored_title"] = article.title
    """
    words = _SPACE.sub(" ", title).strip()
    cut = words.endswith(("…", "..."))
    words = words.rstrip("….").rstrip()
    if not words or not (cut or len(words.split()) > 15):
        return title
    opening = _SPACE.sub(" ", body[: len(title) * 2 + 100]).strip()
    return "" if opening.casefold().startswith(words.casefold()) else title


def path_term(path: str) -> str:
    """The indexed form of a file's path: the path itself, or, for a name that is not UTF-8
    (``caf\\xe9.txt``, decoded with surrogateescape), NUL and the name's bytes in hex (no path holds NUL)."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return "\0" + os.fsencode(path).hex()
    return path


_NAME = re.compile(r"[A-Z]\w*")


def capitalised_names(node: t.Node) -> list[str]:
    """The capitalised free words of a query (``names`` terms), once each: they prefer articles using them as names."""
    seen: dict[str, None] = {}
    for leaf in t.positive_leaves(node):
        if isinstance(leaf, t.Term) and leaf.capitalised and leaf.field is None:
            match = _NAME.match(leaf.text)
            if match:
                seen.setdefault(match.group())
    return list(seen)


def fold_pattern(pattern: str) -> str:
    """A wildcard pattern lowercased and accent-folded as the text fields were (no stemming)."""
    out = []
    for piece in re.split(r"([*?])", pattern):
        if piece in ("*", "?"):
            out.append(piece)
        elif piece:
            tokens = terms.analyze(piece, "exact")
            out.append("".join(tokens) if tokens else piece.lower())
    return "".join(out)
