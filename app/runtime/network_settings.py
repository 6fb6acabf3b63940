"""The public networks' settings (DESIGN.md's contracts): which networks are connected, how far a
question goes by default, how often replies are read."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from app.domain.models import Reach
from app.runtime.config_error import ConfigError


@dataclass(frozen=True, slots=True)
class NetworkSettings:
    default_reach: Reach = Reach.PARTNERS
    poll_seconds: float = 20.0
    hashtag: str = ""
    mastodon_base_url: str = ""
    mastodon_access_token: str = ""
    matrix_homeserver_url: str = ""
    matrix_access_token: str = ""
    matrix_room_ids: tuple[str, ...] = ()
    bluesky_service_url: str = "https://bsky.social"
    bluesky_handle: str = ""
    bluesky_app_password: str = ""
    x_api_url: str = "https://api.x.com/2/"
    x_access_token: str = ""  # OAuth 2.0 user context: posts as the account
    x_bearer_token: str = ""  # app-only: reads (search), when the plan allows them

    @property
    def mastodon(self) -> bool:
        return bool(self.mastodon_base_url and self.mastodon_access_token)

    @property
    def matrix(self) -> bool:
        return bool(self.matrix_homeserver_url and self.matrix_access_token and self.matrix_room_ids)

    @property
    def bluesky(self) -> bool:
        return bool(self.bluesky_handle and self.bluesky_app_password)

    @property
    def x(self) -> bool:
        return bool(self.x_access_token)

    def describe(self) -> str:
        networks = (("Mastodon", self.mastodon), ("Bluesky", self.bluesky), ("Matrix", self.matrix), ("X", self.x))
        connected = [name for name, on in networks if on]
        return ", ".join(connected) or "none connected: questions stay with the partners"


def network_settings(env: Mapping[str, str]) -> NetworkSettings:
    def get(name: str) -> str:
        return (env.get(name) or "").strip()

    reach = (get("CERCLE_DEFAULT_REACH") or "partners").lower()
    if reach not in ("partners", "public"):
        raise ConfigError("CERCLE_DEFAULT_REACH", f"must be partners or public, got {reach!r}")
    try:
        poll = float(get("CERCLE_POLL_SECONDS") or "20")
    except ValueError:
        poll = -1.0
    if poll <= 0:
        raise ConfigError("CERCLE_POLL_SECONDS", "must be a number of seconds above 0")
    hashtag = get("CERCLE_NETWORK_HASHTAG").lstrip("#")
    if hashtag and not hashtag.replace("_", "").isalnum():
        raise ConfigError("CERCLE_NETWORK_HASHTAG", f"must be one word (letters, digits, _), got {hashtag!r}")
    base, token = get("MASTODON_BASE_URL"), get("MASTODON_ACCESS_TOKEN")
    if bool(base) != bool(token):
        missing = "MASTODON_ACCESS_TOKEN" if base else "MASTODON_BASE_URL"
        raise ConfigError(missing, "is needed with the other MASTODON_* variable")
    if base and urlparse(base).scheme not in ("http", "https"):
        raise ConfigError("MASTODON_BASE_URL", f"must be an http(s) URL, got {base!r}")
    matrix_url, matrix_token = get("MATRIX_HOMESERVER_URL"), get("MATRIX_ACCESS_TOKEN")
    rooms = tuple(r.strip() for r in get("MATRIX_ROOM_IDS").split(",") if r.strip())
    given = {"MATRIX_HOMESERVER_URL": matrix_url, "MATRIX_ACCESS_TOKEN": matrix_token, "MATRIX_ROOM_IDS": rooms}
    if any(given.values()) and not all(given.values()):
        missing = next(name for name, value in given.items() if not value)
        raise ConfigError(missing, "is needed with the other MATRIX_* variables")
    if matrix_url and urlparse(matrix_url).scheme not in ("http", "https"):
        raise ConfigError("MATRIX_HOMESERVER_URL", f"must be an http(s) URL, got {matrix_url!r}")
    bad_room = next((r for r in rooms if not r.startswith("!")), None)  # room version 12: no ":server" part
    if bad_room is not None:
        raise ConfigError("MATRIX_ROOM_IDS", f"room ids start with ! (not an #alias), got {bad_room!r}")
    handle, app_password = get("BLUESKY_HANDLE"), get("BLUESKY_APP_PASSWORD")
    if bool(handle) != bool(app_password):
        raise ConfigError("BLUESKY_APP_PASSWORD" if handle else "BLUESKY_HANDLE", "is needed with the other")
    bluesky_url = (get("BLUESKY_SERVICE_URL") or "https://bsky.social").rstrip("/")
    if urlparse(bluesky_url).scheme not in ("http", "https"):
        raise ConfigError("BLUESKY_SERVICE_URL", f"must be an http(s) URL, got {bluesky_url!r}")
    x_url = get("X_API_URL") or "https://api.x.com/2/"
    if urlparse(x_url).scheme not in ("http", "https"):
        raise ConfigError("X_API_URL", f"must be an http(s) URL, got {x_url!r}")
    if get("X_BEARER_TOKEN") and not get("X_ACCESS_TOKEN"):
        raise ConfigError("X_ACCESS_TOKEN", "is needed to post (X_BEARER_TOKEN only reads)")
    return NetworkSettings(
        bluesky_service_url=bluesky_url,
        bluesky_handle=handle.lstrip("@"),
        bluesky_app_password=app_password,
        x_api_url=x_url if x_url.endswith("/") else x_url + "/",
        x_access_token=get("X_ACCESS_TOKEN"),
        x_bearer_token=get("X_BEARER_TOKEN"),
        matrix_homeserver_url=matrix_url.rstrip("/"),
        matrix_access_token=matrix_token,
        matrix_room_ids=rooms,
        default_reach=Reach(reach),
        poll_seconds=poll,
        hashtag=hashtag,
        mastodon_base_url=base.rstrip("/"),
        mastodon_access_token=token,
    )
