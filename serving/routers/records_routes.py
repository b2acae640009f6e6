"""Registers the search, create, read and update routes of one record entity, so that each
entity module states only what differs: paths, API models, domain functions, filters, roles
and the route docstrings (the OpenAPI descriptions).

The handlers are built here with the signature FastAPI reads (``__signature__``): the path
parameter keeps its entity name (``person_id``), the operation ids and summaries keep the
route names (``read_person``), so the documented API is the same as hand-written routes.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Annotated, Any, Protocol, TypeVar

from fastapi import APIRouter, Depends
from pydantic import BaseModel

from matching.access import Caller
from matching.records import DEFAULT_PAGE_SIZE, Page
from serving.routers.records_common import PageNumber, PageSize, Sessions
from serving.schemas.common import PageOut, RecordId, error_responses
from serving.security import require_roles

_KEYWORD = inspect.Parameter.KEYWORD_ONLY


class RecordOut(Protocol):
    """An API model made from a stored row (``PersonRecord.of(person)``)."""

    @classmethod
    def of(cls, row: Any) -> Any: ...


R = TypeVar("R", bound=RecordOut)


@dataclass(frozen=True)
class Search:
    """A search route: its query filters (name → annotation, in order, each defaulting to None),
    the domain filters they build, and the domain search (``search_persons``)."""

    params: Mapping[str, Any]
    filters: Callable[..., Any]
    run: Callable[..., Page[Any]]
    doc: str


@dataclass(frozen=True)
class RecordApi:
    """What the routes of one entity need: ``noun`` names the routes (``read_person``) and the
    path parameter (``person_id``); ``get``, ``add`` and ``change`` are the domain functions
    (``add`` and ``change`` take ``caller`` and ``actor`` by keyword; without ``create`` and
    ``add`` there is no create route of the entity's own, e.g. assessments); ``scoped`` entities are
    read and searched within the caller's scope (persons), the others city-wide; ``docs`` holds
    the route docstrings by route name."""

    noun: str
    path: str
    record: type[RecordOut]
    changes: type[BaseModel]
    readers: tuple[str, ...]
    writers: tuple[str, ...]
    get: Callable[..., Any]
    change: Callable[..., Any]
    create: type[BaseModel] | None = None
    add: Callable[..., Any] | None = None
    scoped: bool = False
    docs: Mapping[str, str] = field(default_factory=dict)

    @property
    def id_name(self) -> str:
        return f"{self.noun}_id"

    def scope(self, caller: Caller) -> tuple[Caller, ...]:
        """The scope argument of the domain reads: none for city-wide entities."""
        return (caller,) if self.scoped else ()

    def role(self, roles: tuple[str, ...]) -> inspect.Parameter:
        return _param("caller", Annotated[Caller, Depends(require_roles(*roles))])


def add_record_routes(router: APIRouter, api: RecordApi, search: Search | None = None) -> None:
    """The four routes of ``api``: search (when given), create, read and update."""
    if search is not None:
        add_search(router, api, search)
    add_create(router, api)
    add_read(router, api)
    add_update(router, api)


def add_search(router: APIRouter, api: RecordApi, search: Search) -> None:
    def handler(**values: Any) -> Any:
        caller, sessions = values.pop("caller"), values.pop("sessions")
        page, page_size = values.pop("page"), values.pop("page_size")
        with sessions() as session:
            filters = search.filters(**values)
            scope = api.scope(caller)
            found = search.run(session, filters, *scope, page=page, page_size=page_size)
            return page_out(found, api.record)

    params = [
        api.role(api.readers),
        _param("sessions", Sessions),
        *(_param(name, kind, None) for name, kind in search.params.items()),
        _param("page", PageNumber, 1),
        _param("page_size", PageSize, DEFAULT_PAGE_SIZE),
    ]
    model = PageOut[api.record]  # type: ignore[name-defined]
    name = f"search_{api.path.strip('/')}"
    _register(router, "GET", api.path, name, handler, params, model, search.doc)


def add_create(router: APIRouter, api: RecordApi) -> None:
    add = api.add
    if add is None or api.create is None:
        raise TypeError(f"{api.noun} has no create route: give create and add")

    def handler(body: BaseModel, caller: Caller, sessions: Sessions) -> Any:
        with sessions.begin() as session:
            row = add(session, body.model_dump(exclude_unset=True), **_who(caller))
            return api.record.of(row)

    params = [_param("body", api.create), api.role(api.writers), _param("sessions", Sessions)]
    name = f"create_{api.noun}"
    _register(router, "POST", api.path, name, handler, params, api.record, api.docs.get(name))


def add_read(router: APIRouter, api: RecordApi) -> None:
    def handler(caller: Caller, sessions: Sessions, **ids: int) -> Any:
        with sessions() as session:
            return api.record.of(api.get(session, ids[api.id_name], *api.scope(caller)))

    params = [_param(api.id_name, RecordId), api.role(api.readers), _param("sessions", Sessions)]
    path, name = f"{api.path}/{{{api.id_name}}}", f"read_{api.noun}"
    _register(router, "GET", path, name, handler, params, api.record, api.docs.get(name))


def add_update(router: APIRouter, api: RecordApi) -> None:
    def handler(body: BaseModel, caller: Caller, sessions: Sessions, **ids: int) -> Any:
        with sessions.begin() as session:
            values = body.model_dump(exclude_unset=True)
            row = api.change(session, ids[api.id_name], values, **_who(caller))
            return api.record.of(row)

    params = [
        _param(api.id_name, RecordId),
        _param("body", api.changes),
        api.role(api.writers),
        _param("sessions", Sessions),
    ]
    path, name = f"{api.path}/{{{api.id_name}}}", f"update_{api.noun}"
    _register(router, "PATCH", path, name, handler, params, api.record, api.docs.get(name))


def page_out(found: Page[Any], record: type[R]) -> PageOut[R]:
    """The API page of a domain page, each row made into its API model."""
    items = [record.of(row) for row in found.items]
    return PageOut[record](  # type: ignore[valid-type]
        total=found.total, page=found.page, page_size=found.page_size, items=items
    )


def _who(caller: Caller) -> dict[str, Any]:
    return {"caller": caller, "actor": caller.username}


def _param(name: str, annotation: Any, default: Any = inspect.Parameter.empty) -> inspect.Parameter:
    return inspect.Parameter(name, _KEYWORD, annotation=annotation, default=default)


# The statuses a route may answer, by method: a body can be unparsable (400) or clash (409),
# and a path with an id can name no visible record (404).
_STATUSES = {
    ("GET", False): (401, 403, 422),
    ("POST", False): (400, 401, 403, 409, 422),
    ("GET", True): (401, 403, 404, 422),
    ("PATCH", True): (400, 401, 403, 404, 409, 422),
}


def _register(
    router: APIRouter,
    method: str,
    path: str,
    name: str,
    handler: Callable[..., Any],
    params: list[inspect.Parameter],
    model: Any,
    doc: str | None,
) -> None:
    """Add ``handler`` under ``name`` with the signature FastAPI reads and ``doc`` as its
    description (none when None, like a route without a docstring)."""
    handler.__name__ = handler.__qualname__ = name
    handler.__doc__ = doc
    handler.__signature__ = inspect.Signature(  # type: ignore[attr-defined]
        params, return_annotation=model
    )
    router.add_api_route(
        path,
        handler,
        methods=[method],
        name=name,
        status_code=201 if method == "POST" else None,
        response_model=model,
        responses=error_responses(*_STATUSES[method, "{" in path]),
    )
