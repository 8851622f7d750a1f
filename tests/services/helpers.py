"""The acting person for services tests: ONE place to adapt when authentication lands."""

from __future__ import annotations

from sirenctl.identity import Actor
from sirenctl.services.operator import actor_for_operator


def technician(name: str = "李师傅") -> Actor:
    return actor_for_operator(name)
