"""Alembic migrations of the archive's schema, shipped inside the package.

They are applied by :func:`docgen.archive.database.upgrade` (``upgrade head``) whenever an
archive is opened, on SQLite and on PostgreSQL alike; there is no ``env.py`` and no
``alembic.ini``. To change the schema, change :mod:`docgen.archive.schema` and add a file
in ``versions/`` with the next ``revision`` and ``down_revision`` set to the previous one;
``tests/archive/test_store.py`` checks that the migrated database matches the models.
Never edit a released migration: archives in use have already run it.
"""
