"""A fix for whoosh-reloaded 2.7.5: read memory-mapped segments without copying them.

Its ``BufferFile`` wraps each memory-mapped part of a segment in ``BytesIO``, which copies it,
so every worker held the postings and term dictionary privately (49 MB of 76 MB at 10,000
synthetic articles, growing with the index). Here the stream reads straight from the map;
only the bytes asked for are copied, and the map's pages stay shared between workers.
"""

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile

_CHUNK = 4096


class ViewStream:
    """A read-only, seekable file over a memoryview."""

    __slots__ = ("_pos", "_view")

    def __init__(self, view):
        self._view = memoryview(view)
        self._pos = 0

    def read(self, size: int = -1) -> bytes:
        start = self._pos
        end = len(self._view) if size is None or size < 0 else min(start + size, len(self._view))
        self._pos = end
        return self._view[start:end].tobytes()

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, limit: int = -1) -> bytes:
        end = (
            len(self._view)
            if limit is None or limit < 0
            else min(len(self._view), self._pos + limit)
        )
        position = self._pos
        while position < end:
            chunk = self._view[position : min(position + _CHUNK, end)].tobytes()
            newline = chunk.find(b"\n")
            if newline >= 0:
                return self.read(position + newline + 1 - self._pos)
            position += len(chunk)
        return self.read(end - self._pos)

    def seek(self, offset: int, whence: int = 0) -> int:
        base = (0, self._pos, len(self._view))[whence]
        self._pos = base + offset
        return self._pos

    def tell(self) -> int:
        return self._pos

    def close(self) -> None:
        self._view.release()


class ViewBufferFile(BufferFile):
    """Whoosh's buffer file with a copy-free stream."""

    def __init__(self, buf, name=None, onclose=None):
        super().__init__(b"", name=name, onclose=onclose)
        self._buf = buf
        self.file = ViewStream(buf)


def install() -> None:
    """Make Whoosh open compound segment files through :class:`ViewBufferFile`."""
    compound.BufferFile = ViewBufferFile
