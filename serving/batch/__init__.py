"""The nightly city batch (issue 21): every registered person's top jobs and courses, ranked
with the served champions by the same code as the API, on one process or on Dask.

- ``blocks``: persons cut into blocks by county, then id;
- ``ranking``: what a worker does with one block (the serving state it builds once per process);
- ``run``: the engines (``local``, ``dask``), the output folder of one night and resuming.
"""
