"""Scenario: the votes an author's answers earn in one meeting count for their answers in the next."""

from __future__ import annotations

from app.domain.models import person_key
from tests.flows import command, organisation, partner_up
from tests.scenarios.test_meeting_end import summaries
from tests.scenarios.test_partner_relay import ALPHA, BETA, INBOX, MEET, mirror_roots, roots, settled_answers
from tests.waiting import eventually

QUESTION = "How do we price a pilot for an enterprise customer?"
GRACE, LINUS, ADA = "U0ADMIN", "U0MEMBER", "U0NEWCOMER"
HELPFUL = [
    "Charge a paid pilot at 20% of the annual licence, credited if they sign within three months.",
    "Fix one success metric with them before the pilot starts; price follows the value of that metric.",
    "We ask for a fixed fee for eight weeks and a discount on the first year if they convert.",
]
UNHELPFUL = ["no idea sorry", "why would you even do a pilot", "ask someone else lol"]
NEXT_ANSWER = "Price it as a fixed fee for eight weeks with one clear success metric agreed up front."


async def test_votes_on_an_authors_answers_move_the_scores_of_their_next_answers(start_cercle, slack):
    alpha, beta = organisation(slack, ALPHA, "Alpha Corp"), organisation(slack, BETA, "Beta Org")
    beta.add_user(ADA, "ada")
    cercle = await start_cercle(oauth=True, worker=True, CERCLE_RELEVANCE_THRESHOLD="0", CERCLE_MAX_INJECT="100")
    await partner_up(cercle, slack, alpha, beta)
    votes = cercle.runtime.votes

    # Meeting 1: grace's answers are voted up in her workspace, linus's down.
    await command(cercle, slack, QUESTION, team_id=ALPHA, channel=MEET, user="U0MEMBER")
    mirror = (await eventually(lambda: mirror_roots(slack, BETA)))[0]
    posted = [(GRACE, slack.user_post(BETA, INBOX, GRACE, text, thread_ts=mirror["ts"])) for text in HELPFUL]
    posted += [(LINUS, slack.user_post(BETA, INBOX, LINUS, text, thread_ts=mirror["ts"])) for text in UNHELPFUL]
    topic_id = topic_of(roots(slack, ALPHA, MEET)[0])
    answers = await settled_answers(cercle, topic_id, count=6)
    for author, ts in posted:
        voter, emoji = (LINUS, "+1") if author == GRACE else (GRACE, "-1")
        slack.user_react(BETA, INBOX, ts, voter, emoji)

    async def all_voted() -> bool:
        tallies = await votes.tallies(topic_id=topic_id, answer_ids=[a.id for a in answers])
        return sorted(tallies.values()) == [-1, -1, -1, 1, 1, 1]

    await eventually(all_voted)
    await command(cercle, slack, "end", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    await eventually(lambda: summaries(slack), timeout=10)

    def trust(user: str):
        return votes.author_trust(author=person_key(platform="slack", tenant=BETA, user=user))

    await eventually(lambda: trust(GRACE))  # recorded with the summary
    assert await trust(LINUS) < await trust(ADA) == 0.5 < await trust(GRACE)

    # Meeting 2: the same answer, from each of them, to the same question asked by three people.
    alpha.add_user("U0THIRD", "joan")
    for asker in ("U0MEMBER", "U0ADMIN", "U0THIRD"):
        await command(cercle, slack, QUESTION, team_id=ALPHA, channel=MEET, user=asker)
    mirrors = await eventually(lambda: len(mirror_roots(slack, BETA)) == 4 and mirror_roots(slack, BETA)[1:])
    for user, mirror in zip((GRACE, ADA, LINUS), mirrors, strict=True):
        slack.user_post(BETA, INBOX, user, NEXT_ANSWER, thread_ts=mirror["ts"])
    topic_roots = [root for root in roots(slack, ALPHA, MEET) if "Stuck on a topic" in root["text"]]
    new_topics = [topic_of(root) for root in topic_roots[1:]]  # the first is meeting 1's, now closed
    grace, ada, linus = [(await settled_answers(cercle, topic, count=1))[0] for topic in new_topics]
    assert grace.author.id == GRACE and ada.author.id == ADA and linus.author.id == LINUS
    assert grace.score >= ada.score > linus.score
    assert "+trust" in grace.reasons and "-trust" in linus.reasons and not {"+trust", "-trust"} & set(ada.reasons)


def topic_of(root: dict) -> str:
    return root["blocks"][2]["elements"][0]["value"]
