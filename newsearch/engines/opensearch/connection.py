"""``--index http(s)://[user@]host[:port][,host2[:port]...]/NAME[?ca=FILE&shards=N&replicas=N]`` -> a client.

The password never comes from the command line (it would sit in shell
history and in ``ps``): it is read from ``NEWSEARCH_OPENSEARCH_PASSWORD`` or
from a ``~/.netrc`` entry for the first host (``machine HOST login USER
password SECRET``; the netrc login also serves when the URL names no user).
TLS certificates are verified on ``https`` (always); ``?ca=FILE`` or
``NEWSEARCH_OPENSEARCH_CA`` names the CA bundle of a private cluster.
Several comma-separated hosts are one cluster: the client spreads requests
over them and retries another when one goes away.

Errors a user can cause or meet are turned into one-line NewsearchErrors
by :func:`translate` (exit codes in ``newsearch.errors``).
"""

from __future__ import annotations

import netrc
import os
import re
from dataclasses import dataclass
from urllib.parse import parse_qs, unquote

from newsearch.errors import AuthRefused, ClusterUnavailable, NewsearchError

PASSWORD_VARIABLE = "NEWSEARCH_OPENSEARCH_PASSWORD"
CA_VARIABLE = "NEWSEARCH_OPENSEARCH_CA"
REQUEST_TIMEOUT = 30.0  # seconds for one request when no deadline is shorter
RETRY_STATUSES = (429, 502, 503, 504)
_NAME = re.compile(r"[a-z0-9][a-z0-9_.-]*\Z")
_HOST = re.compile(r"(\[[0-9a-fA-F:]+\]|[^:\[\]]+)(?::(\d{1,5}))?\Z")


@dataclass(frozen=True)
class Spec:
    """A parsed ``--index`` URL."""

    scheme: str
    hosts: tuple[tuple[str, int], ...]
    name: str  # the alias readers search
    user: str | None = None
    ca_file: str | None = None
    shards: int | None = None  # for an index this run creates (?shards=N&replicas=N); None: the defaults
    replicas: int | None = None

    @property
    def shown(self) -> str:
        """The URL without secrets, for messages."""
        user = f"{self.user}@" if self.user else ""
        hosts = ",".join(f"{h}:{p}" for h, p in self.hosts)
        return f"{self.scheme}://{user}{hosts}/{self.name}"


def parse_spec(text: str) -> Spec:
    """Read an ``--index`` URL; NewsearchError (exit 2) with what is wrong."""
    match = re.match(r"(https?)://([^/?#]*)/([^/?#]*)(?:\?([^#]*))?\Z", text)
    if not match:
        raise NewsearchError(f"{text}: an OpenSearch index is given as http(s)://[user@]host:port/NAME")
    scheme, authority, name, query = match.groups()
    user = None
    if "@" in authority:
        userinfo, authority = authority.rsplit("@", 1)
        if ":" in userinfo:
            raise NewsearchError(f"{scheme}://…/{name}: put no password in --index; set {PASSWORD_VARIABLE} or use ~/.netrc")
        user = unquote(userinfo) or None
    hosts = []
    for part in authority.split(","):
        host = _HOST.match(part.strip())
        if not host or not host.group(1):
            raise NewsearchError(f"{text}: {part!r} is not a host or host:port")
        port = int(host.group(2)) if host.group(2) else 9200
        if not 0 < port < 65536:
            raise NewsearchError(f"{text}: port {port} is out of range")
        hosts.append((host.group(1).strip("[]"), port))
    name = unquote(name)
    if not _NAME.match(name) or name in (".", ".."):
        raise NewsearchError(
            f"{text}: the index name must be lowercase letters, digits, '-', '_' or '.', not starting with '-', '_' or '.'")
    options = parse_qs(query or "")
    unknown = set(options) - {"ca", "shards", "replicas"}
    if unknown:
        raise NewsearchError(f"{text}: unknown option {sorted(unknown)[0]!r} (options: ca=FILE, shards=N, replicas=N)")
    ca_file = options.get("ca", [None])[-1] or os.environ.get(CA_VARIABLE) or None
    counts = {}
    for key in ("shards", "replicas"):
        value = options.get(key, [None])[-1]
        if value is not None and not (value.isdigit() and int(value) >= (key == "shards")):
            raise NewsearchError(f"{text}: {key}={value} is not a number of {key}")
        counts[key] = int(value) if value is not None else None
    return Spec(scheme, tuple(hosts), name, user, ca_file, counts["shards"], counts["replicas"])


def credentials(spec: Spec) -> tuple[str, str] | None:
    """(user, password) from the environment or ~/.netrc; None: no authentication."""
    password = os.environ.get(PASSWORD_VARIABLE)
    user = spec.user
    if password is None or user is None:
        entry = _netrc_entry(spec.hosts[0][0])
        if entry is not None:
            login, _account, secret = entry
            if user is None or login == user:
                user = user or login
                password = password if password is not None else secret
    if password is None:
        return None
    if user is None:
        raise NewsearchError(f"{spec.shown}: {PASSWORD_VARIABLE} is set but no user is named (user@host)")
    return user, password


def _netrc_entry(host: str):
    try:
        return netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError, OSError):
        return None


def client(spec: Spec, *, timeout: float = REQUEST_TIMEOUT):
    """An opensearch-py client for the cluster (no request is made yet)."""
    from opensearchpy import OpenSearch

    auth = credentials(spec)
    if spec.ca_file and not os.path.isfile(spec.ca_file):
        raise NewsearchError(f"{spec.shown}: the CA file {spec.ca_file} does not exist")
    return OpenSearch(
        hosts=[{"host": h, "port": p} for h, p in spec.hosts],
        http_auth=auth,
        use_ssl=spec.scheme == "https",
        verify_certs=True,
        ca_certs=spec.ca_file,
        timeout=timeout,
        max_retries=3,
        retry_on_timeout=True,
        retry_on_status=RETRY_STATUSES,
        http_compress=False,
    )


def translate(exc: Exception, spec: Spec, doing: str = "") -> Exception:
    """The one-line error for a client exception (the exception itself when it is not the user's to fix)."""
    from opensearchpy import exceptions as ox

    where = spec.shown
    if isinstance(exc, ox.ConnectionTimeout):
        return ClusterUnavailable(f"the OpenSearch cluster at {where} did not answer in time{doing and ' ' + doing}")
    if isinstance(exc, ox.SSLError):
        return ClusterUnavailable(
            f"the TLS connection to {where} failed ({_reason(exc)}) — give the cluster's CA with ?ca=FILE or {CA_VARIABLE}")
    if isinstance(exc, ox.ConnectionError):
        return ClusterUnavailable(f"cannot reach the OpenSearch cluster at {where} ({_reason(exc)})")
    if isinstance(exc, ox.AuthenticationException):
        return AuthRefused(f"the OpenSearch cluster at {where} refused the credentials — check {PASSWORD_VARIABLE} or ~/.netrc")
    if isinstance(exc, ox.AuthorizationException):
        return AuthRefused(f"the OpenSearch cluster at {where} does not allow this user to {doing or 'do that'}")
    if isinstance(exc, ox.TransportError) and exc.status_code in RETRY_STATUSES:
        return ClusterUnavailable(f"the OpenSearch cluster at {where} is overloaded or unavailable ({exc.status_code})")
    return exc


def _reason(exc: Exception) -> str:
    info = getattr(exc, "info", None)
    text = str(info) if info is not None else str(exc)
    for pattern in (r"Connection refused", r"Name or service not known", r"certificate verify failed[^'\")]*",
                    r"timed out", r"No route to host"):
        found = re.search(pattern, text)
        if found:
            return found.group().strip()
    return text.splitlines()[0][:160] if text else type(exc).__name__
