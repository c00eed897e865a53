"""Extraction accuracy on real pages, held out by site: ../shared/corpora/pages and pages2.

Every page's article-region text scrape (``<id>.txt``) and saved page
(``<id>.html.gz``) go through ``newsearch.ingest.read_articles`` exactly as the
indexer calls it. The headline model is fitted (benchmarks/fit_extraction.py)
in a cross-validation grouped by site: the pages of both sets are split into
five folds by the domain of their URL, and each fold is extracted with weights
fitted on the other four, so every figure printed is for sites the weights
never saw. Comparison with the publisher's truth:

- title: equal after NFKC, casefold, whitespace and quote normalisation;
- date: the truth's own calendar day (the page's local day, not a UTC day);
- source: equal after the same normalisation and without a leading "The",
  scored only on pages whose text scrape names the publisher as a word.

Beside ours, in the same run: "the first line is the title" for the text
scrapes, trafilatura alone and newspaper4k alone (``bench`` extra) for the
saved pages. Run from the repository root:

    python benchmarks/extraction.py [--sets pages pages2] [--misses] [--no-baseline] [--shipped] [--strict]
"""

from __future__ import annotations

import argparse
import re
import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from fit_extraction import (  # noqa: E402
    C,
    CORPORA,
    PAGE_SETS,
    Page,
    bbc_negatives,
    fit,
    fit_html,
    fit_sources,
    html_text,
    load_pages,
    norm,
)

from newsearch.ingest import html_titles, read_articles, text_sources, titles  # noqa: E402
from newsearch.models import Article  # noqa: E402

FOLDS = 5
# Targets on English pages, held out by site, from the extraction issue; "all" for every language.
TARGETS = {
    ("txt", "title", "en"): 0.85, ("txt", "date", "en"): 0.82, ("txt", "source", "en"): 0.60,
    ("html", "title", "en"): 0.93, ("html", "date", "en"): 0.96, ("html", "source", "en"): 0.95,
    ("txt", "title", "all"): 0.78, ("html", "title", "all"): 0.92,
}
FIELDS = ("title", "date", "source")


def norm_source(text: str | None) -> str:
    """Names compare without case, a leading "The", spaces and punctuation ("TimesLIVE" = "Times Live")."""
    return re.sub(r"[\W_]+", "", re.sub(r"^the ", "", norm(text)))


def names(text: str, publisher: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(publisher) + r"(?!\w)", text) is not None


def score(found: dict, truth: dict, page_text: str) -> dict[str, bool | None]:
    publisher = truth.get("publisher")
    day = str(truth.get("date") or "")[:10]
    return {
        "title": norm(found.get("title")) == norm(truth.get("title")) if truth.get("title") else None,
        "date": (found.get("date") or "")[:10] == day if day else None,
        "source": (norm_source(found.get("source")) == norm_source(publisher)
                   if publisher and names(page_text, publisher) else None),
    }


def ours(data: bytes, path: str) -> dict:
    for item in read_articles(data, path, "bench"):
        if isinstance(item, Article):
            return {"title": item.title, "date": item.date_text, "source": item.source}
    return {}


def trafilatura_alone(html: bytes) -> dict:
    import trafilatura

    doc = trafilatura.bare_extraction(html, with_metadata=True)
    if doc is None:
        return {}
    return {"title": doc.title, "date": doc.date, "source": doc.sitename}


def newspaper_alone(html: bytes) -> dict:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import tldextract
        from newspaper import Article as Paper

    # Offline: tldextract would fetch the public suffix list and wait for the network on every URL.
    if not isinstance(getattr(tldextract.tldextract, "_offline", None), bool):
        tldextract.tldextract.TLD_EXTRACTOR = tldextract.TLDExtract(suffix_list_urls=())
        tldextract.tldextract._offline = True

    paper = Paper("http://example.invalid/")
    try:
        paper.download(input_html=html.decode("utf-8", "replace"))
        paper.parse()
    except Exception:
        return {}
    date = paper.publish_date.isoformat() if paper.publish_date else None
    source = paper.meta_site_name or None
    return {"title": paper.title, "date": date, "source": source}


def first_line(text: str) -> dict:
    line = next((line for line in text.splitlines() if line.strip()), "")
    return {"title": line.strip(), "date": None, "source": None}


def fold_of(page: Page) -> int:
    return zlib.crc32(page.group.encode()) % FOLDS


def held_out_runs(pages: list[Page], c: float, shipped: bool) -> dict[str, list[dict]]:
    """Our extraction of every page, each with weights fitted on the other folds' sites."""
    rows: dict[str, list[dict]] = {"txt": [], "html": []}
    negatives = [] if shipped else bbc_negatives()
    for k in range(FOLDS):
        test = [p for p in pages if fold_of(p) == k]
        train = [p for p in pages if fold_of(p) != k]
        weights = titles.TITLE_WEIGHTS if shipped else fit(train, c)
        html_weights = html_titles.HTML_TITLE_WEIGHTS if shipped else fit_html(train)
        sources = text_sources.SOURCE_WEIGHTS if shipped else fit_sources(train, negatives)
        with titles.using_weights(weights), text_sources.using_weights(sources), \
                html_titles.using_weights(html_weights):
            for page in test:
                txt = page.txt.decode("utf-8", "replace")
                for kind, path in (("txt", page.txt_path), ("html", page.html_path)):
                    found = ours(path.read_bytes(), str(path))
                    rows[kind].append({"page": page, "found": found, **score(found, page.truth, txt)})
    return rows


def baseline_runs(pages: list[Page], html_baselines: bool) -> dict[str, list[dict]]:
    rows: dict[str, list[dict]] = {"first line = title": [], "trafilatura alone": [], "newspaper4k alone": []}
    for page in pages:
        txt = page.txt.decode("utf-8", "replace")
        rows["first line = title"].append({"page": page, **score(first_line(txt), page.truth, txt)})
        if html_baselines:
            html = html_text(page)
            rows["trafilatura alone"].append({"page": page, **score(trafilatura_alone(html), page.truth, txt)})
            rows["newspaper4k alone"].append({"page": page, **score(newspaper_alone(html), page.truth, txt)})
    return rows


def share(rows: list[dict], field: str, english_only: bool, page_set: str) -> tuple[float, int]:
    values = [r[field] for r in rows
              if r[field] is not None and r["page"].set == page_set and (r["page"].en or not english_only)]
    return (sum(values) / len(values) if values else 0.0), len(values)


def print_table(page_set: str, ours_rows: dict[str, list[dict]], base: dict[str, list[dict]]) -> int:
    """One page set's figures; returns how many targets were missed."""
    missed = 0
    print(f"\n{page_set}/ (held-out folds, grouped by site)")
    print(f"{'input':<24}{'field':<8}{'English':>14}{'all':>14}   targets (en / all)")
    for kind in ("txt", "html"):
        labels = [(kind, ours_rows[kind])]
        labels += [(f"  {name}", base[name]) for name in
                   (("first line = title",) if kind == "txt" else ("trafilatura alone", "newspaper4k alone"))]
        for label, rows in labels:
            if not rows:
                continue
            for field in FIELDS:
                if label == "  first line = title" and field != "title":
                    continue
                en, n_en = share(rows, field, True, page_set)
                every, n_all = share(rows, field, False, page_set)
                verdict = ""
                if not label.startswith(" "):
                    goals = [(TARGETS.get((kind, field, scope)), value)
                             for scope, value in (("en", en), ("all", every))]
                    shown = " / ".join(f"{g:.2f}" if g else "  - " for g, _ in goals)
                    fails = sum(1 for g, value in goals if g and value < g)
                    missed += fails
                    verdict = f"   {shown} {'FAIL' if fails else 'PASS'}"
                print(f"{label:<24}{field:<8}{en:>8.2f} ({n_en:>3}){every:>8.2f} ({n_all:>3}){verdict}")
    return missed


def print_misses(rows: dict[str, list[dict]], every_language: bool) -> None:
    for kind in ("txt", "html"):
        for row in rows[kind]:
            page = row["page"]
            for field in FIELDS:
                if (page.en or every_language) and row[field] is False:
                    want = page.truth.get("publisher" if field == "source" else field)
                    got = row["found"].get(field)
                    print(f"MISS {kind:4} {field:6} {page.set}/{page.id}: got {got!r} want {want!r}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=CORPORA)
    parser.add_argument("--sets", nargs="+", default=list(PAGE_SETS))
    parser.add_argument("--misses", action="store_true", help="print every miss on English pages")
    parser.add_argument("--all-misses", action="store_true", help="with --misses: on pages in every language")
    parser.add_argument("--no-baseline", action="store_true", help="skip trafilatura and newspaper4k (faster)")
    parser.add_argument("--shipped", action="store_true",
                        help="score with the shipped weights (fitted on every page: not a held-out figure)")
    parser.add_argument("--c", type=float, default=C, help="regularisation of the fit")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if not all((args.corpora / s).is_dir() for s in args.sets):
        print(f"no page sets {args.sets} in {args.corpora}", file=sys.stderr)
        return 2
    # Folds are drawn over both sets together (a site sits in one fold), whatever is printed.
    pages = load_pages(args.corpora, tuple(PAGE_SETS))
    rows = held_out_runs(pages, args.c, args.shipped)
    base = baseline_runs([p for p in pages if p.set in args.sets], not args.no_baseline)
    if args.misses:
        print_misses({k: [r for r in v if r["page"].set in args.sets] for k, v in rows.items()}, args.all_misses)
    missed = sum(print_table(s, rows, base) for s in args.sets)
    sites = len({p.group for p in pages})
    print(f"\n{len(pages)} pages from {sites} sites in {FOLDS} folds; (n) = pages scored."
          + (" SHIPPED WEIGHTS: not held out." if args.shipped else ""))
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
