"""Initial schema: users and tokens, dossiers and their revisions, documents, versions,
files, blobs, register counters, the audit log; triggers that keep the append-only tables
append-only.

Revision ID: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

#: Written once, never changed: the database refuses UPDATE and DELETE on these.
APPEND_ONLY = ("dossier_revisions", "versions", "version_files", "blobs", "audit_log")


def upgrade() -> None:
    op.create_table(
        "blobs",
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("sha256", name=op.f("pk_blobs")),
    )
    op.create_table(
        "register_counters",
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("doc_type", sa.String(length=20), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("last_number", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("agency", "doc_type", "year", name=op.f("pk_register_counters")),
    )
    op.create_table(
        "users",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("role", sa.String(length=20), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_users")),
    )
    op.create_index(op.f("ix_users_agency"), "users", ["agency"], unique=False)
    op.create_table(
        "api_tokens",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_api_tokens_user_id_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_api_tokens")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_api_tokens_token_sha256")),
    )
    op.create_index(op.f("ix_api_tokens_user_id"), "api_tokens", ["user_id"], unique=False)
    op.create_table(
        "audit_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("actor", sa.String(length=200), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("action", sa.String(length=40), nullable=False),
        sa.Column("object_type", sa.String(length=20), nullable=False),
        sa.Column("object_id", sa.Integer(), nullable=True),
        sa.Column("dossier_id", sa.Integer(), nullable=True),
        sa.Column("sha256", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_audit_log_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_log")),
    )
    op.create_index(op.f("ix_audit_log_agency"), "audit_log", ["agency"], unique=False)
    op.create_index(op.f("ix_audit_log_dossier_id"), "audit_log", ["dossier_id"], unique=False)
    op.create_table(
        "dossiers",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency", sa.String(length=100), nullable=False),
        sa.Column("year", sa.Integer(), nullable=False),
        sa.Column("title", sa.Text(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("register_type", sa.String(length=20), nullable=False),
        sa.Column("register_year", sa.Integer(), nullable=True),
        sa.Column("number", sa.Integer(), nullable=True),
        sa.Column("issue_date", sa.Date(), nullable=True),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_dossiers_created_by_users")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossiers")),
        sa.UniqueConstraint(
            "agency", "register_type", "register_year", "number", name="uq_dossiers_register_number"
        ),
    )
    op.create_index(op.f("ix_dossiers_agency"), "dossiers", ["agency"], unique=False)
    op.create_table(
        "documents",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_documents_dossier_id_dossiers")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_documents")),
        sa.UniqueConstraint("dossier_id", "kind", name=op.f("uq_documents_dossier_id")),
    )
    op.create_index(op.f("ix_documents_dossier_id"), "documents", ["dossier_id"], unique=False)
    op.create_table(
        "dossier_revisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("dossier_id", sa.Integer(), nullable=False),
        sa.Column("revision", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_dossier_revisions_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["dossier_id"], ["dossiers.id"], name=op.f("fk_dossier_revisions_dossier_id_dossiers")
        ),
        sa.ForeignKeyConstraint(
            ["sha256"], ["blobs.sha256"], name=op.f("fk_dossier_revisions_sha256_blobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_dossier_revisions")),
        sa.UniqueConstraint("dossier_id", "revision", name=op.f("uq_dossier_revisions_dossier_id")),
    )
    op.create_index(
        op.f("ix_dossier_revisions_dossier_id"), "dossier_revisions", ["dossier_id"], unique=False
    )
    op.create_table(
        "versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("document_id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("dossier_revision_id", sa.Integer(), nullable=False),
        sa.Column("dossier_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_by", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("docgen_version", sa.String(length=40), nullable=False),
        sa.Column("template_hashes", sa.JSON(), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("type_name", sa.String(length=100), nullable=False),
        sa.Column("code_number", sa.String(length=11), nullable=True),
        sa.Column("code_notation", sa.String(length=30), nullable=False),
        sa.Column("issued_date", sa.Date(), nullable=True),
        sa.Column("organ_name", sa.String(length=200), nullable=False),
        sa.Column("subject", sa.String(length=500), nullable=False),
        sa.Column("signer_position", sa.String(length=100), nullable=False),
        sa.Column("signer_name", sa.String(length=50), nullable=False),
        sa.Column("recipients", sa.JSON(), nullable=False),
        sa.Column("page_amount", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["created_by"], ["users.id"], name=op.f("fk_versions_created_by_users")
        ),
        sa.ForeignKeyConstraint(
            ["document_id"], ["documents.id"], name=op.f("fk_versions_document_id_documents")
        ),
        sa.ForeignKeyConstraint(
            ["dossier_revision_id"],
            ["dossier_revisions.id"],
            name=op.f("fk_versions_dossier_revision_id_dossier_revisions"),
        ),
        sa.ForeignKeyConstraint(
            ["dossier_sha256"], ["blobs.sha256"], name=op.f("fk_versions_dossier_sha256_blobs")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_versions")),
        sa.UniqueConstraint("document_id", "seq", name=op.f("uq_versions_document_id")),
    )
    op.create_index(op.f("ix_versions_document_id"), "versions", ["document_id"], unique=False)
    op.create_table(
        "version_files",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("format", sa.String(length=10), nullable=False),
        sa.Column("media_type", sa.String(length=100), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(
            ["sha256"], ["blobs.sha256"], name=op.f("fk_version_files_sha256_blobs")
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["versions.id"], name=op.f("fk_version_files_version_id_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_version_files")),
        sa.UniqueConstraint("version_id", "format", name=op.f("uq_version_files_version_id")),
    )
    op.create_index(
        op.f("ix_version_files_version_id"), "version_files", ["version_id"], unique=False
    )

    _append_only_triggers()


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION docgen_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "BEGIN RAISE EXCEPTION 'docgen: % on append-only table %', TG_OP, TG_TABLE_NAME; "
            "END $$"
        )
        for table in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                "FOR EACH ROW EXECUTE FUNCTION docgen_refuse_change()"
            )
            op.execute(
                f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                "FOR EACH STATEMENT EXECUTE FUNCTION docgen_refuse_change()"
            )
        return
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'docgen: {action} on append-only table {table}'); END"
            )


def downgrade() -> None:
    raise NotImplementedError("the archive is never downgraded: its history must stay readable")
