"""The request-time frames of a test's context: one ``RequestFrames`` per context object, as
the service keeps one per snapshot (``serving.runtime.snapshot``), so that a test's requests
share them."""

from __future__ import annotations

from features.context import FeatureContext
from features.request import RequestFrames

KEPT = 4
_kept: dict[int, RequestFrames] = {}


def frames_of(context: FeatureContext) -> RequestFrames:
    frames = _kept.get(id(context))
    if frames is not None and frames.context is context:
        return frames
    while len(_kept) >= KEPT:
        del _kept[next(iter(_kept))]
    _kept[id(context)] = frames = RequestFrames(context)
    return frames
