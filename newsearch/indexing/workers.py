"""Running tasks: in this process, or on a pool of worker processes, each with its own sink.

Workers get their tasks a few ahead, run them into the sink the engine gave
them (for Whoosh: private segments), and on "flush" hand back the sink's
parts for the run to commit. A worker dies with its parent (kill -9 leaves
no orphans) and ignores Ctrl-C, which is the parent's to handle.
"""

from __future__ import annotations

import os
import queue
import signal
from collections.abc import Callable
from typing import Any

from newsearch.engines.base import ArticleSink
from newsearch.errors import ExitCode, NewsearchError
from newsearch.indexing.tasks import TaskResult, run_task


class InlineRunner:
    """Serial runs: tasks run at once, in this process."""

    capacity = 1

    def __init__(self, sink: ArticleSink):
        self.sink = sink
        self._done: list[list[TaskResult]] = []
        self.outstanding = 0

    def submit(self, kind: str, payload) -> None:
        self._done.append(run_task(kind, payload, self.sink))
        self.sink.check()
        self.outstanding += 1

    def wait_one(self) -> list[TaskResult]:
        self.outstanding -= 1
        return self._done.pop(0)

    def flush(self, take: Callable[[list[TaskResult]], None]) -> list:
        while self.outstanding:
            take(self.wait_one())
        return self.sink.finish()

    def close(self) -> None:
        pass

    def kill(self) -> None:
        self.sink.cancel()


def _worker_main(open_sink: Callable[[], ArticleSink], tasks, results, parent: int) -> None:
    """A worker process: run tasks into its own sink until told to flush or stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with_parent(parent)
    sink = open_sink()
    while True:
        try:
            message = tasks.get(timeout=1.0)
        except queue.Empty:
            if os.getppid() != parent:  # the parent was killed: leave no orphans
                results.cancel_join_thread()
                os._exit(1)
            continue
        if message is None:
            break
        task_id, kind, payload = message
        try:
            if kind == "flush":
                results.put((task_id, sink.finish(), None))
            else:
                done = run_task(kind, payload, sink)
                sink.check()
                results.put((task_id, done, None))
        except BaseException as exc:  # reported to the parent, which stops the run
            # What the system refused (a full disk) and errors the user can act on (an OpenSearch cluster
            # gone away) are raised again as themselves in the parent, to be reported as such; anything
            # else is a bug, reported by name.
            system = isinstance(exc, (OSError, MemoryError, NewsearchError))  # (a cluster away: its own line)
            results.put((task_id, None, exc if system else f"{type(exc).__name__}: {exc}"))


def _die_with_parent(parent: int) -> None:
    """Have the kernel kill this worker when the parent dies (Linux), so kill -9 leaves no orphans.

    Elsewhere the worker notices at its next idle second (``os.getppid``); a read
    blocked on a message the dead parent only half wrote is why that is not enough.
    """
    try:
        import ctypes

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass
    if os.getppid() != parent:
        os._exit(1)


class WorkerDied(NewsearchError):
    """A worker process was killed (by the system, most often for memory): the run stops, commits kept."""

    exit_code = ExitCode.SYSTEM

    def __init__(self, exitcode: int | None):
        how = f"killed by signal {-exitcode}" if exitcode is not None and exitcode < 0 else f"exit code {exitcode}"
        super().__init__(
            f"an indexing worker process died ({how}; out of memory?) — what was committed is kept;"
            " run again, perhaps with fewer --jobs"
        )


class PoolRunner:
    """Worker processes, each with its own segment writer, fed a few tasks ahead."""

    def __init__(self, jobs: int, open_sink: Callable[[], ArticleSink], start_method: str | None = None):
        import multiprocessing
        import threading

        if start_method is None:
            # fork is quickest, but unsafe once threads run (Rich's refresh thread): use spawn then.
            methods = multiprocessing.get_all_start_methods()
            start_method = "fork" if "fork" in methods and threading.active_count() == 1 else "spawn"
        ctx: Any = multiprocessing.get_context(start_method)  # typeshed's BaseContext lacks Process
        self.capacity = jobs * 2
        self.results = ctx.Queue()
        self.queues = []
        self.procs = []
        self.owner: dict[int, int] = {}
        self.load = [0] * jobs
        self.outstanding = 0
        self._next_id = 0
        for _ in range(jobs):
            tasks = ctx.Queue()
            proc = ctx.Process(
                target=_worker_main,
                args=(open_sink, tasks, self.results, os.getpid()),
                daemon=True,
            )
            proc.start()
            self.queues.append(tasks)
            self.procs.append(proc)

    def _send(self, worker: int, kind: str, payload) -> int:
        task_id = self._next_id
        self._next_id += 1
        self.owner[task_id] = worker
        self.load[worker] += 1
        self.outstanding += 1
        self.queues[worker].put((task_id, kind, payload))
        return task_id

    def submit(self, kind: str, payload) -> None:
        self._send(min(range(len(self.load)), key=self.load.__getitem__), kind, payload)

    def _receive(self) -> tuple[int, Any]:
        while True:
            try:
                task_id, value, error = self.results.get(timeout=0.5)
            except queue.Empty:
                dead = [p for p in self.procs if not p.is_alive()]
                if dead:
                    raise WorkerDied(dead[0].exitcode) from None
                continue
            if isinstance(error, BaseException):
                raise error
            if error:
                raise RuntimeError(f"an indexing worker failed: {error}")
            self.load[self.owner.pop(task_id)] -= 1
            self.outstanding -= 1
            return task_id, value

    def wait_one(self) -> list[TaskResult]:
        return self._receive()[1]

    def flush(self, take: Callable[[list[TaskResult]], None]) -> list:
        """Every worker closes its segment once its queued tasks are done; returns the segments.

        The flush is queued behind each worker's own tasks at once, so a worker
        that runs out of tasks writes its segment while the others finish
        theirs; task results arriving meanwhile go to ``take``.
        """
        flushes = {self._send(worker, "flush", None) for worker in range(len(self.procs))}
        segments: list = []
        while self.outstanding:
            task_id, value = self._receive()
            if task_id in flushes:
                segments.extend(value)
            else:
                take(value)
        return segments

    def close(self) -> None:
        for tasks in self.queues:
            tasks.put(None)
        for proc in self.procs:
            proc.join(timeout=10)
        self.kill()

    def kill(self) -> None:
        for proc in self.procs:
            if proc.is_alive():
                proc.terminate()
        for proc in self.procs:
            proc.join(timeout=5)
            if proc.is_alive():
                proc.kill()
                proc.join(timeout=5)
        # Unsent tasks must not keep this process from exiting (the feeder threads would wait).
        for channel in (*self.queues, self.results):
            channel.cancel_join_thread()
            channel.close()
