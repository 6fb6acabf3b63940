"""The public networks (Mastodon, Bluesky, X, Matrix): where a question may go beyond the partners,
when its asker chooses the public reach. Pure Python: what a network post and its replies are, and
how a network is doing, in the core's terms."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum

from app.domain.models import Place, Platform, org_key

NETWORK_PLATFORMS = frozenset({Platform.MASTODON, Platform.BLUESKY, Platform.X, Platform.MATRIX})
NETWORK_CHANNEL = "public"  # a network post's Place: (network, instance, "public", post id)


def is_network(platform: Platform | str) -> bool:
    return str(platform) in {str(p) for p in NETWORK_PLATFORMS}


def is_network_key(key: str) -> bool:
    """An organisation key (platform:tenant) that is a public network's, not a partner's."""
    return is_network(key.partition(":")[0])


@dataclass(frozen=True, slots=True)
class NetworkPost:
    """The question as published on one network; ``post_id`` is what its replies hang from."""

    platform: Platform
    instance: str  # the server or service the account lives on (mastodon.social, bsky.social…)
    post_id: str
    url: str = ""

    @property
    def key(self) -> str:
        return org_key(platform=self.platform, tenant=self.instance)

    @property
    def place(self) -> Place:
        return Place(self.platform, self.instance, NETWORK_CHANNEL, self.post_id)


@dataclass(frozen=True, slots=True)
class NetworkReply:
    """One reply under a published question, as the network reports it (text already read as plain
    text by the integration)."""

    reply_id: str
    author_id: str
    author_name: str
    text: str
    url: str
    at: float
    deleted: bool = False
    edited: bool = False  # seen before, with other words now


@dataclass(frozen=True, slots=True)
class NetworkReaction:
    """A reaction on a reply under the question (Matrix's ``m.annotation``): a vote when its emoji is one."""

    reply_id: str
    voter: str  # the network's id of the person
    emoji: str
    added: bool
    at: float
    event_id: str  # the network's id of the reaction: the same one read twice counts once


def text_mark(text: str) -> str:
    """A short fingerprint of a reply's words, kept in a cursor to notice an edit."""
    return hashlib.sha1(text.encode()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class RepliesPage:
    """What one poll found: the replies since the cursor, the cursor for the next poll, and whether
    the network lets Cercle read replies at all (X's free tier does not)."""

    replies: tuple[NetworkReply, ...]
    cursor: str
    readable: bool = True
    reactions: tuple[NetworkReaction, ...] = ()


class NetworkMode(StrEnum):
    WORKING = "working"
    PUBLISH_ONLY = "publish-only"  # questions go out; replies cannot be read with this account
    FAILING = "failing"


@dataclass(frozen=True, slots=True)
class NetworkState:
    key: str  # platform:instance
    name: str
    mode: NetworkMode
    last_error: str = ""
    failing_since: float = 0.0
