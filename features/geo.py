"""Distances as polars expressions (the numpy twin lives in matching.geo)."""

from __future__ import annotations

import polars as pl

from matching.geo import EARTH_RADIUS_KM


def haversine_km(lat1: pl.Expr, lon1: pl.Expr, lat2: pl.Expr, lon2: pl.Expr) -> pl.Expr:
    phi1, phi2 = lat1.radians(), lat2.radians()
    a = (((phi2 - phi1) / 2).sin() ** 2) + phi1.cos() * phi2.cos() * (
        ((lon2 - lon1).radians() / 2).sin() ** 2
    )
    return 2 * EARTH_RADIUS_KM * a.clip(0.0, 1.0).sqrt().arcsin()
