"""Runs and the scenario versions they were computed from.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "scenarios",
        sa.Column("hash", sa.String(64), primary_key=True),
        sa.Column("scenario_id", sa.String(200), nullable=False),
        sa.Column("title", sa.Text, nullable=False),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("content", sa.Text, nullable=False),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_table(
        "runs",
        sa.Column("id", sa.String(16), primary_key=True),
        sa.Column("created", sa.DateTime(timezone=True), nullable=False),
        sa.Column("command", sa.String(40), nullable=False),
        sa.Column("model", sa.String(200)),
        sa.Column("parameters", sa.JSON, nullable=False),
        sa.Column("options", sa.JSON, nullable=False),
        sa.Column("seed", sa.String(40)),
        sa.Column("version", sa.String(40), nullable=False),
        sa.Column("scenario_hash", sa.String(64), sa.ForeignKey("scenarios.hash"), nullable=False),
        sa.Column("document", sa.Text, nullable=False),
        sa.Column("seconds", sa.Float),
        sa.Column("label", sa.Text),
        sa.Column("note", sa.Text),
    )


def downgrade() -> None:
    op.drop_table("runs")
    op.drop_table("scenarios")
