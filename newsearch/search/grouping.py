"""Grouping ranked hits that are copies of each other (the same wire story, two versions of one story).

Works on the copy signatures engines return with each hit
(``ingest.signatures.pack``), so every engine groups alike.
"""

from __future__ import annotations

from collections.abc import Sequence

from newsearch.ingest.signatures import NEAR_DUPLICATE, min_shared, resemblance, unpack


def group_copies(signatures: Sequence[bytes]) -> list[list[int]]:
    """Group positions of a ranked list whose articles are copies of each other, keeping rank order.

    Each group lists positions, the first being the copy that is shown. An
    article joins the first earlier group whose leader has its fingerprint or
    a resemblant sketch. Leaders are found through the sketch hashes they
    share with the article, so a long result list costs one pass, not a
    comparison of every pair.
    """
    groups: list[list[int]] = []
    leaders: list[frozenset[int]] = []  # the sketch of each group's first article
    by_fingerprint: dict[bytes, int] = {}
    # sketch hash -> the first group whose leader has it, and the later ones in `more`: most hashes
    # belong to one leader, so a new leader is filed with one dict update (in C), not a loop.
    first_with: dict[int, int] = {}
    more: dict[int, list[int]] = {}
    needed = min_shared()
    for position, raw in enumerate(signatures):
        fingerprint, sketch = unpack(raw)
        group = by_fingerprint.get(fingerprint) if fingerprint else None
        known = first_with.keys() & sketch if sketch else frozenset()
        # Most articles share too few hashes with every leader to be a copy: no candidates to weigh,
        # and a whole result list (to count its groups) costs little.
        if group is None and len(known) >= needed:
            shared: dict[int, int] = {}
            for h in known:
                for candidate in (first_with[h], *more.get(h, ())):
                    shared[candidate] = shared.get(candidate, 0) + 1
            group = next(
                (g for g in sorted(shared) if shared[g] >= needed and resemblance(sketch, leaders[g]) >= NEAR_DUPLICATE),
                None,
            )
        if group is not None:
            groups[group].append(position)
            continue
        group = len(groups)
        groups.append([position])
        leaders.append(sketch)
        if fingerprint:
            by_fingerprint[fingerprint] = group
        for h in known:
            more.setdefault(h, []).append(group)
        first_with.update(dict.fromkeys(sketch - known, group))
    return groups
