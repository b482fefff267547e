"""Graph algorithms over "dependent needs dependency" edges, on plain ints."""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import TypeVar

from .snapshot import Dependency

N = TypeVar("N", bound=Hashable)

Adjacency = Mapping[int, Iterable[int]] | Sequence[Iterable[int]]


def strongly_connected(nodes: Iterable[int], adj: Adjacency) -> list[list[int]]:
    """Strongly connected components of the graph on ``nodes`` whose edges are
    ``adj[u]`` (only successors that are themselves in ``nodes`` count).

    Iterative Tarjan, so no recursion limit. Components come out in reverse
    topological order: every component is listed before any component with an
    edge into it.
    """
    members = set(nodes)
    index: dict[int, int] = {}
    low: dict[int, int] = {}
    on_stack: set[int] = set()
    stack: list[int] = []
    components: list[list[int]] = []
    counter = 0
    for root in members:
        if root in index:
            continue
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        work = [(root, iter(adj[root]))]
        while work:
            v, successors = work[-1]
            for w in successors:
                if w not in members:
                    continue
                if w not in index:
                    index[w] = low[w] = counter
                    counter += 1
                    stack.append(w)
                    on_stack.add(w)
                    work.append((w, iter(adj[w])))
                    break
                if w in on_stack and index[w] < low[v]:
                    low[v] = index[w]
            else:
                work.pop()
                if work:
                    parent = work[-1][0]
                    if low[v] < low[parent]:
                        low[parent] = low[v]
                if low[v] == index[v]:
                    component = []
                    while True:
                        w = stack.pop()
                        on_stack.discard(w)
                        component.append(w)
                        if w == v:
                            break
                    components.append(component)
    return components


def shortest_path(
    adj: Mapping[N, Iterable[N]], start: N, goal: N, allowed: Iterable[N] | None = None
) -> list[N] | None:
    """Breadth-first path ``[start, ..., goal]`` along ``adj``, or None.

    With ``allowed``, the path may only pass through those nodes (``goal`` included).
    """
    if start == goal:
        return [start]
    inside = None if allowed is None else set(allowed)
    parent: dict[N, N] = {start: start}
    frontier = [start]
    while frontier:
        following: list[N] = []
        for u in frontier:
            for v in adj.get(u, ()):
                if v in parent or (inside is not None and v not in inside):
                    continue
                parent[v] = u
                if v == goal:
                    path = [v]
                    while path[-1] != start:
                        path.append(parent[path[-1]])
                    path.reverse()
                    return path
                following.append(v)
        frontier = following
    return None


def as_adjacency(
    edges: Mapping[int, Iterable[int]] | Iterable[Dependency] | Iterable[tuple[int, int]],
) -> Mapping[int, Iterable[int]]:
    """``{dependent_id: [dependency_id, ...]}`` from a mapping, Dependency records
    or ``(dependent_id, dependency_id)`` pairs."""
    if isinstance(edges, Mapping):
        return edges
    adjacency: dict[int, list[int]] = {}
    for edge in edges:
        if isinstance(edge, Dependency):
            dependent, dependency = edge.dependent_id, edge.dependency_id
        else:
            dependent, dependency = edge
        adjacency.setdefault(dependent, []).append(dependency)
    return adjacency


def find_cycle(
    edges: Mapping[int, Iterable[int]] | Iterable[Dependency] | Iterable[tuple[int, int]],
    dependent_id: int,
    dependency_id: int,
) -> list[int] | None:
    """The cycle that adding "dependent needs dependency" would close, or None.

    ``edges`` are the existing dependencies: a plain ``{dependent_id:
    [dependency_id, ...]}`` mapping (as loaded from the database), Dependency
    records or ``(dependent_id, dependency_id)`` pairs. The cycle is returned
    as ``[dependent, dependency, ..., dependent]``, the shortest one there is.
    """
    path = shortest_path(as_adjacency(edges), dependency_id, dependent_id)
    if path is None:
        return None
    return [dependent_id, *path]


def format_cycle(path: Sequence[int], keys: Mapping[int, str] | None = None) -> str:
    """``CHK-3 -> PAY-1 -> ID-4 -> CHK-3``: the path's items by key (or as given)."""
    return " -> ".join(str(node) if keys is None else keys[node] for node in path)
