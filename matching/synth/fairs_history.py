"""Past recruitment fairs (就业援助月 in winter, 民营企业招聘月 in spring) and contacts there."""

from __future__ import annotations

from datetime import date

import numpy as np
import polars as pl

from matching import codes
from matching.synth.history_jobs import Referrals
from matching.synth.timeline import as_datetime64

FAIR_MONTHS = (
    (2, "就业援助月专场招聘会"),
    (4, "民营企业招聘月残疾人专场"),
)  # the plan's named fairs
ATTENDANCE = 0.12  # share of a county's seekers who come (*assumption*)
BOOTHS = (15, 40)
VENUES = ("县（市、区）残联服务大厅", "人力资源市场", "残疾人综合服务中心")


def past_fairs(
    rng: np.random.Generator, persons: pl.DataFrame, vacancies: pl.DataFrame, as_of: date
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame, Referrals]:
    """(fairs, fair_vacancies, fair_candidates, contacts) over the two years before ``as_of``."""
    fairs, booths, candidates = [], [], []
    contacts: dict[str, list[object]] = {"person": [], "vacancy": [], "fair": [], "at": []}
    seeking = persons.filter(pl.col("employment_status") == "seeking")
    fair_id = 0
    for year in (as_of.year - 2, as_of.year - 1, as_of.year):
        for month, title in FAIR_MONTHS:
            held = date(year, month, 15 + int(rng.integers(0, 10)))
            if not (as_of.replace(year=as_of.year - 2) <= held < as_of):
                continue
            for county in codes.COUNTIES.codes:
                open_here = vacancies.filter(
                    (pl.col("county") == county)
                    & (pl.col("opened_on") <= held)
                    & (pl.col("deadline").is_null() | (pl.col("deadline") >= held))
                )
                if open_here.height < 5:
                    continue
                fair_id += 1
                fairs.append(
                    {
                        "id": fair_id,
                        "name": f"{held.year}年{codes.COUNTIES.label(county)}{title}",
                        "held_on": held,
                        "venue": codes.COUNTIES.label(county) + str(rng.choice(VENUES)),
                        "county": county,
                        "venue_accessibility": ["step_free", "accessible_toilet"],
                        "online": False,
                    }
                )
                size = min(open_here.height, int(rng.integers(*BOOTHS)))
                chosen = open_here.sample(size, seed=int(rng.integers(1 << 31)))["id"].to_numpy()
                for booth, vacancy in enumerate(chosen, start=1):
                    booths.append(
                        {
                            "fair_id": fair_id,
                            "vacancy_id": int(vacancy),
                            "booth": f"{booth:02d}",
                            "interview_capacity": 8,
                        }
                    )
                local = seeking.filter(pl.col("county") == county)["id"].to_numpy()
                come = local[rng.random(len(local)) < ATTENDANCE]
                for person in come:
                    candidates.append(
                        {"fair_id": fair_id, "person_id": int(person), "registered_on": held}
                    )
                    for vacancy in rng.choice(
                        chosen, size=min(len(chosen), int(rng.integers(1, 4))), replace=False
                    ):
                        contacts["person"].append(int(person))
                        contacts["vacancy"].append(int(vacancy))
                        contacts["fair"].append(fair_id)
                        contacts["at"].append(
                            as_datetime64(held)
                            + np.timedelta64(int(rng.integers(9 * 3600, 12 * 3600)), "s")
                        )
    n = len(contacts["person"])
    referrals = Referrals(
        person_id=np.array(contacts["person"], dtype=np.int64),
        vacancy_id=np.array(contacts["vacancy"], dtype=np.int64),
        source=np.full(n, "fair"),
        referred_at=np.array(contacts["at"], dtype="datetime64[s]"),
        shown_rank=np.full(n, np.nan),
        fair_id=np.array(contacts["fair"], dtype=float),
    )
    return pl.DataFrame(fairs), pl.DataFrame(booths), pl.DataFrame(candidates), referrals
