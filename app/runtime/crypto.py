"""Encryption of tokens at rest, with a key derived from CERCLE_SECRET_KEY."""

from __future__ import annotations

import base64
import os
import secrets
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from app.runtime.logs import get_logger

log = get_logger("app.runtime.crypto")

SECRET_KEY_FILE = "secret.key"


class TokenCipher:
    """Fernet (AES-128-CBC + HMAC-SHA256) under a key derived by HKDF from the secret string."""

    def __init__(self, *, secret: str) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=b"cercle-tokens-v1", info=b"fernet").derive(
            secret.encode()
        )
        self._fernet = Fernet(base64.urlsafe_b64encode(key))

    def encrypt(self, plaintext: str) -> str:
        return self._fernet.encrypt(plaintext.encode()).decode()

    def decrypt(self, ciphertext: str) -> str:
        try:
            return self._fernet.decrypt(ciphertext.encode()).decode()
        except InvalidToken as error:
            raise ValueError("stored secret cannot be decrypted: was CERCLE_SECRET_KEY changed?") from error


def development_secret(*, data_dir: Path) -> str:
    """Generated once into the data folder so development restarts can still read their tokens."""
    path = data_dir / SECRET_KEY_FILE
    if path.exists():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    secret = secrets.token_urlsafe(48)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(secret)
    log.warning("secret_key.generated", path=str(path), hint="set CERCLE_SECRET_KEY in production")
    return secret
