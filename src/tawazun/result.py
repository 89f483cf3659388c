"""The result every model returns: a forecast per issue, and for iterative models the rounds.

Models differ in what a round holds (offers, exchanges, bargains...), so a round is a plain
mapping with a few keys every model fills (``round``, ``positions``, ``forecast``) and the
model's own keys beside them. The JSON document of ``tawazun forecast --json`` is
:meth:`Result.to_dict`.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tawazun.i18n import _
from tawazun.jsontext import INDENT, document_text
from tawazun.scenario import UnknownName

if TYPE_CHECKING:
    import pandas as pd

    from tawazun.arrays import ScenarioArrays

Round = dict[str, Any]


@dataclass(frozen=True)
class IssueForecast:
    """Where one issue settles.

    Attributes
    ----------
    issue : str
        The issue's id.
    forecast : float
        The forecast point on the issue's scale.
    band : str or None
        The id of the labelled band the forecast falls in, if the issue has bands.
    trajectory : list of dict
        Iterative models: one entry per round, round 0 being the starting positions. Each
        holds ``round``, ``positions`` (actor id to position) and ``forecast``, and whatever
        the model explains a round with.
    details : dict
        Model-specific facts about the issue (for example the weights used).
    """

    issue: str
    forecast: float
    band: str | None = None
    trajectory: list[Round] = field(default_factory=list)
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    """A model's forecast for a scenario."""

    scenario: str
    model: str
    issues: list[IssueForecast]
    parameters: dict[str, Any] = field(default_factory=dict)

    def __getitem__(self, issue_id: str) -> IssueForecast:
        for forecast in self.issues:
            if forecast.issue == issue_id:
                return forecast
        raise UnknownName(_("no issue {issue} in this result").format(issue=repr(issue_id)))

    @property
    def forecasts(self) -> dict[str, float]:
        """Issue id to forecast."""
        return {f.issue: f.forecast for f in self.issues}

    def to_dict(self) -> dict[str, Any]:
        """The JSON document: scenario, model, parameters and one entry per issue."""
        issues = []
        for f in self.issues:
            entry: dict[str, Any] = {"issue": f.issue, "forecast": f.forecast, "band": f.band}
            entry.update(f.details)
            if f.trajectory:
                entry["trajectory"] = f.trajectory
            issues.append(entry)
        return _jsonable(
            {
                "scenario": self.scenario,
                "model": self.model,
                "parameters": self.parameters,
                "issues": issues,
            }
        )

    def to_json(self, indent: int | None = 2) -> str:
        """The document as text: as ``tawazun forecast --json`` prints it (``indent=2``)."""
        if indent == INDENT:
            return document_text(self.to_dict())
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent)

    def to_frame(self) -> pd.DataFrame:
        """One row per issue: forecast and band."""
        import pandas as pd

        return pd.DataFrame(
            [{"issue": f.issue, "forecast": f.forecast, "band": f.band} for f in self.issues]
        ).set_index("issue")

    def trajectory_frame(self) -> pd.DataFrame:
        """One row per issue, round and actor: the positions round by round."""
        import pandas as pd

        rows = [
            {"issue": f.issue, "round": r["round"], "actor": actor, "position": position}
            for f in self.issues
            for r in f.trajectory
            for actor, position in r.get("positions", {}).items()
        ]
        return pd.DataFrame(rows, columns=["issue", "round", "actor", "position"])


def issue_forecast(
    arrays: ScenarioArrays,
    issue_id: str,
    forecast: float,
    trajectory: list[Round] | None = None,
    **details: Any,
) -> IssueForecast:
    """Build an :class:`IssueForecast` of ``arrays``' issue ``issue_id``.

    This is where every model's forecast is tied back to the band it falls in.
    """
    return IssueForecast(
        issue=issue_id,
        forecast=float(forecast),
        band=arrays.band_of(arrays.issue_index(issue_id), forecast),
        trajectory=trajectory or [],
        details=details,
    )


def _jsonable(value: Any) -> Any:
    """Plain JSON types: NumPy scalars and arrays become numbers and lists, NaN becomes null."""
    if type(value) is float:
        # first: nearly every value of a long trajectory is one
        return value if math.isfinite(value) else None
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return _jsonable(value.tolist())
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
