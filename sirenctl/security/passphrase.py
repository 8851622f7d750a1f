"""Passphrase hashes (argon2id via argon2-cffi) and the failed-attempt limit."""

from __future__ import annotations

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from sirenctl.i18n import L_
from sirenctl.security.keys import DEFAULT_KDF, KdfParams

MIN_LENGTH = 10
MAX_FAILED_ATTEMPTS = 5  # then the account is locked until an administrator unlocks it


class WeakPassphrase(ValueError):
    pass


def check_new_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_LENGTH:
        raise WeakPassphrase(
            L_("a passphrase needs at least {MIN_LENGTH} characters", MIN_LENGTH=MIN_LENGTH)
        )


def hasher(params: KdfParams = DEFAULT_KDF) -> PasswordHasher:
    return PasswordHasher(
        time_cost=params.time_cost, memory_cost=params.memory_cost, parallelism=params.parallelism
    )


def hash_passphrase(passphrase: str, params: KdfParams = DEFAULT_KDF) -> str:
    return hasher(params).hash(passphrase)


def passphrase_matches(stored_hash: str, passphrase: str) -> bool:
    try:
        return PasswordHasher().verify(stored_hash, passphrase)
    except (VerificationError, InvalidHashError):
        return False
