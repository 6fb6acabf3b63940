"""A whole meeting in French, in Slack: an admin sets the language, a question is asked, a French
partner answers, people vote, the meeting ends with its summary and the partner's thanks; each
person is told privately in their own Slack language; an English partner gets the question in English,
the question itself untouched."""

from __future__ import annotations

import json
import re
import time

from integrations.catalog import say_in
from tests.flows import command, install, organisation
from tests.scenarios.test_partner_relay import (
    ALPHA,
    BETA,
    EVERYTHING,
    GAMMA,
    INBOX,
    MEET,
    roots,
    settled_answers,
    thread,
)
from tests.waiting import eventually

QUESTION = "Comment fixer le prix d'un pilote pour un grand client ?"
ANSWER = "Pour le prix d'un pilote, proposez un pilote payant à 20 % du prix catalogue."


async def partners_in_french(cercle, slack, a, b) -> None:
    """What tests.flows.partner_up does, said to French-speaking admins (Gamma's stay English)."""
    for ws in (a, b):
        if not ws.installed:
            assert (await install(cercle, slack, team_id=ws.team_id, user_id="U0ADMIN")).status == 200
        said = await command(cercle, slack, "boîte", team_id=ws.team_id, channel=INBOX, user="U0ADMIN")
        assert "maintenant votre boîte de réception" in said or "now your inbox" in said, said
    invite = await command(cercle, slack, "partenaires inviter", team_id=a.team_id, channel=MEET, user="U0ADMIN")
    assert invite.startswith("Votre code d'invitation est")
    code = re.search(r"`([A-Z0-9]{4}-[A-Z0-9]{4})`", invite).group(1)
    accepted = await command(cercle, slack, f"partners accept {code}", team_id=b.team_id, channel=MEET, user="U0ADMIN")
    assert "maintenant partenaires" in accepted or "now partners" in accepted, accepted


def inbox_roots(slack, team: str) -> list[dict]:
    return [m for m in roots(slack, team, INBOX) if QUESTION in m["text"]]


async def test_a_meeting_in_french_from_question_to_thanks(start_cercle, slack):
    alpha, beta, gamma = (
        organisation(slack, t, n) for t, n in ((ALPHA, "Alpha Corp"), (BETA, "Beta Org"), (GAMMA, "Gamma Ltd"))
    )
    for ws in (alpha, beta):  # French-speaking people, as their Slack says
        ws.add_user("U0ADMIN", "grace", admin=True, locale="fr-FR")
        ws.add_user("U0MEMBER", "linus", locale="fr-FR")
    cercle = await start_cercle(oauth=True, worker=True, **EVERYTHING)
    for partner in (beta, gamma):
        await partners_in_french(cercle, slack, alpha, partner)

    said = await command(cercle, slack, "langue fr", team_id=ALPHA, channel=MEET, user="U0ADMIN")
    assert said.startswith("Les canaux de Alpha Corp lisent maintenant Cercle en français")
    said = await command(cercle, slack, "language fr", team_id=BETA, channel=INBOX, user="U0ADMIN")
    assert "en français" in said
    refused = await command(cercle, slack, "langue en", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    assert refused.startswith("Seuls les admins")  # only admins choose
    shown = await command(cercle, slack, "langue", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    assert "lisent Cercle en français" in shown

    told = await command(cercle, slack, QUESTION, team_id=ALPHA, channel=MEET, user="U0MEMBER")
    assert told.startswith("Votre question est ouverte dans") and "Elle est en route vers 2 partenaires" in told
    [live] = [m for m in roots(slack, ALPHA, MEET) if QUESTION in m["text"]]
    assert live["text"] == f"Bloqué sur un sujet : {QUESTION}"
    root = json.dumps(live["blocks"], ensure_ascii=False)
    assert "*Bloqué sur un sujet*" in root and "Fermer le sujet" in root and "Terminer et résumer" in root
    await eventually(
        lambda: "Envoyée à 2 partenaires" in json.dumps(roots(slack, ALPHA, MEET)[0]["blocks"], ensure_ascii=False)
    )

    [french_mirror] = await eventually(lambda: inbox_roots(slack, BETA))
    assert french_mirror["text"] == f"Alpha Corp bloque sur : {QUESTION}"
    assert "Répondez dans ce fil pour aider" in json.dumps(french_mirror["blocks"], ensure_ascii=False)
    [english_mirror] = await eventually(lambda: inbox_roots(slack, GAMMA))
    assert english_mirror["text"] == f"Alpha Corp is stuck on: {QUESTION}"  # the partner's language

    slack.user_post(BETA, INBOX, "U0ADMIN", ANSWER, thread_ts=french_mirror["ts"])
    [injected] = await eventually(lambda: thread(slack, ALPHA, MEET, live["ts"]))
    assert injected["text"] == f"grace (Beta Org): {ANSWER}"
    assert "voir l'original" in json.dumps(injected["blocks"], ensure_ascii=False)
    topic_id = live["blocks"][2]["elements"][0]["value"]
    (answer,) = await settled_answers(cercle, topic_id, count=1)
    slack.user_react(ALPHA, MEET, injected["ts"], "U0MEMBER", "+1")
    slack.user_react(ALPHA, MEET, injected["ts"], "U0ADMIN", "+1")

    async def voted() -> bool:
        return await cercle.runtime.votes.tally(topic_id=topic_id, answer_id=answer.id) == 2

    await eventually(voted)
    await eventually(lambda: "+2 votes" in json.dumps(thread(slack, ALPHA, MEET, live["ts"])[0]["blocks"]))

    ending = await command(cercle, slack, "fin", team_id=ALPHA, channel=MEET, user="U0MEMBER")
    assert ending == "Fin de la réunion : je ferme ses sujets et j'écris le compte rendu…"
    [summary] = await eventually(
        lambda: [m for m in roots(slack, ALPHA, MEET) if m["text"].startswith("Compte rendu de la réunion")]
    )
    blocks = json.dumps(summary["blocks"], ensure_ascii=False)
    today = say_in("fr").day(time.time())
    assert f"Compte rendu de la réunion · {today} · " in blocks  # the date as French writes it
    assert "1 question · 1 réponse de 1 personne dans 1 organisation · 2 votes sur les meilleures réponses" in blocks
    assert "Posée par <@U0MEMBER> · fermée" in blocks and "première réponse après " in blocks
    assert "*grace* (Beta Org), +2 votes" in blocks and "Merci à toutes celles et ceux qui ont aidé" in blocks

    thanks = await eventually(lambda: thread(slack, BETA, INBOX, french_mirror["ts"])[1:])
    assert any(m["text"].startswith(":pray: Merci ! La réunion de Alpha Corp est terminée.") for m in thanks)
    assert any("Votre espace de travail a envoyé 1 réponse à cette question." in m["text"] for m in thanks)
    closed = await eventually(
        lambda: [m for m in inbox_roots(slack, BETA) if m["text"].startswith("Alpha Corp bloquait sur")]
    )
    assert closed


async def test_each_person_reads_their_own_language(start_cercle, slack):
    """In a French organisation, someone whose Slack is in English is answered in English, and the
    other way round; channel messages stay in the organisation's language."""
    alpha = organisation(slack, ALPHA, "Alpha Corp")
    alpha.add_user("U0FR", "camille", locale="fr-CA")
    alpha.add_user("U0EN", "ada", locale="en-US")
    cercle = await start_cercle(oauth=True, worker=True, **EVERYTHING)
    await install(cercle, slack, team_id=ALPHA, user_id="U0ADMIN")
    await command(cercle, slack, "language fr", team_id=ALPHA, channel=MEET, user="U0ADMIN")
    french = await command(cercle, slack, "aide", team_id=ALPHA, channel=MEET, user="U0FR")
    english = await command(cercle, slack, "help", team_id=ALPHA, channel=MEET, user="U0EN")
    assert french.startswith("*Cercle* pose votre question") and "`/ask partenaires accepter <code>`" in french
    assert english.startswith("*Cercle* puts your question") and "`/ask partners accept <code>`" in english
    mistyped = await command(cercle, slack, "lsite", team_id=ALPHA, channel=MEET, user="U0FR")
    assert mistyped.startswith("Vouliez-vous dire `/ask liste` ? Rien n'a été envoyé.")
    told = await command(cercle, slack, "Who audits cloud costs?", team_id=ALPHA, channel=MEET, user="U0EN")
    assert told.startswith("Your question is open in")  # private: the asker's English
    [live] = [m for m in roots(slack, ALPHA, MEET) if "cloud costs" in m["text"]]
    assert live["text"].startswith("Bloqué sur un sujet")  # the channel: the organisation's French
