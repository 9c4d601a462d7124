"""Encryption of identity fields at rest: AES-256-GCM with keys of their own.

Keys come from ``settings.FIELD_KEYS`` (``HAVEN_FIELD_KEYS``), never from SECRET_KEY. The first
key encrypts; every listed key decrypts, so a key can be rotated without downtime. A token is
``hv1:<key id>:<base64(nonce | ciphertext+tag)>``; the key id is a short hash of the key, so the
right key is found without trial decryption. The field's own name is bound into each token as
associated data: a ciphertext copied into another column does not decrypt.
"""

import base64
import binascii
import hashlib
import os
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

PREFIX = "hv1"
NONCE_BYTES = 12


class KeyError_(Exception):
    """A field key is malformed or missing."""


class DecryptionError(Exception):
    """A token cannot be decrypted with any configured key (wrong key, or tampered data)."""


def generate_key() -> str:
    """A new random 256-bit key, in the form HAVEN_FIELD_KEYS expects."""
    return base64.urlsafe_b64encode(os.urandom(32)).decode("ascii")


def _decode_key(text: str) -> bytes:
    try:
        raw = base64.urlsafe_b64decode(text.strip().encode("ascii"))
    except (binascii.Error, ValueError) as exc:
        raise KeyError_("a field key is not valid base64") from exc
    if len(raw) != 32:
        raise KeyError_("a field key must be 32 bytes (run `haven generate_field_key`)")
    return raw


def key_id(raw: bytes) -> str:
    return hashlib.sha256(b"haven-field-key:" + raw).hexdigest()[:8]


class Keyring:
    """The configured keys: the first encrypts, all decrypt."""

    def __init__(self, keys: list[str]):
        if not keys:
            raise KeyError_("no field keys configured (HAVEN_FIELD_KEYS)")
        decoded = [_decode_key(k) for k in keys]
        self.current_id = key_id(decoded[0])
        self._ciphers = {key_id(raw): AESGCM(raw) for raw in decoded}

    def encrypt(self, plaintext: str, context: str) -> str:
        nonce = os.urandom(NONCE_BYTES)
        sealed = self._ciphers[self.current_id].encrypt(
            nonce, plaintext.encode("utf-8"), context.encode("utf-8")
        )
        body = base64.urlsafe_b64encode(nonce + sealed).decode("ascii")
        return f"{PREFIX}:{self.current_id}:{body}"

    def decrypt(self, token: str, context: str) -> str:
        try:
            prefix, kid, body = token.split(":", 2)
        except ValueError as exc:
            raise DecryptionError("not an encrypted value") from exc
        cipher = self._ciphers.get(kid)
        if prefix != PREFIX or cipher is None:
            raise DecryptionError(f"no configured key has id {kid}")
        blob = base64.urlsafe_b64decode(body.encode("ascii"))
        try:
            plain = cipher.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode())
        except InvalidTag as exc:
            raise DecryptionError("the value was altered or belongs to another field") from exc
        return plain.decode("utf-8")

    def is_current(self, token: str) -> bool:
        return token.startswith(f"{PREFIX}:{self.current_id}:")


@lru_cache(maxsize=4)
def _keyring_for(keys: tuple[str, ...]) -> Keyring:
    return Keyring(list(keys))


def keyring() -> Keyring:
    """The keyring of the current settings (cached per key list, so tests may override keys)."""
    from django.conf import settings

    return _keyring_for(tuple(settings.FIELD_KEYS))
