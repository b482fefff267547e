"""What auto-scheduling answers: the moves, the broken constraints and why."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Move:
    item_id: int
    key: str
    start: int
    end: int
    to_start: int
    to_end: int
    reason: str


@dataclass(frozen=True, slots=True)
class Broken:
    kind: str  # "schedule_violation" | "capacity" | "pin" | "horizon"
    text: str


@dataclass(frozen=True, slots=True)
class Schedule:
    moves: tuple[Move, ...]  # only the items that move, key order
    feasible: bool  # constraints 1-3 all met
    broken: tuple[Broken, ...]  # every constraint the placement breaks
    why: tuple[str, ...]  # when infeasible: what makes it so
    weighted_lateness: int
    same_period: int  # dependencies that end in their needed-by period
    solver: str  # "exact" | "heuristic"
