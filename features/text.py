"""Chinese text similarity without a segmenter: overlapping character bigrams as sets."""

from __future__ import annotations

import polars as pl


def bigrams(text: pl.Expr) -> pl.Expr:
    """Overlapping character bigrams of a string (spaces and punctuation dropped), as a set."""
    cleaned = text.fill_null("").str.replace_all(r"[\s\p{P}A-Za-z0-9]+", "")
    even = cleaned.str.extract_all(r"..")
    odd = cleaned.str.slice(1).str.extract_all(r"..")
    return even.list.concat(odd).list.unique()


def set_cosine(left: pl.Expr, right: pl.Expr) -> pl.Expr:
    """|A ∩ B| / sqrt(|A|·|B|), 0 when either set is empty."""
    overlap = left.list.set_intersection(right).list.len().cast(pl.Float64)
    norm = (left.list.len() * right.list.len()).cast(pl.Float64).sqrt()
    return pl.when(norm > 0).then(overlap / norm).otherwise(0.0)
