"""A plain-loop transcription of KTAB's SMP turn, kept as the test oracle for the fast kernel.

One Python loop per loop of KTAB's C++ (``smp.cpp``, ``smpbcn.cpp``, ``kmodel.cpp``), on
floats, in KTAB's order of operations, with no NumPy in the arithmetic. It is slow (cubic
in actors, in Python) and exists only to be compared with
:mod:`tawazun.models._smp_kernel`, which must give the same positions turn by turn.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from tawazun.models._smp_kernel import Settings

MIN_COALITION = 1e-8
MIN_PRINCIPALS = 1e-10


@dataclass
class OracleHistory:
    positions: list[list[list[float]]] = field(default_factory=list)
    probability: list[list[float]] = field(default_factory=list)
    risk: list[list[float]] = field(default_factory=list)
    target: list[list[int]] = field(default_factory=list)
    fractional_change: list[float] = field(default_factory=list)

    @property
    def turns(self) -> int:
        return len(self.positions) - 1


def vote(rule: str, w: float, u1: float, u2: float) -> float:
    du = u1 - u2
    r_bin = max(-1.0, min(1.0, du / 1e-8))
    cubic = du * du * du
    if rule == "Binary":
        return w * r_bin
    if rule == "PropBin":
        return w * ((1 - 0.2) * du + 0.2 * r_bin)
    if rule == "Prop":
        return w * du
    if rule == "PropCbc":
        return w * ((1 - 0.5) * du + 0.5 * cubic)
    if rule == "Cubic":
        return w * cubic
    if du < 0:
        return w * du
    if du > 0:
        return (2.0 * w * du) / 3.0
    return 0.0


def victory_pair(model: str, s1: float, s2: float) -> tuple[float, float]:
    if model == "Linear":
        x1, x2 = s1, s2
    elif model == "Square":
        x1, x2 = s1 * s1, s2 * s2
    elif model == "Quartic":
        x1, x2 = (s1 * s1) * (s1 * s1), (s2 * s2) * (s2 * s2)
    elif model == "Octic":
        q1, q2 = (s1 * s1) * (s1 * s1), (s2 * s2) * (s2 * s2)
        x1, x2 = q1 * q1, q2 * q2
    elif s1 >= 1.10 * s2:
        x1, x2 = 1.0, 1e-6
    elif s2 >= 1.10 * s1:
        x1, x2 = 1e-6, 1.0
    else:
        p12 = (s1 / (s1 + s2) * (1.10 + 1.0) - 1.0) / (1.10 - 1.0)
        x1, x2 = p12, 1 - p12
    return x1 / (x1 + x2), x2 / (x1 + x2)


def scalar_pce(w: list[float], u: list[list[float]], s: Settings) -> list[float]:
    n, m = len(u), len(u[0])
    c = [[0.0] * m for _ in range(m)]
    for i in range(m):
        for j in range(i):
            cij = cji = MIN_COALITION
            for k in range(n):
                v = vote(s.voting_rule, w[k], u[k][i], u[k][j])
                if v > 0:
                    cij = cij + v
                if v < 0:
                    cji = cji - v
            c[i][j], c[j][i] = cij, cji
        c[i][i] = MIN_COALITION
    pv = [[0.5] * m for _ in range(m)]
    for i in range(m):
        for j in range(i):
            pv[i][j], pv[j][i] = victory_pair(s.victory_model, c[i][j], c[j][i])
    if s.pce_model == "Conditional":
        p = []
        for i in range(m):
            pi = 1.0
            for j in range(m):
                pi = pi * pv[i][j]
            p.append(pi)
        total = 0.0
        for x in p:
            total = total + x
        return [x / total for x in p]
    p = [1.0 / m] * m
    change = 1.0
    if s.pce_model == "MarkovUniform":
        while change > 1e-6:
            q = []
            for i in range(m):
                acc = 0.0
                for j in range(m):
                    acc = acc + pv[i][j] * (p[i] + p[j])
                q.append(acc / m)
            change = max(abs(a - b) for a, b in zip(q, p, strict=True))
            p = [(a + b) / 2.0 for a, b in zip(p, q, strict=True)]
        return p
    inc = [[c[i][j] * pv[i][j] + (1e-10 if i == j else 0.0) for j in range(m)] for i in range(m)]
    col = []
    for j in range(m):
        acc = 0.0
        for k in range(m):
            acc = acc + inc[k][j]
        col.append(acc)
    chlg = [[inc[i][j] / col[j] for j in range(m)] for i in range(m)]
    while change > 1e-8:
        ct = [[p[i] * chlg[j][i] for j in range(m)] for i in range(m)]
        q = []
        for i in range(m):
            acc = 0.0
            for j in range(m):
                acc = acc + pv[i][j] * (ct[i][j] + ct[j][i])
            q.append(acc)
        change = max(abs(a - b) for a, b in zip(q, p, strict=True))
        p = [(a + b) / 2.0 for a, b in zip(p, q, strict=True)]
    return p


def bv_diff(d: list[float], sal: list[float]) -> float:
    ds_sqr = ss_sqr = 0.0
    for dk, sk in zip(d, sal, strict=True):
        ds = dk * sk
        ds_sqr = ds_sqr + ds * ds
        ss_sqr = ss_sqr + sk * sk
    return math.sqrt(ds_sqr / ss_sqr)


def bs_util(d: float, r: float) -> float:
    return (1 - d) * (1 + d * r)


def est_nra(rh: float, ri: float, adjust: str) -> float:
    if adjust == "Full":
        return ri
    if adjust == "TwoThirds":
        return (rh + (2.0 * ri)) / 3.0
    if adjust == "Half":
        return (rh + ri) / 2
    if adjust == "OneThird":
        return ((2.0 * rh) + ri) / 3.0
    return rh


def norm(v: list[float]) -> float:
    s = 0.0
    for x in v:
        s = s + x * x
    return math.sqrt(s)


def sub(a: list[float], b: list[float]) -> list[float]:
    return [x - y for x, y in zip(a, b, strict=True)]


def round4(x: float) -> float:
    return int(0.5 + x * 10000.0) / 10000.0


def run_oracle(
    cap: list[float],
    pos: list[list[float]],
    sal: list[list[float]],
    s: Settings,
    seed: int = 0,
) -> OracleHistory:
    """KTAB's ``Model::run`` for an SMP with identity ideal accommodation."""
    rng = random.Random(seed)
    n, m = len(cap), len(pos[0])
    s_tot = []
    for row in sal:
        acc = 0.0
        for x in row:
            acc = acc + x
        s_tot.append(acc)
    hist = OracleHistory()
    state = [list(p) for p in pos]
    d01 = 0.0
    turn = 0
    stop = False
    while True:
        # setAllAUtil
        vd = [[bv_diff(sub(state[i], state[j]), sal[i]) for j in range(n)] for i in range(n)]
        rn = [[bs_util(vd[i][j], 0.0) for j in range(n)] for i in range(n)]
        p_rn = scalar_pce(cap, rn, s)
        lo, hi = min(p_rn), max(p_rn)
        if not hi > lo:
            nra = [0.0] * n
        elif s.big_r_range == "Min":
            nra = [(p - lo) / (hi - lo) for p in p_rn]
        elif s.big_r_range == "Mid":
            nra = [(3 * p - (hi + 2 * lo)) / (2 * (hi - lo)) for p in p_rn]
        else:
            nra = [(2 * p - (hi + lo)) / (hi - lo) for p in p_rn]

        def a_util(h: int, i: int, j: int) -> float:
            return bs_util(vd[i][j], est_nra(nra[h], nra[i], s.big_r_adjust))  # noqa: B023

        own = [[a_util(i, i, j) for j in range(n)] for i in range(n)]
        # unique positions and pDist(-1)
        uniq: list[int] = []
        for i in range(n):
            if not any(norm(sub(state[i], state[u])) < 1e-3 for u in uniq):
                uniq.append(i)
        pu = scalar_pce(cap, [[own[i][u] for u in uniq] for i in range(n)], s)
        shown = []
        for i in range(n):
            k = -1
            for j1, u in enumerate(uniq):
                if norm(sub(state[i], state[u])) < 1e-3:
                    k = j1
            shown.append(pu[k])
        hist.positions.append([list(p) for p in state])
        hist.probability.append(shown)
        hist.risk.append(nra)
        if stop:
            return hist

        def prob_edu(h: int, k: int, i: int, j: int) -> tuple[float, float]:
            uii, uij = a_util(h, i, i), a_util(h, i, j)
            uji, ujj = a_util(h, j, i), a_util(h, j, j)
            eu_sq = a_util(h, k, i) + a_util(h, k, j)
            uhkij = a_util(h, k, i) + a_util(h, k, i)
            uhkji = a_util(h, k, j) + a_util(h, k, j)
            ci = vote(s.voting_rule, s_tot[i] * cap[i], uii, uij)
            cj = vote(s.voting_rule, s_tot[j] * cap[j], uji, ujj)
            chij = chji = MIN_PRINCIPALS
            if ci > 0.0:
                chij = chij + ci
            if ci < 0.0:
                chji = chji - ci
            if cj > 0.0:
                chij = chij + cj
            if cj < 0.0:
                chji = chji - cj
            cache_i, cache_j = chij, chji
            for t in range(n):
                if t in (i, j):
                    continue
                wt = s_tot[t] * cap[t]
                uni, unj, unn = a_util(h, t, i), a_util(h, t, j), a_util(h, t, t)
                little = vote(s.voting_rule, wt, uni, unj)
                cni = cache_i + little if little > 0 else cache_i
                cnj = cache_j - little if little < 0 else cache_j
                pin = cni / (cni + cnj)
                pjn = 1.0 - pin
                if s.third_party_commit == "FullCommit":
                    a1, a2, a3, a4 = (
                        uni + uni + uni,
                        unj + unj + unj,
                        uni + uni + uni,
                        unj + unj + unj,
                    )
                elif s.third_party_commit == "SemiCommit":
                    a1, a2, a3, a4 = (
                        uni + uni + unn,
                        unj + unj + unj,
                        uni + uni + uni,
                        unj + unj + unn,
                    )
                else:
                    a1, a2, a3, a4 = (
                        uni + uni + unn,
                        unj + unj + unn,
                        uni + uni + unn,
                        unj + unj + unn,
                    )
                vk = vote(s.voting_rule, wt, pin * a1 + pjn * a2, pin * a3 + pjn * a4)
                if vk > 0:
                    chij = chij + vk
                if vk < 0:
                    chji = chji - vk
            phij, phji = chij / (chij + chji), chji / (chij + chji)
            eu_chlg = (1 - s_tot[j]) * uhkij + s_tot[j] * (phij * uhkij + phji * uhkji)
            return phij, eu_chlg - eu_sq

        def interpolate(i: int, j: int, pi: float, pj: float) -> tuple[list[float], list[float]]:
            bi, bj = [], []
            for k in range(m):
                tik, sik = state[i][k], sal[i][k]  # noqa: B023
                tjk, sjk = state[j][k], sal[j][k]  # noqa: B023
                if s.interpolation == "S2PMax":
                    di = pj - pi if pj > pi else 0
                    dj = pi - pj if pi > pj else 0
                    sik2, sjk2 = sik * sik, sjk * sjk
                    dik = (di * sjk2) / ((di * sjk2) + 1e-6 + ((1 - di) * sik2))
                    djk = (dj * sik2) / ((dj * sik2) + 1e-6 + ((1 - dj) * sjk2))
                    bi.append(tik + dik * (tjk - tik))
                    bj.append(tjk + djk * (tik - tjk))
                    continue
                e = 2 if s.interpolation == "S2P2" else 1
                wik = (sik**e) * (pi**e)
                wjk = (sjk**e) * (pj**e)
                bi.append(round4(((wik + 1e-6) * tik + wjk * tjk) / (wik + 1e-6 + wjk)))
                bj.append(round4((wik * tik + (1e-6 + wjk) * tjk) / (wik + 1e-6 + wjk)))
            return bi, bj

        # doBCN: every actor's best challenge and its bargain
        brgns: list[list[tuple[int, int, list[float], list[float]]]] = [
            [(a, a, state[a], state[a])] for a in range(n)
        ]
        targets = []
        for i in range(n):
            best_j, p_ij, best = -1, 0.0, -1.0
            for j in range(n):
                if j == i:
                    continue
                pij, edu = prob_edu(i, i, i, j)
                if edu > 1e-5 and edu > best:
                    best_j, p_ij, best = j, pij, edu
            targets.append(best_j)
        offers: list[tuple[int, int, list[float], list[float]]] = []
        for i, j in enumerate(targets):
            if j < 0:
                continue
            p_ij = prob_edu(i, i, i, j)[0]
            own_i, own_j = interpolate(i, j, p_ij, 1 - p_ij)
            if s.bargain_model == "InitOnlyInterp":
                offers.append((i, j, own_i, own_j))
                continue
            view = prob_edu(j, i, i, j)[1]
            oth_i, oth_j = interpolate(i, j, view, 1 - view)
            if s.bargain_model == "InitRcvrInterp":
                offers += [(i, j, own_i, own_j), (i, j, oth_i, oth_j)]
                continue
            wi, wj = cap[i] * s_tot[i], cap[i] * s_tot[j]
            mix_i = [(wi * a + wj * b) / (wi + wj) for a, b in zip(own_i, oth_i, strict=True)]
            mix_j = [(wi * a + wj * b) / (wi + wj) for a, b in zip(own_j, oth_j, strict=True)]
            offers.append((i, j, mix_i, mix_j))
        for offer in offers:
            brgns[offer[0]].append(offer)
            brgns[offer[1]].append(offer)
        for k in range(n):
            brgns[k] = [brgns[k][0], *sorted(brgns[k][1:], key=lambda b: b[0])]

        def pos_util(a: int, p: list[float]) -> float:
            return bs_util(bv_diff(sub(state[a], p), sal[a]), nra[a])  # noqa: B023

        def brgn_util(a: int, b: tuple[int, int, list[float], list[float]]) -> float:
            u = 0.0
            if b[0] == b[1]:
                for t in range(n):
                    u = u + own[a][t]  # noqa: B023
            else:
                u = u + pos_util(a, b[2])
                u = u + pos_util(a, b[3])
                for t in range(n):
                    if t not in (b[0], b[1]):
                        u = u + own[a][t]  # noqa: B023
            return u / n

        new_state = [list(p) for p in state]
        for k in range(n):
            if len(brgns[k]) == 1:
                continue
            u = [[brgn_util(a, b) for b in brgns[k]] for a in range(n)]
            p = scalar_pce(cap, u, s)
            if s.state_transitions == "Deterministic":
                pick = max(range(len(p)), key=lambda x: (p[x], -x))  # noqa: B023
            else:
                draw, acc, pick = rng.random(), 0.0, len(p) - 1
                for x, px in enumerate(p):
                    acc = acc + px
                    if draw <= acc:
                        pick = x
                        break
            b = brgns[k][pick]
            if b[0] != b[1]:
                new_state[k] = list(b[2] if b[0] == k else b[3])
        turn += 1
        hist.target.append(targets)
        moved = 0.0
        for i in range(n):
            moved = moved + norm(sub(new_state[i], state[i]))
        if turn == 1:
            d01 = moved + s.min_sig_delta
        ratio = moved / d01
        hist.fractional_change.append(ratio)
        stop = s.max_turns <= turn or (s.min_turns <= turn and ratio < s.min_delta_ratio)
        state = new_state
