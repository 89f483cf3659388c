"""Test oracle for the expected utility model: the specification as plain Python loops.

Every quantity is written as the sum or the comparison the specification states, one actor
(or one pair, or one triple) at a time, in the order the public replication of Scholz,
Calbert and Smith (2011) evaluates it (github.com/jmckib/bdm-scholz-expected-utility-model,
``bdm_scholz_model.py``). Nothing here is vectorised, cached across states or rearranged
algebraically, so that :mod:`tawazun.models.eum` can be checked against it.

One liberty is taken for speed: the replication recomputes the sum of all votes and every
actor's danger level inside every call (O(n^6) a round); here each is computed once per
state of the positions, which changes no number (O(n^3) a round for the default variant).

The replication's median scans the distinct positions in Python 2 set order; the oracle
scans them in ascending order. The two differ only where two positions tie exactly.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class OracleOffer:
    receiver: int
    proposer: int
    kind: str
    eu_receiver: float
    eu_proposer: float
    position: float


@dataclass
class OracleRound:
    positions: list[float]
    risk: list[float] = field(default_factory=list)
    offers: list[OracleOffer] = field(default_factory=list)
    accepted: list[OracleOffer] = field(default_factory=list)
    median: float = 0.0
    mean: float = 0.0


class Oracle:
    """The model on one issue, with the replication's choices and their corrections."""

    def __init__(
        self,
        capability: list[float],
        position: list[float],
        salience: list[float],
        *,
        q: float = 1.0,
        t: float = 1.0,
        probability: str = "all_votes",
        capitulation: str = "never",
        compromise: str = "weighted_position",
        risk: str = "across_actors",
    ) -> None:
        self.c = list(capability)
        self.s = list(salience)
        self.x = list(position)
        self.n = len(self.x)
        self.r = [1.0] * self.n
        self.q = q
        self.t = t
        self.probability_rule = probability
        self.capitulation_rule = capitulation
        self.compromise_rule = compromise
        self.risk_rule = risk
        self.width = max(self.x) - min(self.x)
        self.total_votes = 0.0
        self.median_now = 0.0

    # -- votes -------------------------------------------------------------------------
    def vote(self, voter: int, x_j: float, x_k: float, risk: float | None = None) -> float:
        """Votes of ``voter`` for x_j over x_k."""
        r = self.r[voter] if risk is None else risk
        far_k = (abs(self.x[voter] - x_k) / self.width) ** r
        far_j = (abs(self.x[voter] - x_j) / self.width) ** r
        return self.c[voter] * self.s[voter] * (far_k - far_j)

    def sum_of_all_votes(self) -> float:
        total = 0.0
        for voter in range(self.n):
            for a in range(self.n):
                for b in range(self.n):
                    total += abs(self.vote(voter, self.x[a], self.x[b]))
        return total

    def probability(self, x_i: float, x_j: float) -> float:
        if x_i == x_j:
            return 0.0
        favour = 0.0
        for voter in range(self.n):
            favour += max(0.0, self.vote(voter, x_i, x_j))
        if self.probability_rule == "all_votes":
            return favour / self.total_votes
        against = 0.0
        for voter in range(self.n):
            against += max(0.0, self.vote(voter, x_j, x_i))
        if favour + against == 0.0:
            return 0.5
        return favour / (favour + against)

    def median(self) -> float:
        positions = sorted(set(self.x))
        best = positions[0]
        for candidate in positions[1:]:
            votes = 0.0
            for voter in range(self.n):
                votes += self.vote(voter, candidate, best, risk=1.0)
            if votes > 0:
                best = candidate
        return best

    def median_midpoint(self) -> float:
        """The midpoint of the positions tying for the median, within a relative 1e-12:
        the tie rule tawazun uses for the median inside U_b and U_w (Q < 1)."""
        positions = sorted(set(self.x))
        cost = []
        for p in positions:
            total = 0.0
            for voter in range(self.n):
                total += self.c[voter] * self.s[voter] * abs(self.x[voter] - p)
            cost.append(total)
        tied = [
            p for p, v in zip(positions, cost, strict=True) if v <= min(cost) + 1e-12 * max(cost)
        ]
        return (tied[0] + tied[-1]) / 2

    def mean(self) -> float:
        top = 0.0
        bottom = 0.0
        for i in range(self.n):
            top += self.c[i] * self.s[i] * self.x[i]
            bottom += self.c[i] * self.s[i]
        return top / bottom

    # -- utilities (from the point of view of `me`, with its risk exponent) ------------
    def utility(self, me: int, shift: float) -> float:
        return 2 - 4 * shift ** self.r[me]

    def eu_challenge(self, me: int, challenger_x: float, target: int) -> float:
        """Expected utility to the challenger at ``challenger_x`` of challenging ``target``,
        as actor ``me`` sees it."""
        target_x = self.x[target]
        distance = abs(challenger_x - target_x) / self.width
        p = self.probability(challenger_x, target_x)
        u_success = self.utility(me, 0.5 - 0.5 * distance)
        u_failure = self.utility(me, 0.5 + 0.5 * distance)
        u_status_quo = self.utility(me, 0.5)
        spread = (abs(challenger_x - self.median_now) / self.width + distance) * 0.25
        u_better = self.utility(me, 0.5 - spread)
        u_worse = self.utility(me, 0.5 + spread)
        resist = self.s[target] * (p * u_success + (1 - p) * u_failure)
        no_resist = (1 - self.s[target]) * u_success
        stay = self.q * u_status_quo + (1 - self.q) * (self.t * u_better + (1 - self.t) * u_worse)
        return resist + no_resist - stay

    # -- risk --------------------------------------------------------------------------
    def danger(self, me: int) -> float:
        total = 0.0
        for other in range(self.n):
            if other != me:
                total += self.eu_challenge(me, self.x[other], me)
        return total

    def risk_exponents(self) -> list[float]:
        self.r = [1.0] * self.n
        self.total_votes = self.sum_of_all_votes()
        dangers = [self.danger(i) for i in range(self.n)]
        acceptance = []
        for i in range(self.n):
            if self.risk_rule == "across_actors":
                high, low = max(dangers), min(dangers)
            else:
                possible = []
                here = self.x[i]
                for y in sorted(set(self.x)):
                    self.x[i] = y
                    self.total_votes = self.sum_of_all_votes()
                    possible.append(self.danger(i))
                self.x[i] = here
                self.total_votes = self.sum_of_all_votes()
                high, low = max(possible), min(possible)
            if high == low:
                acceptance.append(0.0)
            else:
                acceptance.append((2 * dangers[i] - high - low) / (high - low))
        return [(1 - a / 3) / (1 + a / 3) for a in acceptance]

    # -- offers ------------------------------------------------------------------------
    def offer(self, i: int, j: int) -> OracleOffer | None:
        eu_ij = self.eu_challenge(i, self.x[i], j)
        eu_ji = self.eu_challenge(i, self.x[j], i)
        if eu_ji > eu_ij > 0:
            return OracleOffer(i, j, "confrontation", eu_ij, eu_ji, self.x[j])
        if eu_ji > 0 > eu_ij and eu_ji > abs(eu_ij):
            moved = self.x[i] + (self.x[j] - self.x[i]) * abs(eu_ij / eu_ji)
            return OracleOffer(i, j, "compromise", eu_ij, eu_ji, moved)
        if self.capitulation_rule == "paper" and eu_ji > 0 > eu_ij and eu_ji < abs(eu_ij):
            return OracleOffer(i, j, "capitulation", eu_ij, eu_ji, self.x[j])
        return None

    def choose(self, i: int, offers: list[OracleOffer]) -> OracleOffer | None:
        def move(o: OracleOffer) -> float:
            return abs(self.x[i] - o.position)

        def weighted(o: OracleOffer) -> float:
            top = abs(o.eu_receiver) * self.x[i] + abs(o.eu_proposer) * self.x[o.proposer]
            return top / (abs(o.eu_receiver) + abs(o.eu_proposer))

        for kind in ("confrontation", "compromise", "capitulation"):
            same = [o for o in offers if o.kind == kind]
            if same:
                if kind == "compromise" and self.compromise_rule == "weighted_position":
                    return min(same, key=weighted)
                return min(same, key=move)
        return None

    def step(self) -> OracleRound:
        self.median_now = self.median_midpoint()
        risk = self.risk_exponents()
        self.r = risk
        self.total_votes = self.sum_of_all_votes()
        made: list[OracleOffer] = []
        accepted: list[OracleOffer] = []
        for i in range(self.n):
            mine = []
            for j in range(self.n):
                if self.x[i] == self.x[j]:
                    continue
                o = self.offer(i, j)
                if o is not None:
                    mine.append(o)
            made.extend(mine)
            best = self.choose(i, mine)
            if best is not None:
                accepted.append(best)
        for o in accepted:
            self.x[o.receiver] = o.position
        return OracleRound(
            positions=list(self.x),
            risk=list(risk),
            offers=made,
            accepted=accepted,
            median=self.median(),
            mean=self.mean(),
        )


def run_oracle(
    capability: list[float],
    position: list[float],
    salience: list[float],
    *,
    rounds: int = 10,
    **options: object,
) -> list[OracleRound]:
    """Round 0 (the input) and ``rounds`` rounds of the model on one issue."""
    model = Oracle(capability, position, salience, **options)  # type: ignore[arg-type]
    start = OracleRound(positions=list(model.x), median=model.median(), mean=model.mean())
    history = [start]
    for _ in range(rounds):
        history.append(model.step())
    return history
