"""Small sets as bitsets: the names a snapshot uses (skills, work modes, accommodations) numbered
once, each set held as a few 64-bit words, so that the overlap of two sets is a bitwise and and a
count of ones rather than a list intersection per row (much faster on a request's rows;
experiments/features.md). The counts are those of ``list.set_intersection(...).list.len()``."""

from __future__ import annotations

from dataclasses import dataclass

import polars as pl

from features.sources import Snapshot

WORD = 64
# Column prefixes of the bitsets: a set is the columns {prefix}0, {prefix}1, ...
SKILL_BITS = "_skill_bits_"  # skills assessed (person)
WANTED_BITS = "_wanted_bits_"  # skills wanted (vacancy)
MODE_BITS = "_mode_bits_"  # work modes preferred (person)
V_MODE_BITS = "_v_mode_bits_"  # the vacancy's work mode
NEEDED_BITS = "_needed_bits_"  # accommodations needed (person)
OFFERED_BITS = "_offered_bits_"  # accommodations offered (vacancy)
PERSON_BITS = f"^({SKILL_BITS}|{MODE_BITS}|{NEEDED_BITS})[0-9]+$"  # a regex for pl.col


@dataclass(frozen=True)
class Bitsets:
    """Names numbered by their position."""

    names: tuple[str, ...]

    @classmethod
    def of(cls, *columns: pl.Series) -> Bitsets:
        """Every name found in the given columns (of names or of lists of names)."""
        found = [c.explode() if isinstance(c.dtype, pl.List) else c for c in columns]
        return cls(tuple(pl.concat(found).drop_nulls().unique().sort().to_list()))

    @property
    def words(self) -> int:
        return -(-len(self.names) // WORD)

    def encode(self, members: pl.Expr, prefix: str) -> list[pl.Expr]:
        """A list column as the words of its set (names not numbered here are left out)."""
        numbers = {name: number for number, name in enumerate(self.names)}
        number = pl.element().replace_strict(numbers, default=None, return_dtype=pl.Int64)
        distinct = members.fill_null([]).list.unique()
        return [
            distinct.list.eval(
                pl.when(number // WORD == word)
                .then(pl.lit(2, dtype=pl.UInt64).pow(number % WORD))
                .otherwise(pl.lit(0, dtype=pl.UInt64))
            )
            .list.sum()
            .cast(pl.UInt64)
            .alias(f"{prefix}{word}")
            for word in range(self.words)
        ]

    def columns(self, prefix: str) -> list[str]:
        return [f"{prefix}{word}" for word in range(self.words)]

    def shared(self, left: str, right: str) -> pl.Expr:
        """How many members the sets ``left`` and ``right`` (prefixes) have in common (UInt32)."""
        counts = [
            (pl.col(f"{left}{word}") & pl.col(f"{right}{word}")).bitwise_count_ones()
            for word in range(self.words)
        ]
        total = counts[0] if counts else pl.lit(0, dtype=pl.UInt32)
        for count in counts[1:]:
            total = total + count
        return total


@dataclass(frozen=True)
class Vocabularies:
    """The names of one snapshot's sets; hashable, so expressions can be built once for it."""

    skills: Bitsets
    modes: Bitsets
    accommodations: Bitsets

    @classmethod
    def of(cls, snapshot: Snapshot) -> Vocabularies:
        persons, assessments, vacancies = snapshot.persons, snapshot.assessments, snapshot.vacancies
        return cls(
            skills=Bitsets.of(assessments["skills"], vacancies["skills_wanted"]),
            modes=Bitsets.of(persons["preferred_work_modes"], vacancies["work_mode"]),
            accommodations=Bitsets.of(
                assessments["accommodations_needed"], vacancies["accommodations_offered"]
            ),
        )
