"""What the pages show of a run: rows for the tables (and, with them, the figures)."""

from __future__ import annotations

import dataclasses
from typing import Any, BinaryIO

import numpy as np
from markupsafe import Markup

from tawazun import charts
from tawazun.analysis.pivotal import Effect, Pivotal
from tawazun.analysis.shocks import Shocks
from tawazun.i18n import _, localized
from tawazun.models import get_model
from tawazun.result import IssueForecast, Result
from tawazun.scenario import Scenario
from tawazun.web.jobs import Job
from tawazun.web.labels import label

#: A change of forecast smaller than this (on the issue's scale) is not marked as a difference.
SAME = 0.05


def _nan(value: Any) -> float:
    """A number of a JSON document, where null stood for NaN."""
    return float("nan") if value is None else float(value)


def result_of(document: dict[str, Any]) -> Result:
    """The :class:`Result` whose ``to_dict()`` gave ``document``."""
    issues = []
    for entry in document["issues"]:
        details = {
            k: v for k, v in entry.items() if k not in ("issue", "forecast", "band", "trajectory")
        }
        issues.append(
            IssueForecast(
                entry["issue"],
                _nan(entry["forecast"]),
                entry.get("band"),
                entry.get("trajectory", []),
                details,
            )
        )
    return Result(document["scenario"], document["model"], issues, document["parameters"])


def pivotal_of(document: dict[str, Any]) -> Pivotal:
    names = [f.name for f in dataclasses.fields(Effect)]
    return Pivotal(
        scenario=document["scenario"],
        model=document["model"],
        parameters=document["parameters"],
        step=document["step"],
        baseline={i["issue"]: _nan(i["baseline"]) for i in document["issues"]},
        effects={
            i["issue"]: [
                Effect(**{n: a[n] if n in ("actor", "issue") else _nan(a[n]) for n in names})
                for a in i["actors"]
            ]
            for i in document["issues"]
        },
    )


def shocks_of(document: dict[str, Any]) -> Shocks:
    issues = list(document["baseline"])

    def row(values: dict[str, Any]) -> np.ndarray:
        return np.array([_nan(values[i]) for i in issues])

    return Shocks(
        scenario=document["scenario"],
        model=document["model"],
        parameters=document["parameters"],
        issues=issues,
        baseline=row(document["baseline"]),
        alone={e["event"]: row(e["alone"]) for e in document["events"]},
        cumulative={e["event"]: row(e["timeline"]) for e in document["events"]},
        notes=document["notes"],
    )


def view_of(job: Job) -> dict[str, Any]:
    """The rows and figures a finished run's page shows, by command, in the current language.

    Everything comes from the run's document (what ``--json`` prints) and its scenario, so a
    run read back from the store shows as one just made.
    """
    scenario, document = job.scenario, job.result or {}
    names = {a.id: localized(a.name) for a in scenario.actors}
    figures: dict[str, list[str]] = {}

    def draw(issue_id: str, figure: Any) -> None:
        figures.setdefault(issue_id, []).append(
            Markup(
                charts.figure_html(
                    figure,
                    div_id=f"chart-{len(figures)}-{issue_id}-{len(figures.get(issue_id, []))}",
                )
            )
        )

    if job.command == "report":
        return {"figures": figures}
    if job.command == "forecast":
        result = result_of(document)
        explain = get_model(job.model).explain
        issues = []
        for f in result.issues:
            issue = scenario.issue(f.issue)
            draw(f.issue, charts.scale_chart(scenario, f.issue, {job.model: f.forecast}))
            if f.trajectory:
                draw(f.issue, charts.trajectory_chart(scenario, result, f.issue))
            issues.append(
                {
                    "issue": issue,
                    "forecast": f.forecast,
                    "band": issue.band(f.band) if f.band else None,
                    "rounds": len(f.trajectory),
                    "explanation": explain(f, names) if explain else [],
                }
            )
        return {"issues": issues, "figures": figures}
    if job.command == "simulate":
        issues = []
        for summary in document["issues"]:
            issue = scenario.issue(summary["issue"])
            bands = [
                {"band": issue.band(band_id) if band_id else None, "share": _nan(share)}
                for band_id, share in summary["bands"].items()
            ]
            if summary["bands"]:
                draw(
                    issue.id,
                    charts.band_probability_chart(
                        scenario, issue.id, {job.model: summary["bands"]}, runs=document["runs"]
                    ),
                )
            base = summary["baseline"]
            issues.append(
                {
                    "issue": issue,
                    "summary": summary,
                    "bands": bands,
                    "baseline_band": issue.band(base["band"]) if base["band"] else None,
                }
            )
        return {"issues": issues, "execution": document["execution"], "figures": figures}
    if job.command == "pivotal":
        pivotal = pivotal_of(document)
        for issue_id in pivotal.effects:
            draw(issue_id, charts.tornado_chart(scenario, pivotal, issue_id))
        return {
            "issues": [
                {
                    "issue": scenario.issue(issue_id),
                    "baseline": pivotal.baseline[issue_id],
                    "effects": [(scenario.actor(e.actor), e) for e in effects],
                }
                for issue_id, effects in pivotal.effects.items()
            ],
            "figures": figures,
        }
    if job.command == "shocks":
        from tawazun.analysis.shocks import timeline

        outcome = shocks_of(document)
        issues = []
        for j, issue in enumerate(scenario.issues):
            draw(issue.id, charts.shocks_chart(scenario, outcome, issue.id))
            rows = []
            for event in timeline(scenario.events):
                alone, along = outcome.alone[event.id][j], outcome.cumulative[event.id][j]
                rows.append(
                    {
                        "event": event,
                        "alone": float(alone),
                        "change": float(alone - outcome.baseline[j]),
                        "timeline": float(along),
                        "band": issue.band_of(float(along)),
                    }
                )
            issues.append(
                {
                    "issue": issue,
                    "baseline": float(outcome.baseline[j]),
                    "baseline_band": issue.band_of(float(outcome.baseline[j])),
                    "rows": rows,
                }
            )
        return {"issues": issues, "notes": outcome.notes, "figures": figures}
    issue = scenario.issue(document["issue"])
    found = document["singles"] or document["pairs"]
    return {
        "issue": issue,
        "band": issue.band(document["band"]),
        "baseline": document["baseline"],
        "answer": label(document["answer"]),
        "rows": [
            {
                "changes": [
                    {**c, "name": names.get(c["actor"], c["actor"])} for c in entry["changes"]
                ],
                "share": entry["share"],
                "forecast": entry["forecast"],
            }
            for entry in found[:10]
        ],
        "figures": figures,
    }


def forecasts_of(job: Job) -> dict[str, tuple[float, str | None]]:
    """Issue id to (forecast, band id) of a forecast run, or of a simulation's baseline."""
    document = job.result or {}
    out: dict[str, tuple[float, str | None]] = {}
    for entry in document.get("issues", []):
        if "forecast" in entry:
            out[entry["issue"]] = (entry["forecast"], entry.get("band"))
        elif "baseline" in entry and isinstance(entry["baseline"], dict):
            out[entry["issue"]] = (entry["baseline"]["forecast"], entry["baseline"]["band"])
    return out


def compare_runs(a: Job, b: Job) -> dict[str, Any]:
    """Per issue, each run's forecast and band and whether they differ; the parameters
    that differ."""
    fa, fb = forecasts_of(a), forecasts_of(b)
    rows = []
    for issue in a.scenario.issues:
        if issue.id not in fa and issue.id not in fb:
            continue
        one, two = fa.get(issue.id), fb.get(issue.id)
        difference = two[0] - one[0] if one and two else None
        rows.append(
            {
                "issue": issue,
                "a": one,
                "b": two,
                "band_a": issue.band(one[1]) if one and one[1] else None,
                "band_b": (
                    b.scenario.issue(issue.id).band(two[1])
                    if two and two[1] and issue.id in {i.id for i in b.scenario.issues}
                    else None
                ),
                "difference": difference,
                "differs": difference is None or abs(difference) > SAME or one[1] != two[1],
            }
        )
    settings = []
    for name in sorted({"command", "model"}):
        settings.append((name, getattr(a, name), getattr(b, name)))
    for name in sorted(set(a.parameters) | set(b.parameters) | set(a.options) | set(b.options)):
        va = a.parameters.get(name, a.options.get(name))
        vb = b.parameters.get(name, b.options.get(name))
        settings.append((name, va, vb))
    return {
        "rows": rows,
        "settings": [(n, x, y, x != y) for n, x, y in settings],
        "values": compare_scenarios(a.scenario, b.scenario),
    }


def compare_scenarios(a: Scenario, b: Scenario) -> list[dict[str, Any]]:
    """The values that differ: actor, issue, field, old, new (actors added or removed too)."""
    rows: list[dict[str, Any]] = []
    actors_b = {actor.id: actor for actor in b.actors}
    for actor in a.actors:
        other = actors_b.get(actor.id)
        if other is None:
            rows.append(
                {
                    "actor": actor,
                    "issue": None,
                    "field": _("actor"),
                    "old": _("present"),
                    "new": _("removed"),
                }
            )
            continue
        if actor.capability != other.capability:
            rows.append(
                {
                    "actor": actor,
                    "issue": None,
                    "field": _("capability"),
                    "old": actor.capability,
                    "new": other.capability,
                }
            )
        for issue in a.issues:
            one, two = actor.stances.get(issue.id), other.stances.get(issue.id)
            for field in ("position", "salience"):
                old = getattr(one, field) if one else None
                new = getattr(two, field) if two else None
                if old != new:
                    rows.append(
                        {
                            "actor": actor,
                            "issue": issue,
                            "field": label(field),
                            "old": old,
                            "new": new,
                        }
                    )
            for field in ("position", "salience"):
                old_ev = one.evidence.get(field) if one else None
                new_ev = two.evidence.get(field) if two else None
                if old_ev != new_ev:
                    rows.append(
                        {
                            "actor": actor,
                            "issue": issue,
                            "field": _("evidence"),
                            "old": old_ev.rationale if old_ev else "",
                            "new": new_ev.rationale if new_ev else "",
                        }
                    )
    ids_a = {actor.id for actor in a.actors}
    for actor in b.actors:
        if actor.id not in ids_a:
            rows.append(
                {
                    "actor": actor,
                    "issue": None,
                    "field": _("actor"),
                    "old": _("absent"),
                    "new": _("added"),
                }
            )
    return rows


def result_workbook(job: Job, target: BinaryIO) -> None:
    """The result as sheets an analyst opens in Excel: forecasts, trajectories, bands."""
    import pandas as pd

    sheets: dict[str, pd.DataFrame] = {}
    document = job.result or {}
    if job.command == "forecast":
        result = result_of(document)
        sheets["forecasts"] = result.to_frame().reset_index()
        trajectory = result.trajectory_frame()
        if not trajectory.empty:
            sheets["trajectories"] = trajectory
    elif job.command == "simulate":
        rows = [
            {"issue": s["issue"], "band": band or "(none)", "probability": share}
            for s in document["issues"]
            for band, share in s["bands"].items()
        ]
        sheets["probabilities"] = pd.DataFrame(rows, columns=["issue", "band", "probability"])
        sheets["summary"] = pd.DataFrame(
            [
                {
                    "issue": s["issue"],
                    "mean": s["mean"],
                    "sd": s["sd"],
                    **{f"q{k}": v for k, v in s["quantiles"].items()},
                }
                for s in document["issues"]
            ]
        )
    elif job.command == "pivotal":
        sheets["pivotal"] = pd.DataFrame(
            [actor | {"issue": i["issue"]} for i in document["issues"] for actor in i["actors"]]
        )
    elif job.command == "shocks":
        sheets["shocks"] = pd.DataFrame(
            [
                {
                    "event": e["event"],
                    "issue": issue,
                    "alone": e["alone"][issue],
                    "change": e["alone_change"][issue],
                    "timeline": e["timeline"][issue],
                }
                for e in document["events"]
                for issue in e["alone"]
            ]
        )
    else:
        sheets["whatif"] = pd.DataFrame(
            [
                {
                    "rank": k + 1,
                    "share": entry["share"],
                    "forecast": entry["forecast"],
                    "changes": "; ".join(
                        f"{c['actor']} {c['field']} {c['from']:.4g} -> {c['to']:.4g}"
                        for c in entry["changes"]
                    ),
                }
                for k, entry in enumerate(document["singles"] or document["pairs"])
            ],
            columns=["rank", "share", "forecast", "changes"],
        )
    sheets["parameters"] = pd.DataFrame(
        [
            {"name": k, "value": str(v)}
            for k, v in {
                "command": job.command,
                "model": job.model,
                **job.parameters,
                **job.options,
            }.items()
        ]
    )
    with pd.ExcelWriter(target, engine="openpyxl") as writer:
        for name, frame in sheets.items():
            frame.to_excel(writer, sheet_name=name, index=False)
