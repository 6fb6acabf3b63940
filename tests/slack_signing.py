"""Sign requests exactly as Slack does (checked against Slack's own test vector)."""

from __future__ import annotations

import hashlib
import hmac
import time
from urllib.parse import urlencode


def signature(*, secret: str, timestamp: str, body: str) -> str:
    basestring = f"v0:{timestamp}:{body}".encode()
    return "v0=" + hmac.new(secret.encode(), basestring, hashlib.sha256).hexdigest()


def signed_headers(*, secret: str, body: str, timestamp: int | None = None, content_type: str) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": signature(secret=secret, timestamp=ts, body=body),
        "Content-Type": content_type,
    }


def form_body(fields: dict[str, str]) -> str:
    return urlencode(fields)
