"""One ChatDirectory over every platform's: each organisation is found by (platform, tenant)."""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.models import Platform
from app.domain.ports import ChatDirectory, ChatPlatform


class Directories:
    def __init__(self, directories: Mapping[Platform, ChatDirectory]) -> None:
        self._directories = dict(directories)

    async def chat_for(self, *, platform: Platform, tenant: str) -> ChatPlatform | None:
        directory = self._directories.get(platform)
        return None if directory is None else await directory.chat_for(platform=platform, tenant=tenant)
