"""The method and limits section of each model, as messages of the catalog.

A model without an entry here is described by its registry summary and reference alone
(``ModelSpec.summary``, ``ModelSpec.reference``), so a new model needs nothing here to
appear in a report; an entry adds the plain-language account an editor can print.
"""

from __future__ import annotations

from tawazun.i18n import N_

#: Model name to (how it works, its limits).
METHODS: dict[str, tuple[str, str]] = {
    "compromise": (
        N_(
            "The forecast is the mean of the actors' positions, each weighted by its "
            "capability times its salience: where the issue would settle if every actor "
            "pulled toward its position with the weight it brings to this issue."
        ),
        N_(
            "It has no bargaining and no rounds: it cannot show coalitions, threats or "
            "trades, and an extreme actor pulls the mean toward it however isolated it is."
        ),
    ),
    "median": (
        N_(
            "The forecast is the weighted median position: the point that no side holding "
            "more than half of the capability times salience would vote to move (Black's "
            "median voter theorem)."
        ),
        N_(
            "It assumes decisions by weighted majority on one issue at a time; only the actors "
            "near the median move the forecast, so the others' changes show no effect until "
            "they cross it."
        ),
    ),
    "eum": (
        N_(
            "Bueno de Mesquita's expected utility model, as replicated by Scholz, Calbert and "
            "Smith (2011): round by round each actor weighs the expected gain of challenging "
            "every other actor, given their capabilities, saliences and risk attitudes, and "
            "positions move after the challenges made and accepted; the forecast is the "
            "weighted mean of the final positions."
        ),
        N_(
            "Its risk attitudes and probabilities of success are computed from the data, not "
            "observed; results depend on the number of rounds, and the model was built for "
            "one issue at a time."
        ),
    ),
    "exchange": (
        N_(
            "The Stokman-Van Oosten exchange model: actors who care differently about two "
            "issues trade positions, each conceding on the issue it cares less about; the "
            "forecast after the exchanges is the weighted mean of the positions."
        ),
        N_(
            "It needs at least two issues whose saliences differ across actors; it assumes "
            "the promised concessions are kept, and the order of exchanges matters."
        ),
    ),
    "smp": (
        N_(
            "KTAB's spatial model of politics: in every round actors challenge one another, "
            "bargain and vote in the policy space formed by the issues, and the bargain "
            "reached is the next round's positions."
        ),
        N_(
            "It has many parameters (the voting rule, the probability model, how bargains "
            "are weighed) whose defaults follow KTAB; coalitions and repeated bargains are "
            "simplifications of the real process."
        ),
    ),
}
