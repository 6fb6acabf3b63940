"""The Slack summary stays inside Block Kit's limits by splitting, and says what matters."""

from __future__ import annotations

import json

from app.domain.models import Meeting
from app.domain.summary import outcome_for, summarise
from integrations.slack.summary import duration, summary_messages, thanks_text
from tests.app.domain.test_summary import LIVE, T0, answer, topic


def test_a_long_meeting_is_split_over_several_messages_within_limits():
    topics = [topic(n, T0 + n, question=f"Question number {n}? " + "context " * 150) for n in range(30)]
    answers = {t.id: [answer(100 * i + k, t.id, T0 + 100 + k) for k in range(4)] for i, t in enumerate(topics)}
    summary = summarise(meeting=Meeting("m", LIVE, T0), ended_at=T0 + 3600, topics=topics, answers=answers, votes={})
    messages = summary_messages(summary, marker="cercle-summary-m")
    assert len(messages) > 1
    for text, blocks in messages:
        rendered = [b.to_dict() for b in blocks]
        assert len(rendered) <= 50
        for block in rendered:
            assert len((block.get("text") or {}).get("text", "")) <= 3000
        assert len(text) <= 40_000
    # Each section starts with its own marker, so a retry can tell which ones are already posted.
    markers = [b.block_id for _, blocks in messages for b in blocks if b.block_id]
    assert markers == ["cercle-summary-m", *(f"cercle-summary-m-q-t{n}" for n in range(30)), "cercle-summary-m-end"]
    everything = json.dumps([[b.to_dict() for b in blocks] for _, blocks in messages])
    assert all(f"Question number {n}?" in everything for n in range(30))  # nothing lost in the split
    assert messages[0][0].startswith("Meeting summary (1/")

    # A retry that finds the heading and the first 12 questions posts the rest, and only the rest.
    posted = {"cercle-summary-m", *(f"cercle-summary-m-q-t{n}" for n in range(12))}
    rest = summary_messages(summary, marker="cercle-summary-m", already_posted=posted)
    rest_markers = [b.block_id for _, blocks in rest for b in blocks if b.block_id]
    assert rest_markers == [*(f"cercle-summary-m-q-t{n}" for n in range(12, 30)), "cercle-summary-m-end"]
    assert rest[0][0].startswith("Meeting summary, continued")
    assert summary_messages(summary, marker="cercle-summary-m", already_posted=set(markers)) == []
    # Other messages' block ids in the channel (topic roots, answers) are not a summary started earlier.
    fresh = summary_messages(summary, marker="cercle-summary-m", already_posted={"topic-root-t1", "answer-a9"})
    assert fresh[0][0].startswith("Meeting summary (1/") and len(fresh) == len(messages)


def test_hostile_text_in_the_summary_is_neutralised():
    hostile = topic(1, T0, question="<!channel> pricing?")
    summary = summarise(
        meeting=Meeting("m", LIVE, T0),
        ended_at=T0 + 60,
        topics=[hostile],
        answers={"t1": [answer(1, "t1", T0 + 5, who="<@U999|boss>")]},
        votes={},
    )
    rendered = json.dumps([[b.to_dict() for b in blocks] for _, blocks in summary_messages(summary, marker="x")])
    assert "<!channel>" not in rendered and "<@U999" not in rendered


def test_durations_and_thanks():
    assert duration(59 * 60) == "59 min" and duration(5400) == "1 h 30 min"
    summary = summarise(
        meeting=Meeting("m", LIVE, T0),
        ended_at=T0 + 60,
        topics=[topic(1, T0)],
        answers={"t1": [answer(1, "t1", T0 + 5)]},
        votes={"a1": 2},
    )
    outcome = outcome_for(summary.topics[0], partner_name="Beta Org")
    shared = thanks_text(outcome, asker_org="Alpha Corp", share=True)
    assert "Alpha Corp's meeting has ended" in shared and "answer 1" in shared and "+2 votes" in shared
    private = thanks_text(outcome, asker_org="Alpha Corp", share=False)
    assert "answer 1" not in private and "1 reply" in private
