"""Why the courses ranker ties the logistic baseline, and what moves it (issue 19 §4).

Usage: .venv/bin/python -m experiments.courses_signals --data-dir DIR [--parts ...] [--shares ...]

Needs a city made by `jobmatch synth` (its ground truth beside the database). Parts:

- ``truth``: what the truth's course grade depends on. On 1,000 job seekers' whole candidate
  sets (every open course), NDCG@10 of the truth's own grade with one term replaced by its mean
  (the course's hidden quality, the distance term, the classroom barrier, the job fit, the pair
  noise, the duration): how much ranking each signal could ever be worth.
- ``noise``: the same logged rows with noise-free labels. A LightGBM regression fit to the
  truth's expected grade of the training lists' rows (analysis only: no product model sees the
  truth) against fits to the logged outcomes, and the ceiling (fit to the truth of half the
  candidate sets, judged on the other half). Also the logged test lists' own noise: a bootstrap
  of ranker minus logistic over lists, and the truth's ordering scored on them.
- ``capacity``: the default ranker with 7, 3 and 2 leaves, three random states each.
- ``features``: candidate course features, computed here (not in the product): rates of the
  course history smoothed towards the training base's and the base's towards the city's
  (enrolment, completion, jobs per completion), needed classroom provisions the course lacks,
  the summed ability shortfall against the course's occupation, and the commute ratio beyond
  twice the acceptable commute.
- ``curve``: with ``--shares``, the ranker and the logistic fit on a share of the lists.

Every row prints NDCG@10 of the ranker (R) and the logistic baseline (L) on the logged test
lists with the logged grades (``lists``), on all logged test lists with the truth's expected
grade as gain (``lists_truth``), and on the candidate sets (``cands``), each the mean over the
random states.
"""

from __future__ import annotations

import argparse
import contextlib
import io
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import lightgbm as lgb
import numpy as np
import polars as pl

from features.context import FeatureContext
from features.course import CLASSROOM_NEEDS, COURSE_HISTORY, LOW_ABILITY
from features.schema import DIMENSIONS as FEATURE_DIMENSIONS
from features.sources import read_snapshot
from matching.geo import haversine_km
from matching.storage import make_engine
from matching.synth.abilities import DIMENSIONS
from matching.synth.truth.courses import CLASSROOM_NEEDS as TRUTH_NEEDS
from matching.synth.truth.jobs import lookup
from matching.synth.truth.latents import pair_noise, sigmoid
from training import baselines
from training.config import TrainConfig
from training.constraints import COURSE_MONOTONE
from training.evaluation import evaluable
from training.kinds import RANKER_KINDS
from training.metrics import ranking_report
from training.oracle import load_latents
from training.oracle_courses import (
    course_candidate_set_evaluation,
    course_oracle_scores,
    course_truth,
)
from training.pipeline import fit_ranker, frame_for, make_ranker, ranked_parts, sample_seekers
from training.split import SplitFrames, TimeSplit

STATES = (7, 8, 9)
UP, DOWN = 1, -1
PRIOR = 10.0
TYPICAL = {"enrolled": 0.29, "completed": 0.75, "employed": 0.31}  # the demo history's shares
POOLED = ["c_enrol_rate", "c_completion_rate", "c_job_rate"]
BASE_RATES = ["c_base_enrol_rate", "c_base_completion_rate", "c_base_job_rate"]
PAIR = ["y_unmet_needs", "y_shortfall", "y_beyond_reach"]
NEW_MONOTONE = {**dict.fromkeys(POOLED + BASE_RATES, UP), **dict.fromkeys(PAIR, DOWN)}


def ndcg10(frame: pl.DataFrame, scores: np.ndarray, gain: str = "grade") -> float:
    values = frame[gain].to_numpy()
    return ranking_report(np.asarray(scores), values, frame["query_id"].to_numpy(), (10,))[
        "ndcg@10"
    ]


def _smoothed(events: str, per: str, prior: pl.Expr) -> pl.Expr:
    count = pl.col(events).cast(pl.Float64)
    return (count + PRIOR * prior) / (pl.col(per).cast(pl.Float64) + PRIOR)


def with_candidate_features(context: FeatureContext, frame: pl.DataFrame) -> pl.DataFrame:
    """``frame`` (course feature rows) with the candidate features, as of each row's moment."""
    history = context.course_history
    course_base = context.snapshot.courses.select(pl.col("id").alias("course_id"), "base_id")
    access = context.courses.select("course_id", "_c_access")
    rows = frame.with_row_index("_row").join(course_base, on="course_id", how="left")
    own = history.attach(
        history.locate(rows.lazy(), "course_id", "at", "_h"), "_h", COURSE_HISTORY, missing=0
    ).collect()
    # A base's counts at a moment: the sum of its courses' running counts then.
    siblings = rows.select("_row", "at", "base_id").join(
        course_base.rename({"course_id": "_sibling"}), on="base_id"
    )
    located = history.locate(siblings.lazy(), "_sibling", "at", "_h")
    base = (
        history.attach(located, "_h", COURSE_HISTORY, missing=0)
        .group_by("_row")
        .agg(pl.col(name).sum().alias(name.replace("course_", "base_")) for name in COURSE_HISTORY)
        .collect()
    )
    rows = own.join(base, on="_row", how="left").join(access, on="course_id", how="left")
    low = [(pl.col(f"p_{dim}") < LOW_ABILITY).fill_null(False) for dim, _ in CLASSROOM_NEEDS]
    unmet = [
        (is_low & ~pl.col("_c_access").list.contains(need)).cast(pl.Int32)
        for is_low, (_dim, need) in zip(low, CLASSROOM_NEEDS, strict=True)
    ]
    rows = rows.with_columns(
        c_base_enrol_rate=_smoothed("base_enrolled", "base_referrals", pl.lit(TYPICAL["enrolled"])),
        c_base_completion_rate=_smoothed(
            "base_completed", "base_enrolled", pl.lit(TYPICAL["completed"])
        ),
        c_base_job_rate=_smoothed("base_employed", "base_completed", pl.lit(TYPICAL["employed"])),
        y_unmet_needs=pl.sum_horizontal(unmet),
        y_shortfall=pl.sum_horizontal(
            [(-pl.col(f"y_margin_{d}")).clip(0.0, None) for d in FEATURE_DIMENSIONS]
        ),
        y_beyond_reach=(pl.col("y_commute_ratio") - 2.0).clip(0.0, None),
    ).with_columns(
        c_enrol_rate=_smoothed("course_enrolled", "course_referrals", pl.col("c_base_enrol_rate")),
        c_completion_rate=_smoothed(
            "course_completed", "course_enrolled", pl.col("c_base_completion_rate")
        ),
        c_job_rate=_smoothed("course_employed", "course_completed", pl.col("c_base_job_rate")),
    )
    return rows.sort("_row").select(*frame.columns, *POOLED, *BASE_RATES, *PAIR)


class Bench:
    """The training lists, the test lists and one sample of candidate sets of one city."""

    def __init__(self, folder: Path) -> None:
        engine = make_engine(f"sqlite:///{folder / 'jobmatch.db'}")
        self.context = FeatureContext.from_snapshot(read_snapshot(engine))
        self.latents = load_latents(folder / "ground_truth")
        frame, feature_set, grades = frame_for("courses", self.context)
        frame = with_candidate_features(self.context, frame)
        self.names = feature_set.names
        self.config = TrainConfig.from_toml(None, defaults=RANKER_KINDS["courses"].train_settings)
        end = frame["at"].max()
        assert isinstance(end, datetime)
        split = TimeSplit.newest_months(
            end, valid_months=self.config.valid_months, test_months=self.config.test_months
        )
        self.ranked = ranked_parts(frame, self.context, split, grades)
        self.test = evaluable(self.ranked.test)
        every = self.ranked.test.sort("query_id")
        truth = course_oracle_scores(self.context, self.latents, every)
        self.every_test = every.with_columns(truth=pl.Series(truth))
        seen: list[pl.DataFrame] = []

        def capture(rows: pl.DataFrame) -> np.ndarray:
            seen.append(rows)
            return np.zeros(rows.height)

        people = sample_seekers(self.context, 1000, 7)
        course_candidate_set_evaluation(self.context, self.latents, {"capture": capture}, people)
        self.candidates = with_candidate_features(self.context, seen[0])

    def learned_rows(self) -> pl.DataFrame:
        return pl.concat([self.ranked.train, self.ranked.valid], how="vertical_relaxed")

    def compare(
        self,
        label: str,
        names: Sequence[str],
        *,
        monotone: Mapping[str, int] | None = None,
        config: TrainConfig | None = None,
        ranked: SplitFrames | None = None,
    ) -> np.ndarray:
        """Ranker and logistic on ``names``, mean over the random states; prints one row."""
        names = list(names)
        directions = {
            k: v for k, v in {**COURSE_MONOTONE, **(monotone or {})}.items() if k in names
        }
        results = []
        for state in STATES:
            settings = replace(config or self.config, random_state=state)
            with contextlib.redirect_stdout(io.StringIO()):
                ranker, rows = _fit(settings, ranked or self.ranked, names, directions)
            logistic = baselines.LogisticBaseline(names, random_state=state)
            logistic.fit(rows, rows["grade"].to_numpy())
            results.append(
                [
                    value
                    for frame, gain in (
                        (self.test, "grade"),
                        (self.every_test, "truth"),
                        (self.candidates, "grade"),
                    )
                    for value in (
                        ndcg10(frame, ranker.predict(frame.select(names)), gain),
                        ndcg10(frame, logistic.predict(frame), gain),
                    )
                ]
            )
        mean = np.mean(results, axis=0)
        spread = np.std(np.array(results)[:, 4])
        cells = "  ".join(
            f"{part} R {mean[i]:.4f} L {mean[i + 1]:.4f} ({mean[i] / mean[i + 1]:.3f})"
            for i, part in ((0, "lists"), (2, "lists_truth"), (4, "cands"))
        )
        print(f"{label:40s} {cells}  sd(cands R) {spread:.4f}", flush=True)
        return mean


def _fit(
    config: TrainConfig, ranked: SplitFrames, names: list[str], directions: dict[str, int]
) -> tuple[object, pl.DataFrame]:
    import training.pipeline as pipeline

    def ranker_with(kind: str, settings: TrainConfig) -> object:
        return make_ranker("courses", settings).set_params(monotone_constraints=directions or None)

    original = pipeline.make_ranker
    pipeline.make_ranker = ranker_with  # type: ignore[assignment]
    try:
        return fit_ranker("courses", config, ranked, names)
    finally:
        pipeline.make_ranker = original


def truth_terms(bench: Bench) -> None:
    """NDCG@10 of the truth's grade with one term replaced by its mean, on the candidate sets
    and on the logged test lists."""
    logged = bench.every_test.with_columns(grade=pl.col("truth"))
    for where, frame in (("candidate sets", bench.candidates), ("logged test lists", logged)):
        _ablate(bench, frame, where)
    quality = bench.latents.courses.rename({"course_id": "id"})
    courses = bench.context.snapshot.courses.join(quality, on="id")
    by_base = courses.group_by("base_id").agg(pl.col("quality").mean())["quality"]
    print(
        f"  course quality sd {courses['quality'].std():.3f}; of its base means {by_base.std():.3f}"
    )
    latest = bench.candidates.group_by("course_id").agg(
        pl.col(["c_past_job_rate", *POOLED, *BASE_RATES]).first()
    )
    joined = latest.join(quality.rename({"id": "course_id"}), on="course_id")
    for name in ("c_past_job_rate", "c_job_rate", "c_base_job_rate"):
        rho = joined.select(pl.corr(name, "quality", method="spearman")).item()
        print(f"  Spearman of {name} (as of today) with the hidden quality: {rho:.2f}")


def _ablate(bench: Bench, frame: pl.DataFrame, where: str) -> None:
    truth = course_truth(bench.context, bench.latents)
    person_ids, course_ids = frame["person_id"].to_numpy(), frame["course_id"].to_numpy()
    p = lookup(truth.person_index, person_ids)
    c = lookup(truth.course_index, course_ids)
    distance = haversine_km(truth.p_lat[p], truth.p_lon[p], truth.c_lat[c], truth.c_lon[c])
    terms = {
        "far": -1.2 * np.maximum(0.0, distance / (2 * truth.commute[p]) - 1.0),
        "barrier": sum(
            np.where(
                (truth.ability[p, DIMENSIONS.index(dim)] < 1.5) & ~truth.offers[need][c], -0.8, 0.0
            )
            for dim, need in TRUTH_NEEDS
        ),
        "job_fit": -0.6
        * np.maximum(0.0, truth.course_demand[c] - truth.ability[p] - 0.5).sum(axis=1),
        "noise": 0.4 * pair_noise(truth.seed, person_ids, course_ids, salt=7),
        "quality": truth.quality[c],
        "duration": truth.duration[c],
    }
    learning = truth.ability[p, DIMENSIONS.index("learning")]
    motivation = truth.motivation[p]

    def grade(t: Mapping[str, np.ndarray]) -> np.ndarray:
        enrol = sigmoid(
            0.2 + t["far"] + t["barrier"] + 0.5 * motivation + 0.3 * t["job_fit"] + t["noise"]
        )
        complete = sigmoid(
            1.0 + 0.4 * (learning - 2.0) + t["barrier"] + 0.4 * motivation - t["duration"] / 200
        )
        employed = sigmoid(-0.6 + t["quality"] + 0.8 * t["job_fit"] + 0.4 * motivation)
        return np.asarray(enrol + enrol * complete + enrol * complete * employed)

    exact = grade(terms)
    assert np.allclose(exact, frame["grade"].to_numpy())
    print(f"truth's own grade with one term replaced by its mean ({where}, NDCG@10):")
    for name, values in terms.items():
        flat = dict(terms) | {name: np.full_like(values, values.mean())}
        print(f"  without {name:9s} {ndcg10(frame, grade(flat)):.4f}")
    print(
        f"  rows beyond twice the commute {(terms['far'] < 0).mean():.2f}, "
        f"with a classroom barrier {(terms['barrier'] < 0).mean():.2f}"
    )


def noise(bench: Bench) -> None:
    names = bench.names
    rows = bench.learned_rows()
    rows = rows.with_columns(
        truth=pl.Series(course_oracle_scores(bench.context, bench.latents, rows))
    )
    params = {
        "objective": "regression",
        "learning_rate": 0.05,
        "num_leaves": 7,
        "min_child_samples": 200,
        "feature_fraction": 0.8,
        "verbosity": -1,
        "num_threads": 2,
        "seed": 7,
    }

    def matrix(frame: pl.DataFrame) -> np.ndarray:
        return frame.select(names).cast(pl.Float64).to_numpy()

    def fit(frame: pl.DataFrame, label: np.ndarray, **more: object) -> lgb.Booster:
        return lgb.train(params | more, lgb.Dataset(matrix(frame), label=label), 300)

    cands = bench.candidates
    print(f"the {rows.height} logged rows the models learn from, fit with other labels:")
    for label, target in (
        ("the truth's expected grade", rows["truth"].to_numpy()),
        ("the logged grade (L2)", rows["grade"].to_numpy().astype(float)),
    ):
        model = fit(rows, target)
        print(
            f"  GBM on {label:28s} cands {ndcg10(cands, model.predict(matrix(cands))):.4f}  "
            "lists_truth "
            f"{ndcg10(bench.every_test, model.predict(matrix(bench.every_test)), 'truth'):.4f}"
        )
    half = pl.Series(cands["query_id"].to_numpy() % 2 == 0)
    one, other = cands.filter(half), cands.filter(~half)
    model = lgb.train(
        params | {"num_leaves": 63, "min_child_samples": 50},
        lgb.Dataset(matrix(one), label=one["grade"].to_numpy()),
        1000,
    )
    print(
        f"  ceiling: GBM on the truth of half the candidate sets, judged on the other half "
        f"{ndcg10(other, model.predict(matrix(other))):.4f}"
    )
    ranker, learned = _fit(bench.config, bench.ranked, names, dict(COURSE_MONOTONE))
    logistic = baselines.LogisticBaseline(names).fit(learned, learned["grade"].to_numpy())
    test = bench.test
    queries = test["query_id"].to_numpy()
    gains = test["grade"].to_numpy()
    per_list = {}
    for name, scores in (
        ("ranker", ranker.predict(test.select(names))),  # type: ignore[attr-defined]
        ("logistic", logistic.predict(test)),
        ("truth", course_oracle_scores(bench.context, bench.latents, test)),
    ):
        frame = pl.DataFrame({"q": queries, "g": gains, "s": scores})
        per_list[name] = np.array(
            [
                ndcg10(part.rename({"q": "query_id", "g": "grade"}), part["s"].to_numpy())
                for _, part in frame.group_by("q", maintain_order=True)
            ]
        )
    gap = per_list["ranker"] - per_list["logistic"]
    rng = np.random.default_rng(0)
    boot = [gap[rng.integers(0, len(gap), len(gap))].mean() for _ in range(2000)]
    low, high = np.percentile(boot, [2.5, 97.5])
    print(
        f"  logged test lists: {len(gap)}; NDCG@10 ranker {per_list['ranker'].mean():.4f}, "
        f"logistic {per_list['logistic'].mean():.4f}, the truth's own order "
        f"{per_list['truth'].mean():.4f}; ranker − logistic {gap.mean():+.4f} "
        f"(95% bootstrap interval {low:+.4f} … {high:+.4f})"
    )


def capacity(bench: Bench) -> None:
    for leaves in (7, 3, 2):
        bench.compare(
            f"{leaves} leaves", bench.names, config=replace(bench.config, num_leaves=leaves)
        )


def features(bench: Bench) -> None:
    base = bench.names
    variants: list[tuple[str, list[str]]] = [
        ("today's 59 features", base),
        ("+ pooled course rates", base + POOLED),
        ("+ base rates", base + BASE_RATES),
        ("+ unmet needs, shortfall, beyond reach", base + PAIR),
        ("+ all nine", base + POOLED + BASE_RATES + PAIR),
    ]
    for leaves in (bench.config.num_leaves, 7):
        config = replace(bench.config, num_leaves=leaves)
        for label, names in variants:
            bench.compare(f"{leaves} leaves, {label}", names, monotone=NEW_MONOTONE, config=config)


def curve(bench: Bench, shares: Sequence[float]) -> None:
    lists = bench.learned_rows()["query_id"].unique().sort()
    print(f"lists learned from: {lists.len()}")
    for share in shares:
        keep = (lists.sample(fraction=share, seed=1) if share < 1 else lists).implode()
        part = SplitFrames(
            bench.ranked.train.filter(pl.col("query_id").is_in(keep)),
            bench.ranked.valid.filter(pl.col("query_id").is_in(keep)),
            bench.ranked.test,
        )
        for leaves in (7, bench.config.num_leaves):
            config = replace(bench.config, num_leaves=leaves)
            bench.compare(
                f"{share:.0%} of the lists, {leaves} leaves",
                bench.names,
                config=config,
                ranked=part,
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, required=True)
    parser.add_argument(
        "--parts",
        nargs="+",
        default=["truth", "noise", "capacity", "features"],
        choices=["truth", "noise", "capacity", "features", "curve"],
    )
    parser.add_argument("--shares", default="0.25,0.5,1", help="for the curve part")
    args = parser.parse_args()
    bench = Bench(args.data_dir)
    print(
        f"{bench.test['query_id'].n_unique()} evaluable test lists, "
        f"{bench.every_test['query_id'].n_unique()} test lists, "
        f"{bench.learned_rows().height} rows learned from, default {bench.config.num_leaves} leaves"
    )
    for part in args.parts:
        print(f"--- {part}", flush=True)
        if part == "truth":
            truth_terms(bench)
        elif part == "noise":
            noise(bench)
        elif part == "capacity":
            capacity(bench)
        elif part == "features":
            features(bench)
        else:
            curve(bench, [float(x) for x in args.shares.split(",")])


if __name__ == "__main__":
    main()
