"""Stationary distributions of finite birth–death chains, for queues with balking and abandonment.

A chain on states 0 … K with birth rate ``birth(k)`` out of k (k < K) and death rate
``death(k)`` out of k (k ≥ 1) has p_k ∝ Π_{i<k} birth(i) / death(i + 1) (detailed balance).
Computed independently of the model: the states are whole parties in the system.
"""

from __future__ import annotations

from collections.abc import Callable


def stationary(birth: Callable[[int], float], death: Callable[[int], float], top: int) -> list[float]:
    """p_0 … p_top of the chain (normalised to sum 1)."""
    weights = [1.0]
    for k in range(1, top + 1):
        weights.append(weights[-1] * birth(k - 1) / death(k))
    total = sum(weights)
    return [w / total for w in weights]


def waiting(k: int, servers: int) -> int:
    """Parties waiting (not in service) when *k* are in a system with *servers*."""
    return max(k - servers, 0)
