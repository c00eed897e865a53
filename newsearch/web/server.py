"""Binding a socket and running uvicorn on it: what ``newsearch serve`` does.

The socket is bound here, before uvicorn starts, so a port in use or a host
that cannot be bound is the CLI's one-line error (exit 2), not a log, and the
real port is known when ``--port 0`` asked for any free one.
"""

from __future__ import annotations

import ipaddress
import os
import socket
from collections.abc import Callable

from newsearch.errors import NewsearchError

LOOPBACK_NAMES = ("localhost", "127.0.0.1", "::1")


def is_loopback(host: str) -> bool:
    if host.strip("[]").lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host``:``port`` (IPv4 or IPv6, as the host resolves)."""
    try:
        family, kind, proto, _name, address = socket.getaddrinfo(host.strip("[]"), port, type=socket.SOCK_STREAM)[0]
    except socket.gaierror as exc:
        raise NewsearchError(f"cannot serve on host {host!r}: {exc.strerror}") from None
    sock = socket.socket(family, kind, proto)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind(address)
    except OSError as exc:
        sock.close()
        raise NewsearchError(f"cannot serve on {host}:{port}: {(exc.strerror or str(exc)).lower()}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}/"


def serve(index_dir: str | os.PathLike, host: str, port: int, *, open_browser: bool, say: Callable[[str], None]) -> None:
    """Serve the index until interrupted; ``say`` prints a line on stderr."""
    import uvicorn

    from newsearch.search import stats
    from newsearch.web.app import create_app

    stats(index_dir)  # a missing or incompatible index is an error now, not on the first request
    loopback = is_loopback(host)
    if not loopback:
        say(f"newsearch: warning: serving on {host}: anyone who can reach this machine on that network can read the whole archive")
    sock = bind(host, port)
    url = url_of(sock)
    allowed = [*LOOPBACK_NAMES, "[::1]", host] if loopback else None
    app = create_app(index_dir, allowed_hosts=allowed)
    say(f"Serving {app.state.archive.index_dir} at {url} (Ctrl-C to stop)")
    if open_browser:
        import webbrowser

        webbrowser.open(url)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off", server_header=False)
    uvicorn.Server(config).run(sockets=[sock])
