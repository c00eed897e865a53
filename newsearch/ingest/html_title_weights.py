"""Fitted weights of the saved-page title model (``html_titles.py``).

Written by ``benchmarks/fit_extraction.py`` from the developers' pages; do not
edit by hand. Each weight multiplies the feature of the same name.
"""

HTML_TITLE_WEIGHTS: dict[str, float] = {
    'bias': 0.0000,
    'json_ld': 0.6818,
    'open_graph': 0.1924,
    'title_element': 0.2541,
    'h1': 0.5040,
    'votes': 0.4081,
    'only_h1': 0.1149,
    'first_h1': 0.1001,
    'core': -0.1247,
    'extends': -0.1806,
    'glued': -1.2861,
    'cut': -0.6506,
    'site_name': -0.8258,
    'label': -0.1870,
    'words': 0.2095,
    'short': -1.3218,
}
