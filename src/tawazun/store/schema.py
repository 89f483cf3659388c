"""The store's tables (SQLAlchemy Core), as the newest migration leaves them.

A *scenario version* is kept once per content hash: the SHA-256 of the scenario's normalised
form (its canonical JSON), or of the bytes of a data file a command read instead (the
backtest's DEU file). A *run* is one command's result with everything needed to reproduce
it. The migrations in ``migrations/versions`` build these tables; a test checks that they
agree.
"""

from __future__ import annotations

import sqlalchemy as sa

from tawazun.store._base import VERSION_TABLE

__all__ = ["VERSION_TABLE", "metadata", "runs", "scenarios"]

metadata = sa.MetaData()

scenarios = sa.Table(
    "scenarios",
    metadata,
    sa.Column("hash", sa.String(64), primary_key=True),
    sa.Column("scenario_id", sa.String(200), nullable=False, index=True),
    sa.Column("title", sa.Text, nullable=False),
    # "scenario": canonical JSON of a Scenario; "file": the text of a data file
    sa.Column("kind", sa.String(20), nullable=False),
    sa.Column("content", sa.Text, nullable=False),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    # the hash of the version this one was edited from (the web app's edits), if any
    sa.Column("parent", sa.String(64)),
)

runs = sa.Table(
    "runs",
    metadata,
    sa.Column("id", sa.String(16), primary_key=True),
    sa.Column("created", sa.DateTime(timezone=True), nullable=False, index=True),
    sa.Column("command", sa.String(40), nullable=False),
    sa.Column("model", sa.String(200)),
    # the model's parameters, defaults included; the command's own options
    sa.Column("parameters", sa.JSON, nullable=False),
    sa.Column("options", sa.JSON, nullable=False),
    # seeds go up to 2**64 (smp's default): more than a BIGINT holds
    sa.Column("seed", sa.String(40)),
    sa.Column("version", sa.String(40), nullable=False),
    sa.Column(
        "scenario_hash",
        sa.String(64),
        sa.ForeignKey("scenarios.hash"),
        nullable=False,
        index=True,
    ),
    # the document the command printed with --json: compact JSON, zlib-compressed
    sa.Column("document_zlib", sa.LargeBinary, nullable=False),
    # issue id -> {"forecast": x, "band": id}: what a listing shows without the document
    sa.Column("summary", sa.JSON, nullable=False),
    sa.Column("seconds", sa.Float),
    sa.Column("label", sa.Text),
    sa.Column("note", sa.Text),
)
