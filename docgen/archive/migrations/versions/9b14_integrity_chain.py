"""Tamper evidence: the hash chain over every written-once row, and triggers on the rest.

Adds ``integrity_chain`` (see :mod:`docgen.archive.chain`) and chains every existing
document, revision, version, file and audit row to it, after one ``chain_baseline`` audit
entry per dossier recording the state it is found in (status, number, register, issue
date), which ``verify`` replays the later audit entries from. Adds triggers: documents
and the chain are append-only; a dossier is never deleted, its identity (agency, creator,
type) and, once given, its number never change, and its status changes only together with
the audit entry of that change (the workflow writes it first); a register counter never
goes down.

Revision ID: 9b14
Revises: 9a01
"""

from __future__ import annotations

from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

from docgen.archive.chain import CHAINED, append

revision = "9b14"
down_revision = "9b13"
branch_labels = None
depends_on = None

summary = ("chuỗi băm chống sửa dữ liệu (mọi văn bản, phiên bản, tệp, dòng nhật ký); "
           "chặn đổi trạng thái hồ sơ ngoài quy trình, chặn sửa số đã cấp")

#: Tables made append-only here (those of 0001 already are).
APPEND_ONLY = ("documents", "integrity_chain")

#: The kinds of rows that existed at this revision (later kinds are chained by their own
#: migrations: their tables do not exist yet here).
KINDS = ("document", "revision", "version", "file", "audit")

_IDENTITY = ("id", "agency", "created_by", "created_at", "register_type")
_NUMBER = ("number", "register", "register_year", "issue_date")


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "integrity_chain",
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("row_sha256", sa.String(length=64), nullable=False),
        sa.Column("prev_sha256", sa.String(length=64), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("seq", name=op.f("pk_integrity_chain")),
        sa.UniqueConstraint("kind", "row_id", name="uq_integrity_chain_kind"),
    )
    moment = datetime.now(UTC)
    _baselines(bind, moment)
    rows = [(kind, row_id) for kind in KINDS for table in (CHAINED[kind],)
            for (row_id,) in bind.execute(sa.select(table.c.id).order_by(table.c.id))]
    append(bind, rows, moment)
    if bind.dialect.name == "postgresql":
        _postgresql_triggers()
    else:
        _sqlite_triggers()


def _baselines(bind: sa.Connection, moment: datetime) -> None:
    """One audit entry per existing dossier: the state the chain starts from."""
    found = bind.execute(sa.text(
        "SELECT id, agency, status, number, register, register_year, issue_date "
        "FROM dossiers ORDER BY id")).all()
    audit = sa.table("audit_log", *(sa.column(c) for c in (
        "at", "user_id", "actor", "agency", "action", "object_type", "object_id",
        "dossier_id", "sha256")), sa.column("detail", sa.JSON))
    entries = [{"at": moment, "user_id": None, "actor": "docgen db upgrade",
                "agency": agency, "action": "chain_baseline", "object_type": "dossier",
                "object_id": dossier_id, "dossier_id": dossier_id, "sha256": None,
                "detail": {"status": status, "number": number, "register": register,
                           "register_year": register_year,
                           "issue_date": None if issue_date is None else str(issue_date)[:10]}}
               for dossier_id, agency, status, number, register, register_year, issue_date
               in found]
    if entries:
        bind.execute(audit.insert(), entries)


def _changed(columns: tuple[str, ...], distinct: str) -> str:
    return " OR ".join(f"NEW.{c} {distinct} OLD.{c}" for c in columns)


#: The newest status-changing audit entry of the dossier says OLD.status -> NEW.status.
_STATUS_AUDITED = (
    "EXISTS (SELECT 1 FROM audit_log a WHERE a.id = (SELECT max(id) FROM audit_log "
    "WHERE object_type = 'dossier' AND object_id = NEW.id AND {after} IS NOT NULL) "
    "AND {before_a} = OLD.status AND {after_a} = NEW.status)")


def _sqlite_triggers() -> None:
    for table in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
                f"BEGIN SELECT RAISE(ABORT, 'docgen: {action} on append-only table {table}'); END")
    op.execute("CREATE TRIGGER dossiers_no_delete BEFORE DELETE ON dossiers "
               "BEGIN SELECT RAISE(ABORT, 'docgen: DELETE on dossiers'); END")
    op.execute(
        "CREATE TRIGGER dossiers_guard_update BEFORE UPDATE ON dossiers WHEN "
        f"{_changed(_IDENTITY, 'IS NOT')} OR (OLD.number IS NOT NULL AND "
        f"({_changed(_NUMBER, 'IS NOT')})) "
        "BEGIN SELECT RAISE(ABORT, 'docgen: a dossier''s identity and number never change'); END")
    audited = _STATUS_AUDITED.format(after="json_extract(detail, '$.after')",
                                     before_a="json_extract(a.detail, '$.before')",
                                     after_a="json_extract(a.detail, '$.after')")
    op.execute(
        "CREATE TRIGGER dossiers_status_by_workflow BEFORE UPDATE OF status ON dossiers "
        f"WHEN NEW.status IS NOT OLD.status AND NOT {audited} "
        "BEGIN SELECT RAISE(ABORT, 'docgen: a dossier status changes only through the "
        "workflow'); END")
    op.execute("CREATE TRIGGER register_counters_no_delete BEFORE DELETE ON register_counters "
               "BEGIN SELECT RAISE(ABORT, 'docgen: DELETE on register_counters'); END")
    op.execute(
        "CREATE TRIGGER register_counters_no_decrease BEFORE UPDATE ON register_counters WHEN "
        "NEW.last_number < OLD.last_number OR NEW.register IS NOT OLD.register OR "
        "NEW.doc_type IS NOT OLD.doc_type OR NEW.year IS NOT OLD.year "
        "BEGIN SELECT RAISE(ABORT, 'docgen: a register counter never goes down'); END")


def _postgresql_triggers() -> None:
    for table in APPEND_ONLY:
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                   "FOR EACH ROW EXECUTE FUNCTION docgen_refuse_change()")
    for table in (*APPEND_ONLY, "dossiers", "register_counters"):
        op.execute(f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION docgen_refuse_change()")
    audited = _STATUS_AUDITED.format(after="detail->>'after'", before_a="a.detail->>'before'",
                                     after_a="a.detail->>'after'")
    op.execute(
        "CREATE FUNCTION docgen_guard_dossier() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' THEN RAISE EXCEPTION 'docgen: DELETE on dossiers'; END IF; "
        f"IF {_changed(_IDENTITY, 'IS DISTINCT FROM')} OR (OLD.number IS NOT NULL AND "
        f"({_changed(_NUMBER, 'IS DISTINCT FROM')})) THEN "
        "RAISE EXCEPTION 'docgen: a dossier''s identity and number never change'; END IF; "
        f"IF NEW.status IS DISTINCT FROM OLD.status AND NOT {audited} THEN "
        "RAISE EXCEPTION 'docgen: a dossier status changes only through the workflow'; "
        "END IF; RETURN NEW; END $$")
    op.execute("CREATE TRIGGER dossiers_guard BEFORE UPDATE OR DELETE ON dossiers "
               "FOR EACH ROW EXECUTE FUNCTION docgen_guard_dossier()")
    op.execute(
        "CREATE FUNCTION docgen_guard_counter() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
        "IF TG_OP = 'DELETE' OR NEW.last_number < OLD.last_number OR "
        "NEW.register IS DISTINCT FROM OLD.register OR NEW.doc_type IS DISTINCT FROM "
        "OLD.doc_type OR NEW.year IS DISTINCT FROM OLD.year THEN "
        "RAISE EXCEPTION 'docgen: a register counter never goes down'; END IF; "
        "RETURN NEW; END $$")
    op.execute("CREATE TRIGGER register_counters_guard BEFORE UPDATE OR DELETE ON "
               "register_counters FOR EACH ROW EXECUTE FUNCTION docgen_guard_counter()")


def downgrade() -> None:
    raise NotImplementedError("the archive is never downgraded: its history must stay readable")
