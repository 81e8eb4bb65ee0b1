"""The central server's HTTP API (FastAPI): devices send, offices fetch, admins look.

Every route names the role it serves and checks it before anything else;
every error, including validation errors and a database that is away, is a
JSON body in the protocol's error shape with a 4xx or 503 status. A 500
means a bug in this file and nothing else.
"""

import logging
import time
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, FastAPI, Header, Path, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from kiosk import __version__
from kiosk.catalog.refusal import BundleRefusedError
from sync import protocol as p
from sync.server import accounts, bundles, delivery, fleet, health, inbox, ingest, statuses
from sync.server.api_schema import inline_schema
from sync.server.guard import FAILURES_PER_MINUTE, PRINCIPAL, FailureLimiter, Guard
from sync.server.limits import (
    UPLOAD_GRACE,
    UPLOAD_MIN_RATE,
    UPLOADS,
    BodyLimitMiddleware,
    ProtocolHeaderMiddleware,
)

log = logging.getLogger("kiosk.server")

APPLICATION_ID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
PUBLISH_PATH = f"{p.API}/admin/catalog"
# the bundle goes up as it is, so the request body is described here, not by a model
BUNDLE_BODY = {
    "requestBody": {
        "required": True,
        "description": "a signed catalog bundle, as `kiosk catalog sign` writes it",
        "content": {"application/json": {"schema": {"type": "object"}}},
    }
}
#: the batch body is read by the route itself (see ``submit_batch``): described here
BATCH_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": inline_schema(p.BatchRequest)}},
    }
}
ERRORS: dict[int | str, dict[str, Any]] = {
    code: {"model": p.ErrorReply} for code in (400, 401, 403, 404, 413, 415, 422, 429, 503)
}
HEALTH_PATH = f"{p.API}/health"
ENROLMENT_PATH = f"{p.API}/enrolment"


class ApiError(Exception):
    def __init__(
        self, status: int, code: str, message: str, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = headers


def _error(
    status: int,
    code: str,
    message: str,
    headers: dict[str, str] | None = None,
    *,
    found: p.Health | None = None,
) -> Response:
    # ``health`` only when given: older terminals' ErrorReply forbids unknown fields
    body = p.ErrorReply(error=code, message=message, health=found).model_dump_json(
        exclude_none=True
    )
    return Response(body, status_code=status, media_type="application/json", headers=headers)


def _unavailable(exc: Exception) -> Response:
    """503 naming its reason (disk_full, busy, database_unavailable), with Retry-After."""
    reason = health.failure_reason(exc)
    log.error("database %s: %s", reason, type(getattr(exc, "orig", None) or exc).__name__)
    return _error(
        503, reason, health.MESSAGES[reason], {"Retry-After": str(health.RETRY_AFTER[reason])}
    )


def _describe(exc: RequestValidationError) -> str:
    parts = []
    for problem in exc.errors()[:10]:
        where = ".".join(str(x) for x in problem.get("loc", ()) if x != "body")
        parts.append(f"{where or 'body'}: {problem.get('msg', 'invalid')}")
    return "; ".join(parts)


_bearer = HTTPBearer(auto_error=False)


class _RoleCheck:
    """The dependency that lets a route's role in. The guard in front (``guard.py``)
    reads ``required_role`` to check the token before the body is read, and hands the
    principal over in the scope; without it (an app without the middleware) the token
    is checked here."""

    def __init__(self, wanted: accounts.Role) -> None:
        self.required_role = self.wanted = wanted  # ``required_role``: read by the guard

    def __call__(
        self,
        request: Request,
        auth: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ) -> accounts.Principal:
        principal = request.scope.get(PRINCIPAL)
        if not isinstance(principal, accounts.Principal):
            challenge = {"WWW-Authenticate": "Bearer"}
            if auth is None:
                raise ApiError(401, "no_token", "send a bearer token", challenge)
            state = request.app.state
            try:
                principal = accounts.authenticate(state.engine, auth.credentials, clock=state.clock)
            except accounts.AuthError as exc:
                raise ApiError(401, exc.code, exc.message, challenge) from None
        if principal.role != self.wanted:
            raise ApiError(403, "wrong_role", f"this needs the {self.wanted} role")
        return principal


def _role(wanted: accounts.Role) -> Callable[..., accounts.Principal]:
    return _RoleCheck(wanted)


Device = Annotated[accounts.Principal, Depends(_role("device"))]
Office = Annotated[accounts.Principal, Depends(_role("office"))]
Admin = Annotated[accounts.Principal, Depends(_role("admin"))]


def create_app(
    engine: Engine,
    *,
    clock: Callable[[], float] = time.time,
    limits: p.Limits | None = None,
    max_bundle_bytes: int = p.MAX_BUNDLE_BYTES,
    uploads: int = UPLOADS,
    auth_failures_per_minute: int = FAILURES_PER_MINUTE,
    status_retention_days: int = statuses.STATUS_RETENTION_DAYS,
    upload_grace: float = UPLOAD_GRACE,
    upload_min_rate: int = UPLOAD_MIN_RATE,
) -> FastAPI:
    """The API on *engine*. *uploads* large bodies are taken at a time (more get 503
    ``busy``); an address gets 429 after *auth_failures_per_minute* failed tokens;
    terminals get the statuses set within the last *status_retention_days*; a body
    slower than *upload_min_rate* bytes a second after *upload_grace* seconds gets 408."""
    if status_retention_days < 1:
        raise ValueError("statuses are kept for at least one day")
    limits = limits or p.Limits(
        max_batch_items=p.MAX_BATCH_ITEMS,
        max_batch_bytes=p.MAX_BATCH_BYTES,
        max_item_bytes=p.MAX_ITEM_BYTES,
    )
    app = FastAPI(
        title="MigraDo kiosk central server",
        version=__version__,
        description="Terminals send sealed applications; offices fetch theirs.",
        responses=ERRORS,
    )
    guard = Guard(
        lambda token: accounts.authenticate(engine, token, clock=clock),
        failures=FailureLimiter(auth_failures_per_minute),
    )
    app.add_middleware(
        BodyLimitMiddleware,
        max_body=limits.max_batch_bytes,
        guard=guard,
        larger={PUBLISH_PATH: max_bundle_bytes},
        uploads=uploads,
        upload_grace=upload_grace,
        upload_min_rate=upload_min_rate,
    )
    app.add_middleware(ProtocolHeaderMiddleware)
    app.state.engine = engine
    app.state.clock = clock

    # ------------------------------------------------------------ errors
    @app.exception_handler(ApiError)
    async def api_error(_request: Request, exc: ApiError) -> Response:
        return _error(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def invalid(_request: Request, exc: RequestValidationError) -> Response:
        return _error(422, "invalid_request", _describe(exc))

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> Response:
        code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
        return _error(exc.status_code, code, str(exc.detail), getattr(exc, "headers", None))

    @app.exception_handler(Exception)
    async def bug(_request: Request, exc: Exception) -> Response:
        log.exception("unexpected %s", type(exc).__name__)
        return _error(500, "internal", "the server failed; the request can be repeated safely")

    @app.exception_handler(OperationalError)
    async def database_away(_request: Request, exc: OperationalError) -> Response:
        return _unavailable(exc)

    @app.exception_handler(SQLAlchemyError)
    async def database_error(_request: Request, exc: SQLAlchemyError) -> Response:
        return _unavailable(exc)

    # ------------------------------------------------------------ public
    @app.get(HEALTH_PATH, tags=["public"], response_model=p.Health)
    def health_check() -> p.Health | Response:
        """``ok``, ``degraded`` (works; disk low or database busy) or 503 when nothing could
        be stored: the reason in ``error`` (disk_full, database_unavailable), what was
        found in ``health``."""
        report = health.check(engine)
        if report.reason is None:
            return report.health
        log.error("health: %s (%s)", report.reason, report.health.model_dump_json())
        return _error(
            503,
            report.reason,
            health.MESSAGES[report.reason],
            {"Retry-After": str(health.RETRY_AFTER[report.reason])},
            found=report.health,
        )

    @app.get(f"{p.API}/info", tags=["public"])
    def info() -> p.Info:
        return p.Info(server_version=__version__, limits=limits)

    @app.post(ENROLMENT_PATH, tags=["device"])
    def enrolment(body: p.EnrolmentRequest) -> p.EnrolmentReply:
        """Trade the one-time token from `kiosk server enroll-device` for a device token."""
        try:
            device_id, name, token = accounts.enrol(engine, body.token, clock=clock)
        except accounts.AuthError as exc:
            raise ApiError(401, exc.code, exc.message) from None
        return p.EnrolmentReply(
            device_id=device_id,
            device_name=name,
            device_token=token,
            staff_pepper=accounts.staff_pepper(engine),
        )

    # ------------------------------------------------------------ devices
    def store_batch(data: bytes, device_id: str) -> str:
        """The reply to one batch body. Parsed by pydantic's own JSON reader, on this
        worker thread: FastAPI would parse it into Python objects first and validate
        those on the event loop, which for 200 applications of 4 KB costs as much as
        storing them, while the loop could be reading the next request."""
        try:
            body = p.BatchRequest.model_validate_json(data)
        except ValidationError as exc:
            raise RequestValidationError(
                [{**error, "loc": ("body", *error["loc"])} for error in exc.errors()]
            ) from None
        if len(body.items) > limits.max_batch_items:
            raise ApiError(
                413, "too_many_items", f"at most {limits.max_batch_items} items in one batch"
            )
        results = ingest.store_batch(
            engine, device_id, body.items, now=clock(), max_item_bytes=limits.max_item_bytes
        )
        # serialized here: the reply was built from validated parts, and FastAPI would
        # validate it once more (on another thread hop) before serializing it
        return p.BatchReply(results=results).model_dump_json()

    @app.post(
        f"{p.API}/applications/batch",
        tags=["device"],
        response_model=p.BatchReply,
        openapi_extra=BATCH_BODY,
    )
    async def submit_batch(request: Request, device: Device) -> Response:
        """Store sealed applications; answers per item. Sending a batch again is safe."""
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise ApiError(415, "unsupported_media_type", "send the batch as application/json")
        reply = await run_in_threadpool(store_batch, await request.body(), device.subject)
        return Response(reply, media_type="application/json")

    @app.post(f"{p.API}/applications/delivery", tags=["device"])
    def application_delivery(body: p.DeliveryQuery, device: Device) -> p.DeliveryReply:
        """Which of this terminal's applications the server holds and which their office
        took; what it no longer holds the terminal sends again (see delivery.py)."""
        return delivery.delivery(engine, device.subject, body.ids, now=clock())

    @app.post(f"{p.API}/heartbeat", tags=["device"])
    def heartbeat(body: p.Heartbeat, device: Device) -> p.HeartbeatReply:
        now = clock()
        fleet.record_heartbeat(engine, device.subject, body, now=now)
        return p.HeartbeatReply(received_at=inbox.timestamp(now))

    @app.get(
        f"{p.API}/catalog",
        tags=["device"],
        response_class=Response,
        responses={200: {"content": {"application/json": {}}}, 304: {"description": "unchanged"}},
    )
    def catalog(_device: Device, if_none_match: Annotated[str | None, Header()] = None) -> Response:
        """The newest published catalog bundle; send its ETag back as If-None-Match to skip
        the body. The terminal checks the signature itself, against its own pinned keys."""
        current = bundles.newest(engine)
        if current is None:
            raise ApiError(404, "no_catalog", "no catalog has been published yet")
        etag = f'"{current.etag}"'
        headers = {"ETag": etag, "X-Catalog-Version": str(current.version)}
        if if_none_match and etag in [t.strip() for t in if_none_match.split(",")]:
            return Response(status_code=304, headers=headers)
        data = bundles.body(engine, current.seq)
        if data is None:  # versions are never deleted; a database edited by hand
            raise ApiError(404, "no_catalog", "the published catalog is missing")
        return Response(data, media_type="application/json", headers=headers)

    @app.get(f"{p.API}/status", tags=["device"])
    def status_feed(
        _device: Device,
        after: Annotated[int, Query(ge=0, le=p.MAX_STATUS_SEQ)] = 0,
        limit: Annotated[int, Query(ge=1, le=p.MAX_STATUS_PAGE)] = p.DEFAULT_STATUS_PAGE,
    ) -> p.StatusFeedReply:
        """The deployment's statuses after `after`, oldest first, for visitors who ask at a
        terminal: the status key, office, status and day, nothing else. Only applications
        that carry a status key, set within the server's retention time."""
        return statuses.feed(
            engine, after, limit, now=clock(), retention_days=status_retention_days
        )

    # ------------------------------------------------------------ offices
    @app.get(f"{p.API}/inbox/applications", tags=["office"])
    def inbox_list(
        office: Office,
        include_acknowledged: bool = False,
        limit: Annotated[int, Query(ge=1, le=p.MAX_PAGE)] = 100,
        offset: Annotated[int, Query(ge=0, le=2**31 - 1)] = 0,
    ) -> p.InboxPage:
        """The office's applications, oldest first; by default only those not yet acknowledged."""
        entries = inbox.list_applications(
            engine,
            office.subject,
            include_acknowledged=include_acknowledged,
            limit=limit,
            offset=offset,
        )
        return p.InboxPage(applications=entries)

    @app.get(f"{p.API}/inbox/applications/{{application_id}}", tags=["office"])
    def inbox_get(
        office: Office, application_id: Annotated[str, Path(pattern=APPLICATION_ID)]
    ) -> p.InboxApplication:
        found = inbox.get_application(engine, office.subject, application_id)
        if found is None:
            raise ApiError(404, "not_found", "no such application for this office")
        entry, payload = found
        return p.InboxApplication(application=entry, payload=payload)

    @app.post(f"{p.API}/inbox/acknowledgements", tags=["office"])
    def inbox_ack(body: p.AckRequest, office: Office) -> p.AckReply:
        """Mark applications as safely received by the office: filed (`ids`), or set aside
        unread in its quarantine (`quarantined`, with the reason kept for admins). Neither
        is offered again; repeating this is harmless."""
        done, unknown = inbox.acknowledge(
            engine,
            office.subject,
            body.ids,
            now=clock(),
            quarantined={q.id: q.reason for q in body.quarantined},
        )
        return p.AckReply(acknowledged=done, unknown=unknown)

    @app.post(f"{p.API}/office/status", tags=["office"])
    def office_status(body: p.OfficeStatusRequest, office: Office) -> p.OfficeStatusReply:
        """Set the status of the office's own applications, for their visitors to see.
        Ids of other offices and ids nobody has are counted together as `unknown`."""
        now = clock()
        today = statuses.day_of(now)
        for n, item in enumerate(body.items):
            if item.on is not None and item.on > today:
                raise ApiError(422, "invalid_request", f"items.{n}.on: a day to come")
        return statuses.set_statuses(engine, office.subject, body.items, now=now)

    # ------------------------------------------------------------ admins
    @app.get(f"{p.API}/admin/terminals", tags=["admin"])
    def admin_terminals(_admin: Admin) -> p.TerminalList:
        return p.TerminalList(terminals=fleet.terminals(engine))

    @app.get(f"{p.API}/admin/stats", tags=["admin"])
    def admin_stats(_admin: Admin) -> p.Stats:
        return fleet.stats(engine)

    @app.post(
        PUBLISH_PATH,
        tags=["admin"],
        status_code=201,
        responses={409: {"model": p.ErrorReply}},
        openapi_extra=BUNDLE_BODY,
    )
    async def admin_publish_catalog(request: Request, admin: Admin) -> p.CatalogPublished:
        """Publish a signed catalog bundle: checked like a terminal checks it, a sealing key
        for every office included (422 with the reason as the error code, such as
        missing_office_key), refused if not newer than the published one or for another
        deployment (409). Every version is kept."""
        kind = request.headers.get("content-type", "").split(";")[0].strip().lower()
        if kind != "application/json":
            raise ApiError(415, "unsupported_media_type", "send the bundle as application/json")
        data = await request.body()
        try:  # verifying a large catalog takes a while: not on the event loop
            published = await run_in_threadpool(
                bundles.publish, engine, data, admin=admin.subject, now=clock()
            )
        except BundleRefusedError as exc:
            status = 409 if exc.reason in ("not_newer", "wrong_deployment") else 422
            raise ApiError(status, exc.reason, str(exc)) from None
        log.info(
            "catalog %s version %d published by %s, signed by key %s",
            published.deployment,
            published.version,
            published.published_by,
            published.key_id,
        )
        return p.CatalogPublished(
            deployment=published.deployment,
            version=published.version,
            etag=published.etag,
            catalog_hash=published.catalog_hash,
        )

    @app.get(PUBLISH_PATH, tags=["admin"])
    def admin_catalog_versions(_admin: Admin) -> p.CatalogVersions:
        """Every published catalog version, newest first (without the bundles)."""
        return p.CatalogVersions(
            versions=[
                p.CatalogVersion.model_validate(
                    {**v.listing(), "published_at": inbox.timestamp(v.published_at)}
                )
                for v in bundles.versions(engine)
            ]
        )

    guard.learn(app.routes, credential_paths=[ENROLMENT_PATH])
    return app
