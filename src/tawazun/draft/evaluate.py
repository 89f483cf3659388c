"""How close a draft comes to a hand-coded scenario: actors found, positions suggested.

A draft's actor ids are the gazetteer's; a hand-coded scenario may group or split actors
differently (the flagship codes the factions as two actors, the article names them as
one). ``same_as`` says which reference actors each draft actor stands for; an id absent
from it stands for the reference actor of the same id, if any.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from tawazun.scenario import Scenario


@dataclass(frozen=True)
class PositionError:
    actor: str
    reference: str
    issue: str
    drafted: float
    coded: float
    #: as a share of the issue's scale
    error: float


@dataclass(frozen=True)
class Comparison:
    drafted: list[str]
    matched: dict[str, list[str]]
    unmatched: list[str]
    recalled: list[str]
    missed: list[str]
    errors: list[PositionError]

    @property
    def precision(self) -> float:
        return len(self.matched) / len(self.drafted) if self.drafted else 0.0

    @property
    def recall(self) -> float:
        total = len(self.recalled) + len(self.missed)
        return len(self.recalled) / total if total else 0.0

    @property
    def mean_error(self) -> float:
        return sum(e.error for e in self.errors) / len(self.errors) if self.errors else 0.0


def compare(
    draft: Scenario, reference: Scenario, same_as: Mapping[str, list[str]] | None = None
) -> Comparison:
    """Precision and recall of the draft's actors and its position errors, on ``reference``."""
    same_as = same_as or {}
    known = {a.id for a in reference.actors}
    matched: dict[str, list[str]] = {}
    for actor in draft.actors:
        targets = [t for t in same_as.get(actor.id, [actor.id]) if t in known]
        if targets:
            matched[actor.id] = targets
    recalled = sorted({t for targets in matched.values() for t in targets})
    errors: list[PositionError] = []
    for actor_id, targets in matched.items():
        actor = draft.actor(actor_id)
        for issue_id, stance in actor.stances.items():
            issue = reference.issue(issue_id)
            for target in targets:
                coded = reference.actor(target).stances.get(issue_id)
                if coded is None:
                    continue
                errors.append(
                    PositionError(
                        actor_id,
                        target,
                        issue_id,
                        stance.position,
                        coded.position,
                        abs(stance.position - coded.position) / issue.scale.width,
                    )
                )
    return Comparison(
        drafted=[a.id for a in draft.actors],
        matched=matched,
        unmatched=[a.id for a in draft.actors if a.id not in matched],
        recalled=recalled,
        missed=sorted(known - set(recalled)),
        errors=errors,
    )


#: Which of the flagship's actors (``iraq-2024``) each gazetteer actor stands for.
FLAGSHIP_SAME_AS: dict[str, list[str]] = {
    "iraqi-armed-factions": ["kataib-hezbollah", "nujaba"],
    "krg": ["krg-kdp"],
    "kdp": ["krg-kdp"],
    "taqaddum": ["sunni-parties"],
    "global-coalition": ["coalition-partners"],
    "united-kingdom": ["coalition-partners"],
    "france": ["coalition-partners"],
    "germany": ["coalition-partners"],
    "gcc": ["gulf-states"],
    "saudi-arabia": ["gulf-states"],
    "uae": ["gulf-states"],
}
