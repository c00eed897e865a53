"""Fitted weights of the text-scrape publisher model (``text_sources.py``).

Written by ``benchmarks/fit_extraction.py`` from the developers' pages; do not
edit by hand. Each weight multiplies the feature of the same name.
"""

SOURCE_WEIGHTS: dict[str, float] = {
    'bias': -4.0763,
    'self_reference': 2.8097,
    'credit_after_slash': 0.3928,
    'credit_before_slash': -0.0484,
    'commissioned': -0.1614,
    'logo_line': -3.0738,
    'dateline': 0.3167,
    'byline_tail': 0.4204,
    'staff_line': -0.3199,
    'weak_reference': 0.4410,
    'mentions': 2.6377,
    'agency': -1.3488,
    'person_like': 0.0752,
    'in_author': 2.0482,
    'words': 1.5226,
}
