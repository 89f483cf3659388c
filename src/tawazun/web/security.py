"""Who may use the server, and what a request may carry.

* Loopback by default. Bound to any other address the server needs a token: a request
  carries it as ``Authorization: Bearer TOKEN``, or once as ``?token=TOKEN`` (the server then
  keeps it in a same-site cookie so the pages work).
* On loopback, requests must name a loopback host (``Host: 127.0.0.1``), so a web page of
  another site cannot reach the server through DNS rebinding.
* Cross-site request forgery: every form carries a token equal to the ``tawazun_csrf``
  cookie (double submit); API requests that come from a browser page of another origin
  (``Origin`` or ``Sec-Fetch-Site`` say so) are refused.
* Bodies larger than the upload limit are refused before they are read.
"""

from __future__ import annotations

import hmac
import ipaddress
import secrets
from urllib.parse import urlencode, urlsplit

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import PlainTextResponse, RedirectResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from tawazun.i18n import _, using

CSRF_COOKIE = "tawazun_csrf"
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
TOKEN_COOKIE = "tawazun_token"
LOOPBACK_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]", "testserver"}
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def is_loopback(host: str) -> bool:
    if host in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def host_name(header: str) -> str:
    """The name in a ``Host`` header, without the port (``[::1]:8000`` gives ``[::1]``)."""
    if header.startswith("["):
        return header.split("]", 1)[0] + "]"
    return header.rsplit(":", 1)[0]


def same(a: str | None, b: str | None) -> bool:
    return bool(a) and bool(b) and hmac.compare_digest(str(a), str(b))


def csrf_token(request: Request) -> str:
    """The request's CSRF token (the cookie's, or a new one the response will set)."""
    token = request.cookies.get(CSRF_COOKIE) or getattr(request.state, "new_csrf", None)
    if not token:
        token = secrets.token_urlsafe(24)
        request.state.new_csrf = token
    return token


def language_of(request: Request) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or "en"
    return lang if lang in ("en", "ar") else "en"


class BodyTooLarge(HTTPException):
    """A body that grew past the limit while it was read (one sent without its length).

    An ``HTTPException``, so that FastAPI's body parsing passes it on as the 413 it is.
    """

    def __init__(self, message: str) -> None:
        super().__init__(status_code=413, detail=message)


class Guard:
    """ASGI middleware applying the rules of this module."""

    def __init__(self, app: ASGIApp, token: str | None, loopback: bool, max_body: int) -> None:
        self.app = app
        self.token = token
        self.loopback = loopback
        self.max_body = max_body

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request = Request(scope)
        with using(language_of(request)):
            refusal = self.refuse(request)
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        limit = self.max_body
        received = 0

        async def limited() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise BodyTooLarge(self.limit_message(request))
            return message

        try:
            await self.app(scope, limited, send)
        except BodyTooLarge:
            await self.too_large(request)(scope, receive, send)

    def limit_message(self, request: Request) -> str:
        with using(language_of(request)):
            return _("The file is larger than the upload limit of {size} MB.").format(
                size=f"{self.max_body / 2**20:g}"
            )

    def too_large(self, request: Request) -> Response:
        return PlainTextResponse(self.limit_message(request), status_code=413)

    def refuse(self, request: Request) -> Response | None:
        host = host_name(request.headers.get("host", ""))
        if self.loopback and host not in LOOPBACK_NAMES and not is_loopback(host):
            return PlainTextResponse(_("This server answers only on its loopback address."), 421)
        if self.token is not None:
            given = request.query_params.get("token")
            if same(given, self.token) and request.method == "GET":
                # keep the token in a cookie and drop it from the address bar
                query = [(k, v) for k, v in request.query_params.multi_items() if k != "token"]
                target = request.url.path + ("?" + urlencode(query) if query else "")
                response = RedirectResponse(target, status_code=303)
                response.set_cookie(TOKEN_COOKIE, self.token, httponly=True, samesite="strict")
                return response
            bearer = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            if not (
                same(bearer, self.token) or same(request.cookies.get(TOKEN_COOKIE), self.token)
            ):
                return PlainTextResponse(
                    _(
                        "A token is required: open the address the server printed, or send "
                        "'Authorization: Bearer TOKEN'."
                    ),
                    401,
                )
        length = request.headers.get("content-length")
        if length is not None and length.isdigit() and int(length) > self.max_body:
            return self.too_large(request)
        if request.method in UNSAFE and self.cross_site(request):
            return PlainTextResponse(_("Refused: the request came from another site."), 403)
        return None

    @staticmethod
    def cross_site(request: Request) -> bool:
        if request.headers.get("sec-fetch-site") == "cross-site":
            return True
        origin = request.headers.get("origin")
        if not origin or origin == "null":
            return origin == "null"
        return urlsplit(origin).netloc != request.headers.get("host")
