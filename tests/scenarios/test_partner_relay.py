"""Scenario: a question reaches the partners' inboxes and their replies come back into the meeting."""

from __future__ import annotations

import asyncio
import json
import re

from app.runtime.config import load_settings
from app.runtime.services import build_runtime
from tests.conftest import ON_BOTH, cercle_env
from tests.flows import click_close, command, install, organisation, partner_up
from tests.integrations.slack.test_sanitize import HOSTILE
from tests.waiting import eventually

ALPHA, BETA, GAMMA = "TALPHA0001", "TBETA00001", "TGAMMA0001"
MEET, INBOX = "C0MEET0001", "C0INBOX001"


def roots(slack, team: str, channel: str) -> list[dict]:
    return [m for m in slack.channel_messages(team, channel) if "thread_ts" not in m and m.get("blocks")]


def thread(slack, team: str, channel: str, ts: str) -> list[dict]:
    return [m for m in slack.channel_messages(team, channel) if m.get("thread_ts") == ts]


def mirror_roots(slack, team: str) -> list[dict]:
    return [m for m in roots(slack, team, INBOX) if "stuck on" in m["text"]]


async def asked(cercle, slack, question: str, *, team: str = ALPHA, user: str = "U0MEMBER") -> dict:
    await command(cercle, slack, question, team_id=team, channel=MEET, user=user)
    return next(m for m in roots(slack, team, MEET) if question.split()[-1] in m["text"])


async def settled_answers(cercle, topic_id: str, *, count: int) -> list:
    """The worker stores an answer as `new`, posts it, then records where it went: seeing the post in
    the channel is not enough to react to it or read its status, so wait for the record."""

    async def ready():
        answers = await cercle.runtime.relay.answers(topic_id=topic_id)
        return answers if len(answers) == count and all(a.status != "new" for a in answers) else None

    return await eventually(ready, timeout=60)


async def close(cercle, slack, live: dict) -> None:
    """The asker clicks Close topic on the live root."""
    topic_id = live["blocks"][2]["elements"][0]["value"]
    await cercle.interact(
        click_close(
            team_id=ALPHA,
            channel_id=MEET,
            ts=live["ts"],
            topic_id=topic_id,
            user_id="U0MEMBER",
            response_url=slack.response_url(ALPHA),
        )
    )


# The relay itself is under test here: every reply goes through (delivery rules have their own scenarios).
EVERYTHING = {"CERCLE_RELEVANCE_THRESHOLD": "0", "CERCLE_MAX_INJECT": "1000"}


async def network(start_cercle, slack, *teams: tuple[str, str], **settings: str):
    orgs = [organisation(slack, team, name) for team, name in teams]
    cercle = await start_cercle(oauth=True, worker=True, **{**EVERYTHING, **settings})
    for other in orgs[1:]:
        await partner_up(cercle, slack, orgs[0], other)
    return cercle, orgs


@ON_BOTH  # the partner loop on a Redis Cluster too
async def test_ask_mirror_reply_inject_edit_delete(start_cercle, slack):
    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "How do we price a pilot?")

    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    assert mirror["text"] == "Alpha Corp is stuck on: How do we price a pilot?"
    assert "linus" not in json.dumps(mirror["blocks"])  # the asker's name stays home by default
    assert "Reply in this thread to help" in json.dumps(mirror["blocks"]) and "counts as a vote" in json.dumps(
        mirror["blocks"]
    )
    await eventually(lambda: "Sent to 1 partner: Beta Org" in json.dumps(roots(slack, ALPHA, MEET)[0]["blocks"]))

    reply_ts = slack.user_post(BETA, INBOX, "U0ADMIN", "Run a paid pilot at 20% of list price.", thread_ts=mirror["ts"])
    injected = (await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"])))[0]
    assert injected["text"] == "grace (Beta Org): Run a paid pilot at 20% of list price."
    blocks = json.dumps(injected["blocks"])
    assert f"https://betaorg.slack.com/archives/{INBOX}/p{reply_ts.replace('.', '')}|see the original" in blocks

    slack.user_edit(BETA, INBOX, reply_ts, "Run a paid pilot at 30% of list price.")
    await eventually(lambda: "30%" in thread(slack, ALPHA, MEET, live["ts"])[0]["text"])
    slack.user_delete(BETA, INBOX, reply_ts)
    await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]) == [])
    assert len(slack.calls_to("chat.delete")) == 1


async def test_a_reply_with_a_file_says_so_and_a_file_alone_is_kept_aside(start_cercle, slack):
    cercle, _ = await network(
        start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"), CERCLE_RELEVANCE_THRESHOLD="0.3"
    )
    live = await asked(cercle, slack, "How do we price a pilot?")
    topic_id = live["blocks"][2]["elements"][0]["value"]
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    caption = "Our pilot pricing model: 20% of the licence, credited if they sign."
    slack.user_post(BETA, INBOX, "U0ADMIN", caption, thread_ts=mirror["ts"], files=("pilot.xlsx",))
    slack.user_post(BETA, INBOX, "U0MEMBER", "", thread_ts=mirror["ts"], files=("screenshot.png",))
    answers = await settled_answers(cercle, topic_id, count=2)
    assert [m["text"] for m in thread(slack, ALPHA, MEET, live["ts"])] == [
        f"grace (Beta Org): {caption}\n(shared a file in their workspace: pilot.xlsx)"
    ]
    # The meeting could not open a file alone: it waits among the other replies, not lost.
    assert [(a.text, a.status) for a in answers][1] == ("(shared a file in their workspace: screenshot.png)", "below")


async def test_asker_may_share_their_name(start_cercle, slack):
    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    await asked(cercle, slack, "--with-name Who has run a pilot in pharma?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    assert "ada (Alpha Corp) is stuck on" in json.dumps(mirror["blocks"])


@ON_BOTH  # the partner loop on a Redis Cluster too
async def test_three_workspaces_and_no_loops(start_cercle, slack):
    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"), (GAMMA, "Gamma Inc"))
    # Beta and Alpha are partners, and Gamma with Alpha: each mirrors to the other.
    live = await asked(cercle, slack, "Which CRM for a 20-person team?")
    await eventually(lambda: mirror_roots(slack, BETA) and mirror_roots(slack, GAMMA))
    await eventually(
        lambda: "Sent to 2 partners: Beta Org, Gamma Inc" in json.dumps(roots(slack, ALPHA, MEET)[0]["blocks"])
    )
    beta_live = await asked(cercle, slack, "Anyone tried four-day weeks?", team=BETA)
    await eventually(lambda: mirror_roots(slack, ALPHA))

    for team in (BETA, GAMMA):
        mirror = mirror_roots(slack, team)[0]
        slack.user_post(team, INBOX, "U0ADMIN", f"Answer from {team}", thread_ts=mirror["ts"])
    # Another app's bot replying in a mirror thread is not an answer either.
    beta_mirror = mirror_roots(slack, BETA)[0]
    bot_reply = {
        "type": "message",
        "text": "I am a bot",
        "ts": "1800000000.000001",
        "bot_id": "B0OTHERBOT",
        "thread_ts": beta_mirror["ts"],
        "channel": INBOX,
        "event_ts": "1800000000.000001",
    }
    slack.deliver_event(BETA, bot_reply)
    await eventually(lambda: len(thread(slack, ALPHA, MEET, live["ts"])) == 2)
    await slack.settle()
    await asyncio.sleep(1.5)  # room for any wrong relay to happen
    injected = thread(slack, ALPHA, MEET, live["ts"])
    assert sorted(m["text"] for m in injected) == [
        f"grace (Beta Org): Answer from {BETA}",
        f"grace (Gamma Inc): Answer from {GAMMA}",
    ]
    assert thread(slack, BETA, MEET, beta_live["ts"]) == []  # Cercle's own posts never come back as answers
    assert all(
        len(thread(slack, team, INBOX, m["ts"])) <= 1 for team in (BETA, GAMMA) for m in mirror_roots(slack, team)
    )


async def test_consent_no_inbox_revoked_and_removed_partners(start_cercle, slack):
    alpha, beta, gamma = (
        organisation(slack, t, n) for t, n in ((ALPHA, "Alpha Corp"), (BETA, "Beta Org"), (GAMMA, "Gamma Inc"))
    )
    delta = organisation(slack, "TDELTA0001", "Delta Co")
    cercle = await start_cercle(oauth=True, worker=True, **EVERYTHING)
    await partner_up(cercle, slack, alpha, beta)
    await partner_up(cercle, slack, alpha, gamma)
    # Delta partners with Alpha but never chooses an inbox.
    assert (await install(cercle, slack, team_id=delta.team_id, user_id="U0ADMIN")).status == 200
    invite = await command(cercle, slack, "partners invite", team_id=ALPHA, channel=MEET, user="U0ADMIN")
    code = re.search(r"`([A-Z0-9]{4}-[A-Z0-9]{4})`", invite).group(1)
    await command(cercle, slack, f"partners accept {code}", team_id=delta.team_id, channel=MEET, user="U0ADMIN")
    # Gamma uninstalls Cercle.
    slack.deliver_event(GAMMA, {"type": "app_uninstalled", "event_ts": "1800000000.000002"})
    await slack.settle()
    gamma.installed = False

    first = await asked(cercle, slack, "Is anyone hiring data engineers?")
    await eventually(lambda: mirror_roots(slack, BETA))
    line = await eventually(
        lambda: next(
            (
                b["elements"][0]["text"]
                for b in roots(slack, ALPHA, MEET)[0]["blocks"]
                if b.get("block_id") == "topic_reach" and "more" not in b["elements"][0]["text"]
            ),
            None,
        )
    )
    assert "Sent to 1 partner: Beta Org" in line
    assert "Delta Co (no inbox)" in line and "Gamma Inc (Cercle removed)" in line
    assert mirror_roots(slack, GAMMA) == [] and mirror_roots(slack, "TDELTA0001") == []

    await command(cercle, slack, "partners remove Beta Org", team_id=ALPHA, channel=MEET, user="U0ADMIN")
    await asked(cercle, slack, "Second question after the break?")
    # Nor does Beta reach Alpha's meetings any more, even through the thread of an earlier question.
    slack.user_post(BETA, INBOX, "U0MEMBER", "We are hiring, DM me.", thread_ts=mirror_roots(slack, BETA)[0]["ts"])
    await asyncio.sleep(1.5)
    assert len(mirror_roots(slack, BETA)) == 1  # not a partner any more: nothing new reaches Beta
    assert thread(slack, ALPHA, MEET, first["ts"]) == []
    topic_id = first["blocks"][2]["elements"][0]["value"]
    assert await cercle.runtime.relay.answers(topic_id=topic_id) == []


async def test_hostile_replies_never_ping_the_meeting(start_cercle, slack):
    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "Hostile test question?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    for text in HOSTILE:
        slack.user_post(BETA, INBOX, "U0ADMIN", text, thread_ts=mirror["ts"])
    injected = await eventually(
        lambda: len(thread(slack, ALPHA, MEET, live["ts"])) == len(HOSTILE) and thread(slack, ALPHA, MEET, live["ts"]),
        timeout=20,
    )
    for message in injected:
        section = message["blocks"][0]["text"]["text"]
        for rendered in (message["text"], section):
            assert "<" not in rendered and ">" not in rendered, rendered
            assert not re.search(r"(?<![\w＠])@(channel|here|everyone)\b", rendered, re.I), rendered
            assert not any(ch in rendered for ch in "\u200b\u202e\u202c"), rendered
        context = message["blocks"][1]["elements"][0]["text"]
        assert re.fullmatch(r"<https://betaorg\.slack\.com/archives/\S+\|see the original>", context)
    # ... and the meeting received them at about one per second (a burst of 2, then 1/s).
    times = sorted(c.at for c in slack.calls_to("chat.postMessage") if c.params.get("thread_ts") == live["ts"])
    assert max(sum(1 for t in times if start <= t < start + 1.0) for start in times) <= 3
    assert times[-1] - times[0] >= len(HOSTILE) - 3


@ON_BOTH  # the partner loop on a Redis Cluster too
async def test_retried_event_and_rate_limited_post_inject_once(start_cercle, slack):
    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "Retry question?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    event = {
        "type": "message",
        "text": "Once only",
        "user": "U0ADMIN",
        "ts": "1800000000.000100",
        "thread_ts": mirror["ts"],
        "channel": INBOX,
        "event_ts": "1800000000.000100",
        "channel_type": "channel",
    }
    slack.rate_limit_next("chat.postMessage", retry_after=1)
    for _ in range(3):  # Slack's retries carry the same event_id
        slack.deliver_event(BETA, event, event_id="Ev0SAMEEVENT")
    slack.deliver_event(BETA, event, event_id="Ev0OTHERID1")  # even a new id for the same message
    await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]), timeout=8)
    await slack.settle()
    await asyncio.sleep(1.5)
    assert [m["text"] for m in thread(slack, ALPHA, MEET, live["ts"])] == ["grace (Beta Org): Once only"]
    assert [c.status for c in slack.calls if c.method == "chat.postMessage"].count(429) == 1


async def test_closing_tells_the_mirrors_and_late_replies_wait(start_cercle, slack):
    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "Closing question?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    topic_id = live["blocks"][2]["elements"][0]["value"]
    await close(cercle, slack, live)
    await eventually(lambda: "This topic is closed" in json.dumps(mirror_roots(slack, BETA)[0]["blocks"]))
    assert mirror_roots(slack, BETA)[0]["text"].startswith("Alpha Corp was stuck on")

    slack.user_post(BETA, INBOX, "U0ADMIN", "Sorry I am late", thread_ts=mirror["ts"])
    answers = await eventually(lambda: cercle.runtime.relay.answers(topic_id=topic_id))
    assert answers[0].status == "late" and answers[0].text == "Sorry I am late"
    await asyncio.sleep(1)
    assert thread(slack, ALPHA, MEET, live["ts"]) == []


async def test_a_429_storm_outlasting_the_sdk_retries_delays_the_mirror_but_never_drops_it(start_cercle, slack):
    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    posts_before = len([c for c in slack.calls if c.method == "chat.postMessage"])
    slack.rate_limit_next("chat.postMessage", retry_after=1, times=7, team=BETA)  # the SDK gives up after 5 retries
    await command(cercle, slack, "Storm question?", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    await eventually(lambda: mirror_roots(slack, BETA), timeout=30)
    await asyncio.sleep(1.5)
    assert len(mirror_roots(slack, BETA)) == 1
    statuses = [c.status for c in slack.calls if c.method == "chat.postMessage"][posts_before:]
    assert statuses.count(429) == 7


async def test_partners_are_told_of_a_close_even_when_the_topic_root_cannot_be_updated(start_cercle, slack):
    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "Closing question?")
    await eventually(lambda: mirror_roots(slack, BETA))
    await eventually(lambda: "Sent to 1 partner" in json.dumps(roots(slack, ALPHA, MEET)[0]["blocks"]))
    slack.fail_next("chat.update", error="cant_update_message", team=ALPHA)
    await close(cercle, slack, live)
    await eventually(lambda: "This topic is closed" in json.dumps(mirror_roots(slack, BETA)[0]["blocks"]))
    assert not slack.failures["chat.update"]  # the root's update was refused


async def test_a_question_closed_while_its_mirror_waited_is_not_sent_or_is_closed_at_once(start_cercle, slack):
    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))

    def refused() -> int:
        return [c.status for c in slack.calls if c.method == "chat.postMessage"].count(429)

    # A storm outlasts the SDK's retries: the question is closed before it could be sent. Too late to ask.
    slack.rate_limit_next("chat.postMessage", retry_after=1, times=7, team=BETA)
    live = await asked(cercle, slack, "What about storms?")
    await eventually(lambda: refused() >= 1)
    await close(cercle, slack, live)
    await eventually(
        lambda: "closed before it was sent" in json.dumps(roots(slack, ALPHA, MEET)[0]["blocks"]), timeout=30
    )
    assert mirror_roots(slack, BETA) == []

    # A short storm, inside the SDK's retries: the question goes out while it is being closed, and
    # the partner is told at once that it is closed.
    slack.rate_limit_next("chat.postMessage", retry_after=1, times=2, team=BETA)
    before = refused()
    live = await asked(cercle, slack, "What about breezes?")
    await eventually(lambda: refused() > before)
    await close(cercle, slack, live)
    await eventually(lambda: mirror_roots(slack, BETA), timeout=10)
    await eventually(lambda: "This topic is closed" in json.dumps(mirror_roots(slack, BETA)[0]["blocks"]))


@ON_BOTH  # the partner loop on a Redis Cluster too
async def test_a_reply_acknowledged_by_a_web_process_that_then_dies_is_not_lost(
    start_cercle, slack, redis_env, tmp_path
):
    alpha, beta = organisation(slack, ALPHA, "Alpha Corp"), organisation(slack, BETA, "Beta Org")
    cercle = await start_cercle(oauth=True, worker=False, **EVERYTHING)  # web only; workers come and go below
    await partner_up(cercle, slack, alpha, beta)
    first = cercle.runtime.worker()
    first_task = asyncio.create_task(first.run())
    live = await asked(cercle, slack, "Will my answer survive?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    first.stop()
    await first_task

    # No worker runs: the web process acknowledges Slack and queues the reply, then goes away.
    depth = await cercle.runtime.queue.depth()
    slack.user_post(BETA, INBOX, "U0ADMIN", "Yes: it waits in the queue.", thread_ts=mirror["ts"])
    await slack.settle()
    assert slack.deliveries[-1]["status"] == 200  # Slack got its acknowledgement

    async def queued() -> bool:
        return await cercle.runtime.queue.depth() == depth + 1

    await eventually(queued)
    await cercle.runtime.close()
    assert thread(slack, ALPHA, MEET, live["ts"]) == []

    later = build_runtime(
        settings=load_settings(cercle_env(slack, data_dir=tmp_path, oauth=True, **EVERYTHING, **redis_env))
    )
    worker = later.worker()
    task = asyncio.create_task(worker.run())
    try:
        await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]), timeout=10)
        assert thread(slack, ALPHA, MEET, live["ts"])[0]["text"] == "grace (Beta Org): Yes: it waits in the queue."
    finally:
        worker.stop()
        await task
        await later.close()


@ON_BOTH  # the partner loop on a Redis Cluster too
async def test_an_edit_that_arrives_late_does_not_undo_a_newer_one(start_cercle, slack):
    """Slack may send events out of order (a retry, or two quick edits handled side by side): the
    meeting shows the latest words, by Slack's edited.ts."""
    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "How do we price a pilot?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    reply_ts = slack.user_post(BETA, INBOX, "U0ADMIN", "Run a paid pilot at 20% of list price.", thread_ts=mirror["ts"])
    await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
    slack.user_edit(BETA, INBOX, reply_ts, "Run a paid pilot at 25% of list price.")
    stale = {**next(m for m in slack.channel_messages(BETA, INBOX) if m["ts"] == reply_ts)}
    slack.user_edit(BETA, INBOX, reply_ts, "Run a paid pilot at 30% of list price.")
    await eventually(lambda: "30%" in thread(slack, ALPHA, MEET, live["ts"])[0]["text"])

    late = slack.deliver_event(
        BETA,
        {"type": "message", "subtype": "message_changed", "hidden": True, "message": stale, "channel": INBOX},
    )
    await eventually(lambda: {"event_id": late, "status": 200} in slack.deliveries)
    await asyncio.sleep(0.3)  # handled after the acknowledgement
    await eventually(queue_empty(cercle), timeout=10)
    assert "30%" in thread(slack, ALPHA, MEET, live["ts"])[0]["text"]
    (answer,) = await cercle.runtime.relay.answers(topic_id=live["blocks"][2]["elements"][0]["value"])
    assert "30%" in answer.text  # what the summary will quote


def queue_empty(cercle):
    async def check() -> bool:
        return await cercle.runtime.queue.depth() == 0

    return check


async def test_a_colleague_mentioned_in_a_reply_is_named_in_the_meeting(start_cercle, slack):
    """Slack sends <@U0BOB>; the meeting's workspace cannot resolve a partner's user id."""
    cercle, orgs = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    orgs[1].add_user("U0BOB", "bob")
    live = await asked(cercle, slack, "How do we price a pilot?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    reply_ts = slack.user_post(
        BETA, INBOX, "U0ADMIN", "<@U0BOB> and I charged 20% of the licence for ours.", thread_ts=mirror["ts"]
    )
    injected = (await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"])))[0]
    assert injected["text"] == "grace (Beta Org): @bob and I charged 20% of the licence for ours."
    slack.user_edit(BETA, INBOX, reply_ts, "<@U0BOB> and I charged 30% of the licence for ours.")
    await eventually(
        lambda: (
            thread(slack, ALPHA, MEET, live["ts"])[0]["text"]
            == "grace (Beta Org): @bob and I charged 30% of the licence for ours."
        )
    )
