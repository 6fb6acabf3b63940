"""Scenario: only the good answers reach the meeting — chatter is filtered, duplicates merge,
and the asker can review answers before they are posted."""

from __future__ import annotations

import asyncio
import json

from tests.flows import organisation, partner_up
from tests.scenarios.test_partner_relay import (
    ALPHA,
    BETA,
    GAMMA,
    INBOX,
    MEET,
    asked,
    mirror_roots,
    roots,
    settled_answers,
    thread,
)
from tests.waiting import eventually

GOOD = "Charge a paid pilot at 20% of the annual licence, credited if they sign within three months."


def click(action_id: str, value: str, *, user: str, slack, channel: str = MEET) -> dict:
    return {
        "type": "block_actions",
        "team": {"id": ALPHA, "domain": "alphacorp"},
        "user": {"id": user, "username": "someone", "team_id": ALPHA},
        "api_app_id": "A0CERCLE",
        "token": "legacy-verification-token",
        "trigger_id": f"{action_id}.{value}.{user}",
        "channel": {"id": channel, "name": "meeting"},
        "response_url": slack.response_url(ALPHA),
        "actions": [{"action_id": action_id, "value": value, "type": "button", "action_ts": "1.1"}],
    }


def button_value(call, action_id: str) -> str:
    """The value of a button in a message Cercle sent (an ephemeral review prompt, say)."""
    return next(
        e["value"]
        for b in call.params["blocks"]
        if b["type"] == "actions"
        for e in b["elements"]
        if e["action_id"] == action_id
    )


async def setup(start_cercle, slack, *teams, **settings):
    orgs = [organisation(slack, team, name) for team, name in teams]
    cercle = await start_cercle(oauth=True, worker=True, **settings)
    for other in orgs[1:]:
        await partner_up(cercle, slack, orgs[0], other)
    return cercle


async def test_chatter_is_filtered_agreement_votes_and_others_are_listed(start_cercle, slack):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    original = slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror["ts"])
    await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
    slack.user_react(BETA, INBOX, original, "U0MEMBER", "+1")  # the same person also writes "+1" below
    # Slack sends emoji as shortcodes, and a mention as <@U…>: a handoff to a colleague is no answer.
    for text in (
        "+1",
        "thanks!",
        ":pray:",
        ":clap::skin-tone-2:",
        "lol no idea, why would you do a pilot?",
        "cc <@U0ADMIN>",
    ):
        slack.user_post(BETA, INBOX, "U0MEMBER", text, thread_ts=mirror["ts"])
    await slack.settle()
    await asyncio.sleep(1.5)
    assert [m["text"] for m in thread(slack, ALPHA, MEET, live["ts"])] == [f"grace (Beta Org): {GOOD}"]

    topic_id = live["blocks"][2]["elements"][0]["value"]
    answers = await cercle.runtime.relay.answers(topic_id=topic_id)
    assert [(a.text, a.status) for a in answers] == [
        (GOOD, "injected"),
        ("lol no idea, why would you do a pilot?", "below"),
        ("cc @grace", "below"),  # the colleague named for the meeting, in the neutral form
    ]  # "+1" became a vote, "thanks!" and the emoji were dropped
    assert answers[0].score > 0.3 > max(answers[1].score, answers[2].score) and answers[0].reasons
    assert await cercle.runtime.votes.tally(topic_id=topic_id, answer_id=answers[0].id) == 1  # one person, one vote

    before = len(slack.responses)
    await cercle.interact(click("cercle_other_replies", topic_id, user="U0MEMBER", slack=slack))
    await eventually(lambda: len(slack.responses) > before)
    listing = slack.responses[before]
    assert listing["response_type"] == "ephemeral" and "2 other replies" in listing["text"]
    assert "lol no idea" in listing["text"]


async def test_the_same_answer_from_two_places_is_one_answer_with_both_sources(start_cercle, slack):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"), (GAMMA, "Gamma Inc"))
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    await eventually(lambda: mirror_roots(slack, BETA) and mirror_roots(slack, GAMMA))
    first = slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror_roots(slack, BETA)[0]["ts"])
    await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
    copy_text = GOOD.replace("three", "3").upper()
    copy = slack.user_post(GAMMA, INBOX, "U0MEMBER", copy_text, thread_ts=mirror_roots(slack, GAMMA)[0]["ts"])
    await eventually(
        lambda: "also from linus (Gamma Inc)" in json.dumps(thread(slack, ALPHA, MEET, live["ts"])[0]["blocks"])
    )
    assert len(thread(slack, ALPHA, MEET, live["ts"])) == 1
    topic_id = live["blocks"][2]["elements"][0]["value"]
    (answer,) = await cercle.runtime.relay.answers(topic_id=topic_id)
    (credit,) = answer.also_from
    assert (credit.label(), credit.text, credit.user_id) == ("linus (Gamma Inc)", copy_text, "U0MEMBER")

    # The copy's author fixes a typo: still the same answer, grace's words stay on screen.
    copy_text = copy_text.replace(" 3 ", " THREE ")
    slack.user_edit(GAMMA, INBOX, copy, copy_text)
    await slack.settle()
    (shown,) = thread(slack, ALPHA, MEET, live["ts"])
    assert shown["text"] == f"grace (Beta Org): {GOOD}"

    # grace deletes hers: the same answer, sent by linus, stays in the meeting under his name.
    slack.user_delete(BETA, INBOX, first)
    await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"])[0]["text"].startswith("linus"))
    (shown,) = thread(slack, ALPHA, MEET, live["ts"])
    assert shown["text"] == f"linus (Gamma Inc): {copy_text}" and "also from" not in json.dumps(shown["blocks"])

    async def recorded():  # the message changes, then its record: wait for the record
        (answer,) = await cercle.runtime.relay.answers(topic_id=topic_id)
        return (answer.status, answer.organisation, answer.also_from) == ("injected", "Gamma Inc", ())

    await eventually(recorded)
    assert slack.calls_to("chat.delete") == []

    # Then linus deletes his: nobody stands behind the answer any more, it leaves the meeting.
    slack.user_delete(GAMMA, INBOX, copy)
    await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]) == [])
    assert [a.status for a in await cercle.runtime.relay.answers(topic_id=topic_id)] == ["deleted"]


async def answer_and_its_copy(start_cercle, slack):
    """grace (Beta) answers; linus (Gamma) sends the same answer, merged into hers."""
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"), (GAMMA, "Gamma Inc"))
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    await eventually(lambda: mirror_roots(slack, BETA) and mirror_roots(slack, GAMMA))
    gamma_thread = mirror_roots(slack, GAMMA)[0]["ts"]
    slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror_roots(slack, BETA)[0]["ts"])
    await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
    copy = slack.user_post(GAMMA, INBOX, "U0MEMBER", GOOD.lower(), thread_ts=gamma_thread)
    await eventually(lambda: "also from" in json.dumps(thread(slack, ALPHA, MEET, live["ts"])[0]["blocks"]))
    return cercle, live, live["blocks"][2]["elements"][0]["value"], gamma_thread, copy


async def test_a_copy_deleted_or_edited_into_something_else_loses_its_credit(start_cercle, slack):
    cercle, live, topic_id, gamma_thread, copy = await answer_and_its_copy(start_cercle, slack)

    # linus changes his mind: his copy is no longer the same answer. grace's loses his credit, and
    # his new words are judged as a reply of their own.
    other = "Price the pilot at cost and bill the full licence once the security review is done, in month two."
    slack.user_edit(GAMMA, INBOX, copy, other)
    await eventually(lambda: len(thread(slack, ALPHA, MEET, live["ts"])) == 2)
    first, second = thread(slack, ALPHA, MEET, live["ts"])
    assert "also from" not in json.dumps(first["blocks"]) and first["text"] == f"grace (Beta Org): {GOOD}"
    assert second["text"] == f"linus (Gamma Inc): {other}"
    expected = [("Beta Org", (), "injected"), ("Gamma Inc", (), "injected")]

    async def recorded() -> bool:  # the post is seen in the channel a moment before its answer is marked
        answers = await cercle.runtime.relay.answers(topic_id=topic_id)
        return [(a.organisation, a.also_from, a.status) for a in answers] == expected

    await eventually(recorded)

    # A third copy of grace's answer, deleted by its author: the credit goes, the answer stays.
    slack.workspaces[GAMMA].add_user("U0GUEST", "ada")
    third = slack.user_post(GAMMA, INBOX, "U0GUEST", GOOD.upper(), thread_ts=gamma_thread)
    await eventually(lambda: "also from" in json.dumps(thread(slack, ALPHA, MEET, live["ts"])[0]["blocks"]))
    slack.user_delete(GAMMA, INBOX, third)
    await eventually(lambda: "also from" not in json.dumps(thread(slack, ALPHA, MEET, live["ts"])[0]["blocks"]))
    assert len(thread(slack, ALPHA, MEET, live["ts"])) == 2 and slack.calls_to("chat.delete") == []


async def test_a_plus_one_below_a_merged_copy_votes_for_the_answer(start_cercle, slack):
    cercle, live, topic_id, gamma_thread, _ = await answer_and_its_copy(start_cercle, slack)

    slack.workspaces[GAMMA].add_user("U0GUEST", "ada")
    agreed = slack.user_post(GAMMA, INBOX, "U0GUEST", "+1", thread_ts=gamma_thread)  # below linus's copy
    (answer,) = await cercle.runtime.relay.answers(topic_id=topic_id)

    def tally_is(expected: int):
        async def check() -> bool:
            return await cercle.runtime.votes.tally(topic_id=topic_id, answer_id=answer.id) == expected

        return check

    await eventually(tally_is(1))
    # The meeting sees it, as it sees reactions: the answer shows its score a few seconds later.
    await eventually(lambda: "+1 vote" in json.dumps(thread(slack, ALPHA, MEET, live["ts"])[0]["blocks"]), timeout=10)

    slack.user_delete(GAMMA, INBOX, agreed)  # taken back
    await eventually(tally_is(0))
    slack.user_post(BETA, INBOX, "U0MEMBER", "+1", thread_ts=mirror_roots(slack, BETA)[0]["ts"])
    await eventually(tally_is(1))
    mistaken = slack.user_post(GAMMA, INBOX, "U0GUEST", "same here", thread_ts=gamma_thread)
    await eventually(tally_is(2))
    slack.user_edit(GAMMA, INBOX, mistaken, "same here, but only for customers who already pay for support")
    await eventually(tally_is(1))  # no longer a plain agreement: the vote goes, the words are judged


async def test_a_reply_changed_before_it_was_read_is_taken_as_it_now_reads(start_cercle, slack):
    """The worker may be behind (stopped, busy): an edit or a deletion must not be lost meanwhile."""
    orgs = [organisation(slack, team, name) for team, name in ((ALPHA, "Alpha Corp"), (BETA, "Beta Org"))]
    cercle = await start_cercle(oauth=True)
    await partner_up(cercle, slack, orgs[0], orgs[1])
    worker = cercle.runtime.worker()
    running = asyncio.create_task(worker.run())
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    topic_id = live["blocks"][2]["elements"][0]["value"]
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    worker.stop()
    await running

    wrong = slack.user_post(
        BETA, INBOX, "U0ADMIN", "Our pilot prices are 40k flat, see the deal desk.", thread_ts=mirror["ts"]
    )
    slack.user_delete(BETA, INBOX, wrong)  # posted in the wrong thread, taken back at once
    typo = slack.user_post(BETA, INBOX, "U0MEMBER", GOOD.replace("20%", "2%"), thread_ts=mirror["ts"])
    slack.user_edit(BETA, INBOX, typo, GOOD)
    await slack.settle()
    assert await cercle.runtime.relay.answers(topic_id=topic_id) == []  # nothing read yet

    worker = cercle.runtime.worker()
    running = asyncio.create_task(worker.run())
    try:
        (shown,) = await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
        assert shown["text"] == f"linus (Beta Org): {GOOD}"
        await asyncio.sleep(1)
        assert len(thread(slack, ALPHA, MEET, live["ts"])) == 1
        (answer,) = await cercle.runtime.relay.answers(topic_id=topic_id)
        assert answer.text == GOOD
    finally:
        worker.stop()
        await running


async def test_review_mode_waits_for_the_askers_approval(start_cercle, slack):
    # Review mode is under test, not the threshold: both replies must reach the review step.
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"), CERCLE_RELEVANCE_THRESHOLD="0")
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    topic_id = live["blocks"][2]["elements"][0]["value"]
    mode = live["blocks"][2]["elements"][1]
    assert mode["text"]["text"] == "Review answers first" and mode["value"] == f"{topic_id}:on"

    before = len(slack.responses)
    await cercle.interact(click("cercle_review_mode", f"{topic_id}:on", user="U0ADMIN", slack=slack))  # not the asker
    await eventually(lambda: len(slack.responses) > before)
    assert "Only the person who asked" in slack.responses[before]["text"]
    elsewhere = click("cercle_review_mode", f"{topic_id}:on", user="U0MEMBER", slack=slack)
    elsewhere["team"] = {"id": BETA, "domain": "betaorg"}  # the same user id, in another workspace
    await cercle.interact(elsewhere)
    await eventually(lambda: len(slack.responses) > before + 1)
    assert "Only the person who asked" in slack.responses[before + 1]["text"]
    await cercle.interact(click("cercle_review_mode", f"{topic_id}:on", user="U0MEMBER", slack=slack))
    await eventually(lambda: any("Review mode is on" in r["text"] for r in slack.responses))
    await eventually(
        lambda: roots(slack, ALPHA, MEET)[0]["blocks"][2]["elements"][1]["text"]["text"] == "Post answers directly"
    )

    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror["ts"])
    slack.user_post(
        BETA,
        INBOX,
        "U0ADMIN",
        "Another option: a free two-week proof of concept on their own data.",
        thread_ts=mirror["ts"],
    )
    asks = await eventually(
        lambda: len(slack.calls_to("chat.postEphemeral")) == 2 and slack.calls_to("chat.postEphemeral")
    )
    assert {c.params["user"] for c in asks} == {"U0MEMBER"}  # only the asker is asked
    assert thread(slack, ALPHA, MEET, live["ts"]) == []  # nothing posted yet
    approve = button_value(asks[0], "cercle_review_approve")
    skip = button_value(asks[1], "cercle_review_skip")
    await cercle.interact(click("cercle_review_approve", approve, user="U0MEMBER", slack=slack))
    await cercle.interact(click("cercle_review_skip", skip, user="U0MEMBER", slack=slack))
    await eventually(lambda: len(thread(slack, ALPHA, MEET, live["ts"])) == 1)
    await asyncio.sleep(1)
    injected = thread(slack, ALPHA, MEET, live["ts"])
    assert len(injected) == 1
    statuses = sorted(a.status for a in await cercle.runtime.relay.answers(topic_id=topic_id))
    assert statuses == ["injected", "skipped"]


async def one_answer_in_review(start_cercle, slack):
    """The asker has switched review mode on and one answer waits for approval: (cercle, live root,
    topic id, the ephemeral review prompt)."""
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"), CERCLE_RELEVANCE_THRESHOLD="0")
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    topic_id = live["blocks"][2]["elements"][0]["value"]
    await cercle.interact(click("cercle_review_mode", f"{topic_id}:on", user="U0MEMBER", slack=slack))
    await eventually(lambda: any("Review mode is on" in r["text"] for r in slack.responses))
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror["ts"])
    (ask,) = await eventually(lambda: slack.calls_to("chat.postEphemeral"))
    return cercle, live, topic_id, ask


async def test_a_double_click_on_approve_posts_the_answer_once(start_cercle, slack):
    cercle, live, _, ask = await one_answer_in_review(start_cercle, slack)
    approve = button_value(ask, "cercle_review_approve")
    before = len(slack.responses)
    clicks = [click("cercle_review_approve", approve, user="U0MEMBER", slack=slack) for _ in range(3)]
    for n, payload in enumerate(clicks):  # each click of a button is its own interaction
        payload["trigger_id"] += f".{n}"
    await asyncio.gather(*(cercle.interact(payload) for payload in clicks))
    await eventually(lambda: len(slack.responses) >= before + 3)
    await asyncio.sleep(1)
    assert len(thread(slack, ALPHA, MEET, live["ts"])) == 1
    said = sorted(r["text"] for r in slack.responses[before:])
    assert said == ["Answer from grace posted in the thread.", *["This answer was already handled."] * 2]


async def test_switching_review_off_sends_the_answers_that_waited_for_approval(start_cercle, slack):
    cercle, live, topic_id, ask = await one_answer_in_review(start_cercle, slack)
    assert thread(slack, ALPHA, MEET, live["ts"]) == []

    await cercle.interact(click("cercle_review_mode", f"{topic_id}:off", user="U0MEMBER", slack=slack))
    await eventually(lambda: any("the one waiting for your review is on its way" in r["text"] for r in slack.responses))
    (injected,) = await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
    assert injected["text"] == f"grace (Beta Org): {GOOD}"

    approve = button_value(ask, "cercle_review_approve")
    before = len(slack.responses)
    await cercle.interact(click("cercle_review_approve", approve, user="U0MEMBER", slack=slack))  # the stale prompt
    await eventually(lambda: len(slack.responses) > before)
    assert slack.responses[before]["text"] == "This answer was already handled."
    await asyncio.sleep(0.5)
    assert len(thread(slack, ALPHA, MEET, live["ts"])) == 1


async def test_the_same_answer_from_two_places_at_once_is_still_one_answer(start_cercle, slack):
    """Replies read in one batch are handled side by side: neither may miss the other."""
    orgs = [
        organisation(slack, team, name)
        for team, name in ((ALPHA, "Alpha Corp"), (BETA, "Beta Org"), (GAMMA, "Gamma Inc"))
    ]
    cercle = await start_cercle(oauth=True)
    for other in orgs[1:]:
        await partner_up(cercle, slack, orgs[0], other)
    worker = cercle.runtime.worker()
    running = asyncio.create_task(worker.run())
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    await eventually(lambda: mirror_roots(slack, BETA) and mirror_roots(slack, GAMMA))
    worker.stop()
    await running

    slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror_roots(slack, BETA)[0]["ts"])
    slack.user_post(GAMMA, INBOX, "U0MEMBER", GOOD.lower(), thread_ts=mirror_roots(slack, GAMMA)[0]["ts"])
    await slack.settle()  # both replies wait in the queue, to be read together
    worker = cercle.runtime.worker()
    running = asyncio.create_task(worker.run())
    try:
        await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
        await asyncio.sleep(1)
        assert len(thread(slack, ALPHA, MEET, live["ts"])) == 1
        topic_id = live["blocks"][2]["elements"][0]["value"]
        (answer,) = await cercle.runtime.relay.answers(topic_id=topic_id)
        assert len(answer.also_from) == 1  # whichever came first, the other is its second source
        await eventually(lambda: "also from" in json.dumps(thread(slack, ALPHA, MEET, live["ts"])[0]["blocks"]))
    finally:
        worker.stop()
        await running


async def test_a_placeholder_edited_into_an_answer_reaches_the_thread(start_cercle, slack):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    topic_id = live["blocks"][2]["elements"][0]["value"]
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    placeholder = slack.user_post(
        BETA, INBOX, "U0ADMIN", "hmm, let me check and come back to you", thread_ts=mirror["ts"]
    )
    (kept,) = await eventually(lambda: cercle.runtime.relay.answers(topic_id=topic_id))
    assert kept.status == "below"

    slack.user_edit(BETA, INBOX, placeholder, "still checking with finance, sorry")  # still not an answer
    await slack.settle()
    await asyncio.sleep(1)  # the worker judged it again
    assert thread(slack, ALPHA, MEET, live["ts"]) == []

    slack.user_edit(BETA, INBOX, placeholder, GOOD)
    (injected,) = await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
    assert injected["text"] == f"grace (Beta Org): {GOOD}"
    (answer,) = await settled_answers(cercle, topic_id, count=1)  # posted, then recorded: wait for the record
    assert answer.status == "injected" and answer.score > 0.3 and answer.reasons


async def test_an_answer_for_an_asker_who_left_waits_instead_of_failing(start_cercle, slack):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"), CERCLE_RELEVANCE_THRESHOLD="0")
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    topic_id = live["blocks"][2]["elements"][0]["value"]
    await cercle.interact(click("cercle_review_mode", f"{topic_id}:on", user="U0MEMBER", slack=slack))
    await eventually(lambda: any("Review mode is on" in r["text"] for r in slack.responses))
    slack.user_leave(ALPHA, MEET, "U0MEMBER")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror["ts"])

    def prompts() -> list:
        return [c for c in slack.calls if c.method == "chat.postEphemeral"]

    (refused,) = await eventually(prompts)
    assert refused.response == {"ok": False, "error": "user_not_in_channel"}

    async def waiting() -> bool:
        answers = await cercle.runtime.relay.answers(topic_id=topic_id)
        return [a.status for a in answers] == ["in_review"]

    await eventually(waiting)
    await asyncio.sleep(1.5)  # past the job retry delay: nothing tried again, nothing posted
    assert len(prompts()) == 1 and thread(slack, ALPHA, MEET, live["ts"]) == []
    assert await cercle.runtime.redis.xlen(cercle.runtime.queue.dead) == 0


async def test_a_reply_deleted_while_it_was_being_posted_leaves_the_meeting(start_cercle, slack):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    topic_id = live["blocks"][2]["elements"][0]["value"]
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    slack.rate_limit_next("chat.postMessage", retry_after=1, team=ALPHA)  # the SDK waits a second, then posts

    def refused() -> bool:
        return any(c.status == 429 for c in slack.calls if c.method == "chat.postMessage")

    reply = slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror["ts"])
    await eventually(refused)
    slack.user_delete(BETA, INBOX, reply)  # while the answer is being posted
    await eventually(lambda: slack.calls_to("chat.delete"), timeout=10)
    assert thread(slack, ALPHA, MEET, live["ts"]) == []
    assert [a.status for a in await cercle.runtime.relay.answers(topic_id=topic_id)] == ["deleted"]


async def test_a_reply_edited_while_it_was_being_posted_shows_its_new_words(start_cercle, slack):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    live = await asked(cercle, slack, "How do we price a pilot for an enterprise customer?")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    slack.rate_limit_next("chat.postMessage", retry_after=1, team=ALPHA)  # the SDK waits a second, then posts
    reply = slack.user_post(BETA, INBOX, "U0ADMIN", GOOD.replace("20%", "2%"), thread_ts=mirror["ts"])
    await eventually(lambda: any(c.status == 429 for c in slack.calls if c.method == "chat.postMessage"))
    slack.user_edit(BETA, INBOX, reply, GOOD)  # a typo fixed while the answer is being posted
    await eventually(
        lambda: [m["text"] for m in thread(slack, ALPHA, MEET, live["ts"])] == [f"grace (Beta Org): {GOOD}"]
    )
