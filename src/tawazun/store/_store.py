"""The store of runs: save, list, get, label, delete; scenario versions by content hash."""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa

from tawazun.i18n import _
from tawazun.jsontext import document_text
from tawazun.store import documents
from tawazun.store._database import (
    StoreError,
    create_engine,
    database_errors,
    migrate,
    resolve,
    shown,
)
from tawazun.store._rows import ScenarioVersion, new_run_id, run_rows, unpack, version_of
from tawazun.store.schema import runs as runs_table
from tawazun.store.schema import scenarios as scenarios_table

if TYPE_CHECKING:
    import pandas as pd

    from tawazun.scenario import Scenario

#: The shortest prefix of a run id that ``get`` accepts for the whole id.
MIN_PREFIX = 4
#: ``last`` is the newest run, ``last~N`` the N-th before it.
NEWEST = re.compile(r"last(?:~(\d+))?")


@dataclass(frozen=True)
class Run:
    """One stored run: what was run, on what, with which values, and what it found.

    ``document`` is the result exactly as the command printed it with ``--json``;
    ``parameters`` the model's parameters with their defaults; ``options`` the command's
    own (runs, seed, step...); ``summary`` issue id -> forecast and band.
    """

    id: str
    created: dt.datetime
    command: str
    model: str | None
    parameters: dict[str, Any]
    options: dict[str, Any]
    seed: int | None
    version: str
    scenario_id: str
    scenario_title: str
    scenario_hash: str
    document_zlib: bytes
    summary: dict[str, dict[str, Any]]
    seconds: float | None
    label: str | None
    note: str | None
    source: ScenarioVersion

    @functools.cached_property
    def document(self) -> dict[str, Any]:
        return unpack(self.document_zlib)

    @property
    def document_text(self) -> str:
        """The document exactly as the command printed it with ``--json``."""
        return document_text(self.document)

    def scenario(self) -> Scenario:
        """The scenario the run was computed from, as it was then."""
        return self.source.scenario()

    def tables(self) -> dict[str, pd.DataFrame]:
        """The result as named tables (see :func:`tawazun.store.documents.tables`)."""
        scenario = self.scenario() if self.source.kind == "scenario" else None
        return documents.tables(self.command, self.document, scenario)


def _utc(moment: dt.datetime) -> dt.datetime:
    # SQLite keeps no time zone: every time stored is UTC
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class Store:
    """Runs kept in one database (see :func:`tawazun.store.open`)."""

    def __init__(self, url: str | None = None) -> None:
        self._url = resolve(url)
        self.url = shown(self._url)
        self._engine = create_engine(self._url)
        try:
            migrate(self._engine, self._url)
        except BaseException:
            self._engine.dispose()
            raise
        # INSERT ... ON CONFLICT DO NOTHING, in the dialect's own words
        if self._url.get_backend_name() == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        self._insert = insert

    def __repr__(self) -> str:
        return f"<tawazun store {self.url}>"

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._engine.dispose()

    def _errors(self, doing: str) -> Any:
        return database_errors(self._url, doing)

    @contextmanager
    def _writing(self, doing: str) -> Iterator[sa.Connection]:
        """A connection in a write transaction (SQLite: holding the write lock from the start)."""
        with (
            self._errors(doing),
            self._engine.connect().execution_options(tawazun_write=True) as connection,
            connection.begin(),
        ):
            yield connection

    # -- saving -----------------------------------------------------------------------------
    def save(
        self,
        result: Any,
        scenario: Scenario | ScenarioVersion | Path | str,
        *,
        command: str = "forecast",
        model: str | None = None,
        parameters: dict[str, Any] | None = None,
        options: dict[str, Any] | None = None,
        seed: int | None = None,
        seconds: float | None = None,
        label: str | None = None,
        note: str | None = None,
    ) -> Run:
        """Keep one run, with the scenario it was computed from, in one transaction.

        Parameters
        ----------
        result : Result, an analysis result, or dict
            What the command computed; an object is stored as its ``to_dict()``, which is
            the document the command prints with ``--json``.
        scenario : Scenario, ScenarioVersion, or path of a data file
            What the run read: a scenario (kept once per hash of its normalised form), a
            version already stored, or the data file of a backtest (kept once per hash of
            its text).
        command : str
            The command that made it: forecast, simulate, pivotal, shocks, whatif, backtest.
        model, parameters
            The model and every parameter it ran with; by default the result's model and
            its parameters over the model's defaults.
        options, seed, seconds, label, note
            The command's own options (runs, step, ...), the seed of its random draws, the
            wall time, and the user's label and note.
        """
        version, row = run_rows(
            result,
            scenario,
            command=command,
            model=model,
            parameters=parameters,
            options=options,
            seed=seed,
            seconds=seconds,
            label=label,
            note=note,
        )
        with self._writing(_("cannot save the run")) as connection:
            self._keep_version(connection, version)
            row["id"] = self._free_id(connection)
            connection.execute(runs_table.insert().values(row))
        return self.get(row["id"])

    def _keep_version(self, connection: sa.Connection, version: ScenarioVersion) -> None:
        connection.execute(
            self._insert(scenarios_table)
            .values(vars(version))
            .on_conflict_do_nothing(index_elements=["hash"])
        )

    @staticmethod
    def _free_id(connection: sa.Connection) -> str:
        while True:
            run_id = new_run_id()
            taken = sa.select(runs_table.c.id).where(runs_table.c.id == run_id)
            if connection.execute(taken).first() is None:
                return run_id

    def save_scenario(self, scenario: Scenario, parent: Scenario | None = None) -> ScenarioVersion:
        """Keep a scenario version without a run (kept once per content hash).

        ``parent``: the scenario this one is an edit of (kept too); the first save of a
        version says where it came from, later saves of the same version do not change it.
        """
        version = version_of(scenario)
        if parent is not None:
            before = version_of(parent)
            version = dataclasses.replace(version, parent=before.hash)
        with self._writing(_("cannot save the scenario")) as connection:
            if parent is not None:
                self._keep_version(connection, before)
            self._keep_version(connection, version)
        return self.scenario_version(version.hash)

    # -- reading ----------------------------------------------------------------------------
    def _run_from(self, row: Any) -> Run:
        source = ScenarioVersion(
            row.hash,
            row.scenario_id,
            row.title,
            row.kind,
            row.content,
            _utc(row.s_created),
            row.parent,
        )
        return Run(
            id=row.id,
            created=_utc(row.created),
            command=row.command,
            model=row.model,
            parameters=row.parameters,
            options=row.options,
            seed=None if row.seed is None else int(row.seed),
            version=row.version,
            scenario_id=row.scenario_id,
            scenario_title=row.title,
            scenario_hash=row.hash,
            document_zlib=row.document_zlib,
            summary=row.summary,
            seconds=row.seconds,
            label=row.label,
            note=row.note,
            source=source,
        )

    def _resolve_id(self, connection: sa.Connection, run_id: str) -> str:
        run_id = run_id.strip().lower()
        newest = NEWEST.fullmatch(run_id)
        if newest:
            # ids never hold an "l" (ID_ALPHABET), so "last" names no run by itself
            back = int(newest.group(1) or 0)
            found = connection.execute(
                sa.select(runs_table.c.id)
                .order_by(runs_table.c.created.desc(), runs_table.c.id)
                .offset(back)
                .limit(1)
            ).scalar()
            if found is None:
                message = _("there is no run {name}: the store holds fewer runs").format(
                    name=run_id
                )
                raise UnknownRun(self.url, message)
            return found
        if connection.execute(sa.select(runs_table.c.id).where(runs_table.c.id == run_id)).first():
            return run_id
        matches: list[str] = []
        if len(run_id) >= MIN_PREFIX:
            matches = list(
                connection.execute(
                    sa.select(runs_table.c.id)
                    .where(runs_table.c.id.startswith(run_id, autoescape=True))
                    .limit(5)
                ).scalars()
            )
        if len(matches) == 1:
            return matches[0]
        message = (
            _("{prefix} is the start of several runs: {ids}").format(
                prefix=run_id, ids=", ".join(matches)
            )
            if matches
            else _("no run {run} in this store (see tawazun runs list)").format(run=run_id)
        )
        raise UnknownRun(self.url, message)

    def get(self, run_id: str) -> Run:
        """The run with this id, the only one whose id starts with these 4+ characters, or
        ``last`` (the newest run) or ``last~N`` (the N-th before it)."""
        with self._errors(_("cannot read the run")), self._engine.connect() as connection:
            found = self._resolve_id(connection, run_id)
            query = (
                sa.select(
                    runs_table,
                    scenarios_table.c.hash,
                    scenarios_table.c.scenario_id,
                    scenarios_table.c.title,
                    scenarios_table.c.kind,
                    scenarios_table.c.content,
                    scenarios_table.c.created.label("s_created"),
                    scenarios_table.c.parent,
                )
                .join(scenarios_table, scenarios_table.c.hash == runs_table.c.scenario_hash)
                .where(runs_table.c.id == found)
            )
            return self._run_from(connection.execute(query).one())

    def runs(
        self,
        *,
        scenario: str | None = None,
        model: str | None = None,
        command: str | None = None,
        since: dt.datetime | dt.date | None = None,
        label: str | None = None,
    ) -> pd.DataFrame:
        """The stored runs, newest first, one row each, indexed by run id.

        Columns: created, command, model, scenario, title, label, note, seconds, seed,
        version, scenario_hash, and ``forecast:ISSUE`` / ``band:ISSUE`` for every issue.
        Filters: a scenario id, a model, a command, runs since a date (UTC), a label.
        """
        import pandas as pd

        query = (
            sa.select(
                runs_table.c.id,
                runs_table.c.created,
                runs_table.c.command,
                runs_table.c.model,
                scenarios_table.c.scenario_id.label("scenario"),
                scenarios_table.c.title,
                runs_table.c.label,
                runs_table.c.note,
                runs_table.c.seconds,
                runs_table.c.seed,
                runs_table.c.version,
                runs_table.c.scenario_hash,
                runs_table.c.summary,
            )
            .join(scenarios_table, scenarios_table.c.hash == runs_table.c.scenario_hash)
            .order_by(runs_table.c.created.desc(), runs_table.c.id)
        )
        if scenario is not None:
            query = query.where(scenarios_table.c.scenario_id == scenario)
        if model is not None:
            query = query.where(runs_table.c.model == model)
        if command is not None:
            query = query.where(runs_table.c.command == command)
        if label is not None:
            query = query.where(runs_table.c.label == label)
        if since is not None:
            if not isinstance(since, dt.datetime):
                since = dt.datetime.combine(since, dt.time(), tzinfo=dt.UTC)
            query = query.where(runs_table.c.created >= _utc(since).astimezone(dt.UTC))
        with self._errors(_("cannot list the runs")), self._engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        records = []
        for row in rows:
            record = {key: value for key, value in row.items() if key != "summary"}
            record["created"] = _utc(record["created"])
            for issue_id, entry in (row["summary"] or {}).items():
                record[f"forecast:{issue_id}"] = entry.get("forecast")
                record[f"band:{issue_id}"] = entry.get("band")
            records.append(record)
        columns = [c.name for c in query.selected_columns if c.name != "summary"]
        frame = pd.DataFrame.from_records(records, columns=None if records else columns)
        return frame.set_index("id")

    def scenario_version(self, content_hash: str) -> ScenarioVersion:
        """A stored scenario version by its content hash."""
        with self._errors(_("cannot read the scenario")), self._engine.connect() as connection:
            row = connection.execute(
                sa.select(scenarios_table).where(scenarios_table.c.hash == content_hash)
            ).first()
        if row is None:
            raise UnknownRun(
                self.url, _("no scenario {hash} in this store").format(hash=content_hash)
            )
        return ScenarioVersion(
            row.hash,
            row.scenario_id,
            row.title,
            row.kind,
            row.content,
            _utc(row.created),
            row.parent,
        )

    def scenarios(self) -> pd.DataFrame:
        """Every stored scenario version, newest first: hash, scenario id, title, kind, created,
        parent (the hash of the version it was edited from, or None) and how many runs used
        it."""
        import pandas as pd

        count = sa.func.count(runs_table.c.id).label("runs")
        query = (
            sa.select(
                scenarios_table.c.hash,
                scenarios_table.c.scenario_id.label("scenario"),
                scenarios_table.c.title,
                scenarios_table.c.kind,
                scenarios_table.c.created,
                scenarios_table.c.parent,
                count,
            )
            .outerjoin(runs_table, runs_table.c.scenario_hash == scenarios_table.c.hash)
            .group_by(scenarios_table.c.hash)
            .order_by(scenarios_table.c.created.desc())
        )
        with self._errors(_("cannot list the scenarios")), self._engine.connect() as connection:
            rows = connection.execute(query).mappings().all()
        frame = pd.DataFrame(
            [dict(row) | {"created": _utc(row["created"])} for row in rows],
            columns=["hash", "scenario", "title", "kind", "created", "parent", "runs"],
        )
        return frame.set_index("hash")

    # -- changing ---------------------------------------------------------------------------
    def label(self, run_id: str, label: str | None, note: str | None = None) -> Run:
        """Set a run's label (and its note, when given); ``None`` clears the label."""
        values: dict[str, Any] = {"label": label or None}
        if note is not None:
            values["note"] = note or None
        with self._writing(_("cannot label the run")) as connection:
            found = self._resolve_id(connection, run_id)
            connection.execute(runs_table.update().where(runs_table.c.id == found).values(values))
        return self.get(found)

    def delete(self, run_id: str) -> str:
        """Delete one run; the scenario versions stay (other runs and the library use them)."""
        with self._writing(_("cannot delete the run")) as connection:
            found = self._resolve_id(connection, run_id)
            connection.execute(runs_table.delete().where(runs_table.c.id == found))
        return found


class UnknownRun(StoreError):
    """A run id (or prefix) that names no run, or more than one."""
