"""Every Redis key name Cercle uses, in one place.

On a Redis Cluster, the keys one command or script touches together must share a hash slot, so
they share a hash tag: a topic's keys ``{t:<id>}``, a meeting's ``{m:<id>}``, a platform message's
``{msg:<channel>:<id>}`` (its refs, reactions kept aside, latest words), one job stream's
``{jobs:<n>}`` (the stream, its scheduled jobs and their marks), the authors' records ``{trust}``.

Keys that are written together but cannot share a slot, each written in an order that a retried
job repairs (see the store modules):
- a channel's meeting pointer and the meeting: the channel is known before the meeting's id;
- a message's ref and its answer or mirror: a message is looked up by its channel and id alone;
- the two sides of a partnership: two organisations, each read on its own;
- a topic and its meeting's list, and a question's index: a topic is found from each of them.
The rest are single keys.
"""

from __future__ import annotations

import zlib

PREFIX = "cercle"


def channel_meeting(channel_key: str) -> str:
    """The id of the open meeting of a channel (``platform:tenant:channel``)."""
    return f"{PREFIX}:chan:{channel_key}:meeting"


def meeting(meeting_id: str) -> str:
    return f"{PREFIX}:{{m:{meeting_id}}}:meeting"


def meeting_topics(meeting_id: str) -> str:
    """Sorted set of the meeting's topic ids, scored by creation time."""
    return f"{PREFIX}:{{m:{meeting_id}}}:topics"


def topic(topic_id: str) -> str:
    return f"{PREFIX}:{{t:{topic_id}}}:topic"


def question(kind: str, channel_key: str, asker_id: str, question_hash: str) -> str:
    """One person's question in one channel: kind ``claim`` is held while it is being opened (the
    same one sent twice opens once); kind ``topic`` names the topic it opened."""
    return f"{PREFIX}:ask:{kind}:{channel_key}:{asker_id}:{question_hash}"


def topic_opening(topic_id: str) -> str:
    """When the topic's root was first about to be posted: a retried opening looks for it first."""
    return f"{PREFIX}:{{t:{topic_id}}}:opening"


def counters(name: str) -> str:
    """Hash: "label|label" → count, for /metrics (app/store/counters.py)."""
    return f"{PREFIX}:counters:{name}"


def dedupe(scope: str, key: str) -> str:
    return f"{PREFIX}:dedupe:{scope}:{key}"


def slack_installation(enterprise_id: str | None, team_id: str | None, user_id: str | None = None) -> str:
    base = f"{PREFIX}:slack:installation:{enterprise_id or '-'}:{team_id or '-'}"
    return f"{base}:user:{user_id}" if user_id else base


def slack_bot(enterprise_id: str | None, team_id: str | None) -> str:
    return f"{PREFIX}:slack:bot:{enterprise_id or '-'}:{team_id or '-'}"


def slack_installation_index(enterprise_id: str | None, team_id: str | None) -> str:
    """Set of every installation key of one workspace, so an uninstall removes them all."""
    return f"{PREFIX}:slack:installation-index:{enterprise_id or '-'}:{team_id or '-'}"


def slack_oauth_state(state: str) -> str:
    return f"{PREFIX}:slack:oauth-state:{state}"


JOBS_GROUP = "workers"
JOBS_DEAD = f"{PREFIX}:jobs:dead"  # jobs given up on, from every stream, for an operator


def job_stream(stream: int) -> str:
    """One of the job streams: a job goes to ``job_stream_of(job_id)``; every worker reads them all.
    On a cluster they sit on different slots, so no shard carries all the work."""
    return f"{PREFIX}:{{jobs:{stream}}}:stream"


def scheduled_jobs(stream: int) -> str:
    """Sorted set of the stream's jobs to run later, scored by when."""
    return f"{PREFIX}:{{jobs:{stream}}}:scheduled"


def job_mark(stream: int, kind: str, job_id: str) -> str:
    """``queued``: the job is in the stream (enqueued twice, it runs once); ``scheduled``: the job
    is in the stream's scheduled set (the mark holds its entry, so that scheduling again moves it)."""
    return f"{PREFIX}:{{jobs:{stream}}}:{kind}:{job_id}"


def job_stream_of(job_id: str, *, streams: int) -> int:
    return zlib.crc32(job_id.encode()) % streams


LAYOUT = f"{PREFIX}:layout"  # the version of these names the data was written with (app/store/layout.py)


def organisation(org_key: str) -> str:
    """Hash: name, inbox, platform, tenant."""
    return f"{PREFIX}:org:{org_key}"


def partners(org_key: str) -> str:
    """Hash: partner org key → JSON {since, by}. Written on both sides at once."""
    return f"{PREFIX}:partners:{org_key}"


def invitation(code: str) -> str:
    return f"{PREFIX}:invite:{code}"


def wrong_codes(org_key: str) -> str:
    """Counter of an organisation's wrong invitation codes in the current minute (a guessing guard)."""
    return f"{PREFIX}:invite-wrong:{org_key}"


def topic_mirrors(topic_id: str) -> str:
    """Hash: partner org key → JSON mirror record."""
    return f"{PREFIX}:{{t:{topic_id}}}:mirrors"


def topic_answers(topic_id: str) -> str:
    """Sorted set of answer ids by arrival time."""
    return f"{PREFIX}:{{t:{topic_id}}}:answers"


def answer(topic_id: str, answer_id: str) -> str:
    return f"{PREFIX}:{{t:{topic_id}}}:answer:{answer_id}"


def review_decision(topic_id: str, answer_id: str) -> str:
    """Held while one click on approve or skip is acted on; it expires, so a crash mid-post is retried."""
    return f"{PREFIX}:{{t:{topic_id}}}:review:{answer_id}"


def topic_replies_lock(topic_id: str) -> str:
    """Held while one reply is weighed against the topic's earlier answers."""
    return f"{PREFIX}:{{t:{topic_id}}}:replies-lock"


def _message(channel_key: str, message_id: str) -> str:
    return f"{PREFIX}:{{msg:{channel_key}:{message_id}}}"


def message_ref(kind: str, channel_key: str, message_id: str) -> str:
    """Which topic (and answer) a platform message belongs to: kind is mirror, source, injected,
    digest (several answers: the topic and its thread) or vote (a "+1" reply, with its voter)."""
    return f"{_message(channel_key, message_id)}:ref:{kind}"


def reply_change(channel_key: str, message_id: str) -> str:
    """The latest words of a reply edited or deleted (empty) before a worker read it."""
    return f"{_message(channel_key, message_id)}:change"


def reply_edit(channel_key: str, message_id: str) -> str:
    """The version (Slack's edited.ts, in µs) of the latest edit of a reply that was applied."""
    return f"{_message(channel_key, message_id)}:edit"


def parked_reactions(channel_key: str, message_id: str) -> str:
    """Vote reactions on a message Cercle does not know as an answer yet (it may be posting it)."""
    return f"{_message(channel_key, message_id)}:parked"


def rate_bucket(channel_key: str) -> str:
    return f"{PREFIX}:ratelimit:{channel_key}"


def topic_injections(topic_id: str) -> str:
    """Sorted set: answers injected in the current window, scored by time."""
    return f"{PREFIX}:{{t:{topic_id}}}:injections"


def answer_votes(topic_id: str, answer_id: str) -> str:
    """Hash: voter key → direction (+1 / -1); one vote per person per answer."""
    return f"{PREFIX}:{{t:{topic_id}}}:votes:{answer_id}"


def vote_emoji(topic_id: str, answer_id: str) -> str:
    """Hash: voter key → the vote emoji they have on any copy of one answer, "+👍,-👎"."""
    return f"{PREFIX}:{{t:{topic_id}}}:vote-emoji:{answer_id}"


def vote_times(topic_id: str, answer_id: str) -> str:
    """Hash: "voter|+emoji" → the time of the latest change applied, so that changes apply in order."""
    return f"{PREFIX}:{{t:{topic_id}}}:vote-times:{answer_id}"


# Authors' records share one hash tag: a meeting's outcome updates them in one script.
TRUST_TOTALS = f"{PREFIX}:{{trust}}:totals"


def author_record(author: str) -> str:
    """Hash: answers, helpful (see app/domain/trust.py)."""
    return f"{PREFIX}:{{trust}}:author:{author}"


def trust_counted(meeting_id: str) -> str:
    """Set once a meeting's outcome went into the authors' records, so a retried job adds nothing."""
    return f"{PREFIX}:{{trust}}:counted:{meeting_id}"


def teams_tenant(tenant: str) -> str:
    """Hash: a Teams tenant's installation (its serviceUrl, the bot, the team's name, when)."""
    return f"{PREFIX}:{{teams:{tenant}}}:tenant"


def teams_conversations(tenant: str) -> str:
    """Hash: conversation id → JSON of where Cercle is installed in the tenant (team channels, chats)."""
    return f"{PREFIX}:{{teams:{tenant}}}:conversations"


def teams_installers(tenant: str) -> str:
    """Set: who added Cercle to a team of the tenant (their aadObjectId): they manage its partners."""
    return f"{PREFIX}:{{teams:{tenant}}}:installers"


def teams_people(tenant: str) -> str:
    """Hash: user id → display name, as activities name them (Teams sends names; nothing to look up)."""
    return f"{PREFIX}:{{teams:{tenant}}}:people"


def teams_personal(tenant: str) -> str:
    """Hash: user id → their 1:1 chat with Cercle, where their personal card goes."""
    return f"{PREFIX}:{{teams:{tenant}}}:personal"


def teams_summary_parts(tenant: str, marker: str) -> str:
    """Hash: part index → message id of a summary being posted: a retried job posts only the rest."""
    return f"{PREFIX}:{{teams:{tenant}}}:summary:{marker}"


def network_state(network: str) -> str:
    """Hash: a public network's state (last success, last error and since when, failures in a row)."""
    return f"{PREFIX}:network:{network}:state"


def network_cursor(topic_id: str, network: str) -> str:
    """How far a topic's replies on one network were read (the integration's own cursor)."""
    return f"{PREFIX}:{{t:{topic_id}}}:cursor:{network}"


def network_polls(network: str) -> str:
    """Sorted set: the topics whose replies are being read on a network, scored by when that stops
    (they share the account's budget, so each is read less often when there are many)."""
    return f"{PREFIX}:network:{network}:polls"


def ledger_day(org_key: str, day: str) -> str:
    """Hash: "partner|field" → count, one organisation's give and take with its partners on one day."""
    return f"{PREFIX}:ledger:{org_key}:{day}"


def ledger_event(event: str) -> str:
    """An event the ledger counted (a mirror posted, an answer stored): counted once."""
    return f"{PREFIX}:ledger-event:{event}"


def organisation_language(org_key: str) -> str:
    """The language an admin chose for the organisation's channels ("en", "fr")."""
    return f"{PREFIX}:lang:org:{org_key}"


def person_language(org_key: str, user_id: str) -> str:
    """The language a platform last said a person reads ("" when it said one Cercle does not speak)."""
    return f"{PREFIX}:lang:person:{org_key}:{user_id}"


def organisation_topics(org_key: str) -> str:
    """Sorted set of an organisation's recent topic ids, by creation time (its page lists the open ones)."""
    return f"{PREFIX}:org-topics:{org_key}"


def person_topics(org_key: str, user_id: str) -> str:
    """Sorted set of the topics one person asked, by creation time (their page lists them)."""
    return f"{PREFIX}:person-topics:{org_key}:{user_id}"
