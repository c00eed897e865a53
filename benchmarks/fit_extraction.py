"""Fit the extraction models (text-scrape headline and publisher, saved-page title) on the developers' pages.

Every headline candidate of every page's text scrape is one sample: its
features (computed by the product's own code) and whether it gives the page's
true title. A logistic regression (scikit-learn: a benchmark-only dependency,
the ``bench`` extra) learns one weight per feature; the product ships the
weights in ``newsearch/ingest/title_weights.py`` and needs no fitting library.

``benchmarks/extraction.py`` uses :func:`fit` on the training folds of a
cross-validation grouped by site, so the figures it prints are for sites the
weights never saw. Run from the repository root to refit the shipped weights
on every page:

    python benchmarks/fit_extraction.py [--dry-run]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsearch.ingest import html_titles, text_sources  # noqa: E402
from newsearch.ingest.extract import extract_text, title_candidates  # noqa: E402
from newsearch.ingest.publishers import domain_key, name_keys, publisher_name  # noqa: E402
from newsearch.ingest.titles import FEATURES  # noqa: E402

CORPORA = Path(__file__).resolve().parents[2] / "shared" / "corpora"
PAGE_SETS = ("pages", "pages2")
WEIGHTS_FILE = Path(__file__).resolve().parents[1] / "newsearch" / "ingest" / "title_weights.py"
SOURCE_WEIGHTS_FILE = Path(__file__).resolve().parents[1] / "newsearch" / "ingest" / "source_weights.py"
HTML_WEIGHTS_FILE = Path(__file__).resolve().parents[1] / "newsearch" / "ingest" / "html_title_weights.py"
# BBC articles name no publisher: they teach the source model what a story that mentions
# names, but no publisher, looks like, and set how sure it must be before it names one.
BBC_NEGATIVES = 2225
# How far below zero the most publisher-like name of those stories is put.
SOURCE_MARGIN = 0.25
# Regularisation of the logistic regression (inverse strength), chosen by the grouped
# cross-validation in benchmarks/extraction.py (--c): larger values fit the dev pages
# closer and held-out sites worse.
C = 3.0
# The same for the saved-page title model (fewer candidates a page, fewer samples).
HTML_C = 0.3
_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛“”„‟«»‹›\"`´"})


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(_QUOTES)
    return " ".join(text.split())


@dataclass
class Page:
    """One page of a dev set: its truth, its two inputs, and the site it belongs to."""

    set: str
    id: str
    truth: dict
    txt_path: Path
    html_path: Path
    group: str
    en: bool
    samples: list[tuple[list[float], bool]] = field(default_factory=list)
    html_samples: list[tuple[list[float], bool]] | None = None
    source_samples: list[tuple[list[float], bool]] | None = None

    @property
    def txt(self) -> bytes:
        return self.txt_path.read_bytes()


def site_of(page_id: str, truth: dict) -> str:
    """The site a page comes from: its URL's domain, else the publisher in its file name."""
    domain = domain_key(truth.get("url"))
    if domain:
        return domain
    return re.sub(r"_\d{4}_\d\d_\d\d$", "", page_id)


def load_pages(root: Path = CORPORA, sets: tuple[str, ...] = PAGE_SETS) -> list[Page]:
    pages = []
    for name in sets:
        folder = root / name
        for truth_file in sorted(folder.glob("*.truth.json")):
            page_id = truth_file.name[: -len(".truth.json")]
            truth = json.loads(truth_file.read_text(encoding="utf-8"))
            pages.append(Page(name, page_id, truth, folder / f"{page_id}.txt", folder / f"{page_id}.html.gz",
                              site_of(page_id, truth), truth.get("language_hint") == "en"))
    return pages


def html_text(page: Page) -> bytes:
    return gzip.decompress(page.html_path.read_bytes())


def collect(page: Page) -> list[tuple[list[float], bool]]:
    """The page's title samples (features, is the true title), computed once and kept."""
    if not page.samples and page.truth.get("title"):
        want = norm(page.truth["title"])
        text = page.txt.decode("utf-8", "replace")
        page.samples = [(features, norm(title) == want) for title, features in title_candidates(text)]
    return page.samples


def collect_html(page: Page) -> list[tuple[list[float], bool]]:
    """The page's saved-page title samples (features, is the true title), computed once and kept."""
    if page.html_samples is None:
        import lxml.html

        from newsearch.ingest.html import decode_html, title_statements

        page.html_samples = []
        if page.truth.get("title"):
            want = norm(page.truth["title"])
            tree = lxml.html.document_fromstring(re.sub(r"^\s*<\?xml[^>]*\?>", "", decode_html(html_text(page))))
            page.html_samples = [(s.features, norm(s.text) == want) for s in title_statements(tree)]
    return page.html_samples


def same_publisher(name: str | None, publisher: str | None) -> bool:
    """Whether an extracted name is the truth's publisher (the benchmark's comparison, or a shared key)."""
    cleaned = publisher_name(name)
    if not cleaned or not publisher:
        return False
    flat = lambda n: re.sub(r"[\W_]+", "", re.sub(r"^the ", "", norm(n)))  # noqa: E731
    return flat(cleaned) == flat(publisher) or bool(name_keys(cleaned) & name_keys(publisher))


def collect_sources(page: Page) -> list[tuple[list[float], bool]]:
    """The page's publisher samples (features, is the publisher), computed once and kept."""
    if page.source_samples is None:
        text = page.txt.decode("utf-8", "replace")
        article = extract_text(text, id="fit", path=str(page.txt_path))
        publisher = page.truth.get("publisher")
        page.source_samples = [(features, same_publisher(name, publisher))
                               for name, features in text_sources.candidates(text[:200_000], article.title,
                                                                             article.author)]
    return page.source_samples


def bbc_negatives(root: Path = CORPORA, count: int = BBC_NEGATIVES) -> list[list[tuple[list[float], bool]]]:
    """The candidate names of each of the BBC corpus's stories, none of them a publisher."""
    files = sorted((root / "bbc").glob("*/*.txt"))[:count]
    stories = []
    for path in files:
        text = path.read_bytes().decode("utf-8", "replace")
        article = extract_text(text, id="fit", path=str(path))
        stories.append([(f, False) for _, f in text_sources.candidates(text, article.title, article.author)])
    return stories


def fit_sources(pages: list[Page], negatives: list[list[tuple[list[float], bool]]] = ()) -> dict[str, float]:
    """Weights of a logistic regression: is this candidate name the page's publisher?

    Classes are balanced (publishers are rare among the names a page shows), and
    the bias is then moved so that no name in a story without a publisher (the
    negatives) scores above zero, where the product starts to report one: an
    unnamed publisher stays unnamed. Pages whose truth states no publisher are
    left out: their names are unknown, not negatives (counting them as wrong
    taught the model that the publisher's own name, on those pages, is not one).
    """
    from sklearn.linear_model import LogisticRegression

    # A page whose truth names no publisher says nothing either way: its names are not negatives.
    groups = [collect_sources(page) for page in pages if page.truth.get("publisher")] + [list(g) for g in negatives]
    samples = [s for group in groups for s in group]
    model = LogisticRegression(C=1.0, class_weight="balanced", max_iter=5000)
    model.fit([f for f, _ in samples], [label for _, label in samples])
    weights = {"bias": float(model.intercept_[0])}
    weights.update({n: float(w) for n, w in zip(text_sources.FEATURES, model.coef_[0], strict=True)})
    with text_sources.using_weights(weights):
        highest = max((text_sources.score(f) for story in negatives for f, _ in story), default=0.0)
    weights["bias"] -= max(highest, 0.0) + SOURCE_MARGIN
    return weights


def fit(pages: list[Page], c: float = C) -> dict[str, float]:
    """Weights of the text-scrape headline model: a pairwise fit over each page's candidates."""
    return _fit_pairwise([collect(page) for page in pages], FEATURES, c)


def fit_html(pages: list[Page], c: float = HTML_C) -> dict[str, float]:
    """Weights of the saved-page title model: a pairwise fit over each page's stated titles."""
    return _fit_pairwise([collect_html(page) for page in pages], html_titles.FEATURES, c)


def _fit_pairwise(groups: list[list[tuple[list[float], bool]]], names: tuple[str, ...], c: float) -> dict[str, float]:
    """Weights of a pairwise logistic regression over the candidates of each page.

    The model only has to rank one page's candidates, so it learns from pairs:
    the true one against each other candidate of the same page (features
    subtracted), each page weighing the same however many candidates it has.
    Pages whose truth is no candidate teach nothing and are left out.
    """
    from sklearn.linear_model import LogisticRegression

    xs, ys, weights_of = [], [], []
    for samples in groups:
        good = [f for f, label in samples if label]
        bad = [f for f, label in samples if not label]
        if not good or not bad:
            continue
        for other in bad:
            diff = [a - b for a, b in zip(good[0], other, strict=True)]
            xs += [diff, [-d for d in diff]]
            ys += [1, 0]
            weights_of += [1 / len(bad)] * 2
    model = LogisticRegression(C=c, fit_intercept=False, max_iter=5000)
    model.fit(xs, ys, sample_weight=weights_of)
    weights = {"bias": 0.0}
    weights.update({name: float(w) for name, w in zip(names, model.coef_[0], strict=True)})
    return weights


def write_weights(weights: dict[str, float], path: Path = WEIGHTS_FILE, constant: str = "TITLE_WEIGHTS",
                  model: str = "headline model (``titles.py``)") -> None:
    lines = ",\n".join(f"    {name!r}: {value:.4f}" for name, value in weights.items())
    path.write_text(
        f'"""Fitted weights of the {model}.\n\n'
        "Written by ``benchmarks/fit_extraction.py`` from the developers' pages; do not\n"
        "edit by hand. Each weight multiplies the feature of the same name.\n"
        '"""\n\n'
        f"{constant}: dict[str, float] = {{\n{lines},\n}}\n",
        encoding="utf-8",
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dry-run", action="store_true", help="print the weights, do not write them")
    parser.add_argument("--c", type=float, default=C)
    args = parser.parse_args()
    pages = load_pages()
    weights = fit(pages, args.c)
    html_weights = fit_html(pages)
    sources = fit_sources(pages, bbc_negatives())
    for label, values in (("title", weights), ("html", html_weights), ("source", sources)):
        for name, value in values.items():
            print(f"{label:<8}{name:<24}{value:+.3f}")
    if not args.dry_run:
        write_weights(weights)
        write_weights(html_weights, HTML_WEIGHTS_FILE, "HTML_TITLE_WEIGHTS",
                      "saved-page title model (``html_titles.py``)")
        write_weights(sources, SOURCE_WEIGHTS_FILE, "SOURCE_WEIGHTS",
                      "text-scrape publisher model (``text_sources.py``)")
        print(f"wrote {WEIGHTS_FILE}, {HTML_WEIGHTS_FILE} and {SOURCE_WEIGHTS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
