"""Result documents kept as compressed compact JSON instead of indented text.

A forecast of eum on 1000 actors prints a 450 MB document (every round's offers, indented);
kept as text, three such runs made a 1.4 GB store. Compact JSON compressed with zlib keeps
the same document in a small fraction of that, and ``--json`` prints it back identically
(the indentation is the printer's, not the data's).

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01
"""

import json
import zlib
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _packed(text: str) -> bytes:
    compact = json.dumps(json.loads(text), ensure_ascii=False, separators=(",", ":"))
    return zlib.compress(compact.encode("utf-8"), 1)


def upgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("document_zlib", sa.LargeBinary, nullable=True))
    runs = sa.table(
        "runs",
        sa.column("id", sa.String),
        sa.column("document", sa.Text),
        sa.column("document_zlib", sa.LargeBinary),
    )
    connection = op.get_bind()
    for run_id, text in connection.execute(sa.select(runs.c.id, runs.c.document)).all():
        connection.execute(
            runs.update().where(runs.c.id == run_id).values(document_zlib=_packed(text))
        )
    with op.batch_alter_table("runs") as batch:
        batch.alter_column("document_zlib", existing_type=sa.LargeBinary, nullable=False)
        batch.drop_column("document")


def downgrade() -> None:
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("document", sa.Text, nullable=True))
    runs = sa.table(
        "runs",
        sa.column("id", sa.String),
        sa.column("document", sa.Text),
        sa.column("document_zlib", sa.LargeBinary),
    )
    connection = op.get_bind()
    for run_id, packed in connection.execute(sa.select(runs.c.id, runs.c.document_zlib)).all():
        text = json.dumps(json.loads(zlib.decompress(packed)), ensure_ascii=False, indent=2)
        connection.execute(runs.update().where(runs.c.id == run_id).values(document=text))
    with op.batch_alter_table("runs") as batch:
        batch.alter_column("document", existing_type=sa.Text, nullable=False)
        batch.drop_column("document_zlib")
