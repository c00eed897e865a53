"""The straightforward Whoosh script from the issue: the baseline every figure is compared with.

StemmingAnalyzer on title and body, both stored, one writer, one commit. It
reads the same corpus the benchmarks index (BBC .txt: first line the title,
the rest the body; Reuters JSON Lines: one document per record), so timings
include reading, as newsearch's do.

    python benchmarks/baseline_whoosh.py [--procs N] INDEX_DIR PATH...

``--procs N`` uses Whoosh's own multiprocessing writer instead
(``ix.writer(procs=N, multisegment=True)``: N sub-writers, their segments
kept as they are rather than merged), to measure what it gives.
"""

from __future__ import annotations

import gzip
import json
import os
import sys
import time


def iter_documents(paths):
    for given in paths:
        if os.path.isdir(given):
            files = sorted(
                os.path.join(d, f) for d, _, fs in os.walk(given) for f in fs if f.endswith((".txt", ".jsonl", ".jsonl.gz"))
            )
        else:
            files = [given]
        for path in files:
            if path.endswith((".jsonl.gz", ".jsonl")):
                opener = gzip.open if path.endswith(".gz") else open
                with opener(path, "rt", encoding="utf-8") as handle:
                    for n, line in enumerate(handle, 1):
                        if line.strip():
                            record = json.loads(line)
                            yield {"id": f"{path}#{n}", "title": record.get("title") or "", "body": record.get("body") or ""}
            else:
                with open(path, "rb") as handle:
                    text = handle.read().decode("utf-8", errors="replace")
                title, _, body = text.strip().partition("\n")
                yield {"id": path, "title": title, "body": body}


def main(index_dir: str, paths: list[str], procs: int = 1) -> int:
    from whoosh import index
    from whoosh.analysis import StemmingAnalyzer
    from whoosh.fields import ID, TEXT, Schema

    started = time.perf_counter()
    os.makedirs(index_dir, exist_ok=True)
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=StemmingAnalyzer(), stored=True), body=TEXT(analyzer=StemmingAnalyzer(), stored=True))
    ix = index.create_in(index_dir, schema)
    writer = ix.writer(procs=procs, multisegment=True) if procs > 1 else ix.writer()
    count = 0
    for doc in iter_documents(paths):
        writer.add_document(**doc)
        count += 1
    writer.commit()
    print(json.dumps({"articles": count, "seconds": time.perf_counter() - started}))
    return 0


if __name__ == "__main__":
    args = sys.argv[1:]
    procs = 1
    if args[:1] == ["--procs"]:
        procs, args = int(args[1]), args[2:]
    sys.exit(main(args[0], args[1:], procs))
