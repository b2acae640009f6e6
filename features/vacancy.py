"""Vacancy features: what the job demands and offers (static) and, as of the query's moment,
how long it has been open, how crowded it is and how its employer has hired so far."""

from __future__ import annotations

import polars as pl

from features.histories import as_of
from features.person import EDUCATION_RANK, code_index
from features.schema import DIMENSIONS
from features.text import bigrams
from matching import codes
from matching.occupations import load_occupations

QUOTA_RATE = 0.015  # Shandong (DOMAIN.md); the exact Decimal rules live in matching.quota
ACCOMMODATION_BOOST_POINTS = 2.0  # an offered accommodation is taken to make up two points


def closes(dimension: str) -> pl.Expr:
    """1 when an offered accommodation closes a gap on the dimension (see ACCOMMODATION_CLOSES)."""
    closers = [a for a, dims in codes.ACCOMMODATION_CLOSES.items() if dimension in dims]
    offered = pl.col("accommodations_offered").fill_null([])
    return offered.list.eval(pl.element().is_in(closers)).list.any().cast(pl.Float64)


def vacancy_table(vacancies: pl.LazyFrame, employers: pl.LazyFrame) -> pl.LazyFrame:
    """Static columns of every vacancy, computed once per snapshot."""
    occupation_names = {code: o.name for code, o in load_occupations().items()}
    weighted = 2 * pl.col("disabled_staff_severe") + pl.col("disabled_staff_other")
    staff = pl.col("staff_count").cast(pl.Float64)
    return vacancies.join(
        employers.select(
            pl.col("id").alias("employer_id"),
            "kind",
            "staff_count",
            "disabled_staff_severe",
            "disabled_staff_other",
        ),
        on="employer_id",
        how="left",
    ).select(
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
        _v_latitude=pl.col("latitude"),
        _v_longitude=pl.col("longitude"),
        _v_county=pl.col("county"),
        _v_mode=pl.col("work_mode"),
        _offered=pl.col("accommodations_offered").fill_null([]),
        _wanted=pl.col("skills_wanted").fill_null([]),
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


def vacancy_features(
    items: pl.LazyFrame,
    table: pl.LazyFrame,
    vacancy_history: pl.LazyFrame,
    employer_history: pl.LazyFrame,
) -> pl.LazyFrame:
    """items (query_id, vacancy_id, at) → static v_* plus the as-of ones."""
    rows = items.join(table, on="vacancy_id", how="left")
    rows = as_of(rows, vacancy_history, "vacancy_id", ["vacancy_referrals"])
    rows = as_of(rows, employer_history, "employer_id", ["employer_referrals", "employer_hires"])
    day = pl.col("at").dt.date()
    return rows.with_columns(
        v_employer_past_hires=pl.col("employer_hires").cast(pl.Int32),
        v_employer_past_referrals=pl.col("employer_referrals").cast(pl.Int32),
        v_days_open=(day - pl.col("_opened_on")).dt.total_days().cast(pl.Float64),
        v_days_to_deadline=(pl.col("_deadline") - day).dt.total_days().cast(pl.Float64),
    )


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
    "_v_mode",
    "_education_min",
    "_wanted",
    "_offered",
    "v_graduate_oriented",
    "employer_id",
    "_opened_on",
    "_deadline",
    "_age_min",
    "_age_max",
    "_v_latitude",
    "_v_longitude",
    "_v_county",
    *(f"v_demand_{d}" for d in DIMENSIONS),
    *(f"_closes_{d}" for d in DIMENSIONS),
)


def open_vacancies(vacancy_table: pl.DataFrame) -> pl.DataFrame:
    """Vacancies still open, with only the columns candidate generation reads."""
    return vacancy_table.filter(pl.col("_status") == "open").select(CANDIDATE_COLUMNS)
