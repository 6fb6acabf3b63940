"""One ChatDirectory over every platform's: each organisation is found by (platform, tenant), and
its chat speaks the organisation's language in its channels."""

from __future__ import annotations

from collections.abc import Mapping

from app.domain.language import DEFAULT_LANGUAGE, chosen_or_default
from app.domain.models import Platform, org_key
from app.domain.ports import ChatDirectory, ChatPlatform, Languages


class Directories:
    def __init__(
        self,
        directories: Mapping[Platform, ChatDirectory],
        *,
        languages: Languages | None = None,
        default_language: str = DEFAULT_LANGUAGE,
    ) -> None:
        self._directories = dict(directories)
        self._languages = languages
        self._default_language = default_language

    async def chat_for(self, *, platform: Platform, tenant: str) -> ChatPlatform | None:
        directory = self._directories.get(platform)
        chat = None if directory is None else await directory.chat_for(platform=platform, tenant=tenant)
        if chat is not None:
            chosen = None
            if self._languages is not None:
                chosen = await self._languages.organisation(org_key=org_key(platform=platform, tenant=tenant))
            chat.language = chosen_or_default(chosen, self._default_language)
        return chat
