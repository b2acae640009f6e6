"""The HTTP server's own 400 in the API's error shape.

uvicorn answers a request its parser refuses (a URL past httptools' limit of about 64 KB, a
malformed request line or header) itself, before the app sees it, with the plain text "Invalid
HTTP request received.". ``JsonErrorsHttpTools`` is uvicorn's httptools protocol answering that
400 with the JSON error body (``serving.api.errors.SERVER_BAD_REQUEST_BODY``) instead; everything
else is uvicorn's. Shorter over-long URLs reach the app and get its JSON 404/422.

httptools sets no limit on the request's header lines, so one client could make the server hold
megabytes of headers per request; past ``MAX_HEADER_BYTES`` the request is answered 431 in the
same shape (``SERVER_HEADERS_TOO_LARGE_BODY``) before it reaches the app.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from serving.api.errors import SERVER_BAD_REQUEST_BODY, SERVER_HEADERS_TOO_LARGE_BODY

MAX_HEADER_BYTES = 64 * 1024  # names and values together; browsers send a few KB


def _json(body: dict[str, str]) -> bytes:
    return json.dumps(body, ensure_ascii=True, separators=(",", ":")).encode()


_BODY = _json(SERVER_BAD_REQUEST_BODY)
_HEADERS_BODY = _json(SERVER_HEADERS_TOO_LARGE_BODY)


class HeadersTooLarge(Exception):
    """Raised from the parser's header callback; httptools turns it into a parser error."""


class JsonErrorsHttpTools(HttpToolsProtocol):
    _header_bytes = 0
    _headers_too_large = False

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._header_bytes = 0

    def on_header(self, name: bytes, value: bytes) -> None:
        self._header_bytes += len(name) + len(value)
        if self._header_bytes > MAX_HEADER_BYTES:
            self._headers_too_large = True
            raise HeadersTooLarge
        super().on_header(name, value)

    def send_400_response(self, msg: str) -> None:
        too_large = self._headers_too_large
        status = b"431 Request Header Fields Too Large" if too_large else b"400 Bad Request"
        body = _HEADERS_BODY if too_large else _BODY
        content = [b"HTTP/1.1 " + status + b"\r\n"]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: application/json\r\n",
                b"content-length: " + str(len(body)).encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
                body,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()
