"""Scenario: a meeting that speaks French. The multilingual reading (the `multilingual` extra, numpy
only; with `semantic`, it reads what the cross-encoder cannot) keeps a partner's reply about something
else out of the meeting and lets the answer in."""

from __future__ import annotations

import pytest

from tests.app.relevance.test_multilingual import AILLEURS, BON, METEO, PERMIS
from tests.scenarios.test_delivery import setup
from tests.scenarios.test_partner_relay import ALPHA, BETA, INBOX, MEET, asked, mirror_roots, settled_answers, thread
from tests.waiting import eventually


@pytest.mark.parametrize("models", ["multilingual", "semantic"])  # without torch, and as `make run` starts
async def test_a_french_meeting_gets_the_answer_and_not_the_chatter(start_cercle, slack, models):
    cercle = await setup(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"), CERCLE_RELEVANCE_MODEL=models)
    assert cercle.runtime.matcher is not None
    live = await asked(cercle, slack, PERMIS)
    topic_id = live["blocks"][2]["elements"][0]["value"]
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    slack.user_post(BETA, INBOX, "U0MEMBER", METEO, thread_ts=mirror["ts"])
    slack.user_post(BETA, INBOX, "U0ADMIN", AILLEURS, thread_ts=mirror["ts"])
    slack.user_post(BETA, INBOX, "U0ADMIN", BON, thread_ts=mirror["ts"])

    answers = await settled_answers(cercle, topic_id, count=3)
    by_text = {a.text: a for a in answers}
    # The trees alone gave both about 0.55 (above the default threshold of 0.3), under any question.
    for chatter in (METEO, AILLEURS):
        assert by_text[chatter].status == "below" and by_text[chatter].reasons[0] == "-off topic"
    assert by_text[BON].status == "injected" and by_text[BON].reasons[0] == "+semantic"
    posted = await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
    assert [m["text"] for m in posted] == [f"grace (Beta Org): {BON}"]
