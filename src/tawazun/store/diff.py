"""Two runs side by side: forecasts, parameters, and the scenario values that differ."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import pandas as pd

    from tawazun.store._rows import ScenarioVersion
    from tawazun.store._store import Run

#: Options that say where a run read its input, not what it computed.
NOT_COMPARED = ("param", "file")


@dataclass(frozen=True)
class RunDiff:
    """What differs between run ``a`` and run ``b``.

    Attributes
    ----------
    forecasts : DataFrame
        One row per issue of either run: forecast and band of each, and ``b - a``.
    parameters : DataFrame
        name, a, b for every parameter or option that differs (model parameters are
        named ``MODEL.NAME``); the model, the command and tawazun's version too.
    scenario : DataFrame
        actor, issue, field, old (a), new (b) for every scenario value that differs;
        empty when both runs read the same scenario version.
    """

    a: str
    b: str
    forecasts: pd.DataFrame
    parameters: pd.DataFrame
    scenario: pd.DataFrame

    def to_dict(self) -> dict[str, Any]:
        def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
            return json.loads(frame.to_json(orient="records", force_ascii=False))

        return {
            "a": self.a,
            "b": self.b,
            "forecasts": records(self.forecasts),
            "parameters": records(self.parameters),
            "scenario": records(self.scenario),
        }


def _settings(run: Run) -> dict[str, Any]:
    found: dict[str, Any] = {"command": run.command, "model": run.model, "version": run.version}
    found |= {k: v for k, v in run.options.items() if k not in NOT_COMPARED}
    found |= {f"{run.model}.{k}": v for k, v in run.parameters.items()}
    return found


def _leaves(value: Any, prefix: str = "") -> dict[str, Any]:
    """A nested value as dotted paths to its scalars (lists of scalars stay whole)."""
    if isinstance(value, dict):
        found: dict[str, Any] = {}
        for key, inner in value.items():
            found |= _leaves(inner, f"{prefix}.{key}" if prefix else str(key))
        return found
    if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
        key = "id" if all("id" in v for v in value) else None
        found = {}
        for k, inner in enumerate(value):
            name = inner["id"] if key else str(k)
            found |= _leaves(inner, f"{prefix}.{name}" if prefix else name)
        return found
    return {prefix: value}


def scenario_values(content: dict[str, Any]) -> dict[tuple[str, str, str], Any]:
    """Every value of a scenario, keyed by (actor, issue, field).

    An actor's own values (capability, name...) have no issue; a stance's (position,
    salience, risk, their evidence) have both; an issue's (scale, bands, status quo) have no
    actor; the rest (title, events, uncertainty) neither.
    """
    values: dict[tuple[str, str, str], Any] = {}
    for actor in content.get("actors", []):
        stances = actor.get("stances", {})
        for field, value in _leaves({k: v for k, v in actor.items() if k != "stances"}).items():
            if field != "id":
                values[(actor["id"], "", field)] = value
        for issue_id, stance in stances.items():
            for field, value in _leaves(stance).items():
                values[(actor["id"], issue_id, field)] = value
    for issue in content.get("issues", []):
        for field, value in _leaves(issue).items():
            if field != "id":
                values[("", issue["id"], field)] = value
    rest = {k: v for k, v in content.items() if k not in ("actors", "issues")}
    for field, value in _leaves(rest).items():
        values[("", "", field)] = value
    return values


def _scenario_rows(a: ScenarioVersion, b: ScenarioVersion) -> list[dict[str, Any]]:
    if a.hash == b.hash:
        return []
    if a.kind != "scenario" or b.kind != "scenario":
        return [{"actor": "", "issue": "", "field": "file", "old": a.title, "new": b.title}]
    old = scenario_values(json.loads(a.content))
    new = scenario_values(json.loads(b.content))
    rows = []
    for key in list(old) + [k for k in new if k not in old]:
        if old.get(key) != new.get(key):
            actor, issue, field = key
            rows.append(
                {
                    "actor": actor,
                    "issue": issue,
                    "field": field,
                    "old": old.get(key),
                    "new": new.get(key),
                }
            )
    return rows


def diff(a: Run, b: Run) -> RunDiff:
    """Compare two runs (of any commands; forecasts as each scenario states them)."""
    import pandas as pd

    issues = list(a.summary) + [i for i in b.summary if i not in a.summary]
    forecasts = []
    for issue in issues:
        first, second = a.summary.get(issue, {}), b.summary.get(issue, {})
        fa, fb = first.get("forecast"), second.get("forecast")
        forecasts.append(
            {
                "issue": issue,
                "forecast_a": fa,
                "band_a": first.get("band"),
                "forecast_b": fb,
                "band_b": second.get("band"),
                "difference": fb - fa if fa is not None and fb is not None else None,
            }
        )
    settings_a, settings_b = _settings(a), _settings(b)
    names = list(settings_a) + [n for n in settings_b if n not in settings_a]
    parameters = [
        {"name": name, "a": settings_a.get(name), "b": settings_b.get(name)}
        for name in names
        if settings_a.get(name) != settings_b.get(name)
    ]
    columns = {
        "forecasts": ["issue", "forecast_a", "band_a", "forecast_b", "band_b", "difference"],
        "parameters": ["name", "a", "b"],
        "scenario": ["actor", "issue", "field", "old", "new"],
    }
    return RunDiff(
        a=a.id,
        b=b.id,
        forecasts=pd.DataFrame(forecasts, columns=columns["forecasts"]),
        parameters=pd.DataFrame(parameters, columns=columns["parameters"], dtype=object),
        scenario=pd.DataFrame(
            _scenario_rows(a.source, b.source), columns=columns["scenario"], dtype=object
        ),
    )
