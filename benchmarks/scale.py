"""A million articles on one machine: newsearch beside SQLite FTS5 and Tantivy, at 10k, 100k and 1M articles.

    nice .venv/bin/python benchmarks/scale.py [--sizes 10000,100000,1000000] [--work DIR] [--engines ...]

The corpus is built deterministically (seed 19) from ``../shared/corpora``:
real headlines (BBC, Reuters) and bodies of 3 to 18 real sentences drawn
from all their articles, recombined; dates spread over 2000-2025 with a time
of day; 200 sources ("Leeds Herald", "Nairobi Times", ...) with Zipf-like
shares. It is written as JSON Lines, 10,000 records a file, and a size takes
the first files (10k = 1 file, 1M = 100 files); it is kept in ``--work``
between runs (about 1.5 GB at 1M).

At every size, for each engine, in child processes: index time, articles/s,
peak RSS of the process tree (sampled every 0.1 s), index size on disk, and
the latency of 12 fixed queries (two-word names, a frequent word, phrases,
AND, a date-filtered query, a 30-word question, a prefix): cold (a fresh
process per query, start-up included, the OS file cache warm) and warm (one
process, a warm-up pass, then 3 rounds), as p50/p95 over all runs.
newsearch runs as a user runs it (``newsearch index``, ``newsearch query
--json``; warm through ``newsearch.search.service.search``), SQLite FTS5 as
sqlite-utils sets it up (porter tokenizer, ``ORDER BY rank``, one
transaction), Tantivy through its Python binding (en_stem, 2 threads). With
``--baseline-up-to N`` the straightforward Whoosh script
(baseline_whoosh.py) is timed too at sizes up to N.

Targets at 1M, newsearch: warm p95 < 500 ms, no query over the 5 s deadline,
peak RSS <= 1 GB.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
import shutil
import sqlite3
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from benchmarks.common import BBC, PYTHON, REPO, REUTERS, baseline_index, machine, newsearch_index, run, verdict

PER_FILE = 10_000
SEED = 19
CITIES = [
    "London", "Manchester", "Leeds", "Glasgow", "Dublin", "Boston", "Chicago", "Denver", "Seattle", "Austin",
    "Toronto", "Sydney", "Auckland", "Cape Town", "Lagos", "Nairobi", "Mumbai", "Delhi", "Singapore", "Hong Kong",
    "Houston", "Phoenix", "Atlanta", "Miami", "Detroit",
]
PAPERS = ["Times", "Herald", "Post", "Chronicle", "Gazette", "Tribune", "Observer", "Daily News"]
QUESTION = (
    "what did the prime minister and the chancellor say about rising oil prices and higher interest rates"
    " for families and small businesses in the north of england during the winter"
)
# (kind, words, year): rendered in each engine's own syntax by the functions below
QUERIES = [
    ("name", "Tony Blair", None),
    ("name", "Gordon Brown", None),
    ("name", "Wall Street", None),
    ("name", "Federal Reserve", None),
    ("word", "government", None),
    ("phrase", "prime minister", None),
    ("phrase", "interest rates", None),
    ("and", "oil prices", None),
    ("and", "bank dollar", None),
    ("date", "election", 2010),
    ("question", QUESTION, None),
    ("prefix", "econom", None),
]
TARGET_P95_MS = 500
DEADLINE_S = 5.0
MEMORY_LIMIT_MB = 1024


def newsearch_query(kind: str, words: str, year: int | None) -> str:
    if kind == "phrase":
        return f'"{words}"'
    if kind == "and":
        return " AND ".join(words.split())
    if kind == "prefix":
        return words + "*"
    if kind == "date":
        return f"{words} date:{year}"
    return words


def tantivy_query(kind: str, words: str, year: int | None) -> str:
    if kind == "phrase":
        return f'"{words}"'
    if kind == "and":
        return " ".join("+" + w for w in words.split())
    if kind == "prefix":
        return words + "*"
    if kind == "date":
        return f"+date:[{year}-01-01T00:00:00Z TO {year + 1}-01-01T00:00:00Z] +({words})"
    return words


def fts5_query(kind: str, words: str, year: int | None) -> tuple[str, tuple]:
    """(MATCH expression, date bounds or ())."""
    quoted = [f'"{w}"' for w in words.split()]
    if kind == "phrase":
        return f'"{words}"', ()
    if kind == "and":
        return " AND ".join(quoted), ()
    if kind == "prefix":
        return words + "*", ()
    if kind == "date":
        return " OR ".join(quoted), (f"{year}", f"{year + 1}")
    return " OR ".join(quoted), ()


# --- the corpus ---------------------------------------------------------------------------------------------


def _real_articles() -> tuple[list[str], list[str]]:
    titles, sentences = [], []
    split = re.compile(r"(?<=[.!?])\s+(?=[A-Z\"'])")

    def add(title: str, body: str) -> None:
        if title.strip():
            titles.append(" ".join(title.split()))
        for s in split.split(" ".join(body.replace("Reuter", " ").split())):
            if 30 <= len(s) <= 400:
                sentences.append(s)

    for path in sorted(BBC.rglob("*.txt")):
        title, _, body = path.read_bytes().decode("utf-8", "replace").strip().partition("\n")
        add(title, body)
    with gzip.open(REUTERS, "rt", encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            add(record.get("title") or "", record.get("body") or "")
    return titles, sentences


def build_corpus(folder: Path, size: int) -> list[Path]:
    """The first ``size`` articles' files (written the first time, then reused: same seed, same bytes)."""
    files = [folder / f"part-{n:04d}.jsonl" for n in range((size + PER_FILE - 1) // PER_FILE)]
    missing = [f for f in files if not f.exists()]
    if missing:
        folder.mkdir(parents=True, exist_ok=True)
        titles, sentences = _real_articles()
        sources = [f"{city} {paper}" for city in CITIES for paper in PAPERS]
        weights = [1 / (rank + 1) ** 0.8 for rank in range(len(sources))]
        start, span = 946_684_800, 26 * 365 * 86_400  # 2000-01-01 UTC, 26 years
        for path in missing:
            rng = random.Random(f"{SEED}-{path.name}")
            picked = rng.choices(sources, weights, k=PER_FILE)
            tmp = path.with_suffix(".tmp")
            with open(tmp, "w", encoding="utf-8") as out:
                for n in range(PER_FILE):
                    when = time.gmtime(start + rng.randrange(span))
                    body = " ".join(rng.choices(sentences, k=rng.randint(3, 18)))
                    record = {"title": rng.choice(titles), "date": time.strftime("%Y-%m-%dT%H:%M:%S", when), "source": picked[n], "body": body}
                    out.write(json.dumps(record, ensure_ascii=False) + "\n")
            tmp.rename(path)
    return files


def _records(files: list[str]):
    for name in files:
        with open(name, encoding="utf-8") as handle:
            for line in handle:
                yield json.loads(line)


# --- child processes: each engine's indexing and querying ----------------------------------------------------


def child_fts5_index(db: str, files: list[str]) -> None:
    con = sqlite3.connect(db)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("CREATE TABLE articles (id INTEGER PRIMARY KEY, title TEXT, body TEXT, source TEXT, date TEXT)")
    con.execute("CREATE VIRTUAL TABLE articles_fts USING fts5(title, body, content=articles, content_rowid=id, tokenize='porter')")
    with con:
        rows = ((r["title"], r["body"], r["source"], r["date"]) for r in _records(files))
        con.executemany("INSERT INTO articles (title, body, source, date) VALUES (?, ?, ?, ?)", rows)
        con.execute("INSERT INTO articles_fts (rowid, title, body) SELECT id, title, body FROM articles")
    con.execute("CREATE INDEX articles_date ON articles (date)")
    con.close()


def child_fts5_query(db: str, queries: list) -> list[float]:
    con = sqlite3.connect(db)
    times = []
    for match, bounds in queries:
        started, cpu = time.perf_counter(), time.process_time()
        sql = (
            "SELECT a.id, a.title, snippet(articles_fts, 1, '<b>', '</b>', '…', 20) FROM articles_fts"
            " JOIN articles a ON a.id = articles_fts.rowid WHERE articles_fts MATCH ?"
        )
        params: list = [match]
        if bounds:
            sql += " AND a.date >= ? AND a.date < ?"
            params += list(bounds)
        con.execute(sql + " ORDER BY rank LIMIT 10", params).fetchall()
        con.execute("SELECT count(*) FROM articles_fts WHERE articles_fts MATCH ?", [match]).fetchone()
        times.append((time.perf_counter() - started, time.process_time() - cpu))
    return times


def _tantivy_schema():
    import tantivy

    sb = tantivy.SchemaBuilder()
    sb.add_text_field("title", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("body", stored=True, tokenizer_name="en_stem")
    sb.add_text_field("source", stored=True, tokenizer_name="raw")
    sb.add_date_field("date", stored=True, indexed=True, fast=True)
    return sb.build()


def child_tantivy_index(folder: str, files: list[str]) -> None:
    import datetime

    import tantivy

    index = tantivy.Index(_tantivy_schema(), path=folder)
    writer = index.writer(heap_size=256_000_000, num_threads=2)
    for r in _records(files):
        when = datetime.datetime.fromisoformat(r["date"])
        writer.add_document(tantivy.Document(title=r["title"], body=r["body"], source=r["source"], date=when))
    writer.commit()
    writer.wait_merging_threads()


def child_tantivy_query(folder: str, queries: list) -> list[float]:
    import tantivy

    index = tantivy.Index.open(folder)
    searcher = index.searcher()
    times = []
    for text in queries:
        started, cpu = time.perf_counter(), time.process_time()
        query = index.parse_query(text, ["title", "body"])
        result = searcher.search(query, 10, count=True)
        snippets = tantivy.SnippetGenerator.create(searcher, query, index.schema, "body")
        for _, address in result.hits:
            snippets.snippet_from_doc(searcher.doc(address)).to_html()
        times.append((time.perf_counter() - started, time.process_time() - cpu))
    return times


def child_newsearch_query(index: str, queries: list) -> list[float]:
    from newsearch.search.service import search

    times = []
    for text in queries:
        started, cpu = time.perf_counter(), time.process_time()
        result = search(index, text)
        elapsed = time.perf_counter() - started
        if any("stopped after" in note for note in result.notes):
            elapsed = max(elapsed, DEADLINE_S)  # cut short: counted as over the deadline
        times.append((elapsed, time.process_time() - cpu))
    return times


CHILDREN = {
    "fts5-index": child_fts5_index, "tantivy-index": child_tantivy_index,
    "fts5-query": child_fts5_query, "tantivy-query": child_tantivy_query, "newsearch-query": child_newsearch_query,
}


def child(argv: list[str]) -> int:
    action, target, payload = argv[0], argv[1], json.loads(argv[2])
    if action.endswith("-index"):
        CHILDREN[action](target, payload)
        return 0
    queries, rounds = payload
    times = [CHILDREN[action](target, queries) for _ in range(rounds)]
    print(json.dumps(times))
    return 0


# --- the parent: measure, report ------------------------------------------------------------------------------


def engine_queries(engine: str) -> list:
    if engine == "fts5":
        return [list(fts5_query(*q)) for q in QUERIES]
    return [(tantivy_query if engine == "tantivy" else newsearch_query)(*q) for q in QUERIES]


def _child(engine_action: str, target: Path, payload) -> dict:
    return run([PYTHON, str(Path(__file__).resolve()), "--child", engine_action, str(target), json.dumps(payload)], sample_memory=True)


def disk_mb(path: Path) -> float:
    files = [path] if path.is_file() else [p for p in path.rglob("*") if p.is_file()]
    return sum(p.stat().st_size for p in files) / 2**20


def index_engine(engine: str, where: Path, files: list[str]) -> dict:
    if engine == "newsearch":
        done = newsearch_index(where, files)
        assert not done["report"].get("errors"), done["report"]
    elif engine == "whoosh-script":
        done = baseline_index(where, files)
        done["stdout"] = ""
    else:
        if engine == "tantivy":
            where.mkdir(parents=True)
        done = _child(f"{engine}-index", where, files)
    return {"seconds": done["seconds"], "cpu": done["cpu"], "peak_mb": done["peak_mb"], "disk_mb": disk_mb(where)}


def latencies(engine: str, where: Path) -> dict:
    queries = engine_queries(engine)
    cold = []
    for q in queries:
        if engine == "newsearch":
            out = run([PYTHON, "-m", "newsearch", "query", q, "--json", "--index", str(where)], cwd=REPO)
            cold.append(out["seconds"])
        else:
            cold.append(_child(f"{engine}-query", where, [[q], 1])["seconds"])
    warm_runs = json.loads(_child(f"{engine}-query", where, [queries, 4])["stdout"])[1:]  # the first pass warms up
    per_query = [statistics.median(t[0] for t in times) for times in zip(*warm_runs, strict=True)]
    per_query_cpu = [statistics.median(t[1] for t in times) for times in zip(*warm_runs, strict=True)]
    warm = [t[0] for times in warm_runs for t in times]
    warm_cpu = [t[1] for times in warm_runs for t in times]
    return {"cold": cold, "warm": warm, "warm_cpu": warm_cpu, "warm_per_query": per_query, "warm_per_query_cpu": per_query_cpu}


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))] * 1000


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        for extra in ("", "-wal", "-shm"):
            Path(str(path) + extra).unlink(missing_ok=True)


def measure(size: int, work: Path, engines: list[str], baseline_up_to: int) -> dict:
    files = [str(f) for f in build_corpus(work / "corpus", size)]
    results = {}
    for engine in engines + (["whoosh-script"] if size <= baseline_up_to else []):
        where = work / (f"{engine}-{size}" + (".db" if engine == "fts5" else ""))
        remove(where)
        figures = index_engine(engine, where, files)
        print(f"  {size:,} {engine}: indexed in {figures['seconds']:.1f} s, CPU {figures['cpu']:.1f} s, {figures['peak_mb']:.0f} MB peak, {figures['disk_mb']:.0f} MB on disk", flush=True)
        if engine != "whoosh-script":
            figures.update(latencies(engine, where))
            print(
                f"  {size:,} {engine}: cold p50/p95 {pct(figures['cold'], .5):.0f}/{pct(figures['cold'], .95):.0f} ms,"
                f" warm p50/p95 {pct(figures['warm'], .5):.1f}/{pct(figures['warm'], .95):.1f} ms"
                f" (CPU {pct(figures['warm_cpu'], .5):.1f}/{pct(figures['warm_cpu'], .95):.1f} ms)", flush=True,
            )
        results[engine] = figures
        (work / f"results-{size}.json").write_text(json.dumps(results, indent=1))
        remove(where)
    return results


def report(all_results: dict[int, dict]) -> bool:
    print()
    print(
        f"{'articles':>9} {'engine':13} {'index s':>8} {'CPU s':>7} {'art/s':>7} {'peak MB':>8} {'disk MB':>8}"
        f" {'cold p50/p95 ms':>16} {'warm p50/p95 ms':>16} {'warm CPU p50/p95':>17}"
    )
    for size, results in all_results.items():
        for engine, f in results.items():
            lat = ""
            if "cold" in f:
                lat = (
                    f"{pct(f['cold'], .5):>7.0f}/{pct(f['cold'], .95):<8.0f} {pct(f['warm'], .5):>7.1f}/{pct(f['warm'], .95):<8.1f}"
                    f" {pct(f['warm_cpu'], .5):>8.1f}/{pct(f['warm_cpu'], .95):<8.1f}"
                )
            print(
                f"{size:>9,} {engine:13} {f['seconds']:>8.1f} {f['cpu']:>7.1f} {size / f['seconds']:>7,.0f} {f['peak_mb']:>8.0f}"
                f" {f['disk_mb']:>8.0f} {lat}"
            )
    largest = max(all_results)
    ours = all_results[largest].get("newsearch")
    if not ours:
        return True
    print(f"\nnewsearch at {largest:,} articles, warm median per query, ms (wall / CPU):")
    for (kind, words, year), t, c in zip(QUERIES, ours["warm_per_query"], ours["warm_per_query_cpu"], strict=True):
        print(f"  {t * 1000:8.1f} / {c * 1000:8.1f}  {kind:8} {newsearch_query(kind, words, year)[:70]}")
    p95 = pct(ours["warm"], 0.95)
    over = sum(t >= DEADLINE_S for t in ours["warm"] + ours["cold"])
    checks = [
        (f"warm p95 < {TARGET_P95_MS} ms", p95 < TARGET_P95_MS, f"{p95:.0f} ms"),
        ("no query over the 5 s deadline", over == 0, f"{over} over"),
        (f"peak RSS <= {MEMORY_LIMIT_MB} MB (indexing)", ours["peak_mb"] <= MEMORY_LIMIT_MB, f"{ours['peak_mb']:.0f} MB"),
    ]
    if "whoosh-script" in all_results[largest]:
        ratio = all_results[largest]["whoosh-script"]["seconds"] / ours["seconds"]
        checks.append(("indexing vs the Whoosh script (>= 4x at 100k)", ratio >= (4 if largest >= 100_000 else 3), f"{ratio:.2f}x"))
    for name, ok, value in checks:
        print(f"  {name:48} {value:>12}  {verdict(ok)}")
    return all(ok for _, ok, _ in checks)


def main() -> int:
    if sys.argv[1:2] == ["--child"]:
        return child(sys.argv[2:])
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000,1000000", help="article counts, comma-separated (multiples of 10,000)")
    parser.add_argument("--work", type=Path, default=Path("/tmp/newsearch-scale"), help="where the corpus and indexes go (kept)")
    parser.add_argument("--engines", default="newsearch,fts5,tantivy")
    parser.add_argument("--baseline-up-to", type=int, default=100_000, help="time the Whoosh script at sizes up to this")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"machine: {machine()}")
    all_results = {}
    for size in sizes:
        print(f"{size:,} articles", flush=True)
        all_results[size] = measure(size, args.work, args.engines.split(","), args.baseline_up_to)
    return 0 if report(all_results) else 1


if __name__ == "__main__":
    sys.exit(main())
