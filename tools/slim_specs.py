"""Copy the slices of ../shared/specs that the tests use into tests/specs/.

Run by a maintainer when the specs or the set of methods change; the tests read only the
copies, so `make test` passes on a clone where ../shared does not exist.
    python tools/slim_specs.py ../shared/specs
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path
from typing import Any

SLACK_METHODS = (
    "api.test",
    "auth.test",
    "chat.delete",
    "chat.getPermalink",
    "chat.postEphemeral",
    "chat.postMessage",
    "chat.update",
    "conversations.history",
    "conversations.info",
    "conversations.join",
    "conversations.replies",
    "oauth.v2.access",
    "reactions.get",
    "team.info",
    "users.info",
    "views.publish",
)
WEB_API_SOURCE = (
    "slackapi/slack-api-specs web-api/slack_web_openapi_v2_without_examples.json "
    "@ bc08db49625630e3585bf2f1322128ea04f2a7f3 (via shared/specs/slack/web-api)"
)
COPIED = (
    "slack/manifest-schema/manifest.schema.json",
    "slack/manifest-schema/manifest.schema.1.0.0.json",
    "slack/manifest-schema/manifest.schema.2.0.0.json",
    "slack/payloads/signing_test_vector.slash_command.json",
    "slack/payloads/slash_command.bolt-python.json",
    "slack/payloads/events.bolt-python.json",
    "slack/payloads/interactivity.bolt-python.json",
    "slack/payloads/socket_mode.slash_command.python-slack-sdk.json",
    "slack/events-api/slack_common_event_wrapper_schema.json",
    "teams/MicrosoftTeams.schema.json",
    "teams/MicrosoftTeams.Localization.schema.json",
    "teams/adaptive-cards/adaptive-card.1.5.0.json",
    "teams/activities/conversationUpdate.channelCreated.json",
    "teams/activities/conversationUpdate.membersAdded.personal.json",
    "teams/activities/conversationUpdate.membersRemoved.team.json",
    "teams/activities/event.meetingEnd.2022-doc.json",
    "teams/activities/event.meetingEnd.2023-doc.json",
    "teams/activities/message.channel.outbound-with-mention.json",
    "teams/activities/message.personal.inbound.json",
    "teams/activities/messageReaction.reactionsAdded.json",
    "teams/activities/messageReaction.reactionsRemoved.json",
    "mastodon/statuses.md",
    "bluesky/lexicons/com/atproto/server/createSession.json",
    "bluesky/lexicons/com/atproto/server/refreshSession.json",
    "bluesky/lexicons/com/atproto/repo/createRecord.json",
    "bluesky/lexicons/com/atproto/repo/getRecord.json",
    "bluesky/lexicons/com/atproto/repo/strongRef.json",
    "bluesky/lexicons/app/bsky/feed/post.json",
    "bluesky/lexicons/app/bsky/feed/getPostThread.json",
    "bluesky/lexicons/app/bsky/richtext/facet.json",
    "mastodon/rate-limits.md",
)
# The Bot Connector routes Cercle calls (and the stand-in serves), with the definitions they reference.
CONNECTOR_PATHS = (
    "/v3/conversations",
    "/v3/conversations/{conversationId}/activities",
    "/v3/conversations/{conversationId}/activities/{activityId}",
    "/v3/conversations/{conversationId}/members/{memberId}",
)
CONNECTOR_SOURCE = (
    "microsoft/botframework-sdk specs/botframework-protocol/botframework-channel.json (Connector API v3.1.12) "
    "@ ed8adc25069b8f94c18ff34cf834741f993dc360 (via shared/specs/teams/botframework)"
)


def _refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/definitions/"):
            found.add(ref.removeprefix("#/definitions/"))
        for value in node.values():
            _refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _refs(value, found)


def slim_web_api(source: Path) -> dict[str, Any]:
    spec = json.loads(source.read_text())
    paths = {f"/{m}": spec["paths"][f"/{m}"] for m in SLACK_METHODS if f"/{m}" in spec["paths"]}
    return _slim(spec, paths, source=WEB_API_SOURCE, what=f"paths limited to {len(paths)} methods the tests use")


def slim_connector(source: Path) -> dict[str, Any]:
    spec = json.loads(source.read_text())
    paths = {p: spec["paths"][p] for p in CONNECTOR_PATHS}
    return _slim(spec, paths, source=CONNECTOR_SOURCE, what=f"paths limited to the {len(paths)} routes Cercle calls")


def _slim(spec: dict[str, Any], paths: dict[str, Any], *, source: str, what: str) -> dict[str, Any]:
    wanted: set[str] = set()
    _refs(paths, wanted)
    definitions: dict[str, Any] = {}
    while wanted - definitions.keys():
        for name in sorted(wanted - definitions.keys()):
            definitions[name] = spec["definitions"][name]
            _refs(definitions[name], wanted)
    return {
        "_source": source,
        "_slimmed": f"{what}, with the definitions they reference",
        "swagger": spec["swagger"],
        "info": spec["info"],
        "paths": paths,
        "definitions": definitions,
    }


X_PATHS = {"/2/tweets": ("post",), "/2/tweets/search/recent": ("get",), "/2/users/me": ("get",)}
X_SOURCE = (
    "xdevplatform/xdk specs/openapi.json (X API v2, info.version 2.167) @ 84c26540df30c0b798e50e34151c56d5d262ba1c"
)


def _component_refs(node: Any, found: set[str]) -> None:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/components/"):
            found.add(ref.removeprefix("#/components/"))
        for value in node.values():
            _component_refs(value, found)
    elif isinstance(node, list):
        for value in node:
            _component_refs(value, found)


def slim_x(source: Path) -> dict[str, Any]:
    """The X routes Cercle calls, with every component they reference (OpenAPI 3)."""
    spec = json.loads(source.read_text())
    paths = {p: {m: spec["paths"][p][m] for m in methods} for p, methods in X_PATHS.items()}
    wanted: set[str] = set()
    _component_refs(paths, wanted)
    components: dict[str, dict[str, Any]] = {}
    done: set[str] = set()
    while wanted - done:
        for name in sorted(wanted - done):
            kind, _, key = name.partition("/")
            value = spec["components"][kind][key]
            components.setdefault(kind, {})[key] = value
            _component_refs(value, wanted)
            done.add(name)
    return {
        "_source": X_SOURCE,
        "_slimmed": f"paths limited to the {len(paths)} routes Cercle calls, with the components they reference",
        "openapi": spec["openapi"],
        "info": spec["info"],
        "servers": spec["servers"],
        "paths": paths,
        "components": components,
    }


def main(shared_specs: Path, target: Path) -> None:
    (target / "slack").mkdir(parents=True, exist_ok=True)
    slim = slim_web_api(shared_specs / "slack/web-api/slack_web_openapi_v2_without_examples.json")
    (target / "slack/web-api.slim.json").write_text(json.dumps(slim, indent=1, sort_keys=True) + "\n")
    connector = slim_connector(shared_specs / "teams/botframework/botframework-channel.connector-api-v3.1.swagger.json")
    (target / "teams").mkdir(parents=True, exist_ok=True)
    (target / "teams/connector-api.slim.json").write_text(json.dumps(connector, indent=1, sort_keys=True) + "\n")
    (target / "x").mkdir(parents=True, exist_ok=True)
    x = slim_x(shared_specs / "x/x-api-v2.openapi.json")
    (target / "x/x-api-v2.slim.json").write_text(json.dumps(x, indent=1, sort_keys=True) + "\n")
    for relative in COPIED:
        destination = target / relative
        destination.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(shared_specs / relative, destination)
    print(f"wrote {target}: {len(slim['paths'])} Slack methods, {len(COPIED)} files copied")


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "../shared/specs"), Path("tests/specs"))
