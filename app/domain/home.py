"""What an organisation's own page shows (Slack's App Home): its give and take with each partner and
how its public networks are doing."""

from __future__ import annotations

from dataclasses import dataclass

from app.domain.ledger import Reciprocity
from app.domain.networks import NetworkState


@dataclass(frozen=True, slots=True)
class HomeView:
    organisation: str
    partners: tuple[Reciprocity, ...] = ()
    networks: tuple[NetworkState, ...] = ()
