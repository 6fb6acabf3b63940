"""Scenario: with the `semantic` extra, the worker reads question and reply together before
deciding what reaches the meeting."""

from __future__ import annotations

from tests.scenarios.test_delivery import setup
from tests.scenarios.test_partner_relay import ALPHA, BETA, INBOX, MEET, asked, mirror_roots, settled_answers, thread
from tests.waiting import eventually

QUESTION = "Where can I renew my driving licence, and which documents do I need?"
GOOD = (
    "Go to the traffic department with your ID card, the old licence and an eye test from any optician; "
    "it takes about 20 minutes and costs 250 QR."
)
CHATTER = "lol it is so hot today, stay inside guys"
ELSEWHERE = "We charge 1,200 euros a day, travel on top at cost."  # a good answer, to another question


async def test_the_cross_encoder_scores_replies_end_to_end(start_cercle, slack):
    cercle = await setup(
        start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"), CERCLE_RELEVANCE_MODEL="semantic"
    )
    assert cercle.runtime.matcher is not None
    live = await asked(cercle, slack, QUESTION)
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    slack.user_post(BETA, INBOX, "U0ADMIN", GOOD, thread_ts=mirror["ts"])
    slack.user_post(BETA, INBOX, "U0MEMBER", CHATTER, thread_ts=mirror["ts"])
    slack.user_post(BETA, INBOX, "U0MEMBER", "+1", thread_ts=mirror["ts"])
    slack.user_post(BETA, INBOX, "U0ADMIN", ELSEWHERE, thread_ts=mirror["ts"])
    topic_id = live["blocks"][2]["elements"][0]["value"]

    answers = await settled_answers(cercle, topic_id, count=3)  # the model's first load takes a few seconds
    by_text = {a.text: a for a in answers}
    good, chatter, elsewhere = by_text[GOOD], by_text[CHATTER], by_text[ELSEWHERE]
    assert good.status == "injected" and good.reasons[0] == "+semantic"
    # Both are about something else: the topic gate caps them, though the cross-encoder alone gave the
    # pricing answer 0.94 under this question.
    assert chatter.status == "below" and chatter.reasons[0] == "-off topic"
    assert elsewhere.status == "below" and elsewhere.reasons[0] == "-off topic" and elsewhere.score == 0.1
    posted = await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
    assert [m["text"] for m in posted] == [f"grace (Beta Org): {GOOD}"]
    await slack.settle()
    assert len(await cercle.runtime.relay.answers(topic_id=topic_id)) == 3  # "+1" is a vote, never an answer


async def test_an_answer_to_another_question_fixed_by_its_author_reaches_the_meeting(start_cercle, slack):
    """Written for another question (the wrong thread, a pasted answer), then corrected: the gate kept
    it out, and the edit is judged again like any reply."""
    cercle = await setup(
        start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"), CERCLE_RELEVANCE_MODEL="semantic"
    )
    live = await asked(cercle, slack, QUESTION)
    topic_id = live["blocks"][2]["elements"][0]["value"]
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    reply = slack.user_post(BETA, INBOX, "U0ADMIN", ELSEWHERE, thread_ts=mirror["ts"])
    (kept,) = await settled_answers(cercle, topic_id, count=1)
    assert kept.status == "below" and kept.reasons[0] == "-off topic"

    slack.user_edit(BETA, INBOX, reply, GOOD)
    (injected,) = await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
    assert injected["text"] == f"grace (Beta Org): {GOOD}"
    (answer,) = await settled_answers(cercle, topic_id, count=1)  # posted, then recorded: wait for the record
    assert answer.status == "injected" and answer.reasons[0] == "+semantic"
