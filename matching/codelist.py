"""The types behind every code list: ``Code`` (one entry) and ``CodeList`` (a closed vocabulary).

Offices send the same value spelled many ways ("视力残疾", "视力", "盲", "1", "visual"); storage
keeps one stable ASCII code. ``CodeList.parse`` is the single place where spellings become codes,
so every import, API and form agrees on what is accepted and explains, in Chinese, what is allowed.
The concrete lists live in :mod:`matching.codes`, which re-exports these types.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from matching.errors import ConfigError, UnknownCodeError

__all__ = ["Code", "CodeList", "normalize_key"]

_SPACES = re.compile(r"\s+")
_CODE_SHAPE = re.compile(r"^[A-Za-z0-9_\-]+$")


def normalize_key(text: str) -> str:
    """Fold a spelling to its lookup key.

    NFKC turns full-width letters, digits, brackets and the ideographic space (U+3000) into their
    ASCII forms; surrounding whitespace is dropped, inner runs collapse to one space, and ASCII
    letters are lower-cased (Chinese has no case, so this is case-insensitive for ASCII only).
    """
    folded = unicodedata.normalize("NFKC", text)
    return _SPACES.sub(" ", folded).strip().lower()


@dataclass(frozen=True, slots=True)
class Code:
    """One entry of a code list: the stored code, its labels and the spellings offices use."""

    code: str
    zh: str
    en: str
    aliases: tuple[str, ...] = ()
    rank: int = 0

    def spellings(self) -> tuple[str, ...]:
        """Every text that ``CodeList.parse`` maps to this code."""
        return (self.code, self.zh, self.en, *self.aliases)


class CodeList:
    """A closed, ordered vocabulary of ``Code`` entries with one lookup for every spelling.

    Construction rejects a malformed code, a repeated code or Chinese label, and any spelling
    (label, English name or alias) that would map to two different codes: ambiguity found at import
    time is a bug in the list, not something to resolve silently at parse time.
    """

    __slots__ = ("_by_code", "_by_key", "_items", "name", "zh")

    def __init__(self, name: str, zh: str, items: Iterable[Code]) -> None:
        self.name = name
        self.zh = zh
        self._items: tuple[Code, ...] = tuple(items)
        self._by_code: dict[str, Code] = {}
        self._by_key: dict[str, str] = {}
        labels: set[str] = set()
        if not self._items:
            raise ConfigError(f"code list {name!r} is empty")
        for item in self._items:
            if not _CODE_SHAPE.fullmatch(item.code):
                raise ConfigError(
                    f"code list {name!r}: code {item.code!r} must be non-empty ASCII letters, "
                    "digits, '_' or '-'"
                )
            if item.code in self._by_code:
                raise ConfigError(f"code list {name!r}: duplicate code {item.code!r}")
            if not item.zh.strip() or item.zh in labels:
                raise ConfigError(f"code list {name!r}: empty or duplicate label {item.zh!r}")
            labels.add(item.zh)
            self._by_code[item.code] = item
            for spelling in item.spellings():
                key = normalize_key(spelling)
                if not key:
                    raise ConfigError(f"code list {name!r}: empty spelling for {item.code!r}")
                owner = self._by_key.setdefault(key, item.code)
                if owner != item.code:
                    raise ConfigError(
                        f"code list {name!r}: spelling {spelling!r} of {item.code!r} "
                        f"already means {owner!r}"
                    )

    @property
    def codes(self) -> tuple[str, ...]:
        """The codes in declaration order."""
        return tuple(item.code for item in self._items)

    def __iter__(self) -> Iterator[Code]:
        return iter(self._items)

    def __len__(self) -> int:
        return len(self._items)

    def __contains__(self, code: object) -> bool:
        return isinstance(code, str) and code in self._by_code

    def __repr__(self) -> str:
        return f"CodeList({self.name!r}, {len(self._items)} codes)"

    def get(self, code: str) -> Code:
        """The entry for an exact stored code; raises ``UnknownCodeError`` otherwise."""
        try:
            return self._by_code[code]
        except (KeyError, TypeError):
            raise self._unknown(code) from None

    def label(self, code: str) -> str:
        """The Chinese label users see for a stored code."""
        return self.get(code).zh

    def parse(self, text: str) -> str:
        """Return the code for any accepted spelling (code, Chinese label, English name, alias)."""
        if isinstance(text, str):
            found = self._by_key.get(normalize_key(text))
            if found is not None:
                return found
        raise self._unknown(text)

    def _unknown(self, text: object) -> UnknownCodeError:
        allowed_zh = "、".join(item.zh for item in self._items)
        allowed = ", ".join(f"{item.code} ({item.en})" for item in self._items)
        return UnknownCodeError(
            code=f"unknown_{self.name}",
            message=f"unknown {self.name} {text!r}; allowed codes: {allowed}",
            message_zh=f"{self.zh}“{text}”无效，可选：{allowed_zh}",
            field=None,
        )
