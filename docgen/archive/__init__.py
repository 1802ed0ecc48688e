"""Archive stage: every version of every document, kept byte for byte and never overwritten.

Input: rendered bytes plus their provenance (who, when, which dossier revision, which
templates) and ND30 Phụ lục VI metadata. Output: immutable versions that can be listed,
downloaded (re-hashed on every read) and verified. Storage is a relational database
(SQLite by default, PostgreSQL for larger deployments; SQLAlchemy models, Alembic
migrations) plus a content-addressed blob folder.
"""
