"""Agency template sets: immutable, hashed versions of an agency's DOCX templates.

Adds ``template_sets`` (one row per uploaded set: the agency, its version number in that
agency, the SHA-256 of the set, each file's SHA-256 — the files themselves are blobs),
written once and chained (kind ``template_set``), and ``agencies.template_set_id``: the
set the agency renders with (NULL: the shipped templates), changed only together with its
chained audit entry, which ``verify`` replays.

Revision ID: 9b15
Revises: 9b14
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9b15"
down_revision = "9b14"
branch_labels = None
depends_on = None

summary = "bộ mẫu văn bản riêng của từng cơ quan (các phiên bản bất biến, có mã băm)"


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "template_sets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("files", sa.JSON(), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_template_sets_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_template_sets")),
        sa.UniqueConstraint("agency", "version", name="uq_template_sets_agency_version"),
    )
    op.create_index(op.f("ix_template_sets_agency"), "template_sets", ["agency"], unique=False)
    op.add_column("agencies", sa.Column("template_set_id", sa.Integer(), nullable=True))
    if bind.dialect.name == "postgresql":
        op.execute("CREATE TRIGGER template_sets_append_only BEFORE UPDATE OR DELETE ON "
                   "template_sets FOR EACH ROW EXECUTE FUNCTION docgen_refuse_change()")
        op.execute("CREATE TRIGGER template_sets_no_truncate BEFORE TRUNCATE ON template_sets "
                   "FOR EACH STATEMENT EXECUTE FUNCTION docgen_refuse_change()")
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(f"CREATE TRIGGER template_sets_no_{action.lower()} BEFORE {action} ON "
                       "template_sets BEGIN SELECT RAISE(ABORT, 'docgen: "
                       f"{action} on append-only table template_sets'); END")


def downgrade() -> None:
    raise NotImplementedError("the archive is never downgraded: its history must stay readable")
