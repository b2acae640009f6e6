"""A route class whose 405 answer names every method of the path.

Starlette answers a wrong method with the ``Allow`` of the first route that matches the path
only (GET of ``/api/persons``, not its POST); the record, fair and ledger routes name every
method some route of the app serves at the path.
"""

from __future__ import annotations

from fastapi.routing import APIRoute, iter_route_contexts
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import compile_path
from starlette.types import Receive, Send
from starlette.types import Scope as AsgiScope


class AllowRoute(APIRoute):
    """Answers a wrong method with 405 and an ``Allow`` listing every method of the path;
    ``other_path`` tells a path that only looks like a route's (a static word where an id
    stands) from one it serves."""

    @staticmethod
    def other_path(path_params: dict[str, str]) -> bool:
        return False

    async def handle(self, scope: AsgiScope, receive: Receive, send: Send) -> None:
        if self.methods and scope["method"] not in self.methods:
            allowed = ", ".join(sorted(self.methods_of_path(scope) | self.methods))
            raise StarletteHTTPException(status_code=405, headers={"Allow": allowed})
        await super().handle(scope, receive, send)

    def methods_of_path(self, scope: AsgiScope) -> set[str]:
        """Every method some route of the app serves at the request's path."""
        path = scope["path"].removeprefix(scope.get("root_path", ""))
        methods: set[str] = set()
        for route in iter_route_contexts(getattr(scope.get("app"), "routes", [])):
            found = compile_path(route.path_format)[0].match(path) if route.path_format else None
            if found and route.methods and not self.other_path(found.groupdict()):
                methods |= route.methods
        return methods
