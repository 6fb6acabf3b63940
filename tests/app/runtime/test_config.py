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


def test_teams_runs_in_the_emulator_mode_without_credentials_in_development_only():
    development = load_settings({})
    assert development.teams.emulator and development.teams.enabled and "emulator" in development.teams.describe()
    production = load_settings({"CERCLE_ENV": "production", "CERCLE_SECRET_KEY": "k" * 32})
    assert not production.teams.enabled and "not configured" in production.teams.describe()


def test_teams_credentials_are_read_and_checked():
    settings = load_settings({"MICROSOFT_APP_ID": "app-1", "MICROSOFT_APP_PASSWORD": "secret"})
    assert settings.teams.credentials and not settings.teams.emulator and settings.teams.app_type == "MultiTenant"
    single = load_settings(
        {
            "MICROSOFT_APP_ID": "a",
            "MICROSOFT_APP_PASSWORD": "p",
            "MICROSOFT_APP_TENANT_ID": "t",
            "MICROSOFT_APP_TYPE": "singletenant",
        }
    )
    assert single.teams.app_type == "SingleTenant" and single.teams.tenant_id == "t"
    msi = load_settings(
        {"MICROSOFT_APP_ID": "a", "MICROSOFT_APP_TYPE": "UserAssignedMSI", "MICROSOFT_APP_TENANT_ID": "t"}
    )
    assert msi.teams.credentials and msi.teams.password is None


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"MICROSOFT_APP_PASSWORD": "p"}, "MICROSOFT_APP_ID"),
        ({"MICROSOFT_APP_ID": "a"}, "MICROSOFT_APP_PASSWORD"),
        ({"MICROSOFT_APP_ID": "a", "MICROSOFT_APP_PASSWORD": "p", "MICROSOFT_APP_TYPE": "Both"}, "MICROSOFT_APP_TYPE"),
        (
            {"MICROSOFT_APP_ID": "a", "MICROSOFT_APP_PASSWORD": "p", "MICROSOFT_APP_TYPE": "SingleTenant"},
            "MICROSOFT_APP_TENANT_ID",
        ),
    ],
)
def test_a_wrong_teams_setting_names_its_variable(env, variable):
    with pytest.raises(ConfigError) as refused:
        load_settings(env)
    assert refused.value.variable == variable


def test_teams_settings_map_onto_the_agents_sdk_connection():
    from integrations.teams.auth import auth_configuration, sdk_environment

    settings = load_settings(
        {"MICROSOFT_APP_ID": "app-1", "MICROSOFT_APP_PASSWORD": "secret", "MICROSOFT_APP_TENANT_ID": "t"}
    )
    env = sdk_environment(settings.teams)
    assert env["CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTID"] == "app-1"
    assert env["CONNECTIONS__SERVICE_CONNECTION__SETTINGS__CLIENTSECRET"] == "secret"
    configuration = auth_configuration(settings.teams)
    assert configuration.CLIENT_ID == "app-1" and configuration.TENANT_ID == "t" and not configuration.ANONYMOUS_ALLOWED
    assert auth_configuration(load_settings({}).teams).ANONYMOUS_ALLOWED


def test_networks_are_off_until_their_variables_are_set():
    settings = load_settings({})
    assert not settings.networks.mastodon and settings.networks.default_reach == "partners"
    assert settings.networks.poll_seconds == 20
    on = load_settings(
        {
            "MASTODON_BASE_URL": "https://mastodon.example/",
            "MASTODON_ACCESS_TOKEN": "t",
            "CERCLE_DEFAULT_REACH": "public",
            "CERCLE_NETWORK_HASHTAG": "#cercle",
        }
    )
    assert on.networks.mastodon and on.networks.mastodon_base_url == "https://mastodon.example"
    assert on.networks.default_reach == "public" and on.networks.hashtag == "cercle"


@pytest.mark.parametrize(
    ("env", "variable"),
    [
        ({"MASTODON_BASE_URL": "https://m.example"}, "MASTODON_ACCESS_TOKEN"),
        ({"MASTODON_ACCESS_TOKEN": "t"}, "MASTODON_BASE_URL"),
        ({"MASTODON_BASE_URL": "m.example", "MASTODON_ACCESS_TOKEN": "t"}, "MASTODON_BASE_URL"),
        ({"CERCLE_DEFAULT_REACH": "everyone"}, "CERCLE_DEFAULT_REACH"),
        ({"CERCLE_POLL_SECONDS": "0"}, "CERCLE_POLL_SECONDS"),
        ({"CERCLE_NETWORK_HASHTAG": "two words"}, "CERCLE_NETWORK_HASHTAG"),
    ],
)
def test_a_wrong_network_setting_names_its_variable(env, variable):
    with pytest.raises(ConfigError) as refused:
        load_settings(env)
    assert refused.value.variable == variable


def test_matrix_needs_its_three_variables_and_room_ids():
    on = load_settings(
        {"MATRIX_HOMESERVER_URL": "https://matrix.example/", "MATRIX_ACCESS_TOKEN": "t", "MATRIX_ROOM_IDS": "!a:x, !b"}
    )
    assert on.networks.matrix and on.networks.matrix_room_ids == ("!a:x", "!b")
    with pytest.raises(ConfigError) as refused:
        load_settings({"MATRIX_HOMESERVER_URL": "https://matrix.example", "MATRIX_ACCESS_TOKEN": "t"})
    assert refused.value.variable == "MATRIX_ROOM_IDS"
    with pytest.raises(ConfigError) as refused:
        load_settings(
            {"MATRIX_HOMESERVER_URL": "https://m.example", "MATRIX_ACCESS_TOKEN": "t", "MATRIX_ROOM_IDS": "#alias"}
        )
    assert refused.value.variable == "MATRIX_ROOM_IDS"


def test_x_posts_with_the_user_token_and_may_read_with_the_app_token():
    settings = load_settings({"X_ACCESS_TOKEN": "user", "X_BEARER_TOKEN": "app", "X_API_URL": "http://127.0.0.1:9/2"})
    assert settings.networks.x and settings.networks.x_api_url == "http://127.0.0.1:9/2/"
    assert load_settings({}).networks.x_api_url == "https://api.x.com/2/"
    with pytest.raises(ConfigError) as refused:
        load_settings({"X_BEARER_TOKEN": "app"})
    assert refused.value.variable == "X_ACCESS_TOKEN"


def test_bluesky_needs_its_handle_and_app_password():
    on = load_settings({"BLUESKY_HANDLE": "@cercle.bsky.social", "BLUESKY_APP_PASSWORD": "abcd-efgh-ijkl-mnop"})
    assert on.networks.bluesky and on.networks.bluesky_handle == "cercle.bsky.social"
    assert on.networks.bluesky_service_url == "https://bsky.social"
    with pytest.raises(ConfigError) as refused:
        load_settings({"BLUESKY_HANDLE": "cercle.bsky.social"})
    assert refused.value.variable == "BLUESKY_APP_PASSWORD"
