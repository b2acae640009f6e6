"""What the running service holds: the serving snapshot and the model holders, refreshed in
the background (champion aliases polled every ``model_poll_seconds``, the snapshot re-read every
``snapshot_refresh_seconds``).

A request reads ``state.snapshot`` once and uses that object throughout; a refresh builds a
whole new ``ServingSnapshot`` (context, lookups, caches) and swaps it in with one assignment, so
no request sees half of each. Refreshes run
one at a time (``_refresh_lock``): a person created after the last read triggers one
(``refresh_for``), and any number of requests waiting for the same refresh share it.
"""

from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import polars as pl
from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from features.context import FeatureContext
from features.schema import FeatureSet
from features.sources import TABLES, Snapshot, read_snapshot
from matching.storage import Base
from serving.runtime.models import ModelHolder
from serving.runtime.scoring_threads import lower_this_thread
from serving.runtime.snapshot import ServingSnapshot
from serving.runtime.snapshot_reader import read_snapshot_elsewhere
from training.kinds import COURSES, JOBS, RANKER_KINDS
from training.registry import model_name
from training.tracking import Tracking

log = logging.getLogger(__name__)
PROBE_ROWS = 200
REFRESH_WAIT_SECONDS = 60.0  # a request waits this long for a refresh before answering 503
Fingerprint = tuple[tuple[object, ...], ...]


@dataclass
class ServiceState:
    snapshot: ServingSnapshot | None = None
    jobs: ModelHolder | None = None
    courses: ModelHolder | None = None
    stop: threading.Event = field(default_factory=threading.Event)
    engine: Engine | None = None  # None: nothing to refresh from (models not loaded)
    read_started: float = -math.inf  # monotonic time the current snapshot's read began
    refreshes: int = 0  # snapshots actually read and swapped in (for tests and metrics)
    _fingerprint: Fingerprint | None = None
    _refresh_lock: threading.Lock = field(default_factory=threading.Lock)
    _tracking: Callable[[], Tracking] | None = None
    _cache_dir: Path | None = None

    def load(self, engine: Engine, tracking_uri: str, data_dir: Path) -> None:
        """Read the snapshot and the models; an empty or unreachable database leaves the
        service up with nothing to recommend (503 on those routes, never 500) until a refresh
        finds persons."""
        self.engine = engine
        self._tracking = lambda: Tracking(tracking_uri, data_dir / "mlartifacts")
        self._cache_dir = data_dir / "models"
        self.refresh_snapshot(force=True)

    def refresh_snapshot(
        self,
        *,
        force: bool = False,
        elsewhere: bool = False,
        read: Callable[[str], Snapshot] | None = None,
    ) -> bool:
        """Re-read the snapshot if the database changed (``force``: whatever it says); False
        when the database could not be read, and the old snapshot stays. ``elsewhere``: read
        the rows in a child process (``serving.runtime.snapshot_reader``), as the background
        loop does; ``read``: read them with this function of the database URL (a Dask worker's,
        for a rebuild job) and build the snapshot here."""
        with self._refresh_lock:
            return self._refresh(force=force, elsewhere=elsewhere, read=read)

    def refresh_for(self, person_id: int, missed_at: float) -> bool:
        """Make sure the snapshot holds ``person_id``, known to be in the database since before
        ``missed_at`` (a monotonic time): wait for the refresh in flight, and start one only if
        that did not bring the person in. False when no refresh could be done in time."""
        return self.refresh_until(lambda snapshot: snapshot.holds(person_id), missed_at)

    def refresh_until(self, holds: Callable[[ServingSnapshot], bool], missed_at: float) -> bool:
        """``refresh_for`` for any record: make sure the snapshot ``holds`` what the database
        has held since before ``missed_at`` (a new person, a vacancy opened since the read)."""
        if self.engine is None or not self._refresh_lock.acquire(timeout=REFRESH_WAIT_SECONDS):
            return False
        try:
            known = self.snapshot is not None and holds(self.snapshot)
            if known or self.read_started >= missed_at:
                return True
            return self._refresh(force=True)
        finally:
            self._refresh_lock.release()

    def poll(self, seconds: float) -> threading.Thread:
        """Refresh the champions in the background until ``stop`` is set."""

        def refresh_models() -> None:
            for holder in (self.jobs, self.courses):
                if holder is not None:
                    holder.refresh()

        return self._every(seconds, "model-poll", refresh_models)

    def watch(self, seconds: float) -> threading.Thread:
        """Re-read the snapshot in the background (when the database changed) until ``stop``."""
        return self._every(
            seconds, "snapshot-refresh", lambda: self.refresh_snapshot(elsewhere=True)
        )

    def _every(self, seconds: float, name: str, work: Callable[[], object]) -> threading.Thread:
        def loop() -> None:
            lower_this_thread()  # a re-read takes seconds of CPU: requests go first
            while not self.stop.wait(seconds):
                try:
                    work()
                except Exception as error:  # a loop outlives any one failure; values unlogged
                    log.warning("%s failed (%s)", name, type(error).__name__)

        thread = threading.Thread(target=loop, name=name, daemon=True)
        thread.start()
        return thread

    def _refresh(
        self,
        *,
        force: bool,
        elsewhere: bool = False,
        read: Callable[[str], Snapshot] | None = None,
    ) -> bool:
        """The refresh itself; the caller holds ``_refresh_lock``."""
        if self.engine is None:
            return False
        started = time.monotonic()
        try:
            fingerprint = database_fingerprint(self.engine)  # before the read: never too new
            if not force and fingerprint == self._fingerprint:
                self.read_started = started
                if self.snapshot is not None:  # a new day: its frames made here, not in a request
                    self.snapshot.prepare(datetime.now(UTC))
                return True
            begun = time.perf_counter()
            url = self.engine.url.render_as_string(hide_password=False)
            if read is not None:
                tables = read(url)
            elif elsewhere:
                _child, tables = read_snapshot_elsewhere(url)
            else:
                tables = read_snapshot(self.engine)
            context = FeatureContext.from_snapshot(tables)
            fresh = None
            if context.persons.height > 0:
                # built before the swap: requests find the lookups and the day's frames ready
                fresh = ServingSnapshot.of(context, datetime.now(UTC))
                self._ensure_holders(fresh)
        except SQLAlchemyError as error:
            log.warning("no snapshot: database unavailable (%s)", type(error).__name__)
            return False
        except Exception as error:  # odd data must not take the service down; values unlogged
            log.warning("no snapshot: %s", type(error).__name__)
            return False
        self._fingerprint, self.read_started = fingerprint, started
        if fresh is None:
            log.warning("the database holds no persons: nothing to recommend yet")
            self.snapshot = None
            return True
        self.snapshot = fresh
        self.refreshes += 1
        log.info(
            "snapshot of %d persons read in %.2f s",
            context.persons.height,
            time.perf_counter() - begun,
        )
        return True

    def holder(self, kind: str) -> ModelHolder | None:
        """The model holder of a ranker kind (``training.kinds``)."""
        return self.jobs if RANKER_KINDS[kind] is JOBS else self.courses

    def _ensure_holders(self, snapshot: ServingSnapshot) -> None:
        """Create and load the model holders the first time there is data to check them on."""
        if self.jobs is None:
            self.jobs = self._holder("jobs", JOBS.feature_set, _probe(snapshot, "jobs"))
        if self.courses is None:
            self.courses = self._holder("courses", COURSES.feature_set, _probe(snapshot, "courses"))

    def _holder(self, kind: str, feature_set: FeatureSet, probe: pl.DataFrame) -> ModelHolder:
        assert self._tracking is not None and self._cache_dir is not None
        holder = ModelHolder(
            kind, model_name(kind), feature_set, probe, self._cache_dir, self._tracking
        )
        holder.refresh()
        return holder


def database_fingerprint(engine: Engine) -> Fingerprint:
    """Row count, highest id and latest update of every table the snapshot reads: a change
    made through jobmatch (insert, update, delete) changes it, at a fraction of a read."""
    parts: list[tuple[object, ...]] = []
    with engine.connect() as connection:
        for name in TABLES:
            table = Base.metadata.tables[name]
            columns = [func.count(), func.max(table.c.id)]
            if "updated_at" in table.c:
                columns.append(func.max(table.c.updated_at))
            parts.append(tuple(connection.execute(select(*columns)).one()))
    return tuple(parts)


def _probe(snapshot: ServingSnapshot, kind: str) -> pl.DataFrame:
    """Rows to check a model on: the newest referrals' features, or (no referrals yet) one
    person's candidates at request time."""
    spec = RANKER_KINDS[kind]
    probe = spec.training_frame(snapshot.context).tail(PROBE_ROWS).collect()
    if probe.height > 0:
        return probe
    person_id = int(snapshot.context.persons["id"][0])
    return spec.request(snapshot.frames, person_id, datetime.now(UTC)).head(PROBE_ROWS)
