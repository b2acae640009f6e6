"""Running one night's batch: the blocks not yet written, on this process or on Dask.

A night's output is a folder of part files, one per block (``<out>/<YYYY-MM-DD>/``); a part that
exists is complete (``ranking.write_block`` renames it into place), so a run that was stopped,
or lost a worker, is resumed by running it again: only the missing blocks are ranked. Earlier
nights stay beside it, so today's lists can be compared with yesterday's.

On Dask each block is one task; workers write their parts themselves and send back only the path,
so the client never holds the city's lists and a worker holds one block's rows at a time beside
its serving state. A worker that dies mid-block loses nothing but that block, which the
scheduler gives to another worker.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import polars as pl

from serving.batch.blocks import Block
from serving.batch.ranking import BatchSource, write_block

__all__ = ["Engine", "NightRun", "dask_client", "night_folder", "read_night", "run_night"]

Engine = Literal["local", "dask"]
Progress = Callable[[int, int], None]  # (blocks done, blocks in all)
LOCAL_WORKERS = 2  # a LocalCluster's workers: the cores of the machine it was sized for


@dataclass(frozen=True)
class NightRun:
    folder: Path
    blocks: int
    ranked: int  # blocks ranked by this run (the rest were there already)


def night_folder(out: Path, source: BatchSource) -> Path:
    return out / f"{source.at:%Y-%m-%d}"


def run_night(
    source: BatchSource,
    blocks: Sequence[Block],
    out: Path,
    *,
    engine: Engine = "local",
    scheduler: str | None = None,
    progress: Progress | None = None,
    client: Any | None = None,
) -> NightRun:
    """Rank and write every block whose part is missing; ``client``: a Dask client to use
    (a background job's, from ``distributed.worker_client``) instead of one of ``scheduler``."""
    folder = night_folder(out, source)
    folder.mkdir(parents=True, exist_ok=True)
    todo = [block for block in blocks if not (folder / block.name).exists()]
    done = len(blocks) - len(todo)
    report = progress or (lambda _done, _all: None)
    report(done, len(blocks))
    if engine == "local":
        for block in todo:
            write_block(source, block, str(folder))
            done += 1
            report(done, len(blocks))
    else:
        with ExitStack() as stack:
            if client is None:
                client = stack.enter_context(dask_client(scheduler))
            as_completed = importlib.import_module("distributed").as_completed
            futures = client.map(
                write_block, [source] * len(todo), todo, [str(folder)] * len(todo),
                key=[f"block-{source.at:%Y%m%d}-{block.index}" for block in todo],
                retries=2,
            )  # fmt: skip
            for future in as_completed(futures):
                future.result()
                done += 1
                report(done, len(blocks))
    return NightRun(folder, len(blocks), len(todo))


@contextmanager
def dask_client(
    scheduler: str | None,
    *,
    workers: int = LOCAL_WORKERS,
    processes: bool = True,
    dashboard: bool = True,
) -> Iterator[Any]:
    """A client of the scheduler at ``scheduler``, or of a LocalCluster of ``workers`` workers
    of one thread each (``processes`` False: threads of this process; ``dashboard`` False: no
    web dashboard) started for the client's lifetime. The background jobs' runner
    (``serving.runtime.job_runner``) uses it too."""
    dask: Any = importlib.import_module("distributed")  # untyped; imported only when used
    with ExitStack() as stack:
        if scheduler:
            yield stack.enter_context(dask.Client(scheduler))
            return
        options: dict[str, Any] = {} if dashboard else {"dashboard_address": None}
        cluster = stack.enter_context(
            dask.LocalCluster(
                n_workers=workers, threads_per_worker=1, processes=processes, **options
            )
        )
        yield stack.enter_context(dask.Client(cluster))


def read_night(folder: Path) -> pl.DataFrame:
    """A night's lists, in a fixed order (person, kind, rank)."""
    parts = sorted(folder.glob("part-*.parquet"))
    if not parts:
        return pl.DataFrame()
    return pl.concat([pl.read_parquet(part) for part in parts]).sort("person_id", "kind", "rank")
