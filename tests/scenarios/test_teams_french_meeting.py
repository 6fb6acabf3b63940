"""A whole meeting in French, in Teams: the team's owner sets the language, a question is asked with
`@Cercle demande`, a French partner in Slack answers, Teams reactions vote, the Teams meeting ends
with its summary and the partner's thanks; a person who adds Cercle for themselves gets their
organisation's page in their 1:1 chat, in their own Teams language."""

from __future__ import annotations

import re

from integrations.catalog import say_in
from tests.flows import command
from tests.scenarios.test_teams_partners import (
    ADA,
    ALPHA,
    GRACE,
    INBOX,
    LINUS,
    MEET,
    TEAMS_MEETING,
    TENANT,
    _injected,
    _place,
    _tally,
    partners,  # noqa: F401 (the fixture)
    slack_roots,
    slack_thread,
)
from tests.standins.teams_activities import bot_added_for_oneself, channel_message, meeting_end, person, reaction
from tests.waiting import eventually

QUESTION = "Qui a déjà mené un pilote de tarification avec une banque ?"


async def says_in_french(teams, team, text: str, *, by=GRACE) -> str:
    message = channel_message(teams, team, TEAMS_MEETING, text, by=by, locale="fr-FR")
    assert (await teams.deliver(message)).status == 200
    return (await eventually(lambda: [p.words for p in teams.posted if p.reply_to == message["id"]]))[0]


async def test_a_teams_meeting_in_french(partners, slack, teams) -> None:  # noqa: F811
    cercle, alpha, team = partners
    alpha.add_user("U0ADMIN", "grace", admin=True, locale="fr-FR")
    assert "Alpha Corp" in await command(cercle, slack, "langue fr", team_id=ALPHA, channel=MEET, user="U0ADMIN")
    set_it = await says_in_french(teams, team, "langue fr")
    assert set_it.startswith("Les canaux de Contoso lisent maintenant Cercle en français")
    assert (await says_in_french(teams, team, "langue en", by=ADA)).startswith("Seule la personne qui a ajouté")

    told = await says_in_french(teams, team, f"demande {QUESTION}", by=ADA)
    assert told.startswith("Votre question est ouverte dans un nouveau fil, ici.")
    assert "Elle est en route vers 1 partenaire" in told
    root = next(p for p in teams.in_conversation(TEAMS_MEETING) if QUESTION in p.words)
    assert "🧩 Bloqué sur un sujet" in root.words and "Fermer le sujet" in str(root.card)
    mirror = (await eventually(lambda: [m for m in slack_roots(slack, INBOX) if QUESTION in m["text"]]))[0]
    assert mirror["text"] == f"Contoso bloque sur : {QUESTION}"  # Alpha Corp reads French too

    slack.user_post(
        ALPHA,
        INBOX,
        "U0ADMIN",
        "Oui, un pilote de tarification avec une banque régionale en 2024.",
        thread_ts=mirror["ts"],
    )
    [answer] = await eventually(lambda: teams.thread(TEAMS_MEETING, root.id))
    assert "grace" in answer.words and "banque régionale" in answer.words
    topic = next(t for t in await cercle.runtime.topics.open_topics(place=_place()) if "tarification" in t.question)
    stored = await eventually(lambda: _injected(cercle, topic.id))
    for voter in (ADA, LINUS):
        await teams.deliver(reaction(teams, team, TEAMS_MEETING, message_id=answer.id, kind="like", by=voter))
    assert await eventually(lambda: _tally(cercle, topic.id, stored.id, 2)) == 2
    await eventually(lambda: "+2 votes" in teams.message(answer.id).words)

    assert (await teams.deliver(meeting_end(teams, tenant=TENANT, conversation=TEAMS_MEETING))).status == 200
    [summary] = await eventually(
        lambda: [p for p in teams.in_conversation(TEAMS_MEETING) if "Compte rendu de la réunion" in p.words]
    )
    assert QUESTION in summary.words and "+2 votes" in summary.words and "1 réponse (Alpha Corp 1)" in summary.words
    assert say_in("fr").day(topic.created_at) in summary.words  # the date as French writes it
    assert "Merci à toutes celles et ceux qui ont aidé" in summary.words
    thanks = await eventually(lambda: [m for m in slack_thread(slack, INBOX, mirror["ts"]) if "Merci !" in m["text"]])
    assert thanks[0]["text"].startswith(":pray: Merci ! La réunion de Contoso est terminée.")


async def test_adding_cercle_for_oneself_brings_the_personal_card(partners, slack, teams) -> None:  # noqa: F811
    _, _, team = partners
    await says_in_french(teams, team, f"demande {QUESTION}", by=ADA)
    camille = person("camille")
    added = bot_added_for_oneself(teams, team, by=camille, locale="fr-CA")
    assert (await teams.deliver(added)).status == 200
    chat = added["conversation"]["id"]
    [card] = await eventually(lambda: [p for p in teams.in_conversation(chat) if p.card])
    assert "Contoso sur Cercle" in card.words and "Sujets ouverts de Contoso" in card.words
    assert QUESTION in card.words and "Vous n'avez encore rien demandé." in card.words
    assert re.search(r"Alpha Corp: actif", card.words)
    partners_said = await says_in_french(teams, team, "partenaires inviter", by=camille)
    assert partners_said.startswith("Seule la personne qui a ajouté Cercle")  # for oneself: no say over partners
