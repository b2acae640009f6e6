"""The serving snapshot keeps what is derived from one read of the database: values derived per
served model are computed once per model label and go with the snapshot, never with another."""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from features.context import FeatureContext
from features.moment import micros_of
from serving.runtime.models import ServedModel
from serving.runtime.snapshot import ServingSnapshot
from serving.services.fair_calibration import fit_calibration
from tests.api_models import city_context

RULE = ServedModel("jobs", "rule", None, None)
CHAMPION_1 = ServedModel("jobs", "champion", "1", None)
CHAMPION_2 = ServedModel("jobs", "champion", "2", None)


class Counted:
    """A derivation that records each computation (model label, context)."""

    def __init__(self, seconds: float = 0.0) -> None:
        self.calls: list[tuple[str, FeatureContext]] = []
        self.seconds = seconds

    def __call__(self, model: ServedModel, context: FeatureContext) -> object:
        self.calls.append((model.label, context))
        time.sleep(self.seconds)
        return object()


def test_a_value_is_derived_once_per_model_label_and_a_new_champion_gets_its_own() -> None:
    snapshot = ServingSnapshot.of(city_context())
    derive = Counted()
    first = snapshot.per_model(derive, CHAMPION_1)
    assert snapshot.per_model(derive, CHAMPION_1) is first
    second = snapshot.per_model(derive, CHAMPION_2)
    assert second is not first
    assert snapshot.per_model(derive, CHAMPION_1) is first  # a rollback finds its value
    assert [label for label, _ in derive.calls] == ["champion:1", "champion:2"]
    assert all(context is snapshot.context for _, context in derive.calls)


def test_values_go_with_their_snapshot() -> None:
    """A newly read snapshot starts with no derived values; the old one keeps its own for the
    requests still holding it."""
    context = city_context()
    old, new = ServingSnapshot.of(context), ServingSnapshot.of(context)
    derive = Counted()
    kept = old.per_model(derive, RULE)
    assert new.per_model(derive, RULE) is not kept
    assert old.per_model(derive, RULE) is kept
    assert len(derive.calls) == 2


def test_two_functions_do_not_share_a_value() -> None:
    snapshot = ServingSnapshot.of(city_context())
    one, other = Counted(), Counted()
    assert snapshot.per_model(one, RULE) is not snapshot.per_model(other, RULE)
    assert len(one.calls) == len(other.calls) == 1


def test_concurrent_askers_share_one_computation() -> None:
    snapshot = ServingSnapshot.of(city_context())
    derive = Counted(seconds=0.05)
    barrier = threading.Barrier(6)
    got: list[object] = []

    def ask() -> None:
        barrier.wait()
        got.append(snapshot.per_model(derive, RULE))

    threads = [threading.Thread(target=ask) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert len(derive.calls) == 1 and len(got) == 6 and all(value is got[0] for value in got)


def test_the_fair_calibration_is_kept_per_snapshot_and_model() -> None:
    snapshot = ServingSnapshot.of(city_context())
    fitted = snapshot.per_model(fit_calibration, RULE)
    assert snapshot.per_model(fit_calibration, RULE) is fitted
    other = ServedModel("jobs", "last-good", "7", None)  # the same rule scores, another label
    refit = snapshot.per_model(fit_calibration, other)
    assert refit is not fitted and refit.info == fitted.info


def test_a_snapshot_built_for_a_day_has_its_frames_ready() -> None:
    now = datetime.now(UTC)
    ready = ServingSnapshot.of(city_context(), now)
    assert ready.frames.covering(micros_of(now)) is not None
    assert ready.frames.context is ready.context
    lazy = ServingSnapshot.of(city_context())
    assert lazy.frames.kept == [] and lazy.frames is not ready.frames
