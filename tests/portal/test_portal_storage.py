"""The portal's database: migrations up from empty and back down, and append-only tables that
refuse a change in code and in the database itself."""

from __future__ import annotations

import pytest
from conftest import make_world
from sqlalchemy import inspect, text, update
from sqlalchemy.exc import DatabaseError

from interpreter.portal import store
from interpreter.portal.db import AppendOnlyViolation, AuditEntry, PledgeVersion, engine_for

TABLES = {"users", "tokens", "pledge_versions", "cycle_documents", "audit_log", "settings"}


def test_migrations_upgrade_from_empty_and_downgrade(database):
    engine = engine_for(database)
    try:
        assert not TABLES & set(inspect(engine).get_table_names())
        store.migrate(engine)
        assert TABLES <= set(inspect(engine).get_table_names())
        with engine.connect() as c:
            assert c.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0001"
        store.downgrade(engine)
        assert not TABLES & set(inspect(engine).get_table_names())
        store.migrate(engine)                  # and up again, triggers included
        assert TABLES <= set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_append_only_in_code(database, checker, fast_hashes):
    world = make_world(database, checker)
    with world.made() as s:
        row = s.query(PledgeVersion).first()
        row.overall = "compliant"
        with pytest.raises(AppendOnlyViolation):
            s.commit()
        s.rollback()
        s.delete(s.query(AuditEntry).first())
        with pytest.raises(AppendOnlyViolation):
            s.commit()
        s.rollback()
        with pytest.raises(AppendOnlyViolation):
            s.execute(update(PledgeVersion).values(overall="compliant"))
    world.client.close()


@pytest.mark.parametrize("statement", ["UPDATE pledge_versions SET overall = 'compliant'",
                                       "DELETE FROM pledge_versions", "UPDATE audit_log SET status = 200",
                                       "DELETE FROM audit_log", "DELETE FROM cycle_documents"])
def test_append_only_in_the_database(database, checker, fast_hashes, statement):
    """Even SQL that bypasses the portal's code is refused, by triggers."""
    world = make_world(database, checker)
    engine = engine_for(database)
    try:
        with pytest.raises(DatabaseError, match="append-only"):
            with engine.begin() as c:
                c.execute(text(statement))
        with engine.connect() as c:
            assert c.execute(text("SELECT count(*) FROM pledge_versions")).scalar() == 1
    finally:
        engine.dispose()
        world.client.close()


def test_concurrent_versions_of_one_pledge_get_distinct_numbers(database, fast_hashes):
    """Two submissions of the same pledge at once may read the same last version: the unique
    constraint refuses one, which takes the next number."""
    import threading

    from interpreter.portal import server
    from interpreter.portal.config import Settings
    from interpreter.portal.db import sessions
    server.prepare_database(Settings(database=database))
    engine = engine_for(database)
    made = sessions(engine)
    who = store.add_user(made, "nl", "member_state", "NL", None)
    failures = []

    def submit(n):
        try:
            for k in range(5):
                store.submit_pledge(made, who, "NL", 2026, {"n": n, "k": k}, "{}", "compliant")
        except Exception as error:          # noqa: BLE001 - any failure fails the test below
            failures.append(error)

    threads = [threading.Thread(target=submit, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    versions = [r.version for r in store.pledge_history(made, "NL", 2026)]
    engine.dispose()
    assert failures == [] and versions == list(range(1, 41))
