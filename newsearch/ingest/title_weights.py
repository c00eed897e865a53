"""Fitted weights of the headline model (``titles.py``).

Written by ``benchmarks/fit_extraction.py`` from the developers' pages; do not
edit by hand. Each weight multiplies the feature of the same name.
"""

TITLE_WEIGHTS: dict[str, float] = {
    'bias': 0.0000,
    'position': -0.9448,
    'candidate_rank': 0.2764,
    'words': -1.1106,
    'short': -1.3723,
    'long': 1.2621,
    'ends_with_stop': 0.0535,
    'question': -0.5012,
    'capitalised': 0.7134,
    'upper': -0.3046,
    'has_date': -0.4705,
    'repeated': 0.1759,
    'stated_twice': -0.7579,
    'next_meta': 0.6091,
    'next_long': 0.5864,
    'after_meta_or_label': 0.9558,
    'date_below': 1.1341,
    'byline_near': 1.5648,
    'no_meta_anywhere': 0.0000,
    'body_overlap': 1.1790,
    'slug_overlap': 0.6498,
    'person_name': -0.6535,
    'credit': -0.0008,
    'label_like': 0.4199,
    'in_menu': -0.0847,
    'after_body_start': -3.1110,
    'colon': 0.6553,
    'function_words': -0.0354,
    'digits': -0.7249,
    'joined': -0.3543,
    'first_candidate': 1.0735,
    'text_overlap': 2.2875,
    'before_longer_candidate': -0.8130,
    'after_shorter_candidate': 0.2156,
    'typical_length': 1.2756,
    'furniture': -0.2403,
}
