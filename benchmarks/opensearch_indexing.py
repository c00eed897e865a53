"""Indexing into one local OpenSearch node: ``newsearch index`` against a bare ``streaming_bulk`` of the same
articles, pre-extracted, measured in the same round.

    python benchmarks/opensearch_indexing.py [--rounds N] [--url http://127.0.0.1:9200] [--limit N]

Without ``--url`` a node is started from the test kit (``tests/os_cluster.py``). The baseline is what a
hand-written loader does once extraction is done: the articles (read beforehand, untimed) sent with
opensearch-py's ``helpers.streaming_bulk`` (chunks of 1,000) into an index with the default mapping, then
one refresh. ``newsearch index`` does everything from the files: extraction in worker processes,
newsearch's analysis, bulk loading, the manifest, commits. Target: newsearch >= 0.8x the baseline's
rate (articles a second). Medians over rounds; wall and CPU seconds printed (the machine is shared).
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from benchmarks.common import BBC, REUTERS, machine, median, newsearch_index, verdict  # noqa: E402

TARGET = 0.8


def corpus(work: Path, limit: int | None) -> Path:
    """BBC (files) and Reuters (JSON Lines) in one folder, optionally cut to ``limit`` articles of each."""
    import gzip

    root = work / "articles"
    (root / "bbc").mkdir(parents=True)
    files = sorted(BBC.rglob("*.txt"))[:limit]
    for path in files:
        target = root / "bbc" / path.relative_to(BBC)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.symlink_to(path)
    with gzip.open(REUTERS, "rt", encoding="utf-8") as lines:
        records = [line for line in lines if json.loads(line).get("body")][:limit]
    (root / "reuters.jsonl").write_text("".join(records), "utf-8")
    return root


def extracted(root: Path) -> list[dict]:
    """Every article of ``root`` as the ingester reads it (untimed: the baseline starts after extraction)."""
    from newsearch.indexing.files import discover, file_id
    from newsearch.ingest import read_articles
    from newsearch.models import Skip

    out = []
    for path in discover([str(root)], exclude=None):
        if isinstance(path, Skip):
            continue
        for article in read_articles(Path(path).read_bytes(), path, file_id(path)):
            if hasattr(article, "body"):
                out.append(article.to_dict())
    return out


def bare_bulk(url: str, docs: list[dict]) -> float:
    from opensearchpy import OpenSearch, helpers

    client = OpenSearch(hosts=[url], timeout=120)
    name = f"bare-{uuid.uuid4().hex[:8]}"
    client.indices.create(index=name, body={"settings": {"number_of_shards": 1, "number_of_replicas": 0,
                                                          "refresh_interval": "-1"}})
    started = time.perf_counter()
    actions = ({"_index": name, "_id": d["id"], "_source": d} for d in docs)
    for ok, item in helpers.streaming_bulk(client, actions, chunk_size=1000, max_retries=3):
        if not ok:
            raise RuntimeError(item)
    client.indices.refresh(index=name)
    seconds = time.perf_counter() - started
    client.indices.delete(index=name)
    return seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--url", help="a running node (default: start one from the test kit)")
    parser.add_argument("--limit", type=int, help="at most N BBC files and N Reuters records")
    parser.add_argument("--jobs", type=int, default=None)
    args = parser.parse_args(argv)
    print(machine(), file=sys.stderr)
    work = Path(tempfile.mkdtemp(prefix="newsearch-osbench-"))
    nodes = []
    try:
        url = args.url
        if url is None:
            import os_cluster

            nodes = os_cluster.start_nodes(work / "node", 1)
            url = nodes[0].url
        root = corpus(work, args.limit)
        docs = extracted(root)
        print(f"{len(docs):,} articles", file=sys.stderr)
        ours, bare, cpu = [], [], []
        for n in range(args.rounds):
            bare.append(bare_bulk(url, docs))
            extra = ["--jobs", str(args.jobs)] if args.jobs else []
            result = newsearch_index(f"{url}/bench-{uuid.uuid4().hex[:8]}", [str(root)], *extra)  # type: ignore[arg-type]
            assert result["report"]["added"] == len(docs), result["report"]
            ours.append(result["seconds"])
            cpu.append(result["cpu"])
            print(f"round {n + 1}: bare streaming_bulk {bare[-1]:.1f} s, newsearch index {ours[-1]:.1f} s"
                  f" ({cpu[-1]:.1f} CPU s)", file=sys.stderr)
        rate_bare, rate_ours = len(docs) / median(bare), len(docs) / median(ours)
        ratio = rate_ours / rate_bare
        print(f"bare streaming_bulk (pre-extracted)  {rate_bare:8.0f} articles/s  (median {median(bare):.1f} s)")
        print(f"newsearch index (from the files)     {rate_ours:8.0f} articles/s  (median {median(ours):.1f} s,"
              f" {median(cpu):.1f} CPU s)")
        print(f"newsearch / bare: x{ratio:.2f} (target x{TARGET}): {verdict(ratio >= TARGET)}")
        return 0 if ratio >= TARGET else 1
    finally:
        for node in nodes:
            node.stop()
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
