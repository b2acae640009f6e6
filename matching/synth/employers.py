"""Synthetic employers of Liaocheng: every kind the 2023 plan names, with quota figures.

There is no public register of employers with their disabled staff, so the mix, sizes and quota
position below are *assumptions* sized to public orders of magnitude; each number says where it
comes from. An employer's industry is written into its name ("临清市鲁达轴承有限公司", see
``employer_names``), and ``employer_names.employer_profile`` reads it back, so the vacancy
generator knows what such an employer hires from the stored columns alone. The hidden
``openness`` lives in a separate latent frame only. Money is whole yuan in Float64 (exact as
Decimal); list columns are List(String).
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import polars as pl

from matching.codes import ACCOMMODATIONS, EMPLOYER_KINDS
from matching.geo import PLACES, population_weights, sample_points
from matching.synth.employer_names import (
    TEMPLATES,
    choose_template,
    street_addresses,
    unique_names,
)
from matching.validators import USCC_CHARSET, make_uscc

__all__ = [
    "BELOW_QUOTA_BAND",
    "EMPLOYER_COLUMNS",
    "KIND_SHARES",
    "NON_PRIVATE_AVERAGE_WAGE",
    "PRIVATE_AVERAGE_WAGE",
    "generate_employers",
]

EMPLOYER_COLUMNS: tuple[str, ...] = (
    "id", "credit_code", "name", "kind", "county", "address", "staff_count", "established_posts",
    "is_school", "average_wage", "disabled_staff_severe", "disabled_staff_other",
    "accommodations", "contact_phone", "latitude", "longitude",
)  # fmt: skip

# Annual average wages, yuan. Approximations of the order of magnitude in the Shandong and
# Liaocheng statistical bulletins (urban non-private units roughly 80–90k, urban private units
# roughly 45–55k a year around 2022); not exact published figures.
NON_PRIVATE_AVERAGE_WAGE = 85_000
PRIVATE_AVERAGE_WAGE = 50_000
# Kind → (wage base, multiplier). Auxiliary employment pays by the piece, far below a wage
# (*assumption*); the others are guesses around the two bulletin figures.
_WAGE = {
    "agency": (NON_PRIVATE_AVERAGE_WAGE, 1.05), "institution": (NON_PRIVATE_AVERAGE_WAGE, 1.0),
    "soe": (NON_PRIVATE_AVERAGE_WAGE, 1.1), "private": (PRIVATE_AVERAGE_WAGE, 1.0),
    "social_org": (PRIVATE_AVERAGE_WAGE, 0.85), "self_employed": (PRIVATE_AVERAGE_WAGE, 0.8),
    "auxiliary_center": (PRIVATE_AVERAGE_WAGE, 0.45), "blind_massage": (PRIVATE_AVERAGE_WAGE, 0.9),
}  # fmt: skip

# Share of each kind among employers that deal with the disabled persons' federation
# (*assumption*: private firms and sole traders dominate, as in the market-entity register;
# about 3% 如康家园 and 4% blind-massage places, which are over-represented because the
# federation works with all of them).
KIND_SHARES: dict[str, float] = {
    "agency": 0.03, "institution": 0.07, "soe": 0.03, "private": 0.56, "social_org": 0.04,
    "self_employed": 0.20, "auxiliary_center": 0.03, "blind_massage": 0.04,
}  # fmt: skip
# Staff size, log-normal: kind → (median, sigma, min, max); median 0 = the name template gives
# it (public bodies by posts, see employer_names.TEMPLATES). Heavy tail for private firms (a few
# thousand-strong groups, most under 20); *assumption* shaped on the enterprise size structure
# of the economic census (micro and small firms are the vast majority).
_STAFF = {
    "soe": (0.0, 0.6, 15, 20_000), "private": (12.0, 1.35, 3, 12_000),
    "social_org": (0.0, 0.5, 3, 300), "self_employed": (3.0, 0.6, 1, 15),
    "auxiliary_center": (18.0, 0.4, 6, 80), "blind_massage": (5.0, 0.45, 2, 30),
    "agency": (0.0, 0.45, 8, 2_000), "institution": (0.0, 0.5, 5, 6_000),
}  # fmt: skip
# Below-quota share among employers with ≥ 30 staff that this generator aims at (*assumption*:
# levy collection figures suggest most mid-size and large employers pay rather than hire).
BELOW_QUOTA_BAND = (0.55, 0.75)
# P(an employer hires disabled staff on purpose) and the rate it then reaches (*assumption*,
# tuned to land in BELOW_QUOTA_BAND); others have a few by chance (0.2% of staff).
_ENGAGED = {"agency": 0.55, "institution": 0.5, "soe": 0.6, "private": 0.4, "social_org": 0.4,
            "self_employed": 0.05}  # fmt: skip
_SEVERE_SHARE = 0.3  # level 1–2 among disabled staff of ordinary employers (*assumption*)
# Auxiliary centres: 60–90% of the people working there are disabled, many severely; blind
# massage places: 50–90% are blind massage workers (mostly level 1–2 visual). *Assumption*.
_DISABLED_SHARE = {"auxiliary_center": (0.6, 0.9, 0.45), "blind_massage": (0.5, 0.9, 0.6)}
# Hidden openness on the logit scale the truth model adds: kind effect + N(0, 0.6), +0.3 when
# the employer already employs disabled staff (*assumption*).
_OPENNESS = {"agency": 0.0, "institution": 0.0, "soe": 0.1, "private": -0.2, "social_org": 0.4,
             "self_employed": -0.3, "auxiliary_center": 1.2, "blind_massage": 1.0}  # fmt: skip
# Where employers sit: population × urban share, the two development zones ×2 (industrial
# parks) and the resort ×1.2 (*assumption*); public bodies and 如康家园 follow population.
_ZONE_PULL = {"Z-ETDZ": 2.0, "Z-HTDZ": 2.0, "Z-JBSC": 1.2}
# P(workplace offers each accommodation), columns in ACCOMMODATIONS order, rows in kind order.
# *Assumption*: step-free entry is common in public buildings (GB 50763-2012), sign-language
# interpreters rare everywhere; 如康家园 and massage places are built around their workers.
_ACCOMMODATION_P = np.array([
    # step toilet sign  scr  brl  flex part home coach quiet dev  trans
    [0.80, 0.60, 0.02, 0.03, 0.03, 0.10, 0.10, 0.02, 0.03, 0.10, 0.05, 0.05],  # agency
    [0.75, 0.55, 0.03, 0.03, 0.04, 0.10, 0.10, 0.02, 0.03, 0.10, 0.08, 0.05],  # institution
    [0.55, 0.35, 0.02, 0.02, 0.01, 0.10, 0.08, 0.02, 0.03, 0.08, 0.06, 0.25],  # soe
    [0.35, 0.20, 0.01, 0.02, 0.01, 0.25, 0.15, 0.06, 0.02, 0.08, 0.04, 0.12],  # private
    [0.55, 0.40, 0.06, 0.05, 0.05, 0.35, 0.30, 0.10, 0.10, 0.15, 0.15, 0.05],  # social_org
    [0.25, 0.05, 0.00, 0.01, 0.00, 0.40, 0.35, 0.05, 0.00, 0.05, 0.02, 0.00],  # self_employed
    [0.95, 0.85, 0.15, 0.10, 0.10, 0.85, 0.70, 0.40, 0.90, 0.45, 0.50, 0.45],  # auxiliary
    [0.70, 0.35, 0.00, 0.55, 0.40, 0.55, 0.35, 0.00, 0.05, 0.20, 0.20, 0.00],  # blind_massage
])  # fmt: skip
# Large workplaces (≥ 100 staff) more often have step-free entry, toilets, buses and devices.
_LARGE_BOOST = np.array([0.2, 0.2, 0.02, 0.02, 0.02, 0.0, 0.0, 0.0, 0.02, 0.0, 0.05, 0.15])

# GB 32100 registration authority + category by kind: 11 agency, 12 institution, 52 民办非企业,
# 91 enterprise, 92 sole trader; 如康家园 are mostly 民办非企业 or run by institutions.
_REGISTRATION = {"agency": "11", "institution": "12", "soe": "91", "private": "91",
                 "social_org": "52", "self_employed": "92", "auxiliary_center": "52 52 12",
                 "blind_massage": "92 92 91"}  # fmt: skip
_LIST = pl.List(pl.String)
_ORG_VALUE = {ch: int(ch, 36) for ch in "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"}


def _counts(shares: dict[str, float], n: int) -> dict[str, int]:
    """Largest-remainder split of n by shares, so the mix is exact and every kind appears."""
    raw = {k: n * s / sum(shares.values()) for k, s in shares.items()}
    counts = {k: int(v) for k, v in raw.items()}
    for k in sorted(raw, key=lambda k: counts[k] - raw[k])[: n - sum(counts.values())]:
        counts[k] += 1
    return counts


def _counties(rng: np.random.Generator, kinds: npt.NDArray[np.str_]) -> npt.NDArray[np.str_]:
    units, population = population_weights()
    market = population * np.array([PLACES[u].urban_share * _ZONE_PULL.get(u, 1.0) for u in units])
    out = np.empty(len(kinds), dtype=object)
    for kind in EMPLOYER_KINDS.codes:
        rows = np.flatnonzero(kinds == kind)
        weights = population if kind in ("agency", "institution", "auxiliary_center") else market
        out[rows] = rng.choice(units, size=len(rows), p=weights / weights.sum())
        if kind == "auxiliary_center":  # 如康家园 in every county (the plan relies on them)
            first = rng.permutation(units)[: len(rows)]
            out[rows[: len(first)]] = first
    return out.astype(str)


def _organisation_code(body: str) -> str:
    """GB 11714 organisation code: 8 characters plus their check character."""
    total = sum(_ORG_VALUE[ch] * w for ch, w in zip(body, (3, 7, 9, 10, 5, 8, 4, 2), strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def _credit_code(rng: np.random.Generator, kind: str, county: str, taken: set[str]) -> str:
    while True:
        choices = _REGISTRATION[kind].split()
        reg = choices[rng.integers(len(choices))]
        area = county if county.isdigit() and rng.random() < 0.8 else "371500"
        chars = "".join(USCC_CHARSET[i] for i in rng.integers(0, len(USCC_CHARSET), 6))
        body = "MA" + chars if reg in ("91", "92") else "MJ" + chars if reg == "52" else (
            "".join(str(d) for d in rng.integers(0, 10, 8)))  # fmt: skip
        code = make_uscc(reg + area + _organisation_code(body))
        if code not in taken:
            taken.add(code)
            return code


def _staff(
    rng: np.random.Generator, kinds: npt.NDArray[np.str_], medians: npt.NDArray[np.float64],
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64]]:  # fmt: skip
    """Staff counts and established posts (NaN except for agencies and institutions)."""
    sigma, lo, hi = (np.array([_STAFF[k][i] for k in kinds]) for i in (1, 2, 3))
    size = np.clip(np.round(medians * np.exp(rng.normal(0.0, 1.0, len(kinds)) * sigma)), lo, hi)
    # Agencies fill 85–105% of their posts; institutions add contract staff (*assumption*).
    fill = np.where(kinds == "agency", rng.uniform(0.85, 1.05, len(kinds)), 1.0)
    fill = np.where(kinds == "institution", rng.uniform(0.95, 1.4, len(kinds)), fill)
    posts = np.where(np.isin(kinds, ["agency", "institution"]), size, np.nan)
    return np.maximum(np.round(size * fill), 1).astype(np.int64), posts


def _disabled(
    rng: np.random.Generator, kinds: npt.NDArray[np.str_], staff: npt.NDArray[np.int64]
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.int64]]:
    """(severe, other) disabled staff: a minority of employers hire on purpose."""
    n = len(kinds)
    engaged = rng.random(n) < np.array([_ENGAGED.get(k, 0.0) for k in kinds])
    rate = np.where(engaged, rng.uniform(0.01, 0.03, n), 0.002)
    total = np.minimum(rng.poisson(staff * rate), staff)
    severe_share = np.full(n, _SEVERE_SHARE)
    for kind, (low, high, severe) in _DISABLED_SHARE.items():
        rows = kinds == kind
        total[rows] = np.round(staff[rows] * rng.uniform(low, high, rows.sum()))
        severe_share[rows] = severe
    severe_count = rng.binomial(total, severe_share)
    return severe_count.astype(np.int64), (total - severe_count).astype(np.int64)


def _accommodations(
    rng: np.random.Generator, kind_index: npt.NDArray[np.int64], staff: npt.NDArray[np.int64]
) -> list[list[str]]:
    p = _ACCOMMODATION_P[kind_index] + np.outer(staff >= 100, _LARGE_BOOST)
    offered = rng.random(p.shape) < p
    names = ACCOMMODATIONS.codes
    return [[names[j] for j in np.flatnonzero(row)] for row in offered]


def generate_employers(rng: np.random.Generator, n: int) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(employers, employer_latent) for a city of ``n`` employers; ids are 1..n."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    counts = _counts(KIND_SHARES, n)
    kinds = rng.permutation(np.repeat(list(counts), list(counts.values()))).astype(str)
    counties = _counties(rng, kinds)
    city = np.isin(kinds, ["agency", "institution"]) & (counties == "371502")
    city &= rng.random(n) < 0.5  # half the public bodies in 东昌府区 are city-level
    chosen = [choose_template(rng, TEMPLATES[k]) for k in kinds]
    medians = np.array([t.size or _STAFF[k][0] for t, k in zip(chosen, kinds, strict=True)])
    staff, posts = _staff(rng, kinds, medians * np.where(city, 2.5, 1.0))
    names = unique_names(rng, kinds, counties, city, staff, chosen)
    severe, other = _disabled(rng, kinds, staff)
    kind_index = np.array([EMPLOYER_KINDS.codes.index(k) for k in kinds])
    base, mult = (np.array([_WAGE[k][i] for k in kinds], dtype=float) for i in (0, 1))
    wage = base * mult * np.exp(rng.normal(0.0, 0.18, n)) * (staff / medians) ** 0.05
    # Floor: 12 months at the class-2 minimum wage (24,120), except piece-paid 如康家园 work.
    wage = np.maximum(np.round(wage, -2), np.where(kinds == "auxiliary_center", 9_600, 24_120))
    taken: set[str] = set()
    latitude, longitude = sample_points(rng, counties)
    employers = pl.DataFrame({
        "id": np.arange(1, n + 1, dtype=np.int64),
        "credit_code": [_credit_code(rng, k, c, taken) for k, c in zip(kinds, counties,
                                                                        strict=True)],
        "name": names, "kind": kinds, "county": counties,
        "address": street_addresses(rng, list(counties)), "staff_count": staff,
        "established_posts": pl.Series(posts).fill_nan(None).cast(pl.Int64),
        "is_school": [t.profile in ("school", "special_school") for t in chosen],
        "average_wage": wage.astype(float), "disabled_staff_severe": severe,
        "disabled_staff_other": other,
        "accommodations": pl.Series(_accommodations(rng, kind_index, staff), dtype=_LIST),
        "contact_phone": [f"0635-{d}{r:06d}" for d, r in
                          zip(rng.integers(2, 9, n), rng.integers(0, 1_000_000, n), strict=True)],
        "latitude": latitude, "longitude": longitude,
    })  # fmt: skip
    kind_effect = np.array([_OPENNESS[k] for k in kinds])
    openness = kind_effect + 0.3 * ((severe + other) > 0) + rng.normal(0.0, 0.6, n)
    latent = pl.DataFrame({"employer_id": employers["id"], "openness": openness})
    return employers.select(EMPLOYER_COLUMNS), latent
