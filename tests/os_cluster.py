"""Real OpenSearch 2.19.6 nodes for the tests, built from Maven Central jars (no Docker, no download of a
distribution): ``tests/opensearch/`` holds the kit (``pom.xml`` fetches the server and two modules,
``OsNode.java`` starts a node from them; see ``tests/opensearch/README.md``).

The jars and the compiled launcher go to ``~/.cache/newsearch-opensearch-2.19.6/`` once per machine
(~7 s cold); each node is a JVM started with ``--watch-stdin``, so a test process that dies takes its
nodes with it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

KIT = Path(__file__).resolve().parent / "opensearch"
VERSION = "2.19.6"


def cache_dir() -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / f"newsearch-opensearch-{VERSION}"


def missing_tools() -> str | None:
    """Why no node can be started here (None: Java and Maven are on the PATH)."""
    for tool in ("java", "javac", "mvn"):
        if shutil.which(tool) is None:
            return f"{tool} is not installed (OpenSearch tests need Java 17 and Maven)"
    return None


def build() -> tuple[Path, Path]:
    """The jar folder and the compiled OsNode, made once per machine."""
    cache = cache_dir()
    jars, classes = cache / "os-jars", cache / "os-classes"
    if not (jars / ".complete").exists():
        cache.mkdir(parents=True, exist_ok=True)
        subprocess.run(["mvn", "-q", "-B", "-f", str(KIT / "pom.xml"), "dependency:copy-dependencies",
                        f"-Dos.jars={jars}"], check=True, stdout=subprocess.DEVNULL)
        (jars / ".complete").touch()
    if not (classes / "OsNode.class").exists():
        classes.mkdir(parents=True, exist_ok=True)
        subprocess.run(["javac", "-d", str(classes), "-cp", f"{jars}/*", str(KIT / "OsNode.java")], check=True)
    return jars, classes


def free_ports(n: int) -> list[int]:
    """``n`` distinct ports free on 127.0.0.1 right now."""
    sockets = []
    try:
        for _ in range(n):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            sockets.append(s)
        return [s.getsockname()[1] for s in sockets]
    finally:
        for s in sockets:
            s.close()


@dataclass
class Node:
    """One OpenSearch JVM."""

    name: str
    home: Path
    http: int
    transport: int
    args: list[str] = field(default_factory=list)
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.http}"

    def start(self) -> None:
        jars, classes = build()
        self.home.mkdir(parents=True, exist_ok=True)
        out = open(self.home / "node.out", "w")
        err = open(self.home / "node.err", "w")
        self.process = subprocess.Popen(
            ["java", "-Xms512m", "-Xmx512m", "-Djava.locale.providers=SPI,COMPAT", "-cp", f"{classes}:{jars}/*",
             "OsNode", "--home", str(self.home), "--name", self.name, "--http", str(self.http),
             "--transport", str(self.transport), "--log-level", "warn", "--watch-stdin", *self.args],
            stdin=subprocess.PIPE, stdout=out, stderr=err)
        out.close()
        err.close()

    def wait_ready(self, timeout: float = 300.0) -> None:  # (a loaded 2-core machine: minutes)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if "OSNODE READY" in (self.home / "node.out").read_text(errors="replace"):
                return
            if self.process is None or self.process.poll() is not None:
                tail = (self.home / "node.err").read_text(errors="replace")[-2000:]
                raise RuntimeError(f"OpenSearch node {self.name} exited: {tail}")
            time.sleep(0.2)
        raise RuntimeError(f"OpenSearch node {self.name} not ready in {timeout:.0f} s")

    def kill(self) -> None:
        """kill -9: a crash."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        """A clean stop (closing stdin ends a --watch-stdin node), killed if it lingers."""
        if self.process is None or self.process.poll() is not None:
            return
        try:
            self.process.stdin.close()  # type: ignore[union-attr]
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.kill()


def start_nodes(root: Path, count: int = 1) -> list[Node]:
    """A cluster of ``count`` nodes under ``root``, each ready (HTTP answering) when this returns."""
    ports = free_ports(2 * count)
    https, transports = ports[:count], ports[count:]
    names = [f"node-{i + 1}" for i in range(count)]
    nodes = []
    for i, name in enumerate(names):
        args: list[str] = []
        if count > 1:
            args = ["--cluster", f"c{count}-{os.getpid()}",
                    "--seeds", ",".join(f"127.0.0.1:{p}" for p in transports),
                    "--initial", ",".join(names)]
        nodes.append(Node(name, root / name, https[i], transports[i], args))
    try:
        for node in nodes:
            node.start()
        for node in nodes:
            node.wait_ready()
    except BaseException:
        for node in nodes:
            node.kill()
        raise
    return nodes
