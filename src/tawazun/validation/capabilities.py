"""Capability schemes for the DEU III back-test: how much weight each actor brings.

DEU III records positions and saliences, not capabilities; the back-test needs one per actor
and proposal. Two schemes, compared in docs/validation.md:

* ``file-row``: the GDP row the blksv copy of the file adds (see :mod:`tawazun.io.deu`);
* ``procedure``: the Council's Nice votes under qualified majority, equal weights under
  unanimity, the Parliament weighty under co-decision and token under consultation
  (:func:`procedure_capability`).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

from tawazun.errors import Problem
from tawazun.i18n import _
from tawazun.io.deu import DeuTable, file_row_capabilities
from tawazun.io.errors import fail

Capabilities = Literal["file-row", "procedure"]
CAPABILITY_CHOICES: tuple[str, ...] = ("file-row", "procedure")

#: Council votes under qualified majority, Treaty of Nice as enlarged: Protocol on the
#: enlargement of the European Union, Art. 3 (OJ C 80, 10.3.2001), Act of Accession 2003
#: Art. 12, Act of Accession 2005 Art. 10 (Bulgaria, Romania), Act of Accession 2012 Art. 20
#: (Croatia). 352 votes for 28 members; in force from November 2004 to October 2014 and on
#: request until March 2017.
NICE_VOTES: dict[str, float] = {
    **dict.fromkeys(("de", "fr", "it", "uk"), 29.0),
    **dict.fromkeys(("es", "pl"), 27.0),
    "ro": 14.0,
    "nl": 13.0,
    **dict.fromkeys(("be", "cz", "el", "hu", "pt"), 12.0),
    **dict.fromkeys(("at", "bu", "se"), 10.0),
    **dict.fromkeys(("cr", "dk", "ie", "lt", "sk", "fi"), 7.0),
    **dict.fromkeys(("cy", "ee", "lv", "lu", "si"), 4.0),
    "mt": 3.0,
}
#: Under unanimity every member state holds a veto: each gets the mean Nice weight, so the
#: Council as a whole weighs the same under either rule.
UNANIMITY_VOTES = sum(NICE_VOTES.values()) / len(NICE_VOTES)
#: The Commission proposes and can withdraw under both procedures; the Parliament co-legislates
#: with a veto under co-decision. Both are given a largest member state's weight, as the file's
#: GDP row gives them Germany's, keeping the Council as a whole dominant: the "Council-centric"
#: distribution that Thomson and Hosli (2006) and Thomson (2011, ch. 8) found forecasts better
#: than a "supranational" one.
COMMISSION_VOTES = 29.0
PARLIAMENT_COD_VOTES = 29.0
#: Under consultation the Council must seek the Parliament's opinion but is not bound by it
#: (TFEU Art. 289(2)): the Parliament keeps a token weight, the smallest member's.
PARLIAMENT_CNS_VOTES = 3.0


def procedure_capability(actor: str, procedure: str, voting_rule: str) -> float:
    """An actor's weight under a procedure and Council voting rule (constants above).

    Parameters
    ----------
    actor : str
        DEU actor code (``com``, ``ep`` or a member state).
    procedure : str
        ``COD`` or ``CNS``.
    voting_rule : str
        ``QMV`` (or a variant such as ``QMV(10)``) or ``Unan``.

    Returns
    -------
    float
    """
    if actor == "com":
        return COMMISSION_VOTES
    if actor == "ep":
        return PARLIAMENT_COD_VOTES if procedure.upper() == "COD" else PARLIAMENT_CNS_VOTES
    if actor not in NICE_VOTES:
        raise KeyError(f"no Council weight for actor {actor!r}; known: {sorted(NICE_VOTES)}")
    if voting_rule.upper().startswith("QMV"):
        return NICE_VOTES[actor]
    return UNANIMITY_VOTES


def capability_function(
    table: DeuTable, capabilities: str, procedure: str, voting_rule: str
) -> Callable[[str], float]:
    """``actor -> capability`` of scheme ``capabilities`` for one procedure and voting rule."""
    if capabilities == "file-row":
        row = file_row_capabilities(table)
        return row.__getitem__
    if capabilities == "procedure":
        return lambda actor: procedure_capability(actor, procedure, voting_rule)
    raise fail(
        table.path,
        "-",
        "capabilities",
        _("unknown capabilities {capabilities}; choose from {choices}").format(
            capabilities=repr(capabilities), choices=list(CAPABILITY_CHOICES)
        ),
    )


def unweighted_actors(table: DeuTable) -> list[Problem]:
    """A problem per actor of the file that :func:`procedure_capability` has no weight for."""
    return [
        Problem(
            str(table.path),
            "1",
            f"p{actor}",
            _(
                "no Council weight for actor {actor!r}: the 'procedure' capabilities know the EU "
                "member states, the Commission and the Parliament; use --capabilities file-row"
            ).format(actor=actor),
        )
        for actor in table.actors
        if actor not in NICE_VOTES and actor not in ("com", "ep")
    ]
