"""The server inside another process: for `make run`, the tests and the benchmark.

It binds its socket before the thread starts, so the port is known (and
taken) at once, and runs uvicorn in a thread of its own; uvicorn installs no
signal handlers outside the main thread, so Ctrl-C still reaches the host.
"""

from __future__ import annotations

import socket
import threading
import time
from pathlib import Path

import uvicorn
from fastapi import FastAPI
from sqlalchemy.engine import Engine

from sync.protocol import Limits
from sync.server.app import create_app
from sync.server.guard import FAILURES_PER_MINUTE
from sync.server.limits import UPLOADS
from sync.server.statuses import STATUS_RETENTION_DAYS


def bind(host: str, port: int) -> socket.socket:
    # proto given explicitly: asyncio sets TCP_NODELAY only on sockets that say they are TCP
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class EmbeddedServer:
    def __init__(
        self,
        engine: Engine,
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        limits: Limits | None = None,
        tls_cert: Path | None = None,
        tls_key: Path | None = None,
        uploads: int = UPLOADS,
        auth_failures_per_minute: int = FAILURES_PER_MINUTE,
        status_retention_days: int = STATUS_RETENTION_DAYS,
        app: FastAPI | None = None,
    ) -> None:
        """*tls_cert* and *tls_key* (PEM) make it speak HTTPS, as a production server does;
        *uploads*, *auth_failures_per_minute* and *status_retention_days* as in
        ``create_app`` (tests make them small to reach them quickly); *app* is served
        instead of ``create_app``'s when given (tests play an older server with it)."""
        self.engine = engine
        self.tls = tls_cert is not None
        self.socket = bind(host, port)
        self.host, self.port = self.socket.getsockname()[:2]
        config = uvicorn.Config(
            app
            or create_app(
                engine,
                limits=limits,
                uploads=uploads,
                auth_failures_per_minute=auth_failures_per_minute,
                status_retention_days=status_retention_days,
            ),
            log_level="warning",
            # no handlers of uvicorn's own: its records go to the host's log (in the
            # kiosk, through the privacy filter), not straight to stderr
            log_config=None,
            access_log=False,
            lifespan="off",
            ssl_certfile=tls_cert,
            ssl_keyfile=tls_key,
        )
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self.socket]}, daemon=True
        )

    @property
    def url(self) -> str:
        return f"{'https' if self.tls else 'http'}://{self.host}:{self.port}"

    def start(self, timeout: float = 15.0) -> EmbeddedServer:
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the embedded server did not start")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        self._server.should_exit = True
        self._thread.join(timeout)
        self.socket.close()

    def __enter__(self) -> EmbeddedServer:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()
