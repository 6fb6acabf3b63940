"""Settings read from the environment, exactly as DESIGN.md's contracts table names them.

A wrong or incomplete configuration raises ``ConfigError`` naming the variable; the entry
point turns it into one line on stderr and exit status 2, never a traceback.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from app.domain.delivery import DeliveryRules, parse_window
from app.domain.language import DEFAULT_LANGUAGE, LANGUAGES
from app.domain.timings import MeetingTimings
from app.domain.votes import DEFAULT_DOWN, DEFAULT_UP, VoteRules, base_emoji
from app.relevance.multilingual import available as multilingual_available
from app.relevance.semantic import available as semantic_available
from app.runtime.config_error import ConfigError
from app.runtime.network_settings import NetworkSettings, network_settings
from app.runtime.teams_settings import TeamsSettings, teams_settings
from app.store.connection import RedisTarget
from integrations.slack.text import emoji_named

__all__ = ["DEFAULT_SLACK_API_URL", "ConfigError", "Settings", "SlackSettings", "load_settings"]

DEFAULT_SLACK_API_URL = "https://slack.com/api/"
DEFAULT_SLACK_AUTHORIZE_URL = "https://slack.com/oauth/v2/authorize"
MIN_SECRET_KEY_CHARS = 32


@dataclass(frozen=True, slots=True)
class SlackSettings:
    signing_secret: str | None
    bot_token: str | None
    client_id: str | None
    client_secret: str | None
    state_secret: str | None
    app_token: str | None
    api_url: str
    authorize_url: str

    @property
    def enabled(self) -> bool:
        return bool(self.bot_token or self.client_id)

    @property
    def oauth(self) -> bool:
        return bool(self.client_id)

    @property
    def socket_mode(self) -> bool:
        return bool(self.app_token)

    def describe(self) -> str:
        if not self.enabled:
            return "not configured"
        install = "multi-workspace OAuth" if self.oauth else "single workspace (SLACK_BOT_TOKEN)"
        transport = "Socket Mode" if self.socket_mode else "HTTP (POST /slack/events)"
        return f"{install}, {transport}, API {self.api_url}"


@dataclass(frozen=True, slots=True)
class Settings:
    port: int
    redis_url: str | None
    data_dir: Path
    env: str
    secret_key: str | None
    log_format: str | None
    slack: SlackSettings
    admins: frozenset[str] = field(default_factory=frozenset)
    teams: TeamsSettings = field(default_factory=TeamsSettings)
    networks: NetworkSettings = field(default_factory=NetworkSettings)
    default_language: str = DEFAULT_LANGUAGE  # an organisation's, until its admins choose
    job_retry_seconds: float = 30.0
    max_inject: int = 3
    inject_window_s: float = 300.0
    relevance_threshold: float = 0.3
    upvote_emoji: frozenset[str] = frozenset(DEFAULT_UP)
    downvote_emoji: frozenset[str] = frozenset(DEFAULT_DOWN)
    meeting_idle_minutes: float = 90.0
    late_digest_minutes: float = 60.0
    share_outcome: bool = True
    redis_cluster: bool = False
    redis_cluster_nodes: tuple[str, ...] = ()
    job_streams: int = 1
    replica_acks: int = 0
    relevance_model: str = "multilingual"  # auto: the heaviest text models whose extra is installed

    @property
    def text_models(self) -> str:
        """The text models that read answers: ``semantic``, ``multilingual`` or ``pure`` (none)."""
        if self.relevance_model != "auto":
            return self.relevance_model
        if semantic_available():
            return "semantic"
        return "multilingual" if multilingual_available() else "pure"

    @property
    def production(self) -> bool:
        return self.env == "production"

    @property
    def embedded_redis(self) -> bool:
        return self.redis_url is None and not self.redis_cluster

    def redis_target(self, *, url: str | None = None) -> RedisTarget:
        """Where the data lives; ``url`` is the embedded server's when there is one."""
        return RedisTarget(url=url or self.redis_url, cluster=self.redis_cluster, nodes=self.redis_cluster_nodes)

    @property
    def timings(self) -> MeetingTimings:
        return MeetingTimings(
            idle_s=self.meeting_idle_minutes * 60,
            late_digest_s=self.late_digest_minutes * 60,
            share_outcome=self.share_outcome,
        )

    @property
    def votes(self) -> VoteRules:
        return VoteRules(up=self.upvote_emoji, down=self.downvote_emoji)

    @property
    def delivery(self) -> DeliveryRules:
        return DeliveryRules(
            max_per_window=self.max_inject, window_s=self.inject_window_s, threshold=self.relevance_threshold
        )


def _emoji_list(text: str) -> frozenset[str]:
    """Emoji as characters ("👍,⭐") or by the names people know from Slack ("+1,thumbsup,star"), in the
    core's form."""
    entries = (e.strip() for e in text.split(","))
    return frozenset(base_emoji(emoji_named(e) if e.isascii() else e) for e in entries if e.strip(":"))


def _whole(env: Mapping[str, str], name: str, *, default: int, low: int, high: int) -> int:
    expected = f"a whole number from {low} to {high}"
    return int(_number(env, name, str(default), parse=int, valid=lambda v: low <= v <= high, expected=expected))


def _flag(env: Mapping[str, str], name: str, default: str = "false") -> bool:
    text = (_get(env, name) or default).lower()
    if text not in ("true", "false", "1", "0", "yes", "no"):
        raise ConfigError(name, f"must be true or false, got {text!r}")
    return text in ("true", "1", "yes")


def _get(env: Mapping[str, str], name: str) -> str | None:
    value = env.get(name)
    if value is None:
        return None
    value = value.strip()
    return value or None


def _number(
    env: Mapping[str, str],
    name: str,
    default: str,
    *,
    parse: Callable[[str], float],
    valid: Callable[[float], bool],
    expected: str,
) -> float:
    text = _get(env, name) or default
    try:
        value = parse(text)
    except ValueError:
        raise ConfigError(name, f"must be {expected}, got {text!r}") from None
    if not valid(value):
        raise ConfigError(name, f"must be {expected}, got {text!r}")
    return value


def _url(env: Mapping[str, str], name: str, default: str, *, trailing_slash: bool) -> str:
    value = _get(env, name) or default
    parsed = urlparse(value)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise ConfigError(name, f"must be an http(s) URL, got {value!r}")
    if trailing_slash and not value.endswith("/"):
        value += "/"
    return value


def _slack(env: Mapping[str, str]) -> SlackSettings:
    slack = SlackSettings(
        signing_secret=_get(env, "SLACK_SIGNING_SECRET"),
        bot_token=_get(env, "SLACK_BOT_TOKEN"),
        client_id=_get(env, "SLACK_CLIENT_ID"),
        client_secret=_get(env, "SLACK_CLIENT_SECRET"),
        state_secret=_get(env, "SLACK_STATE_SECRET"),
        app_token=_get(env, "SLACK_APP_TOKEN"),
        api_url=_url(env, "SLACK_API_URL", DEFAULT_SLACK_API_URL, trailing_slash=True),
        authorize_url=_url(env, "SLACK_AUTHORIZE_URL", DEFAULT_SLACK_AUTHORIZE_URL, trailing_slash=False),
    )
    if slack.bot_token and not slack.bot_token.startswith("xoxb-"):
        raise ConfigError("SLACK_BOT_TOKEN", "must be a bot token starting with xoxb-")
    if slack.app_token and not slack.app_token.startswith("xapp-"):
        raise ConfigError("SLACK_APP_TOKEN", "must be an app-level token starting with xapp-")
    if slack.bot_token and slack.client_id:
        raise ConfigError(
            "SLACK_BOT_TOKEN",
            "set either SLACK_BOT_TOKEN (one workspace) or SLACK_CLIENT_ID (OAuth install), not both",
        )
    if slack.client_id:
        for name, value in (
            ("SLACK_CLIENT_SECRET", slack.client_secret),
            ("SLACK_STATE_SECRET", slack.state_secret),
        ):
            if not value:
                raise ConfigError(name, "is required when SLACK_CLIENT_ID is set (OAuth install)")
    elif slack.client_secret:
        raise ConfigError("SLACK_CLIENT_ID", "is required when SLACK_CLIENT_SECRET is set")
    if slack.enabled and not slack.socket_mode and not slack.signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET", "is required to verify Slack requests over HTTP")
    if slack.socket_mode and not slack.enabled:
        raise ConfigError("SLACK_BOT_TOKEN", "Socket Mode (SLACK_APP_TOKEN) also needs SLACK_BOT_TOKEN or OAuth")
    if slack.oauth and slack.socket_mode:
        raise ConfigError("SLACK_APP_TOKEN", "OAuth installs need the HTTP endpoints; unset SLACK_APP_TOKEN")
    return slack


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Read and validate every setting; raise ``ConfigError`` on the first problem."""
    env = os.environ if env is None else env
    port_text = _get(env, "PORT") or "3000"
    try:
        port = int(port_text)
    except ValueError:
        raise ConfigError("PORT", f"must be a number, got {port_text!r}") from None
    if not 0 <= port <= 65535:
        raise ConfigError("PORT", f"must be between 0 and 65535, got {port}")

    redis_url = _get(env, "REDIS_URL")
    if redis_url and urlparse(redis_url).scheme not in ("redis", "rediss", "unix"):
        raise ConfigError("REDIS_URL", f"must start with redis://, rediss:// or unix://, got {redis_url!r}")

    redis_cluster = _flag(env, "REDIS_CLUSTER")
    redis_cluster_nodes = tuple(n.strip() for n in (_get(env, "REDIS_CLUSTER_NODES") or "").split(",") if n.strip())
    for node in redis_cluster_nodes:
        host, _, node_port = node.rpartition(":")
        if not host or not node_port.isdigit():
            raise ConfigError("REDIS_CLUSTER_NODES", f"must list host:port pairs separated by commas, got {node!r}")
    if redis_cluster_nodes and not redis_cluster:
        raise ConfigError("REDIS_CLUSTER_NODES", "is read only with REDIS_CLUSTER=true")
    if redis_cluster and not (redis_url or redis_cluster_nodes):
        raise ConfigError("REDIS_CLUSTER", "needs REDIS_URL (any node) or REDIS_CLUSTER_NODES (no embedded cluster)")
    if redis_cluster and redis_url and urlparse(redis_url).scheme == "unix":
        raise ConfigError("REDIS_URL", "a cluster is reached over TCP: redis:// or rediss://")
    job_streams = _whole(env, "CERCLE_JOB_STREAMS", default=8 if redis_cluster else 1, low=1, high=64)
    replica_acks = _whole(env, "CERCLE_REPLICA_ACKS", default=1 if redis_cluster else 0, low=0, high=5)

    cercle_env = (_get(env, "CERCLE_ENV") or "development").lower()
    if cercle_env not in ("development", "production"):
        raise ConfigError("CERCLE_ENV", f"must be development or production, got {cercle_env!r}")

    secret_key = _get(env, "CERCLE_SECRET_KEY")
    if secret_key is not None and len(secret_key) < MIN_SECRET_KEY_CHARS:
        raise ConfigError("CERCLE_SECRET_KEY", f"must be at least {MIN_SECRET_KEY_CHARS} characters long")
    if cercle_env == "production" and secret_key is None:
        raise ConfigError("CERCLE_SECRET_KEY", "is required when CERCLE_ENV=production")

    log_format = (_get(env, "LOG_FORMAT") or "").lower() or None
    if log_format not in (None, "json", "console"):
        raise ConfigError("LOG_FORMAT", f"must be json or console, got {log_format!r}")

    slack = _slack(env)
    if cercle_env == "production" and slack.enabled and not slack.socket_mode and not slack.signing_secret:
        raise ConfigError("SLACK_SIGNING_SECRET", "is required when CERCLE_ENV=production")

    teams = teams_settings(env, production=cercle_env == "production")
    networks = network_settings(env)

    positive = "a number above 0"
    job_retry_seconds = _number(
        env, "CERCLE_JOB_RETRY_SECONDS", "30", parse=float, valid=lambda v: v > 0, expected=positive
    )
    max_inject = int(
        _number(env, "CERCLE_MAX_INJECT", "3", parse=int, valid=lambda v: v >= 1, expected="a whole number, 1 or more")
    )
    inject_window_s = _number(
        env, "CERCLE_INJECT_WINDOW", "5m", parse=parse_window, valid=lambda v: v > 0, expected="a duration: 300, 5m, 1h"
    )
    relevance_threshold = _number(
        env, "CERCLE_RELEVANCE_THRESHOLD", "0.3", parse=float, valid=lambda v: 0 <= v <= 1, expected="between 0 and 1"
    )
    up = _emoji_list(_get(env, "CERCLE_UPVOTE_EMOJI") or ",".join(DEFAULT_UP))
    down = _emoji_list(_get(env, "CERCLE_DOWNVOTE_EMOJI") or ",".join(DEFAULT_DOWN))
    if up & down:
        raise ConfigError("CERCLE_DOWNVOTE_EMOJI", f"shares {sorted(up & down)} with CERCLE_UPVOTE_EMOJI")
    idle = _number(env, "CERCLE_MEETING_IDLE_MINUTES", "90", parse=float, valid=lambda v: v > 0, expected=positive)
    late = _number(env, "CERCLE_LATE_DIGEST_MINUTES", "60", parse=float, valid=lambda v: v > 0, expected=positive)
    share_outcome = _flag(env, "CERCLE_SHARE_OUTCOME", "true")

    relevance_model = (_get(env, "CERCLE_RELEVANCE_MODEL") or "multilingual").lower()
    if relevance_model not in ("auto", "pure", "multilingual", "semantic"):
        raise ConfigError(
            "CERCLE_RELEVANCE_MODEL", f"must be pure, multilingual, semantic or auto, got {relevance_model!r}"
        )
    for extra, installed in (("semantic", semantic_available), ("multilingual", multilingual_available)):
        if relevance_model == extra and not installed():
            raise ConfigError("CERCLE_RELEVANCE_MODEL", f"{extra} needs the extra: pip install -e '.[{extra}]'")

    admins = frozenset(a.strip() for a in (_get(env, "CERCLE_ADMINS") or "").split(",") if a.strip())
    default_language = (_get(env, "CERCLE_DEFAULT_LANGUAGE") or DEFAULT_LANGUAGE).strip().lower()
    if default_language not in LANGUAGES:
        raise ConfigError("CERCLE_DEFAULT_LANGUAGE", f"must be {' or '.join(LANGUAGES)}, got {default_language!r}")
    return Settings(
        port=port,
        redis_url=redis_url,
        data_dir=Path(_get(env, "CERCLE_DATA_DIR") or "./data"),
        env=cercle_env,
        secret_key=secret_key,
        log_format=log_format,
        slack=slack,
        admins=admins,
        teams=teams,
        networks=networks,
        default_language=default_language,
        job_retry_seconds=job_retry_seconds,
        max_inject=max_inject,
        inject_window_s=inject_window_s,
        relevance_threshold=relevance_threshold,
        upvote_emoji=up,
        downvote_emoji=down,
        meeting_idle_minutes=idle,
        late_digest_minutes=late,
        share_outcome=share_outcome,
        relevance_model=relevance_model,
        redis_cluster=redis_cluster,
        redis_cluster_nodes=redis_cluster_nodes,
        job_streams=job_streams,
        replica_acks=replica_acks,
    )
