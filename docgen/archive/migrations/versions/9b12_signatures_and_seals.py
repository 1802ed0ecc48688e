"""What docgen verified about a version's signatures; each agency's seal image.

``versions.signatures`` (JSON, written once with the version like every other column):
one entry per signature docgen checked or applied — role (``leader`` or ``agency``),
signer, organisation, certificate serial and issuer, signing time, each check's outcome.
Older versions have none (NULL). ``agency_seals`` holds the blob of each agency's seal
PNG (replaceable: a new seal is a new blob, the old blob stays).

Revision ID: 9b12
Revises: 9a01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "9b12"
down_revision = "9a01"
branch_labels = None
depends_on = None
summary = "kết quả kiểm tra chữ ký số của từng phiên bản; ảnh dấu của từng cơ quan"


def upgrade() -> None:
    op.add_column("versions", sa.Column("signatures", sa.JSON(), nullable=True))
    op.create_table(
        "agency_seals",
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("width_mm", sa.Float(), nullable=False),
        sa.Column("height_mm", sa.Float(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["sha256"], ["blobs.sha256"],
                                name=op.f("fk_agency_seals_sha256_blobs")),
        sa.PrimaryKeyConstraint("agency", name=op.f("pk_agency_seals")),
    )


def downgrade() -> None:
    raise NotImplementedError("the archive is never downgraded: its history must stay readable")
