"""Property-based: whatever a signed request carries, the shape check answers (a problem or none)
and never raises; what it lets through, the listeners can read."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from handlers.slack.shapes import problem

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4),
    max_leaves=20,
)
FIELDS = ("team_id", "channel_id", "user_id", "text", "command", "type", "event", "actions", "user", "team")


@st.composite
def requests(draw: st.DrawFn) -> dict:
    body = draw(st.dictionaries(st.sampled_from(FIELDS), json_values, max_size=6))
    if draw(st.booleans()):
        body["type"] = draw(st.sampled_from(["event_callback", "block_actions"]))
    if body.get("type") == "event_callback" and draw(st.booleans()):
        event = draw(
            st.dictionaries(
                st.sampled_from(
                    [
                        "type",
                        "subtype",
                        "channel",
                        "ts",
                        "user",
                        "item",
                        "message",
                        "deleted_ts",
                        "thread_ts",
                        "reaction",
                    ]
                ),
                json_values,
                max_size=6,
            )
        )
        event["type"] = draw(st.sampled_from(["message", "reaction_added", "reaction_removed", "app_home_opened"]))
        body["event"] = event
    return body


@settings(max_examples=400, deadline=None)
@given(requests())
def test_any_request_gets_an_answer_and_what_passes_is_readable(body):
    found = problem(body)
    if found is not None:
        kind, field = found
        assert kind in ("command", "block_actions", "event_callback") and field
        return
    if "command" in body:  # what the /ask listener reads
        assert all(isinstance(body[f], str) and body[f] for f in ("team_id", "channel_id", "user_id"))
    elif body.get("type") == "block_actions" or "actions" in body:
        assert isinstance(body["user"]["id"], str) and isinstance(body["actions"][0]["action_id"], str)
    elif body.get("type") == "event_callback":
        event = body["event"]
        if event["type"] in ("reaction_added", "reaction_removed"):
            assert isinstance(event["item"], dict) and isinstance(event["user"], str)
