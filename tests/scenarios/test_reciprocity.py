"""The give and take between partners, on each organisation's App Home: questions sent and received,
answers given and received over 30 and 90 days, and a nudge for an organisation that takes far more
than it gives."""

from __future__ import annotations

import json

from tests.flows import command
from tests.scenarios.test_partner_relay import (
    ALPHA,
    BETA,
    INBOX,
    MEET,
    asked,
    mirror_roots,
    network,
    roots,
    settled_answers,
)
from tests.waiting import eventually


async def home_of(cercle, slack, team: str, user: str) -> str:
    before = len(slack.calls_to("views.publish"))
    event = {"type": "app_home_opened", "user": user, "channel": "D0HOME0001", "tab": "home", "event_ts": "1"}
    await cercle.event(event, team_id=team)
    await eventually(lambda: len(slack.calls_to("views.publish")) > before)
    return json.dumps(slack.calls_to("views.publish")[-1].params["view"], ensure_ascii=False)


async def test_each_side_sees_what_it_gave_and_took(start_cercle, slack):
    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    for n, question in enumerate(("How do we price a pilot?", "Who audits cloud costs?", "Which CRM do you use?")):
        live = await asked(cercle, slack, question)
        topic_id = live["blocks"][2]["elements"][0]["value"]
        mirror = (await eventually(lambda q=question: [m for m in mirror_roots(slack, BETA) if q in m["text"]]))[0]
        slack.user_post(
            BETA, INBOX, "U0ADMIN", f"Our answer number {n}: ask the finance team first.", thread_ts=mirror["ts"]
        )
        await settled_answers(cercle, topic_id, count=1)

    alpha = await home_of(cercle, slack, ALPHA, "U0ADMIN")
    assert "Give and take of Alpha Corp" in alpha
    assert "*Beta Org*: questions you sent 3 · 3 · questions they sent 0 · 0 · answers they gave 3 · 3" in alpha
    assert "You have received far more answers than you gave" in alpha  # 3 received, none given back
    beta = await home_of(cercle, slack, BETA, "U0ADMIN")
    assert "*Alpha Corp*: questions you sent 0 · 0 · questions they sent 3 · 3 · answers they gave 0 · 0" in beta
    assert "answers you gave 3 · 3" in beta and "far more answers" not in beta

    # The asker's page: the organisation's open topics, with links, and their own questions' state.
    mine = await home_of(cercle, slack, ALPHA, "U0MEMBER")
    assert "*Open topics of Alpha Corp*" in mine and "Which CRM do you use?> · <#C0MEET0001>" in mine
    assert "*Your questions*" in mine and "Who audits cloud costs?> · open · 1 answer" in mine
    assert "You have not asked anything yet." in await home_of(cercle, slack, ALPHA, "U0ADMIN")

    # Another meeting: the counts go on from the first.
    await command(cercle, slack, "end", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    await eventually(lambda: [m for m in roots(slack, ALPHA, MEET) if m["text"].startswith("Meeting summary")])
    live = await asked(cercle, slack, "Who hosts your wiki?")
    topic_id = live["blocks"][2]["elements"][0]["value"]
    mirror = (await eventually(lambda: [m for m in mirror_roots(slack, BETA) if "wiki" in m["text"]]))[0]
    slack.user_post(BETA, INBOX, "U0ADMIN", "We host our wiki ourselves.", thread_ts=mirror["ts"])
    await settled_answers(cercle, topic_id, count=1)
    alpha = await home_of(cercle, slack, ALPHA, "U0MEMBER")
    assert "*Beta Org*: questions you sent 4 · 4 · questions they sent 0 · 0 · answers they gave 4 · 4" in alpha
    assert "Who hosts your wiki?> · <#C0MEET0001>" in alpha and "Which CRM do you use?> · <#" not in alpha
    assert "Which CRM do you use?> · closed · 1 answer" in alpha  # the first meeting's, closed at its end


async def test_home_in_slack_and_teams(start_cercle, slack, teams):
    """`/ask home` points to the Home tab and refreshes it; in Teams, `@Cercle home` answers with the
    organisation's page as a card."""
    from tests.flows import command
    from tests.standins.teams_activities import bot_added, channel_message, person

    cercle, _ = await network(start_cercle, slack, (ALPHA, "Alpha Corp"), (BETA, "Beta Org"))
    said = await command(cercle, slack, "home", team_id=ALPHA, channel="C0MEET0001", user="U0ADMIN")
    assert "Home" in said
    await eventually(lambda: slack.calls_to("views.publish"))
    teams.messages_url = f"{cercle.url}/api/messages"
    team = teams.add_team("tenant-home", "Contoso", channels={"19:meet@thread.tacv2": "meeting"})
    await teams.deliver(bot_added(teams, team, by=person("grace")))
    message = channel_message(teams, team, "19:meet@thread.tacv2", "accueil", by=person("grace"))
    assert (await teams.deliver(message)).status == 200
    [page] = await eventually(lambda: [p for p in teams.posted if p.reply_to == message["id"]])
    assert page.card is not None and "Contoso on Cercle" in page.words and "No partner yet" in page.words
