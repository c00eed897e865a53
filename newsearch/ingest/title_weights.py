"""Fitted weights of the headline model (``titles.py``).

Written by ``benchmarks/fit_extraction.py`` from the developers' pages; do not
edit by hand. Each weight multiplies the feature of the same name.
"""

TITLE_WEIGHTS: dict[str, float] = {
    "bias": -3.0, "position": -0.3, "words": 0.5, "short": -1.0, "ends_with_stop": -2.0,
    "upper": -1.5, "has_date": -2.0, "next_meta": 2.0, "next_long": 1.0, "after_meta_or_label": 1.0,
    "date_below": 1.5, "byline_near": 1.0, "body_overlap": 2.0, "person_name": -2.0, "credit": -2.0,
    "label_like": -1.0, "in_menu": -1.5, "after_body_start": -1.5,
}
