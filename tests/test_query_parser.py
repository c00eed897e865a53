"""The query language (newsearch.query.parser): exact trees, notes and errors.

Every example of issue 11 and of the README's "Queries" section, precedence,
the default combination, the words and capitals rules, each unsupported
construct with its note and reading, the errors, the real questions of the
test collections, and property tests (random text never fails other than
with BadQuery; random structured queries over real news words parse to the
tree they were built as).
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import Path

import pytest
from conftest import CORPORA, corpus, invoke
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from query_strategies import NOW, cases, sample_articles, vocabulary

from newsearch.errors import BadQuery
from newsearch.query import tree as t
from newsearch.query.parser import MAX_QUERY_CHARS, parse_query
from newsearch.query.tree import (
    Bool,
    DateRange,
    Exists,
    Fuzzy,
    LanguageIs,
    MatchAll,
    Near,
    Phrase,
    SourceIs,
    Term,
    Wildcard,
    describe,
)

FUNCTION_NOTE = "common words not searched: {} — quote them to search for them"


def parse(text: str, **flags):
    return parse_query(text, now=NOW, **flags)


def tree_of(text: str, **flags) -> t.Node:
    return parse(text, **flags).tree


def name(text: str) -> Term:
    return Term(text, capitalised=True)


def day(text: str) -> datetime:
    return datetime.fromisoformat(text)


def should(*nodes: t.Node) -> Bool:
    return Bool(should=nodes)


def assert_tree(text: str, expected: t.Node, notes: list[str] | None = None, **flags) -> None:
    parsed = parse(text, **flags)
    assert describe(parsed.tree) == describe(expected), text
    assert parsed.tree == expected
    assert parsed.notes == (notes or []), text


# --- issue 11, as a new user tried it ------------------------------------------------

AL_JAZEERA_OR_REUTERS = Bool(must=(name("Ukraine"),), filter=(should(SourceIs("al jazeera"), SourceIs("reuters")),))


@pytest.mark.parametrize("text", [
    'Ukraine (source:"al jazeera" OR source:reuters)',
    '(source:"al jazeera" OR source:reuters) Ukraine',
])
def test_filters_in_groups_narrow_whichever_order(text):
    assert_tree(text, AL_JAZEERA_OR_REUTERS)


def test_filter_or_word_is_a_union():
    assert_tree("source:reuters OR Kyiv", should(SourceIs("reuters"), name("Kyiv")))


def test_dates_or_ed_in_a_group():
    years = should(DateRange(day("1987-01-01"), day("1988-01-01")), DateRange(day("2024-01-01"), day("2025-01-01")))
    assert_tree("(date:1987 OR date:2024) Ukraine", Bool(must=(name("Ukraine"),), filter=(years,)))


@pytest.mark.parametrize("word", ["O'Neill", "AT&T", "U.S.", "e-mail", "3.5%", "COVID-19", "$5bn"])
def test_words_with_punctuation_are_one_term(word):
    parsed = parse(word)
    assert parsed.tree == Term(word, capitalised=word[0].isupper())
    assert parsed.words == [word]


@pytest.mark.parametrize(("text", "expected", "notes"), [
    ("Blunket~", Fuzzy("Blunket", distance=2), []),
    ("Blunket~1", Fuzzy("Blunket", distance=1), []),
    ("Blunket~2", Fuzzy("Blunket", distance=2), []),
    ("Blair NEAR Brown", Near((Term("Blair"), Term("Brown")), distance=10), []),
    ("Blair NEAR/5 Brown", Near((Term("Blair"), Term("Brown")), distance=5), []),
    ("Blunkett^3", Term("Blunkett", boost=3.0, capitalised=True), []),
    ("/blunk.*/", Wildcard("blunk*"),
     ["'/blunk.*/': regular expressions are not supported; searched as the wildcard 'blunk*'"]),
    ("author:*", Bool(filter=(Exists("author"),)), []),
    ("oil AND", Term("oil"), ["'AND' with nothing to join on one side was ignored"]),
])
def test_syntax_from_other_engines(text, expected, notes):
    assert_tree(text, expected, notes)


def test_fuzzy_words_are_offered_to_suggestions():
    assert parse("Blunket~ Blair -Howard").words == ["Blunket", "Blair"]


def test_a_long_question_with_stray_punctuation_is_words_and_notes():
    text = ('What did the "white paper say about (tuition fees: the 2004 vote) and Mr Blair\'s rebels]?'
            ' Note:this is a long question)')
    parsed = parse(text)
    assert parsed.notes == [
        'an unmatched quote (") was ignored',
        "no field 'Note:' — searched 'Note' as a word (fields: title, author, section, source, date, lang)",
        "an unmatched ')' was ignored",
        FUNCTION_NOTE.format("what, did, the, about, and, this, is, a"),
    ]
    assert parsed.words == ["white", "paper", "say", "tuition", "fees", "2004", "vote", "Mr", "Blair's",
                            "rebels", "Note", "long", "question"]


# --- the README's table and rules ---------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Blinken Kyiv visit", should(name("Blinken"), name("Kyiv"), Term("visit"))),
    ('"arrived in Kyiv"', Phrase(("arrived", "in", "Kyiv"))),
    ('"Blair Brown"~3', Phrase(("Blair", "Brown"), slop=3)),
    ("elect*", Wildcard("elect*")),
    ("ky?v", Wildcard("ky?v")),
    ('Blair NEAR/5 "Gordon Brown"', Near((Term("Blair"), Phrase(("Gordon", "Brown"))), distance=5)),
    ("a1 NEAR b2 NEAR c3", Near((Term("a1"), Term("b2"), Term("c3")), distance=10)),
    ("Blair AND Howard", Bool(must=(name("Blair"), name("Howard")))),
    ("Blair OR Howard", should(name("Blair"), name("Howard"))),
    ("Blair NOT Howard", Bool(should=(name("Blair"),), must_not=(Term("Howard"),))),
    ("Blair -Howard", Bool(should=(name("Blair"),), must_not=(Term("Howard"),))),
    ("+Blair Brown", Bool(must=(name("Blair"),), should=(name("Brown"),))),
    ("(Blair OR Brown) AND tax", Bool(must=(should(name("Blair"), name("Brown")), Term("tax")))),
    ('"home office"^2', Phrase(("home", "office"), boost=2.0)),
    ("(tax OR budget)^0.5", Bool(should=(Term("tax"), Term("budget")), boost=0.5)),
    ("title:budget", Term("budget", field="title")),
    ('author:"Jane Doe"', Phrase(("Jane", "Doe"), field="author")),
    ("section:politics", Term("politics", field="section")),
    ("title:(budget OR tax)", should(Term("budget", field="title"), Term("tax", field="title"))),
    ("section:*", Bool(filter=(Exists("section"),))),
    ("*", MatchAll()),
    ("source:reuters", Bool(filter=(SourceIs("reuters"),))),
    ('source:"al jazeera"', Bool(filter=(SourceIs("al jazeera"),))),
    ("lang:de", Bool(filter=(LanguageIs("de"),))),
])
def test_readme_examples(text, expected):
    assert_tree(text, expected)


@pytest.mark.parametrize(("text", "start", "end"), [
    ("date:2024-11", "2024-11-01", "2024-12-01"),
    ("date:2024-11-13", "2024-11-13", "2024-11-14"),
    ("date:>2024-11-01", "2024-11-02", None),
    ("date:>=2024-11", "2024-11-01", None),
    ("date:<2024-11", None, "2024-11-01"),
    ("date:<=2024", None, "2025-01-01"),
    ("date:[2024-11-01 TO 2024-11-30]", "2024-11-01", "2024-12-01"),
    ("date:{2024-11-01 TO 2024-11-30}", "2024-11-02", "2024-11-30"),
    ("date:[2024-11-01 TO 2024-11-30}", "2024-11-01", "2024-11-30"),
    ("date:[* TO 2024]", None, "2025-01-01"),
    ("date:[2024-10 TO *]", "2024-10-01", None),
    ("date:[2024-10 to today]", "2024-10-01", "2024-11-21"),
    ('date:"3 days ago"', "2024-11-17", "2024-11-18"),
    ('date:"last week"', "2024-11-11", "2024-11-18"),
    ("date:yesterday", "2024-11-19", "2024-11-20"),
    ('date:["last month" TO yesterday]', "2024-10-01", "2024-11-20"),
    ("date:>=2024-11-01 date:<2024-11-15", "2024-11-01", "2024-11-15"),
])
def test_date_forms(text, start, end):
    expected = DateRange(start and day(start), end and day(end))
    assert_tree(text, Bool(filter=(expected,)))


def test_since_and_until_flags_include_the_periods_they_name():
    assert_tree("oil", Bool(must=(Term("oil"),), filter=(DateRange(day("2024-11-01"), day("2024-12-01")),)),
                since="2024-11", until="2024-11")


def test_flags_intersect_with_date_clauses_and_narrow_an_explicit_or():
    expected = Bool(
        must=(should(Term("oil"), Term("gas")),),
        filter=(DateRange(day("2024-11-10"), day("2024-12-01")), should(SourceIs("Reuters"), SourceIs("BBC"))),
    )
    assert_tree("date:2024-11 (oil OR gas)", expected, since="2024-11-10", sources=("Reuters", "BBC"))


def test_source_flag_narrows_source_clauses_rather_than_adding_to_them():
    expected = Bool(must=(Term("oil"),), filter=(SourceIs("bbc"), SourceIs("Reuters")))
    assert_tree("oil source:bbc", expected, sources=("Reuters",))


def test_flags_alone_match_every_article_they_allow():
    assert_tree("", Bool(filter=(SourceIs("Reuters"),)), sources=("Reuters",))
    assert_tree("*", Bool(filter=(DateRange(day("2024-11-19"), None),)), since="yesterday")


# --- precedence ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("a1 OR b1 AND c1", should(Term("a1"), Bool(must=(Term("b1"), Term("c1"))))),
    ("a1 AND b1 OR c1", should(Bool(must=(Term("a1"), Term("b1"))), Term("c1"))),
    ("a1 b1 OR c1", should(Term("a1"), should(Term("b1"), Term("c1")))),
    ("a1 OR b1 c1", should(should(Term("a1"), Term("b1")), Term("c1"))),
    ("NOT a1 AND b1", Bool(must=(Term("b1"),), must_not=(Term("a1"),))),
    ("a1 AND NOT b1", Bool(must=(Term("a1"),), must_not=(Term("b1"),))),
    ("a1 OR NOT b1", should(Term("a1"), Bool(must_not=(Term("b1"),)))),
    ("NOT NOT a1", Term("a1")),
    ("a1 NEAR b1 AND c1", Bool(must=(Near((Term("a1"), Term("b1"))), Term("c1")))),
    ("-a1 NEAR b1", Bool(must_not=(Near((Term("a1"), Term("b1"))),))),
    ("(a1 OR b1) (c1 OR d1)", should(should(Term("a1"), Term("b1")), should(Term("c1"), Term("d1")))),
    ("a1 && b1 || c1", should(Bool(must=(Term("a1"), Term("b1"))), Term("c1"))),
    ("a1 AND (b1 OR c1 d1)", Bool(must=(Term("a1"), should(should(Term("b1"), Term("c1")), Term("d1"))))),
    ("-(a1 b1) c1", Bool(should=(Term("c1"),), must_not=(should(Term("a1"), Term("b1")),))),
    ("!a1 b1", Bool(should=(Term("b1"),), must_not=(Term("a1"),))),
])
def test_precedence(text, expected):
    assert_tree(text, expected)


def test_lower_case_operators_are_words():
    assert_tree("war and peace or not near", should(Term("war"), Term("peace"), Term("near")),
                [FUNCTION_NOTE.format("and, or, not")])


def test_operators_are_words_in_a_question_typed_in_capitals():
    assert_tree("BORDER DISPUTE BETWEEN ISRAEL AND SYRIA .",
                should(Term("BORDER"), Term("DISPUTE"), Term("ISRAEL"), Term("SYRIA")),
                [FUNCTION_NOTE.format("between, and")])
    # ...but not in a short one, nor when quotes show query syntax
    assert tree_of("ISRAEL AND SYRIA") == Bool(must=(Term("ISRAEL"), Term("SYRIA")))
    assert tree_of('"GAZA STRIP" AND ISRAEL OR SYRIA') == should(
        Bool(must=(Phrase(("GAZA", "STRIP")), Term("ISRAEL"))), Term("SYRIA"))


# --- the default combination ---------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("title:budget tax", Bool(must=(Term("budget", field="title"),), should=(Term("tax"),))),
    ("title:budget author:smith", Bool(must=(Term("budget", field="title"), Term("smith", field="author")))),
    ("(title:budget OR title:tax) vote", Bool(
        must=(should(Term("budget", field="title"), Term("tax", field="title")),), should=(Term("vote"),))),
    ("(title:budget OR tax) vote", should(should(Term("budget", field="title"), Term("tax")), Term("vote"))),
    ("Kyiv source:reuters", Bool(must=(name("Kyiv"),), filter=(SourceIs("reuters"),))),
    ("Kyiv Odesa date:2024", Bool(must=(should(name("Kyiv"), name("Odesa")),),
                                  filter=(DateRange(day("2024-01-01"), day("2025-01-01")),))),
    ("title:budget tax source:bbc", Bool(must=(Term("budget", field="title"),), should=(Term("tax"),),
                                         filter=(SourceIs("bbc"),))),
    ("source:reuters source:bbc oil", Bool(must=(Term("oil"),), filter=(should(SourceIs("reuters"), SourceIs("bbc")),))),
    ("source:reuters AND source:bbc", Bool(filter=(SourceIs("reuters"), SourceIs("bbc")))),
    ("lang:de lang:fr", Bool(filter=(should(LanguageIs("de"), LanguageIs("fr")),))),
    ("-source:reuters Kyiv", Bool(should=(name("Kyiv"),), must_not=(SourceIs("reuters"),))),
    ("-Blair", Bool(must_not=(Term("Blair"),))),
    ("* -Blair", Bool(must_not=(Term("Blair"),))),
    ("* Kyiv", Bool(should=(name("Kyiv"),), filter=(MatchAll(),))),
    ("Kyiv AND *", name("Kyiv")),
    ("author:* Kyiv", Bool(must=(name("Kyiv"),), filter=(Exists("author"),))),
    ("lang:* date:*", Bool(filter=(Exists("language"), Exists("date")))),
    ("+Kyiv", name("Kyiv")),
    ("(Kyiv source:reuters) OR Moscow", should(Bool(must=(name("Kyiv"),), filter=(SourceIs("reuters"),)), name("Moscow"))),
    ("title:(Kyiv source:bbc)", Bool(must=(Term("Kyiv", field="title"),), filter=(SourceIs("bbc"),))),
    ("source:(reuters OR bbc)", Bool(filter=(should(SourceIs("reuters"), SourceIs("bbc")),))),
    ("date:(>=2024-11 <2024-12)", Bool(filter=(DateRange(day("2024-11-01"), day("2024-12-01")),))),
])
def test_default_combination(text, expected):
    assert_tree(text, expected)


def test_brackets_of_plain_words_are_the_words_around_them():
    assert tree_of("(Medical Literature Analysis) retrieval") == tree_of("Medical Literature Analysis retrieval")


def test_date_limits_that_do_not_overlap_say_so():
    assert_tree("date:2023 date:2024", Bool(filter=(DateRange(day("2024-01-01"), day("2024-01-01")),)),
                ["the date limits leave no time in between; nothing can match"])
    assert parse("oil", since="2024-11", until="2024-10").notes == ["--since is after --until; nothing can match"]


# --- capitals and function words -----------------------------------------------------------

def test_capitalised_words_prefer_names_outside_phrases_fields_and_negations():
    assert_tree('Blair "Home Office" title:Budget -Howard (Brown OR Straw)',
                Bool(must=(Term("Budget", field="title"),),
                     should=(name("Blair"), Phrase(("Home", "Office")), should(name("Brown"), name("Straw"))),
                     must_not=(Term("Howard"),)))


def test_capitals_tell_nothing_in_a_query_typed_mostly_in_capitals():
    assert tree_of("NATO NUCLEAR FLEET") == should(Term("NATO"), Term("NUCLEAR"), Term("FLEET"))
    assert tree_of("US") == name("US")


@pytest.mark.parametrize(("text", "expected", "dropped"), [
    ("the war in Ukraine", should(Term("war"), name("Ukraine")), "the, in"),
    ("sanctions by the US in May", should(Term("sanctions"), name("US"), name("May")), "by, the, in"),
    ("it may rain", Term("rain"), "it, may"),
    ("WHAT IT IS", Term("IT"), "what, is"),
    ("The Who", name("Who"), "the"),
    ("the who", should(Term("the"), Term("who")), None),
    ("to be or not to be", should(*map(Term, ["to", "be", "or", "not", "to", "be"])), None),
    ('"the" war', should(Term("the"), Term("war")), None),
    ('the "war in Ukraine"', Phrase(("war", "in", "Ukraine")), "the"),
    ("title:the war", Bool(must=(Term("the", field="title"),), should=(Term("war"),)), None),
    ("war AND the", Bool(must=(Term("war"), Term("the"))), None),
    ("the -war", Bool(should=(Term("the"),), must_not=(Term("war"),)), None),
    ("(the war) of words", should(Term("war"), Term("words")), "the, of"),
    ("the^2 war", should(Term("the", boost=2.0), Term("war")), None),
])
def test_function_words(text, expected, dropped):
    assert_tree(text, expected, [FUNCTION_NOTE.format(dropped)] if dropped else [])


# --- words and their punctuation ----------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("Kyiv?", name("Kyiv")),
    ("war,", Term("war")),
    ("'quoted'", Term("quoted")),
    ("U.S", name("U.S")),
    ("e.g.,", Term("e.g.")),
    ("Inc.", name("Inc")),
    ("machine-", Term("machine")),
    ("Anglo-Irish", name("Anglo-Irish")),
    ("-5", Term("-5")),
    ("+44", Term("+44")),
    ("http://example.com/a", Term("http://example.com/a")),
    ("10:30", Term("10:30")),
    ("AT\\&T", name("AT&T")),
    ('\\"quoted\\"', Term('"quoted"')),
    ("title\\:x", Term("title:x")),
    ("elect\\*", Term("elect*")),
    ("“curly quotes”", Phrase(("curly", "quotes"))),
    ("Ky\u200biv", name("Kyiv")),
    ("wom?n?", Wildcard("wom?n")),
    ("?slip?", Term("slip")),
    ("/boat-tail/", Term("boat-tail")),
    ("nutrition: requirements", should(Term("nutrition"), Term("requirements"))),
    ("log(x + c)", should(Term("log"), Term("x"), Term("c"))),
    ("x1 - - y1 -- z1", should(Term("x1"), Term("y1"), Term("z1"))),
    ("end -", Term("end")),
    ("nutrition:", Term("nutrition")),
    ("U.S . AID , aims ! ?", should(name("U.S"), name("AID"), Term("aims"))),
])
def test_word_edges(text, expected):
    assert_tree(text, expected)


# --- unsupported or odd syntax: a note and a reading -------------------------------------------

@pytest.mark.parametrize(("text", "expected", "note"), [
    ("/[bp]lunk/", Term("lunk"), "'/[bp]lunk/': regular expressions are not supported; searched as the word 'lunk'"),
    ("oil /.../", Term("oil"), "'/.../': regular expressions are not supported; ignored"),
    ("title:/blunk.+/", Wildcard("blunk?*", field="title"),
     "'/blunk.+/': regular expressions are not supported; searched as the wildcard 'blunk?*'"),
    ("OR oil", Term("oil"), "'OR' with nothing to join on one side was ignored"),
    ("oil AND AND gas", Bool(must=(Term("oil"), Term("gas"))), "'AND' with nothing to join on one side was ignored"),
    ("oil NEAR", Term("oil"), "'NEAR' with nothing to join on one side was ignored"),
    ("oil NOT", Term("oil"), "'NOT' with nothing after it was ignored"),
    ("foo:bar", should(Term("foo"), Term("bar")),
     "no field 'foo:' — searched 'foo' as a word (fields: title, author, section, source, date, lang)"),
    ("title: budget", should(Term("title"), Term("budget")),
     "'title: ' has nothing right after the colon, so 'title' was searched as a word (write title:word to search one field)"),
    ('"a1 b1"~', Phrase(("a1", "b1")),
     '"a1 b1"~: \'~\' after a phrase takes a number of words ("a b"~5); searched the exact phrase'),
    ('"Kyiv"~2', Term("Kyiv"), "\"Kyiv\"~2: '~' after one quoted word has no effect; write word~ for a fuzzy word"),
    ("word^", Term("word"), "'word^': '^' takes a number (word^2); ignored"),
    ("word^1.2.3", Term("word"), "'word^1.2.3': '^' takes a number (word^2); ignored"),
    ("word~7", Fuzzy("word", distance=2), "'word~7': at most 2 edits; searched word~2"),
    ("word~0.8", Fuzzy("word", distance=1), "'word~0.8': '~' takes a number of edits (0, 1 or 2); searched word~1"),
    ("elect*~", Wildcard("elect*"),
     "'elect*~': a word cannot be both a wildcard and fuzzy; searched as the wildcard 'elect*'"),
    ('"elect* results"', Phrase(("elect", "results")),
     '"elect* results": wildcards do not work inside quotes; searched "elect results"'),
    ("Blair NEAR (Brown OR Howard)", Bool(must=(name("Blair"), should(name("Brown"), name("Howard")))),
     "'Blair NEAR (Brown OR Howard)': NEAR joins words or \"phrases\" of one field; searched with AND"),
    ("a1 NEAR/5 b1 NEAR/3 c1", Near((Term("a1"), Term("b1"), Term("c1")), distance=5),
     "'a1 NEAR/5 b1 NEAR/3 c1': one distance per NEAR chain; used the largest, 5"),
    ("a1 NEAR/x b1", Near((Term("a1"), Term("b1"))), "'NEAR/x': the distance after NEAR/ is a number of words; used 10"),
    ("a1^2 NEAR b1", Near((Term("a1"), Term("b1"))), "'a1^2 NEAR b1': boosts inside NEAR were ignored"),
    ("source:reuters^2", Bool(filter=(SourceIs("reuters"),)),
     "'source:reuters^2': filters do not change the ranking; the boost was ignored"),
    ("source:reut*", Bool(filter=(SourceIs("reut"),)), "'source:reut*': source: takes a name, not a pattern; searched source:reut"),
    ("lang:en-GB", Bool(filter=(LanguageIs("en"),)), "'lang:en-GB' searched as lang:en (languages are matched by their two-letter code)"),
    ("title:[a1 TO b1]", Bool(must=(Term("a1", field="title"), Term("b1", field="title"))),
     "'title:[a1 TO b1]': ranges work only on date:; searched 'a1' and 'b1' in title"),
    ("(a1 b1)~2", should(Term("a1"), Term("b1")), "'~' after brackets has no meaning; ignored"),
    ("oil ()", Term("oil"), "empty brackets '()' were ignored"),
    ('oil ""', Term("oil"), 'empty quotes "" were ignored'),
    ("a1 OR +b1", should(Term("a1"), Term("b1")), "'+' inside OR has no effect (one side of an OR is enough)"),
    ("**", MatchAll(), "'**' has no letters; read as '*'"),
    ("*?", MatchAll(), None),
    ("oil 🔥", Term("oil"), "ignored '🔥' (nothing searchable in it)"),
    ("Procter & Gamble", should(name("Procter"), name("Gamble")), "ignored '&' (nothing searchable in it)"),
    ("oil — gas", should(Term("oil"), Term("gas")), "ignored '—' (nothing searchable in it)"),
    ('near20:"trump putin"', Near((Term("trump"), Term("putin")), distance=20), None),
    ("near20:trump", should(Term("near20"), Term("trump")),
     "no field 'near20:' — searched 'near20' as a word (fields: title, author, section, source, date, lang)"),
])
def test_unsupported_syntax_is_a_note_and_a_reading(text, expected, note):
    assert_tree(text, expected, [note] if note else [])


def test_long_queries_are_cut_with_a_note():
    parsed = parse("kyiv " * 3000)
    assert parsed.notes == [f"query cut to its first {MAX_QUERY_CHARS:,} characters"]
    assert parsed.tree == Bool(should=(Term("kyiv"),) * 2000)


def test_notes_echo_what_was_typed_on_one_printable_line():
    parsed = parse("oil \x1b[2J\nfoo:\x07bar AND")
    assert parsed.notes and all(note.isprintable() for note in parsed.notes)


# --- errors: only what a query-language user writes wrong ---------------------------------------

@pytest.mark.parametrize(("text", "message"), [
    ("", "empty query — give words to search for"),
    ("   ", "empty query — give words to search for"),
    ("AND OR", "'AND OR' is only operators — give words to search for"),
    ("NOT", "'NOT' is only operators — give words to search for"),
    ("?!", "nothing to search for in '?!'"),
    ("()", "nothing to search for in '()'"),
    ("title:", "nothing after 'title:' — give a word or \"phrase\" to look for in it"),
    ("Kyiv title:)", "nothing after 'title:' — give a word or \"phrase\" to look for in it"),
    ("title: AND x", "nothing after 'title:' — give a word or \"phrase\" to look for in it"),
    ("title:(", "nothing after 'title:' — give a word or \"phrase\" to look for in it"),
    ("source:", "nothing after 'source:' — give a source name, e.g. source:reuters"),
    ('source:""', "nothing to look for in 'source:\"\"'"),
    ("date:", "nothing after 'date:' — e.g. date:2024-11, date:>2024-11-01, date:[2024-11-01 TO 2024-11-30]"),
    ("lang:", "nothing after 'lang:' — give a language code, e.g. lang:en"),
    ("date:[x TO", "unclosed range 'date:[x TO' — ranges look like date:[2024-11-01 TO 2024-11-30]"),
    ("date:[2024 2025]", "range 'date:[2024 2025]' has no TO — ranges look like date:[2024-11-01 TO 2024-11-30]"),
    ("date:last week", "cannot understand the date in 'date:last' — dates are a day, month or year"),
    ("date:2024-13", "cannot understand the date in 'date:2024-13'"),
    ("date:[2024 TO soon]", "cannot understand the dates in 'date:[2024 TO soon]'"),
    ("lang:english", "'lang:english': give a two-letter language code (ISO 639-1), e.g. lang:en"),
    ("(" * 60 + "a" + ")" * 60, "brackets nested more than 50 deep"),
])
def test_bad_queries(text, message):
    with pytest.raises(BadQuery) as error:
        parse(text)
    assert str(error.value).startswith(message)


@pytest.mark.parametrize(("flags", "message"), [
    ({"since": "soon"}, "--since soon: cannot understand date 'soon'"),
    ({"until": "2024-02-30"}, "--until 2024-02-30: cannot understand date '2024-02-30'"),
    ({"sources": (" ",)}, "--source needs a source name, e.g. --source reuters"),
])
def test_bad_flags(flags, message):
    with pytest.raises(BadQuery, match=re.escape(message)):
        parse("oil", **flags)


# --- the real questions of the test collections -------------------------------------------------

def _collection_queries() -> list[tuple[str, str]]:
    files = [corpus("time", "queries.tsv"), *sorted(corpus("collections").glob("*/queries.tsv"))]
    out = []
    for path in files:
        for line in path.read_text(encoding="utf-8").splitlines():
            qid, _, text = line.partition("\t")
            out.append((f"{path.parent.name}/{qid}", text))
    return out


_PROSE_NOTES = re.compile(r"an unmatched [()] was ignored|ignored '[^\w\s]' \(nothing searchable in it\)")


def test_every_collection_question_parses_with_at_most_a_punctuation_note():
    questions = _collection_queries()
    assert len(questions) > 400
    noted = 0
    for qid, text in questions:
        parsed = parse(text)
        assert parsed.words, qid
        other = [n for n in parsed.notes if not n.startswith("common words not searched: ")]
        assert all(_PROSE_NOTES.fullmatch(n.replace("'('", "(").replace("')'", ")")) for n in other), (qid, other)
        noted += bool(other)
        assert all(isinstance(leaf, Term | Phrase) for leaf in t.positive_leaves(parsed.tree)), qid
    assert noted <= len(questions) // 100


def test_collection_questions_keep_the_words_ranking_kept():
    """The free words left after function-word dropping are the ones the Whoosh ranking code keeps."""
    from newsearch.engines.whoosh.ranking import query_words

    for qid, text in _collection_queries():
        if re.search(r"[()\"'/:?]|(?<!\S)[-+]", text):
            continue  # the ranking code has no notion of brackets, quotes, fields or -word
        parsed = [leaf.text.lower() for leaf in t.positive_leaves(parse(text).tree)]  # type: ignore[union-attr]
        ranked = [w.lower() for w in query_words(text)]
        assert [w for w in parsed if w.isalpha()] == [w for w in ranked if w.isalpha()], qid


# --- property tests ------------------------------------------------------------------------------

_PIECES = st.sampled_from([
    "Kyiv", "a", "the", " ", " ", "  ", "(", ")", '"', "“", ":", "title:", "date:", "source:", "lang:", "author:",
    "foo:", "near5:", "*", "?", "~", "^", "2", "0.5", "-", "+", "!", "\\", "AND", "OR", "NOT", "NEAR", "NEAR/3",
    "&&", "[", "]", "{", "}", " TO ", "2024", "2024-11", ">", "<=", "/", "x.*", ".", ",", "'", "O'Neill", "U.S.",
    "\n", "\x00", "é", "🔥",
])
_QUERY_TEXT = st.one_of(st.text(max_size=200), st.lists(_PIECES, max_size=40).map("".join))


def _check_valid(node: t.Node) -> None:
    """The invariants engines may rely on."""
    for child in t.walk(node):
        assert isinstance(child, (*t.WORD_NODES, Bool, *t.FILTER_NODES))
        if isinstance(child, Bool):
            assert child.must or child.should or child.must_not or child.filter
        if isinstance(child, Near):
            assert len(child.clauses) >= 2 and all(isinstance(c, Term | Phrase) for c in child.clauses)
            assert child.distance >= 0
        if isinstance(child, Phrase):
            assert len(child.words) >= 2 and all(child.words) and child.slop >= 0
        if isinstance(child, Fuzzy):
            assert 0 <= child.distance <= 2 and child.text
        if isinstance(child, Term | Wildcard):
            assert (child.text if isinstance(child, Term) else child.pattern).strip()
        if isinstance(child, Term | Phrase | Wildcard | Fuzzy):
            assert child.field in (None, *t.TEXT_FIELDS)


@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_QUERY_TEXT)
def test_any_text_gives_a_valid_tree_or_one_clear_error(text):
    try:
        parsed = parse(text)
    except BadQuery as error:
        assert str(error) and str(error).isprintable()
        return
    _check_valid(parsed.tree)
    assert all(note.isprintable() for note in parsed.notes)
    assert len(set(parsed.notes)) == len(parsed.notes)
    leaves = [n for n in t.positive_leaves(parsed.tree) if isinstance(n, Term | Fuzzy)]
    assert set(parsed.words) <= {n.text for n in leaves}
    assert parse(text) == parsed  # deterministic


_VOCABULARY = None


def _vocabulary():
    global _VOCABULARY
    if _VOCABULARY is None:
        _VOCABULARY = vocabulary(sample_articles())
    return _VOCABULARY


@pytest.mark.skipif(not CORPORA.exists(), reason="corpora not available")
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_structured_queries_over_news_words_parse_to_the_tree_they_were_built_as(data):
    case = data.draw(cases(_vocabulary()))
    parsed = parse(case.text)
    assert describe(parsed.tree) == describe(case.tree), case.text
    assert set(parsed.notes) == case.notes, case.text


def test_the_sample_articles_and_their_vocabulary_are_real():
    articles = sample_articles()
    assert len(articles) >= 250 and {a.source for a in articles} >= {"Reuters"}
    vocab = vocabulary(articles)
    assert len(vocab.words) == 300 and vocab.phrases and vocab.names and vocab.months
    bodies = " ".join(" ".join(a.body.split()) for a in articles)
    assert all(" ".join(p) in bodies for p in vocab.phrases)


# --- the help text ---------------------------------------------------------------------------------

def test_query_help_shows_the_syntax(runner):
    result = invoke(runner, "query", "--help")
    assert result.exit_code == 0
    assert "Blair NEAR/5 Brown" in result.output and "date:[2024-11-01 TO 2024-11-30]" in result.output
    assert max(len(line) for line in result.output.splitlines()) <= 80


def test_readme_documents_every_example_it_shows_the_parser_accepting():
    """Each query in the README's "Queries" tables parses (without BadQuery)."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Queries", 1)[1].split("\n### ", 1)[0]
    examples = re.findall(r"^\| (`.*?`(?:, `.*?`)*) \|", section, re.MULTILINE)
    queries = [q for row in examples for q in re.findall(r"`([^`]+)`", row) if not q.startswith("--")]
    assert len(queries) > 30
    for query in queries:
        parse(query.replace("…", "2024-11-01"))
