"""How often the jobs answer names a course beside the jobs (issue 19 §4), on a city.

Usage: .venv/bin/python experiments/skill_courses_share.py --data-dir <city> [--persons 300]

Serves the jobs champion of the data dir (the rule ranking when there is none) to a sample of
registered persons at the city's newest referral, as the API does, and counts the answers
with eligible vacancies that also name a course teaching a skill the listed vacancies ask for.
"""

from __future__ import annotations

import argparse
import statistics
from datetime import datetime
from pathlib import Path

from features.context import FeatureContext
from features.schema import JOB_FEATURE_SET
from features.sources import read_snapshot
from matching.storage import make_engine
from serving.runtime.models import ServedModel
from serving.runtime.snapshot import ServingSnapshot
from serving.services.recommend import recommend_jobs
from training.promotion import usable_champion
from training.registry import model_name
from training.tracking import Tracking


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument("--persons", type=int, default=300)
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{args.data_dir / 'jobmatch.db'}")
    try:
        context = FeatureContext.from_snapshot(read_snapshot(engine))
    finally:
        engine.dispose()
    at = context.snapshot.referrals["referred_at"].max()
    assert isinstance(at, datetime), "the city has no referral"
    snapshot = ServingSnapshot.of(context, at)
    tracking = Tracking(f"sqlite:///{args.data_dir / 'mlflow.db'}", args.data_dir / "mlartifacts")
    version = usable_champion(tracking, model_name("jobs"), JOB_FEATURE_SET)
    booster = tracking.load_booster(model_name("jobs"), version) if version else None
    model = ServedModel("jobs", "champion" if booster else "rule", version, booster)
    sample = context.persons.sample(args.persons, seed=1)["id"].to_list()
    with_jobs = named = 0
    unlocked = []
    for person_id in sample:
        answer = recommend_jobs(snapshot, model, int(person_id), at)
        if not answer.lines:
            continue
        with_jobs += 1
        if answer.skill_courses:
            named += 1
            unlocked.append(len(answer.skill_courses[0].vacancies))
    print(
        f"model {model.label}; {len(sample)} persons, {with_jobs} with eligible vacancies, "
        f"{named} of them ({named / max(with_jobs, 1):.1%}) also get a course beside the jobs; "
        f"the first course unlocks a median of {statistics.median(unlocked) if unlocked else 0} "
        "listed vacancies"
    )


if __name__ == "__main__":
    main()
