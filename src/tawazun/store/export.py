"""A stored run written as files an analyst opens: Excel, CSV, JSON.

Excel: one workbook, a sheet ``run`` (what was run, on what, when), a sheet ``parameters``,
then the result's tables (:func:`tawazun.store.documents.tables`: forecasts first, then
trajectories, probabilities...). CSV: the forecasts in the file named, each other table
beside it as ``NAME-TABLE.csv``. JSON: the whole record (run, parameters, the result document
as the command printed it, the scenario). Text that a spreadsheet would run as a formula is
written as text.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tawazun.errors import InvalidArgument
from tawazun.i18n import _
from tawazun.jsontext import document_text

if TYPE_CHECKING:
    import pandas as pd

    from tawazun.store._store import Run

FORMATS = (".xlsx", ".csv", ".json")


def _safe(frame: pd.DataFrame) -> pd.DataFrame:
    """Text cells a spreadsheet shows as text, never runs as a formula."""
    from tawazun.io.tables import escape_formula

    return frame.map(lambda value: escape_formula(value) if isinstance(value, str) else value)


def _cell(value: Any) -> Any:
    return json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) else value


def record(run: Run) -> dict[str, Any]:
    """What was run, on what, when: the run's row without its document."""
    return {
        "run": run.id,
        "created": run.created.isoformat(),
        "command": run.command,
        "model": run.model,
        "scenario": run.scenario_id,
        "title": run.scenario_title,
        "scenario_hash": run.scenario_hash,
        "seed": run.seed,
        "version": run.version,
        "seconds": run.seconds,
        "label": run.label,
        "note": run.note,
    }


def sheets(run: Run) -> dict[str, pd.DataFrame]:
    """Every table of the export, by name: run, parameters, then the result's tables."""
    import pandas as pd

    about = pd.DataFrame(list(record(run).items()), columns=["field", "value"])
    settings = [("model", name, _cell(v)) for name, v in run.parameters.items()]
    settings += [("option", name, _cell(v)) for name, v in run.options.items()]
    parameters = pd.DataFrame(settings, columns=["kind", "name", "value"])
    return {"run": about, "parameters": parameters} | run.tables()


def export(run: Run, path: str | Path) -> list[Path]:
    """Write ``run`` to ``path`` (.xlsx, .csv or .json); the files written."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in FORMATS:
        raise InvalidArgument(
            "runs export",
            "--to",
            _("{path}: write .xlsx, .csv or .json").format(path=path),
        )
    if not path.parent.is_dir():
        raise InvalidArgument(
            "runs export",
            "--to",
            _("the folder {folder} does not exist").format(folder=path.parent),
        )
    if suffix == ".json":
        scenario = json.loads(run.source.content) if run.source.kind == "scenario" else None
        document = {
            **record(run),
            "parameters": run.parameters,
            "options": run.options,
            "result": run.document,
            "scenario": scenario,
        }
        path.write_text(document_text(document) + "\n", "utf-8")
        return [path]
    tables = sheets(run)
    if suffix == ".xlsx":
        import pandas as pd

        with pd.ExcelWriter(path, engine="openpyxl") as writer:
            for name, frame in tables.items():
                _safe(frame).to_excel(writer, sheet_name=name[:31], index=False)
        return [path]
    results = {name: frame for name, frame in tables.items() if name not in ("run", "parameters")}
    main = next(iter(results), "run")
    written = []
    for name, frame in tables.items():
        target = path if name == main else path.with_name(f"{path.stem}-{name}.csv")
        _safe(frame).to_csv(target, index=False, encoding="utf-8")
        written.append(target)
    return written
