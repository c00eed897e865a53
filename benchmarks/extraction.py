"""Extraction accuracy on real pages: ../shared/corpora/pages (126 pages, 15 languages).

For every page the article-region text scrape (``<id>.txt``) and the saved page
(``<id>.html.gz``) go through ``newsearch.ingest.read_articles`` exactly as the
indexer calls it, and the result is compared with the publisher's truth:

- title: equal after NFKC, casefold, whitespace and quote normalisation;
- date: same calendar day (the truth's local day or its UTC day: a text scrape
  shows the local day, page metadata give an instant we store in UTC);
- source: equal after the same normalisation and without a leading "The",
  scored only on pages whose article-region text (the .txt) names the
  publisher as a word (case-sensitive), for both inputs.

Baselines from the same run: "first line is the title" for the text scrapes,
trafilatura alone for the HTML. Run from the repository root:

    python benchmarks/extraction.py [--pages DIR] [--misses] [--no-baseline] [--strict]
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
import time
import unicodedata
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from newsearch.models import Article  # noqa: E402
from newsearch.ingest import read_articles  # noqa: E402

DEFAULT_PAGES = Path(__file__).resolve().parents[2] / "shared" / "corpora" / "pages"
# Targets on English pages, from the extraction issue.
TARGETS = {
    "txt": {"title": 0.75, "date": 0.65, "source": 0.70},
    "html": {"title": 0.90, "date": 0.97, "source": 0.93},
}
_QUOTES = str.maketrans({c: "'" for c in "‘’‚‛“”„‟«»‹›\"`´"})


def norm(text: str | None) -> str:
    text = unicodedata.normalize("NFKC", text or "").casefold().translate(_QUOTES)
    return " ".join(text.split())


def norm_source(text: str | None) -> str:
    """Names compare without case, a leading "The", spaces and punctuation ("TimesLIVE" = "Times Live")."""
    return re.sub(r"[\W_]+", "", re.sub(r"^the ", "", norm(text)))


def names(text: str, publisher: str) -> bool:
    return re.search(r"(?<!\w)" + re.escape(publisher) + r"(?!\w)", text) is not None


def truth_days(value: str | None) -> set[str]:
    if not value:
        return set()
    from datetime import datetime, timezone

    when = datetime.fromisoformat(value)
    days = {when.date().isoformat()}
    if when.tzinfo is not None:
        days.add(when.astimezone(timezone.utc).date().isoformat())
    return days


def score(found: dict, truth: dict, page_text: str) -> dict[str, bool | None]:
    publisher = truth.get("publisher")
    return {
        "title": norm(found.get("title")) == norm(truth.get("title")),
        "date": (found.get("date") or "")[:10] in truth_days(truth.get("date")) if truth.get("date") else None,
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


def first_line(text: str) -> dict:
    line = next((line for line in text.splitlines() if line.strip()), "")
    return {"title": line.strip(), "date": None, "source": None}


def share(rows: list[dict], field: str, english_only: bool) -> tuple[float, int]:
    values = [r[field] for r in rows if r[field] is not None and (r["en"] or not english_only)]
    return (sum(values) / len(values) if values else 0.0), len(values)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=Path, default=DEFAULT_PAGES)
    parser.add_argument("--misses", action="store_true", help="print every miss on English pages")
    parser.add_argument("--all-misses", action="store_true", help="with --misses: on pages in every language")
    parser.add_argument("--no-baseline", action="store_true", help="skip the baselines (faster)")
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args()
    if not args.pages.is_dir():
        print(f"no pages at {args.pages}", file=sys.stderr)
        return 2

    results: dict[str, list[dict]] = {"txt": [], "html": [], "txt-baseline": [], "html-baseline": []}
    seconds = {"txt": 0.0, "html": 0.0}
    for truth_file in sorted(args.pages.glob("*.truth.json")):
        page = truth_file.name[: -len(".truth.json")]
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        en = truth.get("language_hint") == "en"
        txt_path, html_path = args.pages / f"{page}.txt", args.pages / f"{page}.html.gz"
        txt_bytes, html_gz = txt_path.read_bytes(), html_path.read_bytes()
        txt, html = txt_bytes.decode("utf-8", "replace"), gzip.decompress(html_gz)

        # "The text names the publisher" is judged on the article-region text for both inputs.
        for kind, data, path in (("txt", txt_bytes, str(txt_path)), ("html", html_gz, str(html_path))):
            start = time.perf_counter()
            found = ours(data, path)
            seconds[kind] += time.perf_counter() - start
            results[kind].append({"page": page, "en": en, "found": found, "truth": truth,
                                  **score(found, truth, txt)})
        results["txt-baseline"].append({"en": en, **score(first_line(txt), truth, txt)})
        if not args.no_baseline:
            results["html-baseline"].append({"en": en, **score(trafilatura_alone(html), truth, txt)})

    if args.misses:
        for kind in ("txt", "html"):
            for row in results[kind]:
                for field in ("title", "date", "source"):
                    if (row["en"] or args.all_misses) and row[field] is False:
                        want = row["truth"].get("publisher" if field == "source" else field)
                        print(f"MISS {kind:4} {field:6} {row['page']}: got {row['found'].get(field)!r} want {want!r}")
        print()

    missed = 0
    print(f"{'input':<22}{'field':<8}{'English':>14}{'all':>14}{'target (en)':>13}")
    for kind in ("txt", "html"):
        for label, rows in ((kind, results[kind]), (f"{kind} baseline", results[f"{kind}-baseline"])):
            if not rows:
                continue
            baseline = label.endswith("baseline")
            if baseline:
                label = "  first line = title" if kind == "txt" else "  trafilatura alone"
            for field in ("title", "date", "source"):
                if baseline and kind == "txt" and field != "title":
                    continue
                en, n_en = share(rows, field, True)
                every, n_all = share(rows, field, False)
                target = "" if baseline else f"{TARGETS[kind][field]:.2f}"
                verdict = ""
                if not baseline:
                    verdict = "PASS" if en >= TARGETS[kind][field] else "FAIL"
                    missed += verdict == "FAIL"
                print(f"{label:<22}{field:<8}{en:>8.2f} ({n_en:>3}){every:>8.2f} ({n_all:>3})"
                      f"{target:>8} {verdict}")
    n = len(results["txt"])
    print(f"\n{n} pages; ours: {seconds['txt'] / max(n, 1) * 1000:.1f} ms/page (txt), "
          f"{seconds['html'] / max(n, 1) * 1000:.0f} ms/page (html). (n) = pages scored.")
    return 1 if args.strict and missed else 0


if __name__ == "__main__":
    sys.exit(main())
