"""The bundle of ports and rules a use case reaches: built once per process by the runtime, so a
use case takes it and the few values of its own event instead of a dozen keyword arguments."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from app.domain.delivery import DeliveryRules
from app.domain.language import DEFAULT_LANGUAGE
from app.domain.models import Reach
from app.domain.ports import (
    ChatDirectory,
    Jobs,
    Languages,
    Ledger,
    Network,
    NetworkDirectory,
    NetworkLog,
    PartnerRepository,
    RateLimiter,
    RelayRepository,
    SemanticMatcher,
    TopicRepository,
    VoteRepository,
)
from app.domain.timings import MeetingTimings
from app.domain.votes import VoteRules


class NoNetworks:
    """No network is connected: a question never leaves the organisation."""

    def networks(self) -> Sequence[Network]:
        return ()

    def network(self, *, key: str) -> Network | None:
        return None


@dataclass(frozen=True, slots=True)
class Context:
    topics: TopicRepository
    partners: PartnerRepository
    relay: RelayRepository
    votes: VoteRepository
    directory: ChatDirectory
    jobs: Jobs
    limiter: RateLimiter
    rules: DeliveryRules = field(default_factory=DeliveryRules)
    vote_rules: VoteRules = field(default_factory=VoteRules)
    timings: MeetingTimings = field(default_factory=MeetingTimings)
    matcher: SemanticMatcher | None = None  # the optional text models (the worker only)
    admins: frozenset[str] = frozenset()  # people who may manage partners besides the platform's admins
    networks: NetworkDirectory = field(default_factory=lambda: NoNetworks())
    network_log: NetworkLog | None = None  # where the networks' state and cursors are kept (Redis)
    default_reach: Reach = Reach.PARTNERS  # a question without --public or --partners-only
    poll_s: float = 20.0  # how often the networks are read for replies while the meeting runs
    ledger: Ledger | None = None  # the give and take between partners
    languages: Languages | None = None  # each organisation's and person's language
    default_language: str = DEFAULT_LANGUAGE  # an organisation's that has not chosen
    clock: Callable[[], float] = time.time
