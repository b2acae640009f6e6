"""Wall and CPU time, and peak memory, of ``read_sheet`` on crafted upload bombs (uploads.md).

    .venv/bin/python experiments/upload_bombs.py [bomb ...]

Run from a checkout's root; the same script measures an older checkout when tests/upload_bombs.py
is copied into it. Each bomb is read in a fresh process so peaks do not mix.
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

BOMBS = [
    "dimension_bomb", "dimension_1000", "dimension_10000", "empty_rows", "zeros_member",
    "nested_zip", "many_members", "deep_xml", "billion_laughs", "shared_strings", "huge_string",
    "long_strings", "real_rows", "wide_row",
]  # fmt: skip
ARGS: dict[str, tuple[object, ...]] = {
    "shared_strings": (300_000, 8, 150_000),
    "huge_string": (1_000_000, True),
    "real_rows": (30_001,),
    "wide_row": (16_384,),
}


def read(path: Path) -> str:
    from matching.imports.reading import read_sheet

    try:
        return f"read {len(read_sheet(path).rows)} rows"
    except Exception as error:  # any outcome is a figure here
        return f"{type(error).__name__}: {str(error)[:70]}"


def measure(name: str) -> str:
    from tests import upload_bombs

    if name.startswith("dimension_") and name != "dimension_bomb":
        data = upload_bombs.dimension_bomb(int(name.split("_")[1]))
    else:
        data = getattr(upload_bombs, name)(*ARGS.get(name, ()))
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bomb.xlsx"
        path.write_bytes(data)
        warm = Path(folder) / "warm.xlsx"  # imports and first-call costs are not the bomb's
        warm.write_bytes(upload_bombs.workbook(upload_bombs.sheet_xml(upload_bombs.TWO_CELLS)))
        read(warm)
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        wall, cpu = time.perf_counter(), time.process_time()
        outcome = read(path)
        wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        read(path)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return (
        f"| {name} | {len(data) / 1024:,.1f} KB | {wall:.3f} s | {cpu:.3f} s "
        f"| {peak / 2**20:,.1f} MB "
        f"| {(rss_after - rss_before) / 1024:,.0f} MB | {outcome} |"
    )


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(measure(sys.argv[2]))
    else:
        print("| bomb | file | wall | CPU | tracemalloc peak | max RSS growth | outcome |")
        print("|---|---|---|---|---|---|---|")
        for bomb in sys.argv[1:] or BOMBS:
            run = [sys.executable, __file__, "--one", bomb]
            done = subprocess.run(run, capture_output=True, text=True, timeout=600, check=False)
            print(done.stdout.strip() or f"| {bomb} | failed: {done.stderr.strip()[-200:]} |")
