"""True (latent) abilities on the assessment dimensions, by disability category and level.

The pattern follows docs/domain.md: a level-1 visual disability scores low on vision; hearing low on
hearing and, when severe, on speech; intellectual on learning; psychosocial on stress tolerance;
physical on mobility, lifting, standing or dexterity depending on its kind. The numbers are
*assumptions* on the 0–4 scale chosen so that the most severe level sits near 0 on the affected
dimension and level 4 keeps most of the ability, with individual variation.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

from matching import codes

DIMENSIONS = codes.ASSESSMENT_DIMENSIONS.codes
DIM = {name: index for index, name in enumerate(DIMENSIONS)}
FloatArray = npt.NDArray[np.float64]

# Level → typical remaining ability on the primarily affected dimension.
REMAINING = {"1": 0.1, "2": 0.8, "3": 1.6, "4": 2.4}
# Level → strength of secondary effects (1 = full).
SEVERITY = {"1": 1.0, "2": 0.75, "3": 0.5, "4": 0.3}
PHYSICAL_KINDS = ("lower_limb", "upper_limb", "wheelchair")
PHYSICAL_KIND_SHARES = (0.6, 0.3, 0.1)  # *assumption*


def true_abilities(
    rng: np.random.Generator,
    category: npt.NDArray[np.str_],
    level: npt.NDArray[np.str_],
    education_rank: npt.NDArray[np.int64],
    age: FloatArray,
) -> FloatArray:
    """An (n, 13) array of abilities in [0, 4]."""
    n = len(category)
    general = rng.normal(0.0, 0.35, n)[:, None]
    ability = 3.4 + general + rng.normal(0.0, 0.4, (n, len(DIMENSIONS)))
    ability[:, DIM["reading_writing"]] += 0.25 * (education_rank - 3)
    ability[:, DIM["computer"]] += 0.35 * (education_rank - 3) - 0.03 * (age - 35)
    ability[:, DIM["learning"]] += 0.1 * (education_rank - 3)
    remaining = np.array([REMAINING[lv] for lv in level])
    severity = np.array([SEVERITY[lv] for lv in level])
    kinds = _effective_categories(rng, category)
    for kind in ("1", "2", "3", "4", "5", "6"):
        rows = np.flatnonzero(kinds[kind])
        if len(rows):
            _apply(rng, kind, ability, rows, remaining[rows], severity[rows])
    return np.asarray(np.clip(ability, 0.0, 4.0))


def _effective_categories(
    rng: np.random.Generator, category: npt.NDArray[np.str_]
) -> dict[str, npt.NDArray[np.bool_]]:
    """Which single-category effects apply; multiple (7) combines two of visual, hearing,
    physical and intellectual."""
    effects = {kind: category == kind for kind in ("1", "2", "3", "4", "5", "6")}
    multiple = np.flatnonzero(category == "7")
    pairs = np.array([("1", "4"), ("2", "3"), ("4", "5"), ("2", "4"), ("1", "5")])
    chosen = pairs[rng.integers(0, len(pairs), len(multiple))]
    for position, row in enumerate(multiple):
        for kind in chosen[position]:
            effects[str(kind)][row] = True
    return effects


def _set_low(
    rng: np.random.Generator,
    ability: FloatArray,
    rows: npt.NDArray[np.int64],
    dim: str,
    remaining: FloatArray,
) -> None:
    value = remaining + rng.normal(0.0, 0.3, len(rows))
    ability[rows, DIM[dim]] = np.minimum(ability[rows, DIM[dim]], value)


def _apply(
    rng: np.random.Generator,
    kind: str,
    ability: FloatArray,
    rows: npt.NDArray[np.int64],
    remaining: FloatArray,
    severity: FloatArray,
) -> None:
    def lower(dim: str, amount: float) -> None:
        ability[rows, DIM[dim]] -= amount * severity * rng.uniform(0.6, 1.2, len(rows))

    if kind == "1":  # visual
        _set_low(rng, ability, rows, "vision", remaining)
        lower("reading_writing", 1.6)
        lower("computer", 1.0)
        lower("mobility", 0.8)
    elif kind == "2":  # hearing; severe hearing loss is often prelingual, so speech suffers too
        _set_low(rng, ability, rows, "hearing", remaining)
        lower("speech", 2.2)
        lower("social", 0.6)
    elif kind == "3":  # speech
        _set_low(rng, ability, rows, "speech", remaining)
        lower("social", 0.6)
    elif kind == "4":  # physical, by kind
        sort = rng.choice(len(PHYSICAL_KINDS), size=len(rows), p=PHYSICAL_KIND_SHARES)
        for index, physical in enumerate(PHYSICAL_KINDS):
            part = rows[sort == index]
            left = remaining[sort == index]
            if physical == "lower_limb":
                _set_low(rng, ability, part, "standing", left)
                _set_low(rng, ability, part, "mobility", left + 0.3)
                _set_low(rng, ability, part, "lifting", left + 0.8)
            elif physical == "upper_limb":
                _set_low(rng, ability, part, "fine_dexterity", left)
                _set_low(rng, ability, part, "lifting", left + 0.3)
            else:
                _set_low(rng, ability, part, "standing", left * 0.0)
                _set_low(rng, ability, part, "mobility", left * 0.5)
                _set_low(rng, ability, part, "lifting", left + 0.5)
    elif kind == "5":  # intellectual
        _set_low(rng, ability, rows, "learning", remaining + 0.1)
        _set_low(rng, ability, rows, "reading_writing", remaining + 0.2)
        _set_low(rng, ability, rows, "computer", remaining)
        lower("attention", 1.2)
        lower("stress", 0.8)
        lower("social", 0.6)
    elif kind == "6":  # psychosocial
        _set_low(rng, ability, rows, "stress", remaining + 0.2)
        lower("social", 1.2)
        lower("attention", 1.0)
