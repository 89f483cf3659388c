"""Words the pages show for values that are names in code: commands, statuses, fields.

Each is marked for the catalog here (``N_``) and translated where it is shown, with
:func:`label`.
"""

from __future__ import annotations

from tawazun.i18n import N_, _

LABELS = {
    # commands
    "forecast": N_("Forecast"),
    "simulate": N_("Simulation"),
    "pivotal": N_("Pivotal actors"),
    "shocks": N_("Shocks"),
    "whatif": N_("What would it take"),
    "backtest": N_("Backtest"),
    "report": N_("Report"),
    # statuses of a run
    "queued": N_("queued"),
    "running": N_("running"),
    "done": N_("done"),
    "failed": N_("failed"),
    # where a scenario of the library comes from
    "shipped": N_("shipped"),
    "uploaded": N_("uploaded"),
    "edited": N_("edited"),
    "stored": N_("kept in the store"),
    # fields of a stance or an actor
    "position": N_("position"),
    "salience": N_("salience"),
    "capability": N_("capability"),
    # the answers of what would it take (tawazun.analysis.whatif.WhatIf.answer)
    "the forecast is already in this band": N_("the forecast is already in this band"),
    "a change of one actor suffices": N_("a change of one actor suffices"),
    "no change of one actor suffices; a change of two actors does": N_(
        "no change of one actor suffices; a change of two actors does"
    ),
    "no change of one actor suffices, nor of two actors among those searched": N_(
        "no change of one actor suffices, nor of two actors among those searched"
    ),
}


def label(key: str | None) -> str:
    """The word for ``key`` in the current language (``key`` itself if it has none)."""
    if key is None:
        return ""
    return _(LABELS[key]) if key in LABELS else key
