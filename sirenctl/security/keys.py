"""Ed25519 signing keys, encrypted at rest with a key derived from the passphrase (argon2id).

Canonical JSON (sorted keys, no spaces, UTF-8) is what gets signed, so a signature never
depends on how a row was read back.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from dataclasses import dataclass
from typing import Any

from argon2.low_level import Type, hash_secret_raw
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from sirenctl.i18n import L_


@dataclass(frozen=True)
class KdfParams:
    """argon2id cost; stored with each account so it can be raised later."""

    time_cost: int = 3
    memory_cost: int = 65536  # KiB
    parallelism: int = 4


DEFAULT_KDF = KdfParams()


class WrongPassphrase(ValueError):
    """The passphrase does not open the private key."""


def canonical(data: dict[str, Any]) -> bytes:
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def public_hex(key: Ed25519PublicKey) -> str:
    return key.public_bytes(Encoding.Raw, PublicFormat.Raw).hex()


def fingerprint(public_key_hex: str) -> str:
    """A key id people can read aloud and compare: 32 hex digits of SHA-256, in groups of 4."""
    digest = hashlib.sha256(bytes.fromhex(public_key_hex)).hexdigest()[:32]
    return digest


def show_fingerprint(key_id: str) -> str:
    return " ".join(key_id[i : i + 4] for i in range(0, len(key_id), 4))


def _kek(passphrase: str, salt: bytes, params: KdfParams) -> bytes:
    return hash_secret_raw(
        passphrase.encode(),
        salt,
        time_cost=params.time_cost,
        memory_cost=params.memory_cost,
        parallelism=params.parallelism,
        hash_len=32,
        type=Type.ID,
    )


@dataclass(frozen=True)
class SealedKey:
    public_key: str  # hex
    key_id: str
    private_key: str  # base64(nonce + AES-GCM ciphertext)
    kdf: dict[str, Any]


def new_sealed_key(
    passphrase: str, params: KdfParams = DEFAULT_KDF
) -> tuple[SealedKey, Ed25519PrivateKey]:
    key = Ed25519PrivateKey.generate()
    return seal(key, passphrase, params), key


def seal(key: Ed25519PrivateKey, passphrase: str, params: KdfParams = DEFAULT_KDF) -> SealedKey:
    from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

    salt, nonce = os.urandom(16), os.urandom(12)
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    pub = public_hex(key.public_key())
    kdf = {
        "alg": "argon2id+aes-256-gcm",
        "salt": salt.hex(),
        "t": params.time_cost,
        "m": params.memory_cost,
        "p": params.parallelism,
    }
    # the public key is authenticated data: a sealed key cannot be swapped under another account
    sealed = AESGCM(_kek(passphrase, salt, params)).encrypt(nonce, raw, bytes.fromhex(pub))
    return SealedKey(pub, fingerprint(pub), base64.b64encode(nonce + sealed).decode(), kdf)


def unseal(
    private_key: str, public_key: str, kdf: dict[str, Any], passphrase: str
) -> Ed25519PrivateKey:
    params = KdfParams(int(kdf["t"]), int(kdf["m"]), int(kdf["p"]))
    blob = base64.b64decode(private_key)
    try:
        raw = AESGCM(_kek(passphrase, bytes.fromhex(kdf["salt"]), params)).decrypt(
            blob[:12], blob[12:], bytes.fromhex(public_key)
        )
    except InvalidTag:
        raise WrongPassphrase(L_("the passphrase does not open this account's key")) from None
    key = Ed25519PrivateKey.from_private_bytes(raw)
    if public_hex(key.public_key()) != public_key:
        raise WrongPassphrase(L_("the stored key does not match the account's public key"))
    return key


def sign(key: Ed25519PrivateKey, data: dict[str, Any]) -> str:
    return key.sign(canonical(data)).hex()


def verify(public_key_hex: str, signature_hex: str | None, data: dict[str, Any]) -> bool:
    if not signature_hex:
        return False
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key_hex)).verify(
            bytes.fromhex(signature_hex), canonical(data)
        )
    except (InvalidSignature, ValueError):
        return False
    return True
