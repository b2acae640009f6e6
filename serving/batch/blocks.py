"""Persons in blocks for the batch: by county, then id, so a block's persons share the frames of
one county and a block is the unit a worker ranks, writes and (after a failure) redoes."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

__all__ = ["Block", "person_blocks"]


@dataclass(frozen=True)
class Block:
    index: int
    county: str
    person_ids: tuple[int, ...]

    @property
    def name(self) -> str:
        """The block's part file name: stable for the same persons and block size."""
        return f"part-{self.index:05d}.parquet"


def person_blocks(persons: pl.DataFrame, size: int, limit: int | None = None) -> list[Block]:
    """Blocks of at most ``size`` persons (``id``, ``county``), county by county in code order;
    ``limit``: only the first persons by (county, id)."""
    if size < 1:
        raise ValueError("a block holds at least one person")
    ordered = persons.select("id", "county").sort("county", "id")
    if limit is not None:
        ordered = ordered.head(limit)
    blocks: list[Block] = []
    for (county,), part in ordered.group_by("county", maintain_order=True):
        ids = part["id"].to_list()
        for start in range(0, len(ids), size):
            blocks.append(Block(len(blocks), str(county), tuple(ids[start : start + size])))
    return blocks
