"""Distances as polars expressions (the numpy twin lives in matching.geo)."""

from __future__ import annotations

import polars as pl

from matching.geo import EARTH_RADIUS_KM


def haversine_km(lat1: pl.Expr, lon1: pl.Expr, lat2: pl.Expr, lon2: pl.Expr) -> pl.Expr:
    phi1, phi2 = lat1.radians(), lat2.radians()
    return haversine_from_radians(phi1, phi1.cos(), lon1, phi2, phi2.cos(), lon2)


def haversine_from_radians(
    phi1: pl.Expr, cos1: pl.Expr, lon1: pl.Expr, phi2: pl.Expr, cos2: pl.Expr, lon2: pl.Expr
) -> pl.Expr:
    """``haversine_km`` from each end's latitude in radians and its cosine, computed once per
    place (e.g. per vacancy and per person) instead of once per pair; the same numbers."""
    a = (((phi2 - phi1) / 2).sin() ** 2) + cos1 * cos2 * (((lon2 - lon1).radians() / 2).sin() ** 2)
    return 2 * EARTH_RADIUS_KM * a.clip(0.0, 1.0).sqrt().arcsin()


def latitude_radians(latitude: str, prefix: str) -> dict[str, pl.Expr]:
    """Columns ``{prefix}phi`` and ``{prefix}cos_phi`` for ``haversine_from_radians``."""
    phi = pl.col(latitude).radians()
    return {f"{prefix}phi": phi, f"{prefix}cos_phi": phi.cos()}


def pair_distance_km(home_based: pl.Expr) -> pl.Expr:
    """Person (``_phi``, ``_cos_phi``, ``_longitude``) to workplace (``_v_`` the same), 0 for
    home-based work."""
    return (
        pl.when(home_based)
        .then(0.0)
        .otherwise(
            haversine_from_radians(
                pl.col("_phi"),
                pl.col("_cos_phi"),
                pl.col("_longitude"),
                pl.col("_v_phi"),
                pl.col("_v_cos_phi"),
                pl.col("_v_longitude"),
            )
        )
    )
