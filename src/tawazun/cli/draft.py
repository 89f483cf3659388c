"""``tawazun draft``: a draft stakeholder table from articles, for an analyst to confirm."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
import yaml
from rich.console import Console
from rich.table import Table

from tawazun import io
from tawazun.cli._common import Lang, app, clean_errors, plain
from tawazun.errors import InvalidArgument
from tawazun.i18n import _, isolate

if TYPE_CHECKING:
    from tawazun.draft.build import Draft


@app.command("draft")
def draft_command(
    articles: Annotated[
        list[Path], typer.Argument(help="Articles: plain text or HTML saved from a browser.")
    ],
    issue_from: Annotated[
        str,
        typer.Option(
            "--issue-from",
            help="A scenario or template whose issues (scales, labelled bands) the draft uses.",
        ),
    ],
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write the draft here (YAML or JSON).")
    ] = None,
    lang: Annotated[
        Lang | None,
        typer.Option("--lang", help="The articles' language (default: found from the text)."),
    ] = None,
    gazetteer: Annotated[
        list[Path] | None,
        typer.Option("--gazetteer", help="A gazetteer file extending the shipped one; repeatable."),
    ] = None,
    as_of: Annotated[
        str | None,
        typer.Option("--as-of", help="The articles' date, YYYY-MM-DD (default: the template's)."),
    ] = None,
    llm: Annotated[
        str | None,
        typer.Option(
            "--llm",
            help="An OpenAI-compatible endpoint (…/v1) to ask too; its key in TAWAZUN_LLM_KEY.",
        ),
    ] = None,
    llm_model: Annotated[
        str, typer.Option("--llm-model", help="The model name the endpoint expects.")
    ] = "default",
) -> None:
    """Draft a scenario from news and op-eds: actors, quoted passages, suggested values.

    Every suggested value is marked draft: true with its quotes; `tawazun validate` warns
    until an analyst confirms or changes each.
    """
    from tawazun.draft import draft

    with clean_errors():
        date = _date(as_of)
        template = io.load(issue_from)
        result = draft(
            articles,
            template,
            lang=lang.value if lang else None,
            gazetteers=gazetteer or [],
            as_of=date,
            llm=llm,
            llm_model=llm_model,
        )
        if output is not None:
            io.save(result.scenario, output)
    if output is None:
        text = yaml.safe_dump(
            io.native.to_native(result.scenario), allow_unicode=True, sort_keys=False, width=100
        )
        sys.stdout.write(text)
    _summary(result)
    if output is not None:
        typer.echo(_("wrote {path}").format(path=output), err=True)


def _date(text: str | None) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidArgument("draft", "--as-of", _("expected a date as YYYY-MM-DD")) from None


def _summary(result: Draft) -> None:
    """What was found, on stderr: one row per actor and issue."""
    err = Console(stderr=True)
    table = Table(
        _("actor"),
        _("issue"),
        _("suggested"),
        _("confidence"),
        _("salience"),
        _("quotes"),
        header_style="bold",
    )
    for actor in result.scenario.actors:
        if not actor.stances:
            table.add_row(plain(actor.id), "", _("(no passage on an issue)"), "", "", "")
        for issue_id, stance in actor.stances.items():
            position = result.positions[actor.id][issue_id]
            table.add_row(
                plain(actor.id),
                plain(issue_id),
                plain(f"{position.candidate.id} ({stance.position:g})"),
                f"{position.confidence:.2f}" if position.by == "tf-idf" else _("model"),
                f"{stance.salience:g}",
                str(len(stance.evidence["position"].quotes)),
            )
    err.print(table)
    for issue_id in result.issues_left_out:
        err.print(plain(_("no passage on issue {issue}: left out").format(issue=isolate(issue_id))))
    for note in result.notes:
        err.print(plain(note))
