"""The query syntax in a few lines, for ``newsearch query --help`` (the README has the full grammar).

Kept as one string constant with Click's ``\\b`` markers (keep this paragraph
as it is), so the help text imports nothing.
"""

SYNTAX_HELP = """\
\b
Query syntax (the README's "Queries" section has all of it):
  Blinken Kyiv visit     any of the words; more of them ranks higher
  "arrived in Kyiv"      a phrase; "a b"~5 allows 5 words in between
  elect*  ky?v           wildcards: * any letters, ? one letter
  Blunket~  Blunket~1    fuzzy, up to 2 edits (word~: 0-2 by length)
  Blair NEAR/5 Brown     within 5 words, any order (NEAR alone: 10)
  Blair AND Howard       both; also OR, NOT, +word, -word, (brackets)
  Blunkett^3             weigh a word, "phrase" or (group) more
\b
  title:budget           required: also author:"Jane Doe", section:sport
  title:(budget OR tax)  a field on a bracketed group
  author:*               articles with an author (* alone: all articles)
  source:reuters lang:de filters: they narrow, unless OR-ed
  date:2024-11  date:>=2024-11-01  date:"3 days ago"  date:yesterday
  date:[2024-11-01 TO 2024-11-30]  date:[* TO 2024]
\b
AND binds tighter than OR: a OR b AND c is a OR (b AND c).
Common words (the, of, ...) beside other words are not searched:
quote them to search them. Whatever was not understood is in a note."""
