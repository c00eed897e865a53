"""Fitted weights of the text-scrape publisher model (``text_sources.py``).

Written by ``benchmarks/fit_extraction.py`` from the developers' pages; do not
edit by hand. Each weight multiplies the feature of the same name.
"""

SOURCE_WEIGHTS: dict[str, float] = {
    'bias': -4.8432,
    'self_reference': 2.4066,
    'credit_after_slash': -0.1026,
    'credit_before_slash': -0.7333,
    'commissioned': -1.9659,
    'logo_line': -2.9124,
    'dateline': 0.0281,
    'byline_tail': 0.7854,
    'staff_line': -0.0638,
    'weak_reference': 1.9510,
    'mentions': 2.9982,
    'agency': -1.4610,
    'person_like': 0.6340,
    'in_author': 1.6378,
    'words': 1.3588,
}
