"""The relevance scorer on crafted cases, in English and in French."""

from __future__ import annotations

import json

import pytest

from app.domain.relevance import (
    MODEL_PATH,
    YES_NO,
    RelevanceModel,
    ReplyContext,
    ReplyKind,
    SemanticReading,
    confirmed_off_topic,
    default_model,
    fold,
    readable,
    reply_kind,
    score_reply,
    tokens,
    topic_to_confirm,
    with_files,
)

PRICING = "How do we price a pilot for a new enterprise customer?"
PRIX = "Comment fixer le prix d'un pilote pour un nouveau client grand compte ?"


def s(question: str, reply: str, **context) -> float:
    return score_reply(question=question, reply=reply, context=ReplyContext(**context)).score


def test_scores_are_probabilities_with_reasons():
    relevance = score_reply(question=PRICING, reply="lol", context=ReplyContext())
    assert 0.0 <= relevance.score <= 1.0
    assert relevance.reasons and all(r[0] in "+-" for r in relevance.reasons)


@pytest.mark.parametrize(
    ("question", "good", "bad"),
    [
        (
            PRICING,
            "We charge a paid pilot at about 20% of the annual licence, credited if they sign within 3 months.",
            "haha good luck with that :)",
        ),
        (
            PRICING,
            "Price the pilot on the value: fix a success metric, a fee for 8 weeks, and a discount on the first year.",
            "Why do you want to do a pilot at all?",
        ),
        (
            PRIX,
            "Nous facturons le pilote environ 20 % de la licence annuelle, déduits si le client signe sous 3 mois.",
            "mdr bon courage :)",
        ),
        (
            PRIX,
            "Fixez un critère de succès, un forfait pour 8 semaines et une remise sur la première année.",
            "Pourquoi faire un pilote ?",
        ),
    ],
)
def test_a_useful_answer_beats_chatter_and_questions_back(question, good, bad):
    assert s(question, good) > s(question, bad) + 0.1


@pytest.mark.parametrize(
    "reply",
    [
        "Thanks!",
        "+1",
        "same here",
        "merci !",
        "moi aussi",
        "👍",
        "https://example.com",
        "Good luck!",
        "[pricing guide](https://example.com/pricing)",  # links, e-mail addresses and numbers, in the neutral form
        "[sales@example.com](mailto:sales@example.com)",
        "[+33 1 23 45 67 89](tel:+33123456789)",
    ],
)
def test_thanks_agreement_emoji_and_bare_links_score_low(reply):
    assert s(PRICING, reply) < 0.35


@pytest.mark.parametrize("reply", ["Good luck!", "Bon courage !", "Hope this helps", "bonne chance à vous"])
def test_courtesy_alone_is_dropped_like_thanks(reply):
    assert reply_kind(reply) is ReplyKind.THANKS


@pytest.mark.parametrize(
    ("reply", "kind"),
    [
        ("👍", ReplyKind.AGREEMENT),  # emoji that only agree read like "+1"
        ("💯", ReplyKind.AGREEMENT),
        ("👍🏽", ReplyKind.AGREEMENT),
        ("same ☝️", ReplyKind.AGREEMENT),
        ("🙏", ReplyKind.EMPTY),
        ("😂 😂", ReplyKind.EMPTY),
        (":partyparrot:", ReplyKind.EMPTY),  # a custom emoji, as integrations pass it on
        ("Thanks 🙏", ReplyKind.THANKS),
        ("#pricing has the answer", ReplyKind.PLACEHOLDER),
        ("@ops can answer", ReplyKind.PLACEHOLDER),
        ("We meet at 10:30:45 with finance to settle the pilot's price", ReplyKind.ANSWER),  # a time
        ("We charge 20% 🎉 then convert", ReplyKind.ANSWER),
        ("> How do we price a pilot?\n+1", ReplyKind.AGREEMENT),  # the question quoted, then agreement
        ("> How do we price a pilot?\nsame question here", ReplyKind.PLACEHOLDER),
        ("> How do we price a pilot?", ReplyKind.EMPTY),  # a quote alone says nothing of one's own
        ("+1 to what Grace said", ReplyKind.AGREEMENT),  # agreement and a few words: a vote
        ("Agree with Bob.", ReplyKind.AGREEMENT),
        ("D'accord avec Ada", ReplyKind.AGREEMENT),
        ("+1, and charge 20% of the licence", ReplyKind.ANSWER),  # a figure: something of one's own
        ("Agreed, but only when the customer already pays for support", ReplyKind.ANSWER),
    ],
)
def test_the_neutral_form_is_read_as_people_see_it(reply, kind):
    assert reply_kind(reply) is kind


def test_emoji_add_no_figure_and_no_laugh():
    assert readable("We charge 20% 🎉 then convert") == "We charge 20% then convert"
    assert readable("Q&A: <30 days>") == "Q&A: <30 days>"
    assert s(PRICING, "🙏") <= 0.02  # was 0.41, "💯" 0.68: above the threshold


def test_quoting_the_question_before_answering_does_not_sink_the_answer():
    answer = "We charge 20% of the licence, credited if they sign."
    assert s(PRICING, f"> {PRICING}\n{answer}") == s(PRICING, answer)  # it scored 0.19 against 0.44


def test_a_mention_names_someone_else_whose_reply_will_come():
    assert s(PRICING, "@someone will know") <= 0.1


def test_a_file_alone_is_kept_aside_and_a_caption_is_judged_on_its_words():
    alone = score_reply(question=PRICING, reply=with_files("", ["screenshot.png"]), context=ReplyContext(position=0))
    assert alone.score <= 0.15 and alone.reasons[0] == "-file only"  # the meeting could not open it
    caption = "We charge a paid pilot at about 20% of the annual licence, credited if they sign within 3 months."
    assert s(PRICING, with_files(caption, ["pricing.xlsx", "deck.pdf"])) == s(PRICING, caption)
    assert with_files(caption, ["a.png", "b.png"]).endswith("\n(shared files in their workspace: a.png, b.png)")
    assert with_files(caption, []) == caption


@pytest.mark.parametrize(
    "reply",
    [
        "hmm, let me check and come back to you",
        "Let me ask our finance team",
        "checking...",
        "No idea, sorry",
        "Good question, following",
        "On it!",
        "Je regarde et je reviens vers toi",
        "Je me renseigne auprès de la compta",
        "Aucune idée, désolé",
        "Bonne question !",
        "Je vais demander à mon équipe",
        "On va vérifier et on revient vers vous",
        "Not sure",
        "I don't know, sorry",
        "Je ne sais pas",
        "ça dépend",
        "cc @someone",  # a handoff: the colleague's own reply will come in the thread
        "@bob knows this best",
        "@someone can you answer this one?",
        "@bob, une idée ?",
    ],
)
def test_a_promise_or_a_shrug_is_not_an_answer_even_as_the_first_reply(reply):
    assert reply_kind(reply) is ReplyKind.PLACEHOLDER
    relevance = score_reply(question=PRICING, reply=reply, context=ReplyContext(position=0))
    assert relevance.score <= 0.1 and relevance.reasons[0] == "-placeholder"


@pytest.mark.parametrize(
    "reply",
    [
        "Not sure, but we charge the pilot at cost and credit it on signature.",  # a hedge, then an answer
        "Let me check: we used 20% of the licence last time.",  # a figure is an answer
        "You will see the difference with a paid pilot, people show up.",  # not a promise of the writer's
        "Let me check and come back to you with our pricing grid, but the short version is: a paid pilot.",
        "It depends on the deal size: small customers get a free pilot, large ones pay.",
        "Je ne sais pas pour vous, mais chez nous le pilote est payant et déduit du contrat.",
        "Good luck: charge for the pilot, free pilots never convert.",
        "@bob we charged 20% of the licence for our pilot.",
        "@bob charge for the pilot, free ones never convert and waste everyone's time.",
    ],
)
def test_answers_that_share_words_with_placeholders_stay_answers(reply):
    assert reply_kind(reply) is ReplyKind.ANSWER


def test_the_askers_own_replies_score_lower_than_the_same_words_from_someone_else():
    reply = "We tried a free pilot last year and the customer never converted."
    assert s(PRICING, reply, by_asker=True) < s(PRICING, reply) - 0.05


def test_reasons_never_name_a_yes_no_trait_the_reply_does_not_have():
    """ "+by_asker" on a reply by someone else would say the opposite of what counted."""
    cases = [
        ("We tried a free pilot last year and the customer never converted.", {"by_asker": True}),
        ("We tried a free pilot last year and the customer never converted.", {}),
        ("Price it as a fixed fee for eight weeks with one clear success metric.", {"seconds_since_question": 1}),
        ("see https://example.com/pricing", {"position": 3, "author_previous_replies": 1}),
    ]
    named = set()
    for reply, context in cases:
        relevance = score_reply(question=PRICING, reply=reply, context=ReplyContext(**context))
        values = default_model().features(question=PRICING, reply=reply, context=ReplyContext(**context))
        for reason in relevance.reasons:
            trait = reason[1:]
            if trait in YES_NO:
                assert values[trait] == 1.0, (reply, reason)
            if trait.startswith("not "):
                assert values[trait[4:]] == 0.0, (reply, reason)
            named.add(reason)
    assert "-by_asker" in named and any(reason.startswith("+not ") for reason in named)


def test_trusted_authors_and_early_replies_count_for_more():
    reply = "Ask for a paid pilot with a clear success metric."
    assert s(PRICING, reply, author_trust=0.9) > s(PRICING, reply, author_trust=0.1)
    assert s(PRICING, reply, position=0) > s(PRICING, reply, position=9, author_previous_replies=3)


@pytest.mark.parametrize(
    ("question", "reply", "context"),
    [
        (PRICING, "Ask for a paid pilot with a clear success metric.", {}),
        (PRICING, "We charge 20% of the licence for 8 weeks.", {"position": 4, "seconds_since_question": 900}),
        (PRIX, "Facturez le pilote, avec un critère de succès clair.", {"position": 1}),
        (PRICING, "hard to say, it depends", {"position": 6, "author_previous_replies": 2}),
    ],
)
def test_a_better_record_never_lowers_a_score(question, reply, context):
    """Trust comes from what an author's past answers earned; the scores must rise with it, step by step."""
    scores = [s(question, reply, author_trust=step / 20, **context) for step in range(21)]
    assert scores == sorted(scores)
    assert scores[-1] > scores[0]


def test_accents_and_case_do_not_matter():
    assert fold("Été À Noël") == "ete a noel"
    assert tokens("Le Prix du PILOTE, été") == tokens("le prix du pilote, ete") == ["prix", "pilote"]
    assert s(PRIX, "Le prix du pilote dépend du périmètre.") == pytest.approx(
        s(PRIX, "le prix du pilote depend du perimetre.")
    )


def test_a_reply_about_something_else_is_capped_and_says_so():
    """The semantic model's topic gate (app/relevance/semantic.py) flags it; the scorer caps it like a placeholder."""
    answer = "We charge a paid pilot at about 20% of the annual licence, credited if they sign within 3 months."
    free = score_reply(question=PRICING, reply=answer, context=ReplyContext(position=1))
    capped = score_reply(
        question=PRICING, reply=answer, context=ReplyContext(position=1), semantic=SemanticReading(off_topic=True)
    )
    assert free.score > 0.3 and capped.score == 0.1 and capped.reasons[0] == "-off topic"
    low = score_reply(question=PRICING, reply="+1", context=ReplyContext(), semantic=SemanticReading(off_topic=True))
    assert low.score == 0.05 and low.reasons[0] == "-agreement"  # what a reply is comes first; never lifted
    lifted = score_reply(
        question=PRICING, reply=answer, context=ReplyContext(position=1), semantic=SemanticReading(contribution=1.0)
    )
    assert lifted.score > free.score and lifted.reasons[0] == "+semantic"


def test_a_topic_left_in_doubt_is_checked_only_for_a_reply_at_the_threshold():
    """The MiniLM gate costs a third model's time: it is asked only where it could keep a reply out."""
    answer = "We charge a paid pilot at about 20% of the annual licence, credited if they sign within 3 months."
    doubtful = SemanticReading(contribution=0.5, replaces_wording=True, topic_in_doubt=True)
    relevance = score_reply(question=PRICING, reply=answer, context=ReplyContext(position=1), semantic=doubtful)
    assert topic_to_confirm(reading=doubtful, relevance=relevance, threshold=relevance.score)
    assert not topic_to_confirm(reading=doubtful, relevance=relevance, threshold=relevance.score + 0.01)
    sure = SemanticReading(contribution=0.5, replaces_wording=True)
    assert not topic_to_confirm(reading=sure, relevance=relevance, threshold=0.0)
    stopped = score_reply(
        question=PRICING, reply=answer, context=ReplyContext(position=1), semantic=confirmed_off_topic(doubtful)
    )
    assert stopped.score == 0.1 and stopped.reasons[0] == "-off topic"


def test_a_model_that_read_the_words_stands_in_for_the_wording_score():
    """The multilingual reading replaces the trees' wording score (English words only): the score is then
    the trees' with a neutral wording, plus the reading, and "wording" is never given as a reason."""
    reply = "Go to the traffic department with your ID card, it costs 250 QR."  # words it likes: "+wording"
    context = ReplyContext(position=2)
    model = default_model()
    plain = model.score(question=PRICING, reply=reply, context=context)
    assert plain.reasons[0] == "+wording"
    replaced = score_reply(
        question=PRICING,
        reply=reply,
        context=context,
        semantic=SemanticReading(contribution=0.0, replaces_wording=True),
    )
    assert not any("wording" in reason for reason in replaced.reasons)
    neutral = model.score(question=PRICING, reply=reply, context=context, wording_replaced=True)
    assert replaced.score == neutral.score != plain.score
    without_words = RelevanceModel({**json.loads(MODEL_PATH.read_text()), "wording": {}})
    assert without_words.score(question=PRICING, reply=reply, context=context).score == pytest.approx(neutral.score)
