"""How long a meeting may sit idle, and when late replies go out."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class MeetingTimings:
    idle_s: float = 90 * 60
    late_digest_s: float = 60 * 60
    share_outcome: bool = True
