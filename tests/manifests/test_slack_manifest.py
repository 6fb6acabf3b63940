"""The Slack manifest is valid for Slack's own schema and asks for what the product needs."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
import yaml
from referencing import Registry, Resource

from handlers.slack import BOT_SCOPES

ROOT = Path(__file__).resolve().parents[2]
SCHEMAS = ROOT / "tests/specs/slack/manifest-schema"
MANIFEST = ROOT / "manifests/slack/manifest.yaml"
REMOTE = "https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/"


def _validator() -> jsonschema.Draft7Validator:
    top = json.loads((SCHEMAS / "manifest.schema.json").read_text())
    registry = Registry().with_resources(
        (REMOTE + name, Resource.from_contents(json.loads((SCHEMAS / name).read_text())))
        for name in ("manifest.schema.1.0.0.json", "manifest.schema.2.0.0.json")
    )
    return jsonschema.Draft7Validator(top, registry=registry)


@pytest.fixture(scope="module")
def manifest() -> dict:
    return yaml.safe_load(MANIFEST.read_text())


def test_manifest_is_valid_for_slacks_schema(manifest):
    errors = sorted(_validator().iter_errors(manifest), key=str)
    assert errors == [], [e.message for e in errors]


def test_validator_rejects_a_broken_manifest(manifest):
    broken = json.loads(json.dumps(manifest))
    broken["oauth_config"]["scopes"]["bot"].append("not a scope!")
    broken["features"]["slash_commands"][0].pop("description")
    assert list(_validator().iter_errors(broken))


def test_manifest_has_the_command_scopes_and_events_the_product_needs(manifest):
    (command,) = manifest["features"]["slash_commands"]
    assert command["command"] == "/ask" and command["url"].endswith("/slack/events")
    assert set(manifest["oauth_config"]["scopes"]["bot"]) == set(BOT_SCOPES)
    assert set(manifest["settings"]["event_subscriptions"]["bot_events"]) == {
        "message.channels",
        "message.groups",
        "reaction_added",
        "reaction_removed",
        "app_home_opened",
        "app_uninstalled",
        "tokens_revoked",
    }
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
    assert manifest["settings"]["org_deploy_enabled"] is True
    assert manifest["oauth_config"]["redirect_urls"][0].endswith("/slack/oauth_redirect")
