"""Each run's forecasts in a column of their own, and indexes for listing.

Listing hundreds of runs read every result document (a simulation's is several kilobytes)
to show the forecasts; the summary holds them (issue id -> forecast and band), filled here
for the runs already stored.

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-01
"""

import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from tawazun.store.documents import summary

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("summary", sa.JSON, nullable=True))
    runs = sa.table(
        "runs",
        sa.column("id", sa.String),
        sa.column("command", sa.String),
        sa.column("document", sa.Text),
        sa.column("summary", sa.JSON),
    )
    connection = op.get_bind()
    stored = connection.execute(sa.select(runs.c.id, runs.c.command, runs.c.document)).all()
    for run_id, command, document in stored:
        connection.execute(
            runs.update()
            .where(runs.c.id == run_id)
            .values(summary=summary(command, json.loads(document)))
        )
    with op.batch_alter_table("runs") as batch:
        batch.alter_column("summary", existing_type=sa.JSON, nullable=False)
    op.create_index("ix_runs_created", "runs", ["created"])
    op.create_index("ix_runs_scenario_hash", "runs", ["scenario_hash"])
    op.create_index("ix_scenarios_scenario_id", "scenarios", ["scenario_id"])


def downgrade() -> None:
    op.drop_index("ix_scenarios_scenario_id", "scenarios")
    op.drop_index("ix_runs_scenario_hash", "runs")
    op.drop_index("ix_runs_created", "runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("summary")
