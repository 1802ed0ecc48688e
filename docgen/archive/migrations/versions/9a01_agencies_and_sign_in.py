"""Agencies as records; sign-in (user names, password hashes, sessions, failed sign-ins);
registers keyed by the issuing body; the send-back reason kept on the dossier.

Every agency code already used by a user or a dossier becomes an agency record (its full
name is the code until a quản trị fills it in), so existing users keep working. A number
already given keeps the login agency code as its register (the issuing body of old
dossiers is in their content blobs, which a migration does not read).

On SQLite, replacing the dossiers' unique constraint means rebuilding the table (Alembic's
batch mode), which :func:`docgen.archive.database.upgrade` allows by running migrations
with foreign keys off and checking them before the commit.

Revision ID: 9a01
Revises: 0001
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "9a01"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    sqlite = bind.dialect.name == "sqlite"
    op.create_table(
        "agencies",
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("parent", sa.Text(), nullable=False),
        sa.Column("issuer", sa.Text(), nullable=False),
        sa.Column("place", sa.String(length=100), nullable=False),
        sa.Column("abbreviation", sa.String(length=30), nullable=False),
        sa.Column("authority", sa.String(length=300), nullable=False),
        sa.Column("authority_name", sa.String(length=300), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_agencies")),
    )
    codes = sorted({row[0] for row in bind.execute(sa.text(
        "SELECT agency FROM users UNION SELECT agency FROM dossiers"))})
    moment = datetime.now(UTC)
    agencies = sa.table("agencies", *(sa.column(c) for c in (
        "code", "name", "parent", "issuer", "place", "abbreviation", "authority",
        "authority_name", "created_at", "updated_at")))
    if codes:
        op.bulk_insert(agencies, [
            {"code": code, "name": code, "parent": "", "issuer": "", "place": "",
             "abbreviation": "", "authority": "", "authority_name": "",
             "created_at": moment, "updated_at": moment} for code in codes])

    op.add_column("users", sa.Column("username", sa.String(length=100), nullable=True))
    op.add_column("users", sa.Column("password_hash", sa.String(length=200), nullable=True))
    op.add_column("users", sa.Column("password_changed_at", sa.DateTime(timezone=True),
                                     nullable=True))
    op.create_index("ix_users_username", "users", ["username"], unique=True)

    op.create_table(
        "sessions",
        sa.Column("id_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("csrf", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_sessions_user_id_users")),
        sa.PrimaryKeyConstraint("id_sha256", name=op.f("pk_sessions")),
    )
    op.create_index(op.f("ix_sessions_user_id"), "sessions", ["user_id"], unique=False)
    op.create_table(
        "sign_in_failures",
        sa.Column("key", sa.String(length=300), nullable=False),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_sign_in_failures")),
    )

    for column in (sa.Column("register", sa.String(length=300), nullable=True),
                   sa.Column("sent_back_reason", sa.Text(), nullable=True),
                   sa.Column("sent_back_by", sa.String(length=200), nullable=True),
                   sa.Column("sent_back_at", sa.DateTime(timezone=True), nullable=True),
                   sa.Column("resubmitted_at", sa.DateTime(timezone=True), nullable=True)):
        op.add_column("dossiers", column)
    op.execute("UPDATE dossiers SET register = agency WHERE number IS NOT NULL")
    columns = ["register", "register_type", "register_year", "number"]
    if sqlite:
        # Foreign keys are off during migrations on SQLite (database.upgrade), so the
        # tables referring to dossiers survive the rebuild.
        with op.batch_alter_table("dossiers", recreate="always") as batch:
            batch.drop_constraint("uq_dossiers_register_number", type_="unique")
            batch.create_unique_constraint("uq_dossiers_register_number", columns)
    else:
        op.drop_constraint("uq_dossiers_register_number", "dossiers", type_="unique")
        op.create_unique_constraint("uq_dossiers_register_number", "dossiers", columns)
    with op.batch_alter_table("register_counters") as batch:
        batch.alter_column("agency", new_column_name="register", type_=sa.String(length=300),
                           existing_type=sa.String(length=100), existing_nullable=False)


def downgrade() -> None:
    raise NotImplementedError("the archive is never downgraded: its history must stay readable")
