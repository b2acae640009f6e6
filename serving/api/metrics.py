"""Prometheus metrics of one app: request latency, model use by rung of the fallback ladder,
and the model each kind is served by.

Each app has its own ``CollectorRegistry``: tests build many apps in one process, and the global
registry would refuse the second app's metrics. A request is labelled with its route template
(``/api/persons/{person_id}/recommendations/jobs``), never the raw path, so no person id reaches
Prometheus and the label set stays small; a path no route matches is labelled ``<unmatched>``.
Model figures are read from the holders when Prometheus scrapes, so they are never stale.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Callable, Iterator
from typing import Any

from prometheus_client import CollectorRegistry, Histogram
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.registry import Collector
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from serving.runtime.models import SOURCES
from serving.runtime.readiness import model_holders
from serving.runtime.state import ServiceState

__all__ = ["UNMATCHED", "Metrics", "RequestMetrics", "route_template"]

UNMATCHED = "<unmatched>"
# Around the budgets (p50 ≤ 20 ms, p99 ≤ 50 ms for a recommendation) and the slow tail.
LATENCY_BUCKETS = (0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class Metrics:
    """The registry of one app and the request-latency histogram fed by ``RequestMetrics``."""

    def __init__(self, service: Callable[[], ServiceState | None]) -> None:
        self.registry = CollectorRegistry()
        self.latency = Histogram(
            "jobmatch_http_request_duration_seconds",
            "Time to answer an HTTP request, by method, route template and status.",
            ["method", "route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.registry.register(ServiceCollector(service))


class ServiceCollector(Collector):
    """Model and snapshot figures, read from the service state at scrape time."""

    def __init__(self, service: Callable[[], ServiceState | None]) -> None:
        self._service = service

    def collect(self) -> Iterator[Metric]:
        service = self._service()
        uses = CounterMetricFamily(
            "jobmatch_recommendations",
            "Requests ranked by each rung of the fallback ladder (champion, last-good, rule); "
            "any rate off the champion is fallback use.",
            labels=["kind", "source"],
        )
        info = GaugeMetricFamily(
            "jobmatch_model_info",
            "1 for the model each kind is served by: rung and registry version.",
            labels=["kind", "source", "version"],
        )
        degraded = GaugeMetricFamily(
            "jobmatch_model_degraded",
            "1 when a kind is not served by the champion.",
            labels=["kind"],
        )
        for kind, holder in model_holders(service).items():
            served = holder.loaded
            counts = holder.uses()
            for source in SOURCES:
                uses.add_metric([kind, source], counts[source])
            info.add_metric([kind, served.source, served.version or ""], 1)
            degraded.add_metric([kind], 1 if served.degraded else 0)
        yield from (uses, info, degraded)
        yield from _snapshot_metrics(service)


def _snapshot_metrics(service: ServiceState | None) -> Iterator[Metric]:
    if service is None:
        return
    yield CounterMetricFamily(
        "jobmatch_snapshot_refreshes",
        "Feature snapshots read from the database and swapped in.",
        value=service.refreshes,
    )
    started = service.read_started
    if math.isfinite(started):
        yield GaugeMetricFamily(
            "jobmatch_snapshot_age_seconds",
            "Seconds since the snapshot served now began to be read.",
            value=time.monotonic() - started,
        )


class RequestMetrics:
    """ASGI middleware that times each HTTP request into ``Metrics.latency``.

    The router records the matched route in the scope (``scope["route"]``), which this reads
    after the answer; an error that escapes every handler is counted as status 500.
    """

    def __init__(self, app: ASGIApp, metrics: Metrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = int(message["status"])
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            labels = (scope["method"], route_template(scope), str(status))
            self.metrics.latency.labels(*labels).observe(time.perf_counter() - started)


def route_template(scope: Scope) -> str:
    """The matched route's template with the prefix it was included under.

    FastAPI 0.165 leaves the router's own route in ``scope["route"]`` (``/persons/{person_id}/…``
    without ``/api``), so the prefix is read off the raw path: the part before the route's own
    pattern matches. The prefix is static, so the label set stays small.
    """
    route: Any = scope.get("route")
    local, pattern = getattr(route, "path", None), getattr(route, "path_regex", None)
    if not isinstance(local, str):
        return UNMATCHED
    path = str(scope.get("path", ""))
    if isinstance(pattern, re.Pattern):
        for cut, character in enumerate(path):
            if character == "/" and pattern.match(path[cut:]):
                return path[:cut] + local
    return local
