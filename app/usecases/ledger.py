"""The give and take between partners: counted as mirrors go out and answers come in, read when an
organisation looks at its ledger."""

from __future__ import annotations

from app.domain.ledger import LEDGER_DAYS, LedgerField, Reciprocity
from app.domain.models import Answer, Mirror, Topic
from app.domain.networks import is_network_key
from app.usecases.context import Context


async def note_mirror(*, mirror: Mirror, topic: Topic, ctx: Context) -> None:
    """A question went to a partner: asked by one side, received by the other."""
    if ctx.ledger is None or is_network_key(mirror.partner):
        return
    asker, event = topic.place.org_key, f"mirror:{topic.id}:{mirror.partner}"
    now = ctx.clock()
    await ctx.ledger.record(org=asker, partner=mirror.partner, field=LedgerField.ASKED_THEM, event=f"{event}:a", at=now)
    await ctx.ledger.record(org=mirror.partner, partner=asker, field=LedgerField.ASKED_US, event=f"{event}:b", at=now)


async def note_answer(*, answer: Answer, topic: Topic, ctx: Context) -> None:
    """A partner answered a question: received by the asker, given by the partner."""
    replying, asker = answer.source.org_key, topic.place.org_key
    if ctx.ledger is None or replying == asker or is_network_key(replying):
        return
    event, now = f"answer:{topic.id}:{answer.id}", ctx.clock()
    await ctx.ledger.record(
        org=asker, partner=replying, field=LedgerField.ANSWERS_FROM_THEM, event=f"{event}:a", at=now
    )
    await ctx.ledger.record(org=replying, partner=asker, field=LedgerField.ANSWERS_FROM_US, event=f"{event}:b", at=now)


async def reciprocity(*, org_key: str, ctx: Context) -> list[Reciprocity]:
    """Each partner (current, or met in the last 90 days) with the last 30 and 90 days' counts."""
    if ctx.ledger is None:
        return []
    now = ctx.clock()
    short, long = LEDGER_DAYS
    last_30 = await ctx.ledger.totals(org=org_key, days=short, now=now)
    last_90 = await ctx.ledger.totals(org=org_key, days=long, now=now)
    partners = dict.fromkeys([*await ctx.partners.partner_keys(org_key=org_key), *last_90])
    rows = []
    for key in partners:
        org = await ctx.partners.organisation(org_key=key)
        rows.append(Reciprocity(org.name if org else key, last_30.get(key, {}), last_90.get(key, {})))
    return rows
