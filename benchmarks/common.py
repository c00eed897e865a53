"""Shared by the benchmarks: the corpus (and replicas of it), timed child processes, the machine."""

from __future__ import annotations

import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CORPORA = REPO.parent / "shared" / "corpora"
BBC = CORPORA / "bbc"
REUTERS = CORPORA / "reuters21578.jsonl.gz"
PYTHON = sys.executable
ENV = {**os.environ, "PYTHONPATH": str(REPO), "NO_COLOR": "1"}


def corpus_paths(work: Path, copies: int = 1) -> list[str]:
    """BBC + Reuters, ``copies`` times. Copies are folders of symlinks: new paths, so distinct ids."""
    if not BBC.is_dir() or not REUTERS.exists():
        sys.exit(f"corpus not found under {CORPORA}")
    if copies == 1:
        return [str(BBC), str(REUTERS)]
    paths = []
    for n in range(copies):
        root = work / f"copy{n}"
        if not root.exists():
            for src in BBC.rglob("*.txt"):
                target = root / "bbc" / src.relative_to(BBC)
                target.parent.mkdir(parents=True, exist_ok=True)
                target.symlink_to(src)
            (root / "reuters21578.jsonl.gz").symlink_to(REUTERS)
        paths.append(str(root))
    return paths


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of a process and all its descendants (Linux /proc)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
        rss[int(entry)] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE") // 1024
    total, todo = 0, [pid]
    while todo:
        current = todo.pop()
        total += rss.get(current, 0)
        todo.extend(children.get(current, []))
    return total


def run(cmd: list[str], *, sample_memory: bool = False, env: dict | None = None, cwd: Path | None = None) -> dict:
    """Run a child process: wall and CPU seconds (its whole tree), stdout, and peak RSS of the tree in MB (sampled every 0.1 s)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env or ENV, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0]
    if sample_memory and os.path.isdir("/proc"):

        def sample():
            while proc.poll() is None:
                peak[0] = max(peak[0], _tree_rss_kb(proc.pid))
                time.sleep(0.1)

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
    out, err = proc.communicate()
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    if proc.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err.strip()[-2000:]}")
    return {"seconds": wall, "cpu": cpu, "stdout": out, "stderr": err, "peak_mb": peak[0] / 1024}


def newsearch_index(index: Path, paths: list[str], *extra: str, repo: Path = REPO) -> dict:
    """``newsearch index`` of this checkout, or of the checkout at ``repo`` (same interpreter and libraries)."""
    env = {**ENV, "PYTHONPATH": str(repo)}
    cmd = [PYTHON, "-m", "newsearch", "index", *paths, "--index", str(index), "--quiet", "--json", *extra]
    result = run(cmd, sample_memory=True, env=env, cwd=repo)  # (python -m looks in the working directory first)
    result["report"] = json.loads(result["stdout"])
    return result


def baseline_index(index: Path, paths: list[str]) -> dict:
    result = run([PYTHON, str(REPO / "benchmarks" / "baseline_whoosh.py"), str(index), *paths], sample_memory=True)
    result["report"] = json.loads(result["stdout"])
    return result


def machine() -> str:
    model = ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({model or 'unknown CPU'}),"
        f" Python {platform.python_version()}, load average {load:.2f} at start"
    )


def median(values) -> float:
    return statistics.median(values)


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"
