"""Streaming, defused XML: expat fed chunk by chunk, no tree, no DTD, bounded depth and elements.

The parts of an .xlsx are parsed by small handler classes (``start``/``end``/``text``) so that
nothing proportional to the document is built except what a handler keeps on purpose. A DTD or
an entity declaration is refused outright (an .xlsx never has one; this is what defusedxml does,
and it closes the "billion laughs" and external-entity doors without a new dependency). Element
names are compared by local name, so prefixed (``x:row``) and strict-OOXML namespaces read alike.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import NoReturn
from xml.parsers import expat

from matching.imports.limits import MAX_XML_DEPTH, unsafe_file

MAX_XML_ELEMENTS = 5_000_000  # any element of one part (a full 1,000,000-cell sheet is ~3.2M)


class Stop(Exception):
    """Raised by a handler that has read all it needs; parsing ends quietly."""


class Handler:
    """Base of the part readers: counts depth and elements, maps names to local names."""

    def __init__(self) -> None:
        self.depth = 0
        self.elements = 0
        self._names: dict[str, str] = {}

    def local(self, name: str) -> str:
        found = self._names.get(name)
        if found is None:
            found = self._names[name] = name.rpartition("}")[2].rpartition(":")[2]
        return found

    def enter(self) -> None:
        self.depth += 1
        self.elements += 1
        if self.depth > MAX_XML_DEPTH or self.elements > MAX_XML_ELEMENTS:
            self.too_deep()

    def too_deep(self) -> None:
        if self.depth > MAX_XML_DEPTH:
            unsafe_file(f"XML nested deeper than {MAX_XML_DEPTH} levels")
        unsafe_file(f"more than {MAX_XML_ELEMENTS} XML elements in one part")

    def start(self, name: str, attrs: dict[str, str]) -> None:
        self.enter()

    def end(self, name: str) -> None:
        self.depth -= 1

    def text(self, data: str) -> None:
        return None


def _refuse(*_args: object) -> NoReturn:
    unsafe_file("DTDs and entity declarations are not allowed")


def parse(chunks: Iterable[bytes], handler: Handler, *, wants_text: bool = True) -> None:
    """Feed ``chunks`` to ``handler`` until the end or its ``Stop``; malformed XML is a 422."""
    parser = expat.ParserCreate(namespace_separator="}")
    parser.buffer_text = True
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.StartElementHandler = handler.start
    parser.EndElementHandler = handler.end
    if wants_text:
        parser.CharacterDataHandler = handler.text
    iterator = iter(chunks)
    try:
        for chunk in iterator:
            parser.Parse(chunk, False)
        parser.Parse(b"", True)
    except Stop:
        return
    except (expat.ExpatError, ValueError, IndexError, KeyError) as error:
        unsafe_file(f"{type(error).__name__}: {error}"[:200])
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()
