"""The serving snapshot: everything the service derives from one read of the database, in one
object that a refresh builds whole and swaps in with one assignment (``serving.runtime.state``).

It holds the feature context, its lookups (``serving.runtime.lookups``), the request-time frames
(``features.request.RequestFrames``, the day's built before the swap), the recent load on each
vacancy that the congestion prices read (``features.congestion``) and the values derived
from the snapshot and a served model (``per_model``: the fair calibrations). A request reads
the current snapshot once (``serving.api.deps.SnapshotDep``) and uses that object throughout,
so it never mixes two snapshots; whatever was cached for a snapshot goes with it when the next
one is swapped in, and nothing is cached anywhere else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TypeVar, cast

from features.congestion import LoadIndex, recent_load
from features.context import FeatureContext
from features.request import RequestFrames, moment_of
from serving.runtime.lookups import Lookups
from serving.runtime.models import ServedModel

T = TypeVar("T")
Derive = Callable[[ServedModel, FeatureContext], T]


@dataclass(frozen=True, eq=False)  # eq=False: two reads are two snapshots, compared by identity
class ServingSnapshot:
    context: FeatureContext
    lookups: Lookups
    frames: RequestFrames  # the request frames of a few moments, the day's among them
    load: LoadIndex  # persons recommended each vacancy in the weeks before the read
    _per_model: dict[tuple[Callable[..., object], str], object] = field(
        default_factory=dict, repr=False
    )
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    @classmethod
    def of(cls, context: FeatureContext, day: datetime | None = None) -> ServingSnapshot:
        """The snapshot of ``context``, with the request frames of ``day`` built when given (the
        service builds them before the swap, so no request waits for them)."""
        load = recent_load(context.snapshot.referrals, day or datetime.now(UTC))
        snapshot = cls(context, Lookups.of(context), RequestFrames(context), load)
        if day is not None:
            snapshot.prepare(day)
        return snapshot

    def holds(self, person_id: int) -> bool:
        """Whether the snapshot knows the person."""
        return person_id in self.lookups.person_ids

    def prepare(self, day: datetime) -> None:
        """Build the request frames covering ``day`` unless they are kept already."""
        moment_of(self.frames, day)

    def per_model(self, derive: Derive[T], model: ServedModel) -> T:
        """``derive(model, self.context)``, computed once per function and served model label
        (source and version: a new champion gets its own value, the old one's stays unused) for
        as long as this snapshot is served. One computation at a time: a second caller of the
        same value waits for the first instead of computing it again."""
        key = (derive, model.label)
        with self._lock:
            if key not in self._per_model:
                self._per_model[key] = derive(model, self.context)
            return cast(T, self._per_model[key])
