"""An author's record across meetings, read by the relevance scorer as `author_trust`.

An answer is "helpful" when its votes (reactions and "+1" replies) end the meeting above zero.
Training measured trust the same way on forum labels (tools/relevance_data.py), with this formula.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from app.domain.models import Answer, AnswerStatus, person_key

PRIOR_WEIGHT = 5.0  # an author's first answers move their trust only a little


def author_trust(*, helpful: int, answers: int, prior: float) -> float:
    """0.5 is "as helpful as the average author" and where everyone starts; ``prior`` is that average."""
    return (helpful + PRIOR_WEIGHT * prior) / (answers + PRIOR_WEIGHT) - prior + 0.5


def meeting_record(*, answers: Iterable[Answer], votes: Mapping[str, int]) -> dict[str, tuple[int, int]]:
    """Per author: (answers given, answers voted up) in one meeting; deleted answers do not count."""
    record: dict[str, tuple[int, int]] = {}
    for answer in answers:
        if answer.status is AnswerStatus.DELETED:
            continue
        key = person_key(platform=str(answer.source.platform), tenant=answer.source.tenant, user=answer.author.id)
        given, helpful = record.get(key, (0, 0))
        record[key] = (given + 1, helpful + (1 if votes.get(answer.id, 0) > 0 else 0))
    return record
