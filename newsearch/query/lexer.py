"""Query text -> tokens: words, phrases, brackets, operators, field names and date ranges.

The lexer is where natural-language text is kept from failing: a quote or
bracket without its partner is dropped with a note, punctuation at the edges
of a word is not part of it (``Kyiv?``, ``war,``, ``'A'``) while punctuation
inside it is (``O'Neill``, ``AT&T``, ``U.S.``, ``3.5%``), ``nutrition:`` is a
word and a colon, and a dash alone is punctuation. Only what a query-language
user writes wrong raises :class:`BadQuery`: a field name with nothing after it,
an unclosed ``date:[`` range. The grammar is in :mod:`newsearch.query.syntax`.
Standard library only.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from newsearch.errors import BadQuery

# Field names a user may type before a colon (lower case) -> the field they mean.
FIELDS = {
    "title": "title",
    "body": "body",
    "author": "author",
    "section": "section",
    "source": "source",
    "date": "date",
    "lang": "lang",
    "language": "lang",
}
FIELD_LIST = "title, author, section, source, date, lang"
DEFAULT_NEAR = 10  # words, for NEAR without a number (the tree's default)

_EMPTY_FIELD = {
    "source": "give a source name, e.g. source:reuters",
    "date": "e.g. date:2024-11, date:>2024-11-01, date:[2024-11-01 TO 2024-11-30]",
    "lang": "give a language code, e.g. lang:en",
}
_QUOTES = '"“”„'
_CHUNK_END = re.compile(r'[\s()"“”„]')
_QUOTE = re.compile(r'["“”„]')
_FIELD = re.compile(r"([A-Za-z_][A-Za-z0-9_]*):")
_NEAR = re.compile(r"NEAR|(?i:near)/(\S*)")
_GDELT_NEAR = re.compile(r"near(\d{1,4})", re.IGNORECASE)
_REGEX = re.compile(r"/((?:[^/\\]|\\.)+)/")
_SUFFIX = re.compile(r"(?:[~^][\d.]{0,12})+$")
_SUFFIX_PART = re.compile(r"([~^])([\d.]*)")
_ABBREVIATION = re.compile(r"(?:[^\W\d_]\.)+[^\W\d_]")
_RANGE_PARTS = re.compile(r"\s*(.*?)\s*\bTO\b\s*(.*?)\s*", re.IGNORECASE | re.DOTALL)
_QUERY_MARKS = re.compile(r'["“”„]|(?<![^\s(])(?:' + "|".join(FIELDS) + r"):", re.IGNORECASE)
_OPERATOR_WORDS = frozenset({"AND", "OR", "NOT", "&&", "||"})

# Punctuation that ends a sentence or closes a quote is not part of the word before it;
# punctuation that opens a quote is not part of the word after it.
_CLOSING = ".,;:!?'\"’”»)]}…/-"
_OPENING = "'\"‘’“«¿¡([{/?~^"
# Marks that stand alone in prose without meaning anything to search ("U.S . AID", "end ."):
# dropped silently; any other lone mark ("&", "=", "—") is dropped with a note.
_SENTENCE_MARKS = ".,;:!?"

# A backslash makes the next syntax character literal (AT\&T, \"quoted\", title\:x).
# Escaped characters travel through the lexer as private-use stand-ins, so no rule
# below reads them as syntax, and are put back in the words it emits.
_ESCAPABLE = "\\+-!():^[]\"{}~*?/&|<>=:"
_STAND_IN = {c: chr(0xF0000 + ord(c)) for c in _ESCAPABLE}
_ESCAPE = re.compile(r"\\([" + re.escape(_ESCAPABLE) + r"])")
_RESTORE = str.maketrans({v: k for k, v in _STAND_IN.items()})
_RESTORE_ESCAPED = str.maketrans({v: "\\" + k for k, v in _STAND_IN.items()})


class Notes:
    """What the user should be told, each once, in the order it was found."""

    def __init__(self) -> None:
        self._seen: dict[str, None] = {}

    def add(self, text: str) -> None:
        self._seen.setdefault(text)

    def __iter__(self):
        return iter(self._seen)

    def __contains__(self, text: str) -> bool:
        return text in self._seen


@dataclass
class Token:
    """One unit of the query. ``kind`` is one of the upper-case names used by the parser:

    WORD (``text``, ``boost``/``tilde`` suffixes, ``wildcard``), PHRASE (``words``),
    REGEX (``text``: the pattern), LPAREN, RPAREN (suffixes: the group's boost), AND, OR,
    NOT, PLUS, MINUS, NEAR (``number``: distance or None), FIELD (``text``: the field),
    RANGE (``low``, ``high``, ``include_low``, ``include_high``) and NEARFIELD (``number``).
    """

    kind: str
    text: str = ""
    raw: str = ""
    words: tuple[str, ...] = ()
    boost: str | None = None  # the characters after '^' ('' when no number followed)
    tilde: str | None = None  # the characters after '~'
    wildcard: bool = False
    number: int | None = None
    low: str = ""
    high: str = ""
    include_low: bool = True
    include_high: bool = True
    start: int = 0  # where the token was typed: lexed text[start:end]
    end: int = 0


def restore(text: str, *, keep_backslash: bool = False) -> str:
    """Escaped characters back as typed (with their backslash, for a regular expression)."""
    return text.translate(_RESTORE_ESCAPED if keep_backslash else _RESTORE)


def operators_are_words(text: str) -> bool:
    """AND, OR, NOT and NEAR are words in a question typed all in capitals.

    ("BORDER DISPUTE BETWEEN ISRAEL AND SYRIA"): more than 3 words, no
    lower case, and no quotes or field names, which would show a query-language user.
    """
    return text.upper() == text and len(text.split()) > 3 and not _QUERY_MARKS.search(text)


def strip_edges(word: str) -> str:
    """``word`` without sentence punctuation and quotes at its edges; a final abbreviation dot stays (U.S.)."""
    core = word.rstrip(_CLOSING)
    if len(core) < len(word) and word[len(core)] == "." and _ABBREVIATION.fullmatch(core):
        core += "."
    return core.lstrip(_OPENING)


def visible(text: str) -> str:
    """``text`` without invisible characters: controls become spaces, format characters
    (zero-width spaces, soft hyphens, byte-order marks pasted with the text) go."""
    if text.isprintable():
        return text
    return "".join(
        " " if category == "Cc" else "" if category == "Cf" else char
        for char, category in ((c, unicodedata.category(c)) for c in text)
    )


def _opens(char: str) -> bool:
    """Whether ``char`` (the one after a chunk) opens a group or a phrase."""
    return bool(char) and char in "(" + _QUOTES


def has_letters_or_digits(text: str) -> bool:
    return any(char.isalnum() for char in text)


def lex(text: str, notes: Notes) -> tuple[list[Token], str]:
    """The tokens of ``text`` and the text their ``start``/``end`` point into (see :func:`restore`).

    Raises BadQuery only for query-language mistakes.
    """
    text = visible(text)
    lexer = _Lexer(_ESCAPE.sub(lambda m: _STAND_IN[m.group(1)], text), notes, operators_are_words(text))
    lexer.run()
    return _balance(lexer.tokens, notes), lexer.text


class _Lexer:
    def __init__(self, text: str, notes: Notes, words_only: bool) -> None:
        self.text = text
        self.notes = notes
        self.words_only = words_only
        self.tokens: list[Token] = []
        self.i = 0
        self.span = (0, 0)  # what the tokens being emitted were typed as

    def emit(self, token: Token) -> None:
        token.start, token.end = self.span
        self.tokens.append(token)

    def run(self) -> None:
        text, n = self.text, len(self.text)
        while self.i < n:
            char = text[self.i]
            if char.isspace():
                self.i += 1
            elif char == "(":
                self.span = (self.i, self.i + 1)
                self.i += 1
                self.emit(Token("LPAREN", raw="("))
            elif char == ")":
                self.span = (self.i, self.i + 1)
                self.i += 1
                self.emit(self._suffixed(Token("RPAREN", raw=")")))
            elif char in _QUOTES:
                self._phrase()
            else:
                self._chunk()

    def _suffixed(self, token: Token) -> Token:
        """Read ``^2`` / ``~5`` right after a phrase, a range or a closing bracket."""
        while self.i < len(self.text) and self.text[self.i] in "~^":
            match = _SUFFIX_PART.match(self.text, self.i)
            assert match is not None
            if match.group(1) == "^":
                token.boost = match.group(2)
            else:
                token.tilde = match.group(2)
            token.raw += match.group()
            self.i = match.end()
            self.span = (self.span[0], self.i)
        return token

    def _phrase(self) -> None:
        start = self.i
        close = _QUOTE.search(self.text, start + 1)
        if close is None:
            self.notes.add('an unmatched quote (") was ignored')
            self.i += 1
            return
        self.i = close.end()
        self.span = (start, self.i)
        content = self.text[start + 1 : close.start()]
        words = tuple(restore(w) for w in map(strip_edges, content.split()) if has_letters_or_digits(restore(w)))
        raw = restore(self.text[start : self.i])
        self.emit(self._suffixed(Token("PHRASE", text=restore(content), raw=raw, words=words)))

    def _at_word_start(self, position: int) -> bool:
        return position == 0 or self.text[position - 1].isspace() or self.text[position - 1] == "("

    def _chunk(self) -> None:
        text, start = self.text, self.i
        end_match = _CHUNK_END.search(text, start)
        end = end_match.start() if end_match else len(text)
        self.i = end
        self.span = (start, end)
        chunk = text[start:end]
        follows = text[end] if end < len(text) else ""
        if chunk[0] in "+-!" and self._at_word_start(start):
            rest = chunk[1:]
            if not (has_letters_or_digits(rest) or (not rest and _opens(follows))):
                return  # a dash standing alone (-, --, - -) is punctuation
            if not (chunk[0] in "+-" and rest[:1].isdigit()):  # -5 is a number, not NOT 5
                self.span = (start, start + 1)
                self.emit(Token("PLUS" if chunk[0] == "+" else "MINUS", raw=chunk[0]))
                self.span = (start + 1, end)
                chunk, start = rest, start + 1
                if not chunk:
                    return
                self._value(chunk, start, follows, operators=False)
                return
        self._value(chunk, start, follows, operators=True)

    def _value(self, chunk: str, start: int, follows: str, *, operators: bool) -> None:
        """A chunk without its prefix operator: an operator, field clauses, or a word."""
        if operators and self._operator(chunk):
            return
        while True:
            match = _FIELD.match(chunk)
            if not match or chunk[match.end() :].startswith("//"):  # http://... is a word
                break
            name, value = match.group(1), chunk[match.end() :]
            field = FIELDS.get(name.lower())
            if field is not None:
                self._field(field, name, value, start + match.end(), follows)
                return
            near = _GDELT_NEAR.fullmatch(name)
            if near and not value and _opens(follows) and follows != "(":
                self.emit(Token("NEARFIELD", raw=chunk, number=int(near.group(1))))
                return
            if value or _opens(follows):
                self.notes.add(f"no field '{name}:' — searched '{name}' as a word (fields: {FIELD_LIST})")
            self._word(name)
            chunk, start = value, start + match.end()
            if not chunk:
                return
        self._word(chunk)

    def _operator(self, chunk: str) -> bool:
        """Emit the operator ``chunk`` is, if it is one (in a question in capitals only the symbols
        and NEAR/n are)."""
        if chunk in _OPERATOR_WORDS and not (self.words_only and chunk.isalpha()):
            kind = {"AND": "AND", "&&": "AND", "OR": "OR", "||": "OR", "NOT": "NOT"}[chunk]
            self.emit(Token(kind, raw=chunk))
            return True
        near = _NEAR.fullmatch(chunk)
        if not near or (self.words_only and near.group(1) is None):
            return False
        distance = None
        if near.group(1) is not None:
            if near.group(1).isdigit() and len(near.group(1)) <= 6:
                distance = int(near.group(1))
            else:
                self.notes.add(f"'{restore(chunk)}': the distance after NEAR/ is a number of words; used {DEFAULT_NEAR}")
        self.emit(Token("NEAR", raw=restore(chunk), number=distance))
        return True

    def _field(self, field: str, name: str, value: str, value_start: int, follows: str) -> None:
        if value:
            if value[0] in "[{":
                self.i = value_start
                self._range(field, name)
                return
            self.emit(Token("FIELD", text=field, raw=name + ":"))
            self._word(value)
            return
        if _opens(follows):
            self.emit(Token("FIELD", text=field, raw=name + ":"))
            return
        rest = self.text[self.i :].lstrip()
        following = rest.split(None, 1)[0] if rest else ""
        if not rest or rest[0] == ")" or following in _OPERATOR_WORDS or _NEAR.fullmatch(following):
            hint = _EMPTY_FIELD.get(field, 'give a word or "phrase" to look for in it')
            raise BadQuery(f"nothing after '{name}:' — {hint}")
        self.notes.add(f"'{name}: ' has nothing right after the colon, so '{name}' was searched as a word "
                       f"(write {name}:word to search one field)")
        self._word(name)

    def _range(self, field: str, name: str) -> None:
        text, start = self.text, self.i
        close = re.compile(r"[\]}]").search(text, start + 1)
        example = "ranges look like date:[2024-11-01 TO 2024-11-30]"
        if close is None:
            raise BadQuery(f"unclosed range '{restore(name + ':' + text[start:])[:60]}' — {example}")
        content = text[start + 1 : close.start()]
        raw = restore(f"{name}:{text[start : close.end()]}")
        parts = _RANGE_PARTS.fullmatch(content)
        if parts is None:
            raise BadQuery(f"range '{raw}' has no TO — {example}")
        low, high = (restore(p).strip(_QUOTES + "'") for p in parts.groups())
        self.i = close.end()
        self.span = (self.span[0], self.i)
        self.emit(Token("FIELD", text=field, raw=name + ":"))
        token = Token("RANGE", raw=raw, low=low, high=high, include_low=text[start] == "[",
                      include_high=text[close.start()] == "]")
        self.emit(self._suffixed(token))

    def _word(self, chunk: str) -> None:
        raw = restore(chunk)
        if chunk.startswith("/"):
            regex = _REGEX.fullmatch(chunk.rstrip(".,;:!?"))
            if regex:
                self.emit(Token("REGEX", text=restore(regex.group(1), keep_backslash=True), raw=raw))
                return
        word = strip_edges(chunk)
        boost = tilde = None
        suffix = _SUFFIX.search(word)
        base = word[: suffix.start()] if suffix else ""
        if suffix and (has_letters_or_digits(base) or (base and set(base) == {"*"})):
            for part in _SUFFIX_PART.finditer(suffix.group()):
                if part.group(1) == "^":
                    boost = part.group(2)
                else:
                    tilde = part.group(2)
            word = strip_edges(base)
        if word and set(word) <= {"*", "?"} and "*" in word:
            self.emit(Token("WORD", text=word, raw=raw, boost=boost, tilde=tilde, wildcard=True))
            return
        if not has_letters_or_digits(restore(word)):
            if raw.strip(_SENTENCE_MARKS):  # "&", "=", "—": said, not silently dropped
                self.notes.add(f"ignored '{raw}' (nothing searchable in it)")
            return
        wildcard = "*" in word or "?" in word
        self.emit(Token("WORD", text=restore(word), raw=raw, boost=boost, tilde=tilde, wildcard=wildcard))


def _balance(tokens: list[Token], notes: Notes) -> list[Token]:
    """Drop brackets without a partner (with a note): stray brackets are common in pasted text."""
    open_at: list[int] = []
    dropped: set[int] = set()
    for index, token in enumerate(tokens):
        if token.kind == "LPAREN":
            open_at.append(index)
        elif token.kind == "RPAREN":
            if open_at:
                open_at.pop()
            else:
                dropped.add(index)
                notes.add("an unmatched ')' was ignored")
    if open_at:
        dropped.update(open_at)
        notes.add("an unmatched '(' was ignored")
    return [t for i, t in enumerate(tokens) if i not in dropped] if dropped else tokens
