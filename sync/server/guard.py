"""Who may make the server read a body: the token from the headers, and how often an
address may fail to show one.

Anyone who can reach the server can send it bytes. A server that reads (and
inflates) a body before the route asks for the token lets an anonymous client make
it hold a 128 MiB body per request. So the body-limit middleware (``limits.py``)
asks :class:`Guard` first, from the headers alone: which role the route needs
(read from the route's own dependency, so the early refusal can never disagree
with the route), whether the bearer token is known (one indexed read, on a small
thread pool of its own, never on the event loop), and whether the client's address
has failed too often lately.

Failures are counted per address in a token bucket: *per_minute* failures may
come at once, then one more each ``60 / per_minute`` seconds; past that
the address gets 429 with ``Retry-After`` and no database work at all. Successful
requests cost nothing, so a busy terminal is never limited. The table of addresses
is bounded (least recently failed forgotten first); IPv6 addresses count per /64,
which one host usually owns whole.

Several terminals behind one NAT share an address, so one of them failing (or an
attacker on the same network) must not lock out the others: a token that was
accepted lately (:class:`KnownTokens`, its SHA-256 only, bounded) is still looked up
from a throttled address. Nobody who does not hold a valid token can get into that
set, so for anyone guessing the address stays closed; a token revoked since is
looked up, refused, counted and forgotten.

The address is the TCP peer's, as uvicorn reports it. Behind a reverse proxy
that is the proxy, for every client alike, unless uvicorn is told to believe the
proxy's ``X-Forwarded-For``: its ``FORWARDED_ALLOW_IPS`` setting (environment
variable), which trusts 127.0.0.1 and ::1 by default.
"""

from __future__ import annotations

import ipaddress
import math
import time
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from re import Pattern
from typing import Any

import anyio
import anyio.to_thread
from fastapi.routing import APIRoute

from sync.server.accounts import AuthError, Principal, Role, token_hash

#: the key under which the principal reaches the route (``scope[PRINCIPAL]``)
PRINCIPAL = "kiosk.principal"
#: the attribute of a route dependency that names the role it checks
ROLE_ATTRIBUTE = "required_role"
FAILURES_PER_MINUTE = 30
MAX_ADDRESSES = 10_000
#: tokens remembered as accepted lately (a deployment has a few hundred terminals)
MAX_KNOWN_TOKENS = 10_000
#: concurrent token look-ups; more wait for a free thread (their bodies still unread)
AUTH_THREADS = 4


class FailureLimiter:
    """A token bucket of authentication failures per client address (in memory, per
    process: a second server process keeps its own count)."""

    def __init__(
        self,
        per_minute: int = FAILURES_PER_MINUTE,
        *,
        max_addresses: int = MAX_ADDRESSES,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if per_minute < 1:
            raise ValueError("at least one failure per minute")
        self.capacity = float(per_minute)
        self.rate = per_minute / 60.0  # tokens per second
        self.max_addresses = max_addresses
        self.clock = clock
        self._buckets: OrderedDict[str, tuple[float, float]] = OrderedDict()  # tokens, when

    def __len__(self) -> int:
        return len(self._buckets)

    def _tokens(self, key: str, now: float) -> float:
        found = self._buckets.get(key)
        if found is None:
            return self.capacity
        tokens, then = found
        return min(self.capacity, tokens + (now - then) * self.rate)

    def wait(self, key: str) -> float:
        """0 if *key* may try; else the seconds until it may try again."""
        now = self.clock()
        tokens = self._tokens(key, now)
        if tokens >= 1.0:
            if tokens >= self.capacity:
                self._buckets.pop(key, None)  # fully recovered: nothing to remember
            return 0.0
        return (1.0 - tokens) / self.rate

    def failed(self, key: str) -> None:
        now = self.clock()
        tokens = max(0.0, self._tokens(key, now) - 1.0)
        self._buckets[key] = (tokens, now)
        self._buckets.move_to_end(key)
        while len(self._buckets) > self.max_addresses:
            self._buckets.popitem(last=False)


class KnownTokens:
    """The SHA-256 of tokens accepted lately, least recently accepted forgotten first."""

    def __init__(self, capacity: int = MAX_KNOWN_TOKENS) -> None:
        self.capacity = capacity
        self._digests: OrderedDict[str, None] = OrderedDict()

    def __len__(self) -> int:
        return len(self._digests)

    def __contains__(self, token: str) -> bool:
        return token_hash(token) in self._digests

    def accepted(self, token: str) -> None:
        digest = token_hash(token)
        self._digests[digest] = None
        self._digests.move_to_end(digest)
        while len(self._digests) > self.capacity:
            self._digests.popitem(last=False)

    def refused(self, token: str) -> None:
        self._digests.pop(token_hash(token), None)


def client_key(scope: Mapping[str, Any]) -> str:
    """The address failures are counted for: the host, or its /64 for IPv6."""
    client = scope.get("client")
    host = str(client[0]) if client else ""
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return host or "unknown"
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def bearer_token(headers: Mapping[bytes, bytes]) -> str | None:
    """The token of ``Authorization: Bearer ...``; None when there is none."""
    value = headers.get(b"authorization", b"").decode("latin-1").strip()
    scheme, _, token = value.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


@dataclass(frozen=True)
class _Route:
    regex: Pattern[str]
    methods: frozenset[str]
    role: Role


@dataclass(frozen=True)
class Refusal:
    """An answer instead of the route: status, error code, sentence, extra headers."""

    status: int
    code: str
    message: str
    headers: tuple[tuple[bytes, bytes], ...] = ()


CHALLENGE = ((b"www-authenticate", b"Bearer"),)


class Guard:
    """Decides, from a request's headers, whether its body may be read.

    *authenticate* is the accounts look-up (it touches the database, so it runs on
    a thread); *failures* the per-address limiter. The routes are learnt from the app
    once it has them (:meth:`learn`).
    """

    def __init__(
        self,
        authenticate: Callable[[str], Principal],
        *,
        failures: FailureLimiter | None = None,
        known: KnownTokens | None = None,
        auth_threads: int = AUTH_THREADS,
    ) -> None:
        self.authenticate = authenticate
        self.failures = failures if failures is not None else FailureLimiter()
        self.known = known if known is not None else KnownTokens()
        self.auth_threads = auth_threads
        self._routes: list[_Route] = []
        self._credential_paths: set[str] = set()
        self._limiter: anyio.CapacityLimiter | None = None

    def learn(self, routes: Iterable[Any], *, credential_paths: Iterable[str] = ()) -> None:
        """Remember which routes need which role: those whose dependencies include a
        callable with a ``required_role``. *credential_paths* are public routes that take
        a secret in the body (enrolment): limited per address like the others."""
        found: list[_Route] = []
        for route in routes:
            if not isinstance(route, APIRoute):
                continue
            for dependency in route.dependant.dependencies:
                role = getattr(dependency.call, ROLE_ATTRIBUTE, None)
                if role is not None:
                    methods = frozenset(route.methods or ())
                    found.append(_Route(route.path_regex, methods, role))
                    break
        self._routes = found
        self._credential_paths = set(credential_paths)

    def role_for(self, method: str, path: str) -> Role | None:
        """The role a request needs; None for public routes and unknown paths (the router
        answers those itself, 404 or 405)."""
        for route in self._routes:
            if method in route.methods and route.regex.match(path):
                return route.role
        return None

    def limited(self, path: str, role: Role | None) -> bool:
        """Whether a request (to *path*, for *role*) carries a secret and so counts against
        its address."""
        return role is not None or path in self._credential_paths

    def throttled(self, scope: Mapping[str, Any], headers: Mapping[bytes, bytes]) -> Refusal | None:
        """429 for an address that has failed too often, before any database work; a
        token accepted lately is let through to its look-up (see the module's notes)."""
        wait = self.failures.wait(client_key(scope))
        if wait <= 0:
            return None
        token = bearer_token(headers)
        if token is not None and token in self.known:
            return None
        seconds = str(max(1, math.ceil(wait))).encode()
        return Refusal(
            429,
            "too_many_failures",
            "too many requests with a missing or unknown token from this address; "
            "wait as Retry-After says",
            ((b"retry-after", seconds),),
        )

    def record(self, scope: Mapping[str, Any], status: int) -> None:
        """Every 401 (the guard's own and a route's) is a failure of the request's address."""
        if status == 401:
            self.failures.failed(client_key(scope))

    async def check(self, role: Role, headers: Mapping[bytes, bytes]) -> Principal | Refusal:
        """The principal of the request's token if it may call a route for *role*.

        Errors of the database itself propagate (the caller answers 503 with the reason).
        """
        token = bearer_token(headers)
        if token is None:
            return Refusal(401, "no_token", "send a bearer token", CHALLENGE)
        if self._limiter is None:  # made on the event loop that uses it
            self._limiter = anyio.CapacityLimiter(self.auth_threads)
        try:
            principal = await anyio.to_thread.run_sync(
                self.authenticate, token, limiter=self._limiter
            )
        except AuthError as exc:
            self.known.refused(token)
            return Refusal(401, exc.code, exc.message, CHALLENGE)
        self.known.accepted(token)
        if principal.role != role:
            return Refusal(403, "wrong_role", f"this needs the {role} role")
        return principal
