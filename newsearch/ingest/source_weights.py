"""Fitted weights of the text-scrape publisher model (``text_sources.py``).

Written by ``benchmarks/fit_extraction.py`` from the developers' pages; do not
edit by hand. Each weight multiplies the feature of the same name.
"""

SOURCE_WEIGHTS: dict[str, float] = {
    'bias': -4.6683,
    'self_reference': 2.1536,
    'credit_after_slash': 0.9546,
    'credit_before_slash': -0.2835,
    'commissioned': -1.9707,
    'logo_line': -3.0147,
    'dateline': -0.0295,
    'byline_tail': 1.1460,
    'staff_line': -0.2891,
    'weak_reference': 1.8063,
    'mentions': 2.9115,
    'agency': -1.2540,
    'person_like': 0.7016,
    'in_author': 1.6061,
    'words': 1.5476,
}
