"""The one error a wrong configuration raises, naming its variable (its own module: every settings
module raises it, and app/runtime/config.py reads them all)."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration problem, always tied to one environment variable."""

    def __init__(self, variable: str, problem: str) -> None:
        super().__init__(f"{variable}: {problem}")
        self.variable = variable
        self.problem = problem
