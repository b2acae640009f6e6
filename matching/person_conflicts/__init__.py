"""Persons registered in two counties: finding them by ID within a caller's reach, queueing the
pairs for an administrator, and resolving them (transfer or dismiss).

Why a queue: a resident ID or certificate number is unique within a county only. A counselor
who registers a person already stored in another county gets exactly the answer a new person
gets (201, ``inserted``), so that no answer reveals whether an ID belongs to a registered
disabled person elsewhere; the pair is recorded in ``person_conflicts`` (``detect``), which
only administrators read and resolve (``queue``, ``resolve``). A lookup by ID looks within the
caller's reach; where it finds two persons (a city-wide caller, a pair not yet resolved) the
row is refused as ambiguous rather than guessed (``lookup``).

This package's ``__init__`` imports nothing: the import specs use ``lookup`` and ``detect``,
and ``resolve`` uses the records layer, which uses the import specs.
"""
