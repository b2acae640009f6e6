"""Synthetic vacancies: what each employer would post, open now and over a two-year history.

An employer's profile (read from its kind and name, see ``employer_names.employer_profile``)
fixes which occupations it hires and through which channel: 如康家园 post auxiliary work,
blind-massage places massage jobs, post offices kiosks, lottery and tobacco outlets sales posts,
agencies and sanitation centres public-welfare posts (profiles, channels and ad texts live in
``vacancy_profiles``). Demand profiles are the occupation's (the docs/domain.md catalogue,
0–4) with a little noise. Pay is anchored on the legal minimum wage; everything else
is a stated *assumption*. Decimal columns (``hours_per_day``) are Float64.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import numpy.typing as npt
import polars as pl

from matching.codes import ACCOMMODATIONS, ASSESSMENT_DIMENSIONS, SCORE_MAX, SCORE_MIN
from matching.occupations import load_occupations
from matching.synth.employer_names import employer_profile
from matching.synth.skills import SECTOR_SKILLS, skills_for
from matching.synth.vacancy_profiles import Array, channels_and_jobs, vacancy_texts

__all__ = [
    "SHANDONG_MIN_HOURLY_CLASS2",
    "SHANDONG_MIN_WAGE_CLASS2",
    "VACANCY_COLUMNS",
    "generate_vacancies",
]

# Shandong minimum wage, class-2 areas (Liaocheng's urban districts are class 2), in force in
# 2023: 2,010 yuan a month, 20 yuan an hour for part-time work (provincial notice, 2021/2023).
SHANDONG_MIN_WAGE_CLASS2 = 2_010
SHANDONG_MIN_HOURLY_CLASS2 = 20
_WORKDAYS_PER_MONTH = 21.75  # statutory monthly working days (labour law conversion)
# Median monthly pay as a multiple of the minimum wage by sector (*assumption*: orders of
# magnitude of Liaocheng job ads, 3,000–5,000 yuan for most manual and service jobs).
_SECTOR_PAY = {"manufacturing": 1.9, "logistics": 2.1, "retail": 1.7, "services": 1.7,
               "agriculture": 1.6, "crafts": 1.5, "health": 1.9, "it": 2.3,
               "public": 1.6}  # fmt: skip
_KIND_PAY = {"agency": 1.1, "institution": 1.1, "soe": 1.1, "self_employed": 0.9}
# Vacancies per employer ∝ kind factor × √staff (*assumption*: big employers post more, 如康家园
# and massage places recruit continuously through the federation).
_POSTING_RATE = {"private": 1.0, "self_employed": 0.8, "soe": 1.0, "agency": 1.0,
                 "institution": 0.8, "social_org": 0.8, "auxiliary_center": 1.5,
                 "blind_massage": 2.0}  # fmt: skip
# Hiring season: 就业援助月 (Jan), 春风行动 and 民营企业招聘月 (Feb–Apr), graduates (May–Jul),
# quiet December (*assumption*), used to spread past vacancies over the history window.
_MONTH_WEIGHT = np.array([1.1, 1.3, 1.5, 1.2, 1.0, 1.0, 1.0, 0.9, 1.0, 0.9, 0.9, 0.7])
_FILLED_SHARE = 0.6  # past vacancies that ended filled rather than closed (*assumption*)
_SPECIAL_POST_SHARE = 0.1  # open-market posts flagged 残疾人专岗 (*assumption*)
DIMENSIONS = ASSESSMENT_DIMENSIONS.codes
VACANCY_COLUMNS: tuple[str, ...] = (
    "id", "code", "employer_id", "occupation_code", "title", "description", "county", "channel",
    "work_mode", "hours_per_day", "pay_min", "pay_max", "openings", "reserved_for_disabled",
    "graduate_oriented", "age_min", "age_max", "education_min",
    *(f"demand_{d}" for d in DIMENSIONS),
    "accommodations_offered", "skills_wanted", "opened_on", "deadline", "status", "latitude",
    "longitude",
)  # fmt: skip


_HOME_CAPABLE = frozenset({"4-04-05-03", "4-01-06-01", "4-01-06-02", "4-04-05-05", "3-01-02-05"})
_JOB_EXTRAS = ("flexible_hours", "job_coach", "quiet_space", "assistive_devices")
_AGE_BANDS = ((18, 50), (18, 45), (18, 55), (20, 40), (None, None))
_AGE_P = (0.35, 0.2, 0.15, 0.08, 0.22)  # *assumption*: "18–45/50岁" dominate Liaocheng ads


def _modes(
    rng: np.random.Generator, occupation: Array, sector: Array, typical: Array, channel: Array
) -> tuple[Array, npt.NDArray[np.float64]]:
    """Work mode from the occupation's typical one, home-based where the work allows it."""
    u = rng.random((len(occupation), 3))
    mode = np.where((typical == "home_based") & (u[:, 0] < 0.4), "on_site", typical)
    capable = np.isin(sector, ["it", "crafts"]) | np.isin(occupation, list(_HOME_CAPABLE))
    mode = np.where(capable & (mode != "home_based") & (u[:, 1] < 0.2), "home_based", mode)
    mode = np.where(np.isin(mode, ["on_site", "shift"]) & (u[:, 2] < 0.08), "part_time", mode)
    aux = channel == "auxiliary"  # 如康家园 spread home-based and part-day work (the plan)
    mode = np.where(aux & (sector == "crafts") & (u[:, 1] < 0.3), "home_based", mode)
    mode = np.where(aux & (mode != "home_based") & (u[:, 2] < 0.5), "part_time", mode)
    mode = np.where((channel == "public_welfare") & (u[:, 2] < 0.3), "part_time", mode)
    mode = np.where(np.isin(channel, ["kiosk", "lottery", "tobacco"]), "on_site", mode)
    hours = np.where(mode == "part_time", rng.choice([4.0, 5.0, 6.0], len(mode)), 8.0)
    return mode, hours


def _pay(
    rng: np.random.Generator, demand: npt.NDArray[np.int64], sector: Array, kind: Array,
    channel: Array, hours: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:  # fmt: skip
    """Monthly pay range, never below the legal minimum for the hours (but 辅助性就业)."""
    n = len(sector)
    cols = [DIMENSIONS.index(d) for d in ("reading_writing", "learning", "computer")]
    skill = demand[:, cols].mean(axis=1)
    mult = np.array(
        [_SECTOR_PAY[s] * _KIND_PAY.get(k, 1.0) for s, k in zip(sector, kind, strict=True)]
    )
    median = SHANDONG_MIN_WAGE_CLASS2 * mult * (1 + 0.15 * (skill - 2)) * rng.lognormal(0, 0.12, n)
    # Kiosk, lottery and tobacco openings earn the operator's own sales margin (*assumption*).
    sales = np.isin(channel, ["kiosk", "lottery", "tobacco"])
    median = np.where(sales, SHANDONG_MIN_WAGE_CLASS2 * rng.uniform(1.0, 2.0, n), median)
    low = median * rng.uniform(0.85, 0.95, n) * hours / 8
    high = median * rng.uniform(1.15, 1.6, n) * hours / 8
    floor = np.where(hours < 8, SHANDONG_MIN_HOURLY_CLASS2 * hours * _WORKDAYS_PER_MONTH,
                     SHANDONG_MIN_WAGE_CLASS2)  # fmt: skip
    welfare = channel == "public_welfare"  # paid at the local minimum (*assumption*)
    low = np.where(welfare, floor, np.maximum(np.round(low, -2), floor))
    high = np.where(welfare, floor * rng.uniform(1.0, 1.2, n), high)
    # Auxiliary work is piece-paid, often 600–2,000 yuan a month (*assumption*).
    aux = channel == "auxiliary"
    low = np.where(aux, np.round(rng.uniform(600, 1_200, n), -1), low)
    high = np.where(aux, low + rng.uniform(200, 800, n), high)
    low_yuan = np.round(low).astype(np.int64)
    return low_yuan, np.maximum(np.round(high, -2).astype(np.int64), low_yuan)


def _education(
    rng: np.random.Generator, demand: npt.NDArray[np.int64], graduate: Array,
    occupation: Array, channel: Array,
) -> list[str | None]:  # fmt: skip
    """Minimum education from the reading/writing demand; graduates' posts ask for 大专+."""
    rw = demand[:, DIMENSIONS.index("reading_writing")]
    u = rng.random(len(rw))
    out: list[str | None] = []
    for level, g, occ, ch, x in zip(rw, graduate, occupation, channel, u, strict=True):
        if g:
            out.append("college" if x < 0.6 else "bachelor")
        elif ch == "auxiliary":
            out.append(None)
        elif occ == "2-05-10-00":  # the medical-massage exam needs 中专 in the specialty
            out.append("secondary_vocational")
        elif level >= 4:
            out.append("college" if x < 0.5 else "senior")
        elif level == 3:
            out.append("senior" if x < 0.4 else "secondary_vocational" if x < 0.6 else
                       "junior" if x < 0.8 else None)  # fmt: skip
        elif level == 2:
            out.append("junior" if x < 0.4 else None)
        else:
            out.append("primary" if x < 0.2 else None)
    return out


def _dates(
    rng: np.random.Generator, n_open: int, n_past: int, as_of: date, history_days: int
) -> tuple[npt.NDArray[np.datetime64], npt.NDArray[np.datetime64]]:
    """Open ones opened in the last 90 days, due after as_of; past ones spread by season."""
    today = np.datetime64(as_of, "D")
    opened_open = today - rng.integers(0, 90, n_open)
    deadline_open = today + rng.integers(7, 91, n_open)
    window = today - np.arange(30, history_days + 1)  # past ones end before as_of
    months = window.astype("datetime64[M]").astype(np.int64) % 12
    p = _MONTH_WEIGHT[months] / _MONTH_WEIGHT[months].sum()
    opened_past = rng.choice(window, size=n_past, p=p)
    deadline_past = np.minimum(opened_past + rng.integers(14, 91, n_past), today - 1)
    return (np.concatenate([opened_open, opened_past]),
            np.concatenate([deadline_open, deadline_past]))  # fmt: skip


def _offered(
    rng: np.random.Generator, employer_offers: pl.Series, rows: Array, mode: Array
) -> list[list[str]]:
    """Most of the workplace's accommodations, the mode's own, sometimes one for this job."""
    names = ACCOMMODATIONS.codes
    has = np.array([[a in (offers or ()) for a in names] for offers in employer_offers.to_list()])
    offered = has[rows] & (rng.random((len(rows), len(names))) < 0.75)
    offered[:, names.index("home_based")] |= mode == "home_based"
    offered[:, names.index("part_time")] |= mode == "part_time"
    extra = np.array([names.index(a) for a in _JOB_EXTRAS])[rng.integers(0, 4, len(rows))]
    lucky = np.flatnonzero(rng.random(len(rows)) < 0.1)
    offered[lucky, extra[lucky]] = True
    return [[names[j] for j in np.flatnonzero(row)] for row in offered]


def _skills(
    rng: np.random.Generator, occupation: Array, sector: Array, channel: Array
) -> list[list[str]]:
    """1–3 skills: the occupation's main one first, then random others of its list."""
    k = rng.choice([1, 2, 3], len(occupation), p=[0.35, 0.4, 0.25])
    keys = rng.random((len(occupation), 4))
    generic = rng.random(len(occupation)) < 0.1
    out = []
    for i, code in enumerate(occupation):
        names = skills_for(code)
        rest = [names[j] for j in np.argsort(keys[i, : len(names) - 1]) + 1][: k[i] - 1]
        picked = [names[0], *rest]
        if channel[i] == "blind_massage" and not {"盲人医疗按摩", "保健按摩"} & set(picked):
            picked.append("保健按摩")
        if generic[i]:
            picked.append(SECTOR_SKILLS[sector[i]][0])
        out.append(list(dict.fromkeys(picked)))
    return out


def _hiring_terms(
    rng: np.random.Generator, demand: npt.NDArray[np.int64], kind: Array, channel: Array,
    staff: npt.NDArray[np.int64],
) -> tuple[Array, Array, Array, Array]:  # fmt: skip
    """Openings, the reserved flag, graduate orientation and the age band of each vacancy."""
    n = len(kind)
    # Openings, the capacity the truth's competition shares out (truth/competition.py): most posts
    # hire one to three (geometric, p = 0.55, capped at 3), firms of 300+ staff hire in batches of
    # up to 7 times that (at most 20), auxiliary-employment posts (辅助性就业) 3–10 (*assumptions*).
    big = np.where(staff >= 300, rng.integers(1, 8, n), 1)
    openings = np.minimum(np.minimum(rng.geometric(0.55, n), 3) * big, 20)
    openings = np.where(channel == "auxiliary", rng.integers(3, 11, n), openings)
    reserved = (channel != "open") | (rng.random(n) < _SPECIAL_POST_SHARE)
    rw, computer = (demand[:, DIMENSIONS.index(d)] for d in ("reading_writing", "computer"))
    public = np.isin(kind, ["agency", "institution"]) & (channel == "open")
    p_grad = np.maximum(np.where((rw >= 3) | (computer >= 3), 0.5, 0.0), np.where(public, 0.3, 0))
    p_grad = np.where(channel == "public_welfare", 0.15, np.where(channel == "open", p_grad, 0.0))
    graduate = rng.random(n) < p_grad
    band = np.array(_AGE_BANDS, dtype=object)[rng.choice(len(_AGE_BANDS), n, p=_AGE_P)]
    band[graduate] = (None, 35)
    band[np.isin(channel, ["public_welfare", "auxiliary"])] = (18, 59)
    return openings.astype(np.int64), reserved, graduate, band


def generate_vacancies(
    rng: np.random.Generator, employers: pl.DataFrame, n_open: int, n_past: int, as_of: date,
    history_days: int = 730,
) -> pl.DataFrame:  # fmt: skip
    """``n_open`` vacancies open at ``as_of`` and ``n_past`` closed or filled ones before it.

    Ids run 1..n in order of ``opened_on``, as a database would have assigned them.
    """
    if n_open < 0 or n_past < 0 or history_days < 120 or employers.is_empty():
        raise ValueError("need employers, n_open ≥ 0, n_past ≥ 0 and history_days ≥ 120")
    occupations = load_occupations()
    codes = list(occupations)
    sectors = [occupations[c].sector for c in codes]
    n = n_open + n_past
    kinds = employers["kind"].to_numpy().astype(str)
    staff = employers["staff_count"].to_numpy()
    rate = np.array([_POSTING_RATE[k] for k in kinds]) * np.sqrt(staff)
    rows = rng.choice(employers.height, size=n, p=rate / rate.sum())
    names = employers["name"].to_list()
    profile = np.array([employer_profile(k, m) for k, m in zip(kinds, names, strict=True)])
    channel, occupation = channels_and_jobs(rng, profile[rows], codes, sectors)
    code_index = np.array([codes.index(c) for c in occupation], dtype=np.int64)
    sector = np.array(sectors)[code_index]
    typical = np.array([occupations[c].typical_mode for c in codes])[code_index]
    profiles = np.array([[occupations[c].demand[d] for d in DIMENSIONS] for c in codes])
    noise = rng.choice([-1, 0, 1], size=(n, len(DIMENSIONS)), p=[0.12, 0.76, 0.12])
    demand = profiles[code_index] + noise
    simple = [DIMENSIONS.index(d) for d in ("reading_writing", "learning", "attention", "stress")]
    demand[np.ix_(channel == "auxiliary", simple)] -= 1  # 如康家园 break the work down
    demand = np.clip(demand, SCORE_MIN, SCORE_MAX)
    mode, hours = _modes(rng, occupation, sector, typical, channel)
    pay_min, pay_max = _pay(rng, demand, sector, kinds[rows], channel, hours)
    openings, reserved, graduate, band = _hiring_terms(
        rng, demand, kinds[rows], channel, staff[rows]
    )
    opened, deadline = _dates(rng, n_open, n_past, as_of, history_days)
    status = np.where(rng.random(n) < _FILLED_SHARE, "filled", "closed")
    titles, texts = vacancy_texts(rng, occupation, channel, reserved, hours)
    education = _education(rng, demand, graduate, occupation, channel)
    offered = _offered(rng, employers["accommodations"], rows, mode)
    skills = _skills(rng, occupation, sector, channel)
    frame = pl.DataFrame({
        "employer_id": employers["id"].gather(rows), "occupation_code": occupation,
        "title": pl.Series(titles, dtype=pl.String),
        "description": pl.Series(texts, dtype=pl.String),
        "county": employers["county"].gather(rows),
        "channel": channel, "work_mode": mode, "hours_per_day": hours, "pay_min": pay_min,
        "pay_max": pay_max, "openings": openings, "reserved_for_disabled": reserved,
        "graduate_oriented": graduate,
        "age_min": pl.Series([b[0] for b in band], dtype=pl.Int64),
        "age_max": pl.Series([b[1] for b in band], dtype=pl.Int64),
        "education_min": pl.Series(education, dtype=pl.String),
        **{f"demand_{d}": demand[:, j].astype(np.int64) for j, d in enumerate(DIMENSIONS)},
        "accommodations_offered": pl.Series(offered, dtype=pl.List(pl.String)),
        "skills_wanted": pl.Series(skills, dtype=pl.List(pl.String)),
        "opened_on": opened, "deadline": deadline,
        "status": np.where(np.arange(n) < n_open, "open", status),
        "latitude": employers["latitude"].gather(rows),
        "longitude": employers["longitude"].gather(rows),
    })  # fmt: skip
    ids = pl.int_range(1, n + 1, dtype=pl.Int64)
    return (
        frame.sort("opened_on", maintain_order=True)
        .with_columns(id=ids, code=pl.format("V{}", ids.cast(pl.String).str.zfill(7)))
        .select(VACANCY_COLUMNS)
    )
