"""The networks this Cercle is connected to, from the settings (each enabled by its variables)."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.ports import Network
from app.runtime.network_settings import NetworkSettings


class ConnectedNetworks:
    """``NetworkDirectory`` over the configured networks, found by their platform:instance key."""

    def __init__(self, networks: Sequence[Network]) -> None:
        self._by_key = {f"{n.platform}:{n.instance}": n for n in networks}

    def networks(self) -> Sequence[Network]:
        return list(self._by_key.values())

    def network(self, *, key: str) -> Network | None:
        return self._by_key.get(key)

    async def close(self) -> None:
        """Release the clients that hold connections (matrix-nio's session)."""
        for network in self._by_key.values():
            close = getattr(network, "close", None)
            if close is not None:
                await close()


def connect_networks(settings: NetworkSettings) -> ConnectedNetworks:
    networks: list[Network] = []
    if settings.mastodon:
        from integrations.networks.mastodon import MastodonNetwork

        networks.append(
            MastodonNetwork(
                base_url=settings.mastodon_base_url,
                access_token=settings.mastodon_access_token,
                hashtag=settings.hashtag,
            )
        )
    if settings.bluesky:
        from integrations.networks.bluesky import BlueskyNetwork

        networks.append(
            BlueskyNetwork(
                service_url=settings.bluesky_service_url,
                handle=settings.bluesky_handle,
                app_password=settings.bluesky_app_password,
                hashtag=settings.hashtag,
            )
        )
    if settings.matrix:
        from integrations.networks.matrix import MatrixNetwork

        networks.append(
            MatrixNetwork(
                homeserver_url=settings.matrix_homeserver_url,
                access_token=settings.matrix_access_token,
                room_ids=settings.matrix_room_ids,
                hashtag=settings.hashtag,
            )
        )
    if settings.x:
        from integrations.networks.x import XNetwork

        networks.append(
            XNetwork(
                api_url=settings.x_api_url,
                user_token=settings.x_access_token,
                bearer_token=settings.x_bearer_token,
                hashtag=settings.hashtag,
            )
        )
    return ConnectedNetworks(networks)
