"""Chinese text similarity without a segmenter: overlapping character bigrams as sets."""

from __future__ import annotations

import polars as pl

from features.ops import Column, Ops


def bigrams(text: pl.Expr) -> pl.Expr:
    """Overlapping character bigrams of a string (spaces and punctuation dropped), as a set."""
    cleaned = text.fill_null("").str.replace_all(r"[\s\p{P}A-Za-z0-9]+", "")
    even = cleaned.str.extract_all(r"..")
    odd = cleaned.str.slice(1).str.extract_all(r"..")
    return even.list.concat(odd).list.unique()


def set_cosine(o: Ops, left: str, right: str) -> Column:
    """|A ∩ B| / sqrt(|A|·|B|) of two list columns, 0 when either set is empty."""
    overlap = o.floats(o.common(left, right))
    norm = o.sqrt(o.floats(o.size(left) * o.size(right)))
    return o.quotient(overlap, norm, 0.0)
