"""What the store reads in a command's result document: forecasts, bands, tables.

Each command prints its own JSON document (``tawazun COMMAND --json``); the store keeps it
verbatim. This module knows where each command's document holds the forecast of every issue
as the scenario states it (for a simulation the baseline run, for shocks the run without
events), and turns a document into the tables an analyst opens in a spreadsheet.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from tawazun.i18n import _

if TYPE_CHECKING:
    import pandas as pd

    from tawazun.scenario import Scenario

#: Keys of a document that say where and how fast it ran, not what it found: a rerun
#: elsewhere differs there and is still the same result.
VOLATILE = {"simulate": ("execution",), "backtest": ("file",)}

Summary = dict[str, dict[str, Any]]


def _by_issue(document: dict[str, Any], read: Callable[[dict[str, Any]], Any]) -> Summary:
    summary: Summary = {}
    for entry in document.get("issues", []):
        forecast, band = read(entry)
        summary[entry["issue"]] = {"forecast": forecast, "band": band}
    return summary


def _plain(entry: dict[str, Any]) -> tuple[Any, Any]:
    return entry.get("forecast"), entry.get("band")


def _baseline_entry(entry: dict[str, Any]) -> tuple[Any, Any]:
    base = entry.get("baseline")
    if isinstance(base, dict):
        return base.get("forecast"), base.get("band")
    return base, None


def summary(command: str, document: dict[str, Any], scenario: Scenario | None = None) -> Summary:
    """Issue id -> ``{"forecast": x, "band": id or None}`` for the scenario as stated.

    Documents that carry no band (pivotal, shocks, whatif) get it from ``scenario`` when
    given. A backtest scores many cases and has no forecast of its own: ``{}``.
    """
    if command in ("forecast",):
        found = _by_issue(document, _plain)
    elif command in ("simulate", "pivotal"):
        found = _by_issue(document, _baseline_entry)
    elif command == "shocks":
        found = {
            issue: {"forecast": value, "band": None}
            for issue, value in document.get("baseline", {}).items()
        }
    elif command == "whatif":
        found = {document["issue"]: {"forecast": document.get("baseline"), "band": None}}
    else:
        return {}
    if scenario is not None:
        for issue_id, entry in found.items():
            if entry["band"] is None and entry["forecast"] is not None:
                band = scenario.issue(issue_id).band_of(entry["forecast"])
                entry["band"] = band.id if band else None
    return found


def comparable(command: str, document: dict[str, Any]) -> dict[str, Any]:
    """The document without its :data:`VOLATILE` keys: what a rerun must reproduce."""
    return {k: v for k, v in document.items() if k not in VOLATILE.get(command, ())}


# -- tables ---------------------------------------------------------------------------------


def _band_labels(scenario: Scenario | None, issue_id: str, band_id: str | None) -> dict[str, str]:
    if scenario is None or not band_id:
        return {"band_label": "", "band_label_ar": ""}
    label = scenario.issue(issue_id).band(band_id).label
    return {"band_label": label.en, "band_label_ar": label.ar}


def _issue_names(scenario: Scenario | None, issue_id: str) -> dict[str, str]:
    if scenario is None:
        return {"issue_name": "", "issue_name_ar": ""}
    name = scenario.issue(issue_id).name
    return {"issue_name": name.en, "issue_name_ar": name.ar}


def forecasts_table(
    command: str, document: dict[str, Any], scenario: Scenario | None
) -> pd.DataFrame:
    """One row per issue: the forecast as the scenario states it, its band and label."""
    import pandas as pd

    rows = [
        {
            "issue": issue_id,
            **_issue_names(scenario, issue_id),
            "forecast": entry["forecast"],
            "band": entry["band"],
            **_band_labels(scenario, issue_id, entry["band"]),
        }
        for issue_id, entry in summary(command, document, scenario).items()
    ]
    columns = ["issue", "issue_name", "issue_name_ar", "forecast", "band", "band_label"]
    columns.append("band_label_ar")
    return pd.DataFrame(rows, columns=columns)


def _trajectory_tables(document: dict[str, Any]) -> dict[str, pd.DataFrame]:
    import pandas as pd

    positions, rounds = [], []
    for entry in document.get("issues", []):
        for step in entry.get("trajectory", []):
            for actor, position in step.get("positions", {}).items():
                positions.append(
                    {
                        "issue": entry["issue"],
                        "round": step["round"],
                        "actor": actor,
                        "position": position,
                    }
                )
            scalars = {
                key: value
                for key, value in step.items()
                if key not in ("round", "positions") and isinstance(value, int | float | str)
            }
            rounds.append({"issue": entry["issue"], "round": step["round"], **scalars})
    if not positions:
        return {}
    return {"trajectories": pd.DataFrame(positions), "rounds": pd.DataFrame(rounds)}


def _simulation_tables(
    document: dict[str, Any], scenario: Scenario | None
) -> dict[str, pd.DataFrame]:
    import pandas as pd

    distribution, probabilities, histogram = [], [], []
    for entry in document.get("issues", []):
        issue_id = entry["issue"]
        distribution.append(
            {
                "issue": issue_id,
                "runs": entry.get("runs"),
                "failed": entry.get("failed"),
                "mean": entry.get("mean"),
                "sd": entry.get("sd"),
                **{f"quantile_{q}": value for q, value in entry.get("quantiles", {}).items()},
            }
        )
        for band_id, share in entry.get("bands", {}).items():
            probabilities.append(
                {
                    "issue": issue_id,
                    "band": band_id or _("(outside every band)"),
                    **_band_labels(scenario, issue_id, band_id or None),
                    "probability": share,
                }
            )
        edges = entry.get("histogram", {}).get("edges", [])
        for k, count in enumerate(entry.get("histogram", {}).get("counts", [])):
            histogram.append(
                {"issue": issue_id, "from": edges[k], "to": edges[k + 1], "runs": count}
            )
    return {
        "distribution": pd.DataFrame(distribution),
        "probabilities": pd.DataFrame(probabilities),
        "histogram": pd.DataFrame(histogram),
    }


def tables(
    command: str, document: dict[str, Any], scenario: Scenario | None = None
) -> dict[str, pd.DataFrame]:
    """The document as named tables (sheet name -> frame), forecasts first.

    forecast: forecasts, trajectories (positions by round and actor), rounds (each round's
    aggregate); simulate: forecasts, distribution, probabilities (of each band), histogram;
    pivotal: forecasts, pivotal; shocks: forecasts, shocks; whatif: forecasts, changes;
    backtest: scores, failures.
    """
    import pandas as pd

    found: dict[str, pd.DataFrame] = {}
    if command != "backtest":
        found["forecasts"] = forecasts_table(command, document, scenario)
    if command == "forecast":
        found |= _trajectory_tables(document)
    elif command == "simulate":
        found |= _simulation_tables(document, scenario)
    elif command == "pivotal":
        rows = [actor for entry in document.get("issues", []) for actor in entry["actors"]]
        found["pivotal"] = pd.DataFrame(rows)
    elif command == "shocks":
        rows = [
            {
                "event": event["event"],
                "issue": issue_id,
                "alone": event["alone"][issue_id],
                "alone_change": event["alone_change"][issue_id],
                "timeline": event["timeline"][issue_id],
            }
            for event in document.get("events", [])
            for issue_id in event["alone"]
        ]
        found["shocks"] = pd.DataFrame(rows)
    elif command == "whatif":
        rows = [
            {
                "kind": kind,
                "rank": rank,
                "share": entry.get("share"),
                "forecast": entry.get("forecast"),
                "actor": change.get("actor"),
                "field": change.get("field"),
                "from": change.get("from"),
                "to": change.get("to"),
            }
            for kind in ("singles", "pairs")
            for rank, entry in enumerate(document.get(kind, []), 1)
            for change in entry.get("changes", [])
        ]
        found["changes"] = pd.DataFrame(
            rows, columns=["kind", "rank", "share", "forecast", "actor", "field", "from", "to"]
        )
    elif command == "backtest":
        found["scores"] = pd.DataFrame(document.get("scores", []))
        found["failures"] = pd.DataFrame(document.get("failures", []))
    return found
