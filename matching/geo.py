"""Places of Liaocheng and distances between them.

Centroids are approximate seats of each unit (WGS84, read off public maps to about 0.05°);
populations are approximate 2020 census figures in thousands, with the three functional zones
carved out of 东昌府区 (they have no census line of their own; *assumption*). Used by the synthetic
city for where people live and work, and by features for commuting distance.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

EARTH_RADIUS_KM = 6371.0
FloatArray = npt.NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Place:
    code: str
    latitude: float
    longitude: float
    population_k: int
    radius_km: float
    urban_share: float


PLACES: dict[str, Place] = {
    place.code: place
    for place in (
        Place("371502", 36.456, 115.985, 1000, 14.0, 0.72),
        Place("371503", 36.580, 116.255, 510, 16.0, 0.45),
        Place("371521", 36.114, 115.791, 720, 18.0, 0.38),
        Place("371522", 36.235, 115.671, 900, 20.0, 0.35),
        Place("371524", 36.335, 116.248, 370, 15.0, 0.42),
        Place("371525", 36.484, 115.443, 730, 18.0, 0.36),
        Place("371526", 36.846, 116.231, 450, 16.0, 0.45),
        Place("371581", 36.838, 115.705, 720, 18.0, 0.50),
        Place("Z-ETDZ", 36.420, 116.050, 230, 7.0, 0.70),
        Place("Z-HTDZ", 36.500, 116.060, 170, 7.0, 0.65),
        Place("Z-JBSC", 36.430, 115.960, 110, 5.0, 0.75),
    )
}


def haversine_km(
    lat1: FloatArray | float, lon1: FloatArray | float, lat2: FloatArray | float,
    lon2: FloatArray | float,
) -> FloatArray:  # fmt: skip
    """Great-circle distance in km, vectorised over numpy arrays."""
    phi1, phi2 = np.radians(lat1), np.radians(lat2)
    dphi = phi2 - phi1
    dlam = np.radians(np.asarray(lon2) - np.asarray(lon1))
    a = np.sin(dphi / 2) ** 2 + np.cos(phi1) * np.cos(phi2) * np.sin(dlam / 2) ** 2
    return np.asarray(2 * EARTH_RADIUS_KM * np.arcsin(np.sqrt(np.clip(a, 0.0, 1.0))))


def sample_points(
    rng: np.random.Generator, counties: npt.NDArray[np.str_], *, spread: float = 0.5
) -> tuple[FloatArray, FloatArray]:
    """Points around each county's seat: normal with sd = spread × the unit's radius."""
    lat0 = np.array([PLACES[c].latitude for c in counties])
    lon0 = np.array([PLACES[c].longitude for c in counties])
    radius = np.array([PLACES[c].radius_km for c in counties]) * spread
    dlat = rng.normal(0.0, 1.0, len(counties)) * radius / 111.0
    dlon = rng.normal(0.0, 1.0, len(counties)) * radius / (111.0 * np.cos(np.radians(lat0)))
    return np.round(lat0 + dlat, 5), np.round(lon0 + dlon, 5)


def population_weights(codes: list[str] | None = None) -> tuple[list[str], FloatArray]:
    """County codes and their population shares (summing to 1)."""
    chosen = codes or list(PLACES)
    weights = np.array([PLACES[c].population_k for c in chosen], dtype=float)
    return chosen, weights / weights.sum()
