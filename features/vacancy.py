"""Vacancy features: what the job demands and offers (static) and, as of the query's moment,
how long it has been open, how crowded it is and how its employer has hired so far."""

from __future__ import annotations

from functools import cache

import polars as pl

from features.geo import latitude_radians
from features.ops import Column, Ops
from features.person import EDUCATION_RANK, TOILET, code_index
from features.schema import DIMENSIONS
from features.tables import History, Keyed
from features.text import bigrams
from features.vocabularies import OFFERED_BITS, V_MODE_BITS, WANTED_BITS, Vocabularies
from matching import codes
from matching.eligibility import MASSAGE_SKILL, RESERVED_CHANNELS, WELFARE_CHANNELS
from matching.occupations import load_occupations

QUOTA_RATE = 0.015  # Shandong (docs/domain.md); the exact Decimal rules live in matching.quota
ACCOMMODATION_BOOST_POINTS = 2.0  # an offered accommodation is taken to make up two points
EMPLOYER_COUNTS = ["employer_hires", "employer_referrals"]
# Smoothed rates of the referral history: (events + PRIOR × typical rate) / (base + PRIOR), so a
# vacancy or employer with few referrals sits near the typical rate instead of at 0 or 1. The
# typical rates are the demo history's share of referrals reaching each stage (applied 13%,
# interviewed 3.4%, hired 1.6%; 26% of applications lead to an interview); they only set where
# a little-known employer starts. Trees cannot divide one count by another, and these ratios
# lift the ranker's NDCG@10 on whole candidate sets by 1.6-3.2% (experiments/training.md).
VACANCY_COUNTS = ["vacancy_referrals", "vacancy_applied", "vacancy_interviewed"]
RATE_PRIOR = 10.0
TYPICAL_RATES = {"applied": 0.13, "interviewed": 0.034, "hired": 0.016, "interview_per_apply": 0.26}
# feature: (events counted, per what, which typical rate)
RATE_FEATURES = {
    "v_employer_apply_rate": ("employer_applied", "employer_referrals", "applied"),
    "v_employer_interview_rate": ("employer_interviewed", "employer_referrals", "interviewed"),
    "v_employer_hire_rate": ("employer_hires", "employer_referrals", "hired"),
    "v_employer_interviews_per_apply": (
        "employer_interviewed",
        "employer_applied",
        "interview_per_apply",
    ),
    "v_apply_rate": ("vacancy_applied", "vacancy_referrals", "applied"),
    "v_interview_rate": ("vacancy_interviewed", "vacancy_referrals", "interviewed"),
}
CANDIDATE_ONLY = ("_status", "_age_min", "_age_max")  # read by candidate rules, not features
OPEN_ROW = "_open_row"  # numbers the open vacancies (``candidate_vacancies``)
# The pre-score's employer_kind term (``features.candidates``): employers built around disabled
# workers (如康家园, massage places) hire them far more readily.
EMPLOYER_LEANING = {
    codes.EMPLOYER_KINDS.codes.index("auxiliary_center"): 1.0,
    codes.EMPLOYER_KINDS.codes.index("blind_massage"): 1.0,
    codes.EMPLOYER_KINDS.codes.index("social_org"): 0.3,
}


def accommodated_margin(o: Ops, score: str, dimension: str) -> Column:
    """The margin on a dimension once an offered accommodation that closes it adds its points."""
    return (
        o.col(score)
        + ACCOMMODATION_BOOST_POINTS * o.col(f"_closes_{dimension}")
        - o.col(f"v_demand_{dimension}")
    )


def closes(dimension: str) -> pl.Expr:
    """1 when an offered accommodation closes a gap on the dimension (see ACCOMMODATION_CLOSES)."""
    closers = [a for a, dims in codes.ACCOMMODATION_CLOSES.items() if dimension in dims]
    offered = pl.col("accommodations_offered").fill_null([])
    return offered.list.eval(pl.element().is_in(closers)).list.any().cast(pl.Float64)


def vacancy_table(
    vacancies: pl.LazyFrame, employers: pl.LazyFrame, sets: Vocabularies
) -> pl.LazyFrame:
    """Static columns of every vacancy, computed once per snapshot."""
    occupation_names = {code: o.name for code, o in load_occupations().items()}
    weighted = 2 * pl.col("disabled_staff_severe") + pl.col("disabled_staff_other")
    staff = pl.col("staff_count").cast(pl.Float64)
    return (
        vacancies.join(
            employers.select(
                pl.col("id").alias("employer_id"),
                "kind",
                "staff_count",
                "disabled_staff_severe",
                "disabled_staff_other",
            ),
            on="employer_id",
            how="left",
        )
        .select(
            pl.col("id").alias("vacancy_id"),
            "employer_id",
            *(pl.col(f"demand_{d}").cast(pl.Float64).alias(f"v_demand_{d}") for d in DIMENSIONS),
            v_pay_min=pl.col("pay_min").cast(pl.Float64),
            v_pay_max=pl.col("pay_max").cast(pl.Float64),
            v_hours=pl.col("hours_per_day").cast(pl.Float64),
            v_work_mode=code_index("work_mode", codes.WORK_MODES),
            v_home_based=(pl.col("work_mode") == "home_based").cast(pl.Int8),
            v_part_time=(pl.col("work_mode") == "part_time").cast(pl.Int8),
            v_employer_kind=code_index("kind", codes.EMPLOYER_KINDS),
            v_channel=code_index("channel", codes.VACANCY_CHANNELS),
            v_reserved=pl.col("reserved_for_disabled").cast(pl.Int8),
            v_graduate_oriented=pl.col("graduate_oriented").cast(pl.Int8),
            v_openings=pl.col("openings").cast(pl.Float64),
            v_accommodations_offered=pl.col("accommodations_offered")
            .list.len()
            .fill_null(0)
            .cast(pl.Int32),
            v_employer_staff=staff,
            v_employer_quota_gap=pl.max_horizontal(staff * QUOTA_RATE - weighted, pl.lit(0.0)),
            v_employer_disabled_rate=pl.when(staff > 0).then(weighted / staff).otherwise(0.0),
            _opened_on=pl.col("opened_on"),
            _deadline=pl.col("deadline"),
            _status=pl.col("status"),
            _v_longitude=pl.col("longitude"),
            **latitude_radians("latitude", "_v_"),
            _v_county=pl.col("county"),
            _v_mode=pl.col("work_mode"),
            _offered=pl.col("accommodations_offered").fill_null([]),
            _wanted=pl.col("skills_wanted").fill_null([]),
            _wants_massage=pl.col("skills_wanted").fill_null([]).list.contains(MASSAGE_SKILL),
            # inputs of the channel rules (matching.eligibility)
            _needs_certificate=pl.col("reserved_for_disabled").fill_null(False)
            | pl.col("channel").is_in(list(RESERVED_CHANNELS)),
            _needs_difficulty=pl.col("channel").is_in(list(WELFARE_CHANNELS)),
            _offers_toilet=pl.col("accommodations_offered").fill_null([]).list.contains(TOILET),
            _education_min=pl.col("education_min").replace_strict(
                EDUCATION_RANK, default=0, return_dtype=pl.Int32
            ),
            _age_min=pl.col("age_min"),
            _age_max=pl.col("age_max"),
            _v_text=bigrams(
                pl.concat_str(
                    "title",
                    pl.col("skills_wanted").list.join(""),
                    pl.col("occupation_code").replace_strict(occupation_names, default=""),
                    ignore_nulls=True,
                )
            ),
            **{f"_closes_{d}": closes(d) for d in DIMENSIONS},
        )
        .with_columns(
            *sets.skills.encode(pl.col("_wanted"), WANTED_BITS),
            *sets.modes.encode(pl.concat_list("_v_mode"), V_MODE_BITS),
            *sets.accommodations.encode(pl.col("_offered"), OFFERED_BITS),
        )
    )


def vacancy_features(
    items: pl.LazyFrame, table: Keyed, vacancy_history: History, employer_history: History
) -> pl.LazyFrame:
    """items (query_id, vacancy_id, at, _day) → static v_* plus the as-of ones.

    ``table`` is ``vacancy_table`` and the histories come from ``features.histories``, each
    prepared once per snapshot.
    """
    static = [c for c in table.frame.columns if c not in (table.key, *CANDIDATE_ONLY)]
    referred, referred_checked = vacancy_history.lookup("vacancy_id", "at", "_vacancy_history")
    employer, employer_checked = employer_history.lookup("employer_id", "at", "_employer_history")
    rows = table.attach(
        items.with_columns(table.row("vacancy_id").alias("_vacancy"), referred), "_vacancy", static
    )
    rows = rows.with_columns(referred_checked, employer).with_columns(employer_checked)
    employer_counts = [*EMPLOYER_COUNTS, "employer_applied", "employer_interviewed"]
    rows = employer_history.attach(rows, "_employer_history", employer_counts, missing=0)
    rows = vacancy_history.attach(rows, "_vacancy_history", VACANCY_COUNTS, missing=0)
    return rows.with_columns(
        pl.col("employer_hires").cast(pl.Int32).alias("v_employer_past_hires"),
        pl.col("employer_referrals").cast(pl.Int32).alias("v_employer_past_referrals"),
        *_rate_columns(),
        *_vacancy_columns(),
    )


@cache
def _rate_columns() -> list[pl.Expr]:
    return [_rate(*parts).alias(name) for name, parts in RATE_FEATURES.items()]


def _rate(events: str, base: str, typical: str) -> pl.Expr:
    """``events`` per ``base``, smoothed towards the typical rate (see ``RATE_PRIOR``)."""
    prior = RATE_PRIOR * TYPICAL_RATES[typical]
    return (pl.col(events).cast(pl.Float64) + prior) / (pl.col(base).cast(pl.Float64) + RATE_PRIOR)


def typical_rate(feature: str) -> float:
    """The rate a ``RATE_FEATURES`` feature takes with no history (its prior)."""
    return TYPICAL_RATES[RATE_FEATURES[feature][2]]


@cache
def _vacancy_columns() -> list[pl.Expr]:
    day = pl.col("_day")
    return [
        (day - pl.col("_opened_on")).dt.total_days().cast(pl.Float64).alias("v_days_open"),
        (pl.col("_deadline") - day).dt.total_days().cast(pl.Float64).alias("v_days_to_deadline"),
    ]


CANDIDATE_COLUMNS = (
    "vacancy_id",
    "v_home_based",
    "v_pay_min",
    "v_pay_max",
    "v_hours",
    "v_reserved",
    "v_employer_quota_gap",
    "v_employer_disabled_rate",
    "v_employer_kind",
    "_education_min",
    "_wants_massage",
    "_needs_certificate",
    "_needs_difficulty",
    "_offers_toilet",
    "v_graduate_oriented",
    "employer_id",
    "_opened_on",
    "_deadline",
    "_age_min",
    "_age_max",
    "_v_longitude",
    "_v_phi",
    "_v_cos_phi",
    *(f"v_demand_{d}" for d in DIMENSIONS),
    *(f"_closes_{d}" for d in DIMENSIONS),
)


def candidate_vacancies(vacancy_table: pl.DataFrame) -> pl.DataFrame:
    """Vacancies still open, with the columns candidate generation reads and the vacancy-only
    parts of its pre-score, once per snapshot; ``_open_row`` numbers them."""
    return (
        vacancy_table.filter(pl.col("_status") == "open")
        .select(*CANDIDATE_COLUMNS, pl.col(f"^({WANTED_BITS}|{V_MODE_BITS})[0-9]+$"))
        .with_row_index(OPEN_ROW)
        .with_columns(
            _pay_mid=(pl.col("v_pay_min") + pl.col("v_pay_max")) / 2,
            _leaning=pl.col("v_employer_kind").replace_strict(
                EMPLOYER_LEANING, default=0.0, return_dtype=pl.Float64
            ),
        )
    )
