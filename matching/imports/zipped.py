"""A zip archive opened with bounds: member count, declared and actual unzipped bytes, ratio.

``zipfile`` trusts the central directory and a member's declared size; a 20 MB upload can list
hundreds of thousands of members or inflate 1000-fold. ``BoundedZip`` checks the directory's
entry count before ``zipfile`` parses it, refuses a member whose declared size or ratio is out of
bounds before inflating it, and counts the bytes actually inflated (chunk by chunk, never more
than one chunk in memory) against one budget for the whole workbook.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from types import TracebackType

from matching.imports.limits import (
    MAX_UNZIPPED_BYTES,
    MAX_ZIP_MEMBERS,
    MAX_ZIP_RATIO,
    RATIO_GRACE_BYTES,
    not_a_workbook,
    too_large,
    unsafe_file,
    unzipped_too_large,
)

CHUNK = 64 * 1024
_END_RECORD = b"PK\x05\x06"
_END_SEARCH = 22 + 0xFFFF  # the end record and the longest comment
ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, OSError, RuntimeError, ValueError,
              NotImplementedError)  # fmt: skip


def declared_members(path: Path) -> int:
    """The entry count the end-of-central-directory record declares (read before ``zipfile``)."""
    with path.open("rb") as handle:
        size = handle.seek(0, 2)
        handle.seek(max(0, size - _END_SEARCH))
        tail = handle.read()
    at = tail.rfind(_END_RECORD)
    if at < 0 or len(tail) - at < 22:
        not_a_workbook()
    (entries,) = struct.unpack_from("<H", tail, at + 10)
    return int(entries)


class BoundedZip:
    """The members of one workbook, read within ``MAX_UNZIPPED_BYTES`` together."""

    def __init__(self, path: Path):
        members = declared_members(path)
        if members > MAX_ZIP_MEMBERS:
            too_large(
                f"the zip lists {members} members; at most {MAX_ZIP_MEMBERS}",
                f"文件结构异常：压缩包内有{members}个文件（上限{MAX_ZIP_MEMBERS}个），"
                "请用 Excel 重新保存后再导入",
            )
        try:
            self._zip = zipfile.ZipFile(path)
        except ZIP_ERRORS:
            not_a_workbook()
        if len(self._zip.infolist()) > MAX_ZIP_MEMBERS:
            self._zip.close()
            unsafe_file("more zip members than the directory declares")
        self.unzipped = 0

    def __enter__(self) -> BoundedZip:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._zip.close()

    def has(self, name: str) -> bool:
        return name in self._zip.NameToInfo

    def chunks(self, name: str) -> Iterator[bytes]:
        """The member's bytes, inflated one chunk at a time, each byte counted."""
        info = self._zip.NameToInfo.get(name)
        if info is None:
            unsafe_file(f"no member {name!r}")
        self._check_ratio(info.file_size, info.compress_size)
        if self.unzipped + info.file_size > MAX_UNZIPPED_BYTES:
            unzipped_too_large()
        read = 0
        try:
            with self._zip.open(info) as member:
                while chunk := member.read(CHUNK):
                    read += len(chunk)
                    self.unzipped += len(chunk)
                    if self.unzipped > MAX_UNZIPPED_BYTES:
                        unzipped_too_large()
                    self._check_ratio(read, info.compress_size)
                    yield chunk
        except ZIP_ERRORS:
            not_a_workbook()

    @staticmethod
    def _check_ratio(unzipped: int, zipped: int) -> None:
        if unzipped > RATIO_GRACE_BYTES and unzipped > MAX_ZIP_RATIO * max(zipped, 1):
            too_large(
                f"a workbook member inflates more than {MAX_ZIP_RATIO}-fold "
                f"({zipped} -> {unzipped}+ bytes)",
                f"文件过大：工作簿内容的压缩比超过{MAX_ZIP_RATIO}倍（疑似压缩炸弹），"
                "请用 Excel 重新保存后再导入",
            )
