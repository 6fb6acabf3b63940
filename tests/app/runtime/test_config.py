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


def test_one_server_by_default_and_a_cluster_when_asked():
    single = load_settings({"REDIS_URL": "redis://db:6379/0"})
    assert not single.redis_cluster and single.job_streams == 1 and single.replica_acks == 0
    cluster = load_settings({"REDIS_CLUSTER": "true", "REDIS_CLUSTER_NODES": "10.0.0.1:7000, 10.0.0.2:7000"})
    assert cluster.redis_cluster and not cluster.embedded_redis
    assert cluster.redis_cluster_nodes == ("10.0.0.1:7000", "10.0.0.2:7000")
    assert cluster.job_streams == 8 and cluster.replica_acks == 1  # spread over the shards; one replica holds a write
    assert cluster.redis_target().describe() == "cluster via 10.0.0.1:7000, 10.0.0.2:7000"
    tuned = load_settings({"REDIS_CLUSTER": "1", "REDIS_URL": "redis://node:7000", "CERCLE_JOB_STREAMS": "3"})
    assert tuned.job_streams == 3 and tuned.redis_target().url == "redis://node:7000"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"REDIS_CLUSTER": "true"}, "REDIS_CLUSTER"),  # no node to start from
        ({"REDIS_CLUSTER": "maybe"}, "REDIS_CLUSTER"),
        ({"REDIS_CLUSTER": "true", "REDIS_CLUSTER_NODES": "10.0.0.1"}, "REDIS_CLUSTER_NODES"),
        ({"REDIS_CLUSTER_NODES": "10.0.0.1:7000"}, "REDIS_CLUSTER_NODES"),  # without REDIS_CLUSTER
        ({"REDIS_CLUSTER": "true", "REDIS_URL": "unix:///tmp/r.sock"}, "REDIS_URL"),
        ({"CERCLE_JOB_STREAMS": "0"}, "CERCLE_JOB_STREAMS"),
        ({"CERCLE_REPLICA_ACKS": "-1"}, "CERCLE_REPLICA_ACKS"),
    ],
)
def test_a_wrong_redis_setting_names_its_variable(env, variable):
    with pytest.raises(ConfigError) as raised:
        load_settings(env)
    assert raised.value.args[0] == variable or variable in str(raised.value)
