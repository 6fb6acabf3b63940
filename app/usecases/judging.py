"""How relevant one reply is to its topic, given what came before it: shared by a new reply and an
edited one."""

from __future__ import annotations

from collections.abc import Sequence

from app.domain.delivery import DeliveryRules, Route, route
from app.domain.models import Answer, Topic, person_key
from app.domain.ports import SemanticMatcher, VoteRepository
from app.domain.relevance import (
    Relevance,
    ReplyContext,
    confirmed_off_topic,
    readable,
    reply_kind,
    score_reply,
    topic_to_confirm,
    worth_a_closer_read,
)


def author_key(answer: Answer) -> str:
    return person_key(platform=str(answer.source.platform), tenant=answer.source.tenant, user=answer.author.id)


async def judge_reply(
    *,
    topic: Topic,
    text: str,
    author: str,
    source_kind: str,
    at: float,
    by_asker: bool,
    earlier: Sequence[Answer],
    votes: VoteRepository,
    rules: DeliveryRules,
    matcher: SemanticMatcher | None,
) -> tuple[Relevance, Route]:
    """``earlier``: the topic's answers stored before this reply; ``author``: a person key."""
    context = ReplyContext(
        position=len(earlier),
        seconds_since_question=max(0.0, at - topic.created_at),
        by_asker=by_asker,
        source_kind=source_kind,
        author_previous_replies=sum(1 for a in earlier if author_key(a) == author),
        author_trust=await votes.author_trust(author=author),
    )
    if matcher is None or not worth_a_closer_read(question=topic.question, reply=text, context=context):
        relevance = score_reply(question=topic.question, reply=text, context=context, semantic=None)
    else:
        words = readable(text)  # both models read the reply as words, markup left out
        semantic = await matcher.reading(question=topic.question, reply=words)
        relevance = score_reply(question=topic.question, reply=text, context=context, semantic=semantic)
        to_confirm = topic_to_confirm(reading=semantic, relevance=relevance, threshold=rules.threshold)
        if to_confirm and await matcher.off_topic(question=topic.question, reply=words):
            off_topic = confirmed_off_topic(semantic)
            relevance = score_reply(question=topic.question, reply=text, context=context, semantic=off_topic)
    return relevance, route(kind=reply_kind(text), score=relevance.score, by_asker=by_asker, rules=rules)
