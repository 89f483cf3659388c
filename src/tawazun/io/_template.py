"""``tawazun init``: a scenario file to fill in, with every field and one example of each.

The example is a valid scenario (``tawazun validate`` accepts it as written): one issue
with bands covering its scale, two actors with their evidence, an uncertainty, an event.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from tawazun.i18n import _
from tawazun.io.errors import fail
from tawazun.scenario import Scenario

_EXAMPLE: dict[str, Any] = {
    "id": "my-negotiation",
    "metadata": {
        "title": {"en": "My negotiation", "ar": "مفاوضتي"},
        "as_of": "2024-01-01",
        "authors": ["Your name"],
        "sources": ["A source every value below rests on"],
        "notes": "What the scenario is about and what it leaves out.",
    },
    "salience_scale": 100,
    "issues": [
        {
            "id": "agreement",
            "name": {"en": "How far the agreement goes", "ar": "إلى أي حد يذهب الاتفاق"},
            "scale": {"min": 0, "max": 100},
            "status_quo": 20,
            "evidence": {"status_quo": {"rationale": "Where things stand today.", "sources": []}},
            "bands": [
                {"id": "none", "lower": 0, "upper": 30,
                 "label": {"en": "No agreement", "ar": "لا اتفاق"}},
                {"id": "partial", "lower": 30, "upper": 70,
                 "label": {"en": "A partial agreement", "ar": "اتفاق جزئي"}},
                {"id": "full", "lower": 70, "upper": 100,
                 "label": {"en": "A full agreement", "ar": "اتفاق كامل"}},
            ],
            "points": [{"value": 50, "label": {"en": "Half-way", "ar": "منتصف الطريق"}}],
        }
    ],
    "actors": [
        {
            "id": "government",
            "name": {"en": "The government", "ar": "الحكومة"},
            "group": "state",
            "capability": {"value": 60, "rationale": "Why 60.", "sources": ["A source"]},
            "stances": {
                "agreement": {
                    "position": {"value": 80, "rationale": "Why 80.", "sources": ["A source"]},
                    "salience": {"value": 70, "rationale": "Why 70.", "sources": ["A source"]},
                }
            },
            "uncertainty": {"capability": {"distribution": "uniform", "low": 50, "high": 70}},
        },
        {
            "id": "opposition",
            "name": {"en": "The opposition", "ar": "المعارضة"},
            "group": "party",
            "capability": 40,
            "stances": {
                "agreement": {
                    "position": 10,
                    "salience": 90,
                    "uncertainty": {
                        "position": {"distribution": "triangular", "low": 0, "high": 25}
                    },
                }
            },
        },
    ],
    "events": [
        {
            "id": "elections",
            "name": {"en": "Early elections", "ar": "انتخابات مبكرة"},
            "date": "2024-06-01",
            "round": 3,
            "changes": [{"actor": "opposition", "field": "capability", "multiply": 1.5}],
            "evidence": {"rationale": "Why the event changes what it changes.", "sources": []},
        }
    ],
}  # fmt: skip


def example() -> Scenario:
    """The example scenario ``tawazun init`` writes."""
    return Scenario.model_validate(_EXAMPLE)


def _yaml_header(lang: str) -> str:
    lines = [
        _("A tawazun scenario. Replace the example values with yours; the full reference of"),
        _("every field is docs/format.md. Each number may be written as"),
        _("  NAME: {value: NUMBER, rationale: WHY, sources: [WHERE]}"),
        _("so that its evidence stays next to it. Check the file with: tawazun validate FILE"),
        _("Bands label parts of an issue's scale and together cover it (band_gaps: true on"),
        _("an issue allows gaps). Saliences are on 0-100 here (salience_scale: 100)."),
    ]
    if lang == "ar":
        lines.append(_("Names and labels take an English (en) and an Arabic (ar) text."))
    return "".join(f"# {line}\n" for line in lines) + "\n"


def write_template(path: Path, lang: str = "en", *, force: bool = False) -> Path:
    """Write the example as a file to fill in, in the format of ``path``'s extension.

    Refuses to replace an existing file unless ``force``.
    """
    from tawazun.io import format_for, save
    from tawazun.io.excel import write_template as write_workbook

    if path.exists() and not force:
        raise fail(path, "-", "file", _("already exists; give another name (or --force)"))
    spec = format_for(path, writing=True)
    scenario = example()
    if spec.name == "excel":
        write_workbook(scenario, path, lang)
    elif spec.name == "yaml":
        save(scenario, path)
        path.write_text(_yaml_header(lang) + path.read_text(encoding="utf-8"), encoding="utf-8")
    elif spec.name in ("json", "csv"):
        save(scenario, path)
    else:
        raise fail(path, "-", "format", _("tawazun init writes .yaml or .xlsx files"))
    return path
