"""Render jobs: renders and issues run by worker processes, with status and progress.

Revision ID: 9b13
Revises: 9a01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9b13"
down_revision = "9b12"
branch_labels = None
depends_on = None
summary = "lượt kết xuất chạy trên tiến trình kết xuất, có trạng thái và tiến độ"


def upgrade() -> None:
    op.create_table(
        "render_jobs",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("params", sa.JSON(), nullable=False),
        sa.Column("progress", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=200), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("worker", sa.String(length=200), nullable=True),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=True),
        sa.Column("error_code", sa.String(length=40), nullable=True),
        sa.Column("error", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("started_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["dossier_id"], ["dossiers.id"],
                                name=op.f("fk_render_jobs_dossier_id_dossiers")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_render_jobs_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_render_jobs")),
    )
    for column in ("dossier_id", "user_id", "agency", "status"):
        op.create_index(op.f(f"ix_render_jobs_{column}"), "render_jobs", [column],
                        unique=False)


def downgrade() -> None:
    raise NotImplementedError("the archive is never downgraded: its history must stay readable")
