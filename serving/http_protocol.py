"""The HTTP server's own 400 in the API's error shape.

uvicorn answers a request its parser refuses (a URL past httptools' limit of about 64 KB, a
malformed request line or header) itself, before the app sees it, with the plain text "Invalid
HTTP request received.". ``JsonErrorsHttpTools`` is uvicorn's httptools protocol answering that
400 with the JSON error body (``serving.errors.SERVER_BAD_REQUEST_BODY``) instead; everything
else is uvicorn's. Shorter over-long URLs reach the app and get its JSON 404/422.
"""

from __future__ import annotations

import json

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from serving.errors import SERVER_BAD_REQUEST_BODY

_BODY = json.dumps(SERVER_BAD_REQUEST_BODY, ensure_ascii=True, separators=(",", ":")).encode()


class JsonErrorsHttpTools(HttpToolsProtocol):
    def send_400_response(self, msg: str) -> None:
        content = [b"HTTP/1.1 400 Bad Request\r\n"]
        for name, value in self.server_state.default_headers:
            content.extend([name, b": ", value, b"\r\n"])
        content.extend(
            [
                b"content-type: application/json\r\n",
                b"content-length: " + str(len(_BODY)).encode("ascii") + b"\r\n",
                b"connection: close\r\n",
                b"\r\n",
                _BODY,
            ]
        )
        self.transport.write(b"".join(content))
        self.transport.close()
