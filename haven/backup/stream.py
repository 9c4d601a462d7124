"""The encrypted container of a backup: AES-256-GCM over fixed-size chunks, streamed.

A backup file is a plaintext header followed by sealed chunks::

    header  = MAGIC (8) | version (1) | key id (8) | salt (16) | chunk size (4, big-endian)
    chunk i = AES-256-GCM(subkey, nonce_i, plaintext_i, associated data = header)
    subkey  = HKDF-SHA256(backup key, salt, "haven backup v1")
    nonce_i = i (11 bytes, big-endian) | 1 if the chunk is the last one else 0

Every chunk but the last holds exactly ``chunk size`` bytes of plaintext, so neither side keeps
more than one chunk in memory. The counter in the nonce refuses reordered or dropped chunks, the
last-chunk flag a file cut at a chunk boundary, the header as associated data an edited header;
a fresh salt per backup gives each file its own key, so nonces never repeat across backups. The
key id (a hash of the key, as for the field keys) tells a wrong key from a damaged file.
"""

import base64
import binascii
import hashlib
import os
import struct
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

MAGIC = b"HVNBACK\x00"
VERSION = 1
HEADER = struct.Struct(">8sB8s16sI")
CHUNK_SIZE = 1024 * 1024
MAX_CHUNK_SIZE = 64 * 1024 * 1024
TAG_BYTES = 16


class BackupError(Exception):
    """A backup cannot be made or restored; the message says why, for the operator."""


class WrongKey(BackupError):
    """The backup was sealed with another key."""


class Damaged(BackupError):
    """The backup file was altered or cut short."""


def decode_key(text: str) -> bytes:
    """A backup key from its base64 text (URL-safe or standard alphabet): exactly 32 bytes."""
    cleaned = text.strip().replace("+", "-").replace("/", "_")
    try:
        raw = base64.urlsafe_b64decode(cleaned.encode("ascii"))
    except (binascii.Error, ValueError, UnicodeEncodeError) as exc:
        raise BackupError("The backup key is not valid base64.") from exc
    if len(raw) != 32:
        raise BackupError("The backup key must be 32 bytes, written in base64.")
    return raw


def key_id(key: bytes) -> str:
    return hashlib.sha256(b"haven-backup-key:" + key).hexdigest()[:16]


def _subkey(key: bytes, salt: bytes) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=b"haven backup v1").derive(
        key
    )
    return AESGCM(derived)


def _nonce(counter: int, last: bool) -> bytes:
    return counter.to_bytes(11, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only binary file that seals what is written to it into ``raw``, chunk by chunk.

    ``close()`` seals the last chunk; a writer that is not closed leaves a file that restore
    refuses as cut short.
    """

    def __init__(self, raw: BinaryIO, key: bytes, chunk_size: int = CHUNK_SIZE):
        salt = os.urandom(16)
        self._header = HEADER.pack(
            MAGIC, VERSION, bytes.fromhex(key_id(key)[:16]), salt, chunk_size
        )
        self._raw = raw
        self._cipher = _subkey(key, salt)
        self._chunk_size = chunk_size
        self._buffer = bytearray()
        self._counter = 0
        self.closed = False
        raw.write(self._header)

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:
        self._buffer += data
        # Keep at least one byte back: the last chunk must be sealed as the last one.
        while len(self._buffer) > self._chunk_size:
            self._seal(bytes(self._buffer[: self._chunk_size]), last=False)
            del self._buffer[: self._chunk_size]
        return len(data)

    def flush(self) -> None:
        self._raw.flush()

    def close(self) -> None:
        if self.closed:
            return
        self._seal(bytes(self._buffer), last=True)
        self._buffer = bytearray()
        self._raw.flush()
        self.closed = True

    def _seal(self, plaintext: bytes, *, last: bool) -> None:
        nonce = _nonce(self._counter, last)
        self._raw.write(self._cipher.encrypt(nonce, plaintext, self._header))
        self._counter += 1


class DecryptingReader:
    """A read-only binary file of the plaintext sealed in ``raw``, checked chunk by chunk.

    Every byte it returns belongs to an authenticated chunk; a file cut short is only noticed
    when the end is reached, so callers must read to the end (``finish()``) before trusting
    the whole.
    """

    def __init__(self, raw: BinaryIO, key: bytes):
        header = raw.read(HEADER.size)
        if len(header) < HEADER.size or not header.startswith(MAGIC):
            raise BackupError("This file is not a Haven backup.")
        _magic, version, kid, salt, chunk_size = HEADER.unpack(header)
        if version != VERSION:
            raise BackupError(
                f"This backup has format version {version}; this Haven reads version {VERSION}."
            )
        if kid.hex() != key_id(key)[:16]:
            raise WrongKey(
                "This backup was encrypted with another backup key: give the key it was "
                "made with (HAVEN_BACKUP_KEY or --key-file)."
            )
        if not 0 < chunk_size <= MAX_CHUNK_SIZE:
            raise Damaged("The backup's header is damaged.")
        self._raw = raw
        self._header = header
        self._cipher = _subkey(key, salt)
        self._sealed_size = chunk_size + TAG_BYTES
        self._counter = 0
        self._carry = b""
        self._plain = b""
        self._offset = 0
        self.finished = False

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        parts = []
        wanted = size if size is not None and size >= 0 else None
        while wanted is None or wanted > 0:
            if self._offset >= len(self._plain):
                if self.finished:
                    break
                self._open_next()
                continue
            end = len(self._plain) if wanted is None else self._offset + wanted
            piece = self._plain[self._offset : end]
            self._offset += len(piece)
            if wanted is not None:
                wanted -= len(piece)
            parts.append(piece)
        return b"".join(parts)

    def finish(self) -> None:
        """Read (and check) everything that is left, up to the sealed end."""
        while not self.finished:
            self._open_next()
        self._plain = b""
        self._offset = 0

    def _read_exact(self, size: int) -> bytes:
        parts = []
        while size > 0:
            piece = self._raw.read(size)
            if not piece:
                break
            parts.append(piece)
            size -= len(piece)
        return b"".join(parts)

    def _open_next(self) -> None:
        sealed = self._carry + self._read_exact(self._sealed_size - len(self._carry))
        self._carry = self._read_exact(1)
        last = not self._carry
        if len(sealed) < TAG_BYTES:
            raise Damaged("The backup file is cut short: it was not copied completely.")
        try:
            plain = self._cipher.decrypt(_nonce(self._counter, last), sealed, self._header)
        except InvalidTag as exc:
            raise Damaged(
                "The backup file was altered or cut short: it fails its integrity check."
            ) from exc
        self._counter += 1
        self._plain = plain
        self._offset = 0
        self.finished = last
