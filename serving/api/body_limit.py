"""Refuse a request body past its size limit before it is read, not after it reached the disk.

Starlette spools a whole multipart upload to a temporary file before the route sees it, so the
upload's own 20 MB check would come after a 1 GB body had been written. This ASGI middleware
answers 413 at once when ``Content-Length`` is over the limit, and counts the bytes of a body
without one (chunked), answering 413 as soon as the count passes it. Uploads (multipart) may be
as large as an import file plus the form's framing; every other body (JSON) is small.
"""

from __future__ import annotations

import json
from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from matching.imports.limits import MAX_FILE_BYTES, MB

MULTIPART_LIMIT = MAX_FILE_BYTES + MB  # the file and its multipart framing
OTHER_LIMIT = 2 * MB  # the largest JSON body the API takes is ~100 KB (1,000 person ids)


def limit_for(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-type" and value.lower().startswith(b"multipart/"):
            return MULTIPART_LIMIT
    return OTHER_LIMIT


def declared_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def refusal_body(limit: int) -> dict[str, str]:
    megabytes = limit // MB
    return {
        "error": "RequestTooLarge",
        "message": f"the request body is larger than {megabytes} MB",
        "message_zh": f"提交的内容过大（超过{megabytes}MB）；导入文件请不超过20MB，"
        "过大的文件请拆分后分批导入",
    }


def refusal(limit: int) -> bytes:
    return json.dumps(refusal_body(limit), ensure_ascii=False).encode()


# The pages' rendering of the refusal (``serving.pages``): HTML for a page's form, None for the
# API, which gets the JSON body.
HtmlRefusal = Callable[[Scope, dict[str, str]], bytes | None]


class BodyLimit:
    """The middleware; ``app.add_middleware(BodyLimit, html=...)``."""

    def __init__(self, app: ASGIApp, html: HtmlRefusal | None = None) -> None:
        self.app = app
        self.html = html

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = limit_for(scope)
        length = declared_length(scope)
        if length is not None and length > limit:
            await self._refuse(scope, send, limit)
            return
        seen = 0
        started = refused = False

        async def counted_receive() -> Message:
            # Past the limit the answer is sent here and the app is told the client left, so
            # it stops reading; whatever it answers then is dropped.
            nonlocal seen, refused
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit and not refused:
                    refused = True
                    if not started:
                        await self._refuse(scope, send, limit)
                    return {"type": "http.disconnect"}
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if refused:
                return
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        await self.app(scope, counted_receive, tracked_send)

    async def _refuse(self, scope: Scope, send: Send, limit: int) -> None:
        page = self.html(scope, refusal_body(limit)) if self.html is not None else None
        body = page if page is not None else refusal(limit)
        content_type = b"text/html" if page is not None else b"application/json"
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", content_type + b"; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
