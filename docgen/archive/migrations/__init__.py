"""Alembic migrations of the archive's schema, shipped inside the package.

They are applied by :func:`docgen.archive.database.upgrade` (``upgrade head``) when the
operator runs ``docgen db upgrade`` (never when an archive is opened), on SQLite and on
PostgreSQL alike; there is no ``env.py`` and no
``alembic.ini``. To change the schema, change :mod:`docgen.archive.schema` and add a file
in ``versions/`` with the next ``revision`` and ``down_revision`` set to the previous one;
a migration may set ``summary`` (Vietnamese, one line: what ``db upgrade`` prints);
``tests/archive/test_store.py`` checks that the migrated database matches the models.
Never edit a released migration: archives in use have already run it.
"""
