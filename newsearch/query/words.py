"""Which typed words are function words, and when a query is typed in capitals.

Shared by the query parser (which drops function words from the free words of
a query) and the Whoosh ranking code (which skips them in feedback terms), so
both agree on one list. Standard library only.
"""

from __future__ import annotations

# Function words dropped from multi-word free-text queries. Deliberately
# without words that are also news names in capitals (US, IT, WHO, MAY, UN):
# those are AMBIGUOUS_STOP_WORDS.
_STOP_WORDS = """
    a about above after again against all am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for
    from further had has have having he her here hers herself him himself his how i if
    in into is its itself just me more most my myself no nor not now of off on once only
    or other our ours ourselves out over own same she should so some such than that the
    their theirs them themselves then there these they this those through to too under
    until up very was we were what when where which while whom why will with would you
    your yours yourself yourselves
"""
STOP_WORDS = frozenset(_STOP_WORDS.split())
# Function words that are also common capitalised news words ("US", "IT",
# "WHO", "May"): dropped only when written in lower case in a mixed-case query.
AMBIGUOUS_STOP_WORDS = frozenset({"us", "it", "who", "may", "un"})


def is_function_word(word: str, *, shouting: bool) -> bool:
    """Whether ``word`` is a function word not worth searching among other words.

    ``shouting``: the query is typed all in capitals, where case tells nothing,
    so "IT" and "WHO" are kept; in a mixed-case query they are kept when typed
    with a capital ("sanctions by the US in May").
    """
    low = word.lower()
    if low in AMBIGUOUS_STOP_WORDS:
        return not shouting and word == low
    return low in STOP_WORDS


def mostly_upper(text: str) -> bool:
    """Whether more than 60% of the letters of ``text`` are capitals (wires, old archives, shouting)."""
    letters = upper = 0
    for char in text[:2000]:
        if char.isalpha():
            letters += 1
            upper += char.isupper()
    return letters > 0 and upper > 0.6 * letters
