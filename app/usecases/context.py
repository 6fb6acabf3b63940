"""The bundle of ports and rules a use case reaches: built once per process by the runtime, so a
use case takes it and the few values of its own event instead of a dozen keyword arguments."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

from app.domain.delivery import DeliveryRules
from app.domain.ports import (
    ChatDirectory,
    Jobs,
    PartnerRepository,
    RateLimiter,
    RelayRepository,
    SemanticMatcher,
    TopicRepository,
    VoteRepository,
)
from app.domain.timings import MeetingTimings
from app.domain.votes import VoteRules


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
    clock: Callable[[], float] = time.time
