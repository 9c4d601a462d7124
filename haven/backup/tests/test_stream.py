"""The encrypted container: what goes in comes out, and any change to the file is refused."""

import io
import os

import pytest

from haven.backup.stream import (
    HEADER,
    TAG_BYTES,
    BackupError,
    Damaged,
    DecryptingReader,
    EncryptingWriter,
    WrongKey,
    decode_key,
)

KEY = bytes(range(32))
CHUNK = 64


def sealed(data: bytes, key: bytes = KEY) -> bytes:
    raw = io.BytesIO()
    writer = EncryptingWriter(raw, key, chunk_size=CHUNK)
    for start in range(0, len(data), 50):
        writer.write(data[start : start + 50])
    writer.close()
    return raw.getvalue()


def opened(blob: bytes, key: bytes = KEY) -> bytes:
    reader = DecryptingReader(io.BytesIO(blob), key)
    data = reader.read(7) + reader.read()
    reader.finish()
    return data


@pytest.mark.parametrize("size", [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 5 * CHUNK, 1000])
def test_what_is_sealed_opens_to_the_same_bytes(size: int) -> None:
    data = os.urandom(size)
    blob = sealed(data)
    if size >= 16:
        assert data[:16] not in blob
    assert opened(blob) == data


def test_a_file_sealed_with_another_key_is_refused_as_such() -> None:
    with pytest.raises(WrongKey, match="another backup key"):
        opened(sealed(b"records" * 100), key=bytes(32))


def test_a_flipped_bit_anywhere_after_the_header_is_refused() -> None:
    blob = bytearray(sealed(os.urandom(300)))
    for position in range(HEADER.size, len(blob), 37):
        altered = bytearray(blob)
        altered[position] ^= 0x01
        with pytest.raises(Damaged):
            opened(bytes(altered))


def test_an_edited_header_is_refused() -> None:
    blob = bytearray(sealed(os.urandom(300)))
    blob[HEADER.size - 10] ^= 0x01  # the salt
    with pytest.raises(Damaged):
        opened(bytes(blob))


def test_a_file_cut_at_a_chunk_boundary_is_refused() -> None:
    blob = sealed(os.urandom(5 * CHUNK + 10))
    cut = HEADER.size + 3 * (CHUNK + TAG_BYTES)
    with pytest.raises(Damaged, match="cut short"):
        opened(blob[:cut])


def test_a_file_cut_anywhere_is_refused() -> None:
    blob = sealed(os.urandom(3 * CHUNK))
    for length in range(HEADER.size, len(blob), 23):
        with pytest.raises(Damaged):
            opened(blob[:length])


def test_chunks_swapped_are_refused() -> None:
    blob = sealed(os.urandom(4 * CHUNK))
    size = CHUNK + TAG_BYTES
    first = blob[HEADER.size : HEADER.size + size]
    second = blob[HEADER.size + size : HEADER.size + 2 * size]
    swapped = blob[: HEADER.size] + second + first + blob[HEADER.size + 2 * size :]
    with pytest.raises(Damaged):
        opened(swapped)


def test_anything_else_is_not_taken_for_a_backup() -> None:
    with pytest.raises(BackupError, match="not a Haven backup"):
        opened(b"SQLite format 3\x00" + bytes(100))


@pytest.mark.parametrize("text", ["", "not base64!", "c2hvcnQ="])
def test_a_key_that_is_not_32_bytes_of_base64_is_refused(text: str) -> None:
    with pytest.raises(BackupError, match="backup key"):
        decode_key(text)
