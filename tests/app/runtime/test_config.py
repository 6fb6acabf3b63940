from __future__ import annotations

import pytest

from app.runtime.config import DEFAULT_SLACK_API_URL, ConfigError, load_settings


def test_defaults_follow_the_contract_table():
    settings = load_settings({})
    assert settings.port == 3000 and settings.redis_url is None and settings.embedded_redis
    assert str(settings.data_dir) == "data" and settings.env == "development"
    assert settings.slack.api_url == DEFAULT_SLACK_API_URL and not settings.slack.enabled
    assert settings.slack.authorize_url == "https://slack.com/oauth/v2/authorize"


def test_api_url_gets_its_trailing_slash():
    settings = load_settings(
        {"SLACK_API_URL": "http://127.0.0.1:9/api", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    )
    assert settings.slack.api_url == "http://127.0.0.1:9/api/"


def test_modes_are_described():
    oauth = load_settings(
        {"SLACK_CLIENT_ID": "1.2", "SLACK_CLIENT_SECRET": "c", "SLACK_STATE_SECRET": "s", "SLACK_SIGNING_SECRET": "x"}
    )
    assert oauth.slack.oauth and "OAuth" in oauth.slack.describe()
    socket = load_settings({"SLACK_APP_TOKEN": "xapp-1", "SLACK_BOT_TOKEN": "xoxb-1"})
    assert socket.slack.socket_mode and "Socket Mode" in socket.slack.describe()


def test_both_install_modes_at_once_is_an_error():
    with pytest.raises(ConfigError) as error:
        load_settings({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_CLIENT_ID": "1.2", "SLACK_SIGNING_SECRET": "s"})
    assert error.value.variable == "SLACK_BOT_TOKEN"


def test_production_requires_a_secret_key_and_accepts_a_long_one():
    with pytest.raises(ConfigError):
        load_settings({"CERCLE_ENV": "production"})
    assert load_settings({"CERCLE_ENV": "production", "CERCLE_SECRET_KEY": "k" * 32}).production


def test_admins_list():
    assert load_settings({"CERCLE_ADMINS": "U1, U2,,"}).admins == frozenset({"U1", "U2"})
