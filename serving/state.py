"""What the running service holds: the feature snapshot and the model holders, refreshed in
the background (champion alias polled every ``model_poll_seconds``)."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from features.context import FeatureContext
from features.schema import JOB_FEATURES
from features.sources import read_snapshot
from features.training_frames import job_training_frame
from serving.models import ModelHolder
from training.registry import model_name
from training.tracking import Tracking

log = logging.getLogger(__name__)
PROBE_ROWS = 200


@dataclass
class ServiceState:
    context: FeatureContext | None = None
    jobs: ModelHolder | None = None
    stop: threading.Event = field(default_factory=threading.Event)

    def load(self, engine: Engine, tracking_uri: str, data_dir: Path) -> None:
        """Read the snapshot and the models; an empty or unreachable database leaves the
        service up with nothing to recommend (503 on those routes, never 500)."""
        try:
            context = FeatureContext.from_snapshot(read_snapshot(engine))
        except (SQLAlchemyError, OSError) as error:
            log.warning("no snapshot: %s", type(error).__name__)
            return
        if context.snapshot.persons.height == 0:
            log.warning("the database holds no persons: nothing to recommend yet")
            return
        probe = job_training_frame(context).tail(PROBE_ROWS).collect()
        holder = ModelHolder(
            "jobs",
            model_name("jobs"),
            JOB_FEATURES,
            probe,
            data_dir / "models",
            lambda: Tracking(tracking_uri, data_dir / "mlartifacts"),
        )
        holder.refresh()
        self.context, self.jobs = context, holder

    def poll(self, seconds: float) -> threading.Thread:
        """Refresh the champion in the background until ``stop`` is set."""

        def loop() -> None:
            while not self.stop.wait(seconds):
                if self.jobs is not None:
                    self.jobs.refresh()

        thread = threading.Thread(target=loop, name="model-poll", daemon=True)
        thread.start()
        return thread
