"""How a figure was computed, as data: the rule, the inputs and where each came from, the
arithmetic, and the result. Interfaces show it beside the figure (web, API, CLI) so anyone can
check the figure by hand, and a later reader can tell which data it rested on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class TraceInput:
    name: str  # what the value is, like "persons aged 65"
    value: str  # as shown, like "5,120"
    source: str  # where it came from, like "ONS mid-2024 estimate, E08000035"


@dataclass(frozen=True, slots=True)
class Trace:
    rule: str  # what is being computed and how, in words
    inputs: tuple[TraceInput, ...]
    steps: tuple[str, ...]  # the arithmetic, one line per step
    result: str

    @property
    def sentence(self) -> str:
        """One line for people: the rule, the arithmetic, the result."""
        return " = ".join([self.rule, *self.steps, self.result])

    def to_dict(self) -> dict[str, Any]:
        return {
            "rule": self.rule,
            "inputs": [{"name": i.name, "value": i.value, "source": i.source} for i in self.inputs],
            "steps": list(self.steps),
            "result": self.result,
            "sentence": self.sentence,
        }
