"""Security headers of the pages: a strict Content-Security-Policy (our own files only, no inline
script or style), no framing, no sniffing, no referrer to other sites, and never cached (a page
can show a person's data; the browser's back button after logout must not show it again)."""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send

CONTENT_SECURITY_POLICY = (
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; "
    "base-uri 'none'"
)
PAGE_HEADERS: tuple[tuple[bytes, bytes], ...] = (
    (b"content-security-policy", CONTENT_SECURITY_POLICY.encode()),
    (b"x-frame-options", b"DENY"),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
)


class PageHeaders:
    """Adds ``PAGE_HEADERS`` to every HTML answer (pages and their error pages)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(("/docs", "/redoc")):
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                content_type = next((v for k, v in headers if k.lower() == b"content-type"), b"")
                if content_type.startswith(b"text/html"):
                    names = {name for name, _ in PAGE_HEADERS}
                    kept = [(k, v) for k, v in headers if k.lower() not in names]
                    message["headers"] = kept + list(PAGE_HEADERS)
            await send(message)

        await self.app(scope, receive, send_with_headers)
