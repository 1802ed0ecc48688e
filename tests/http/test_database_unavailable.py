"""A database that refuses, goes silent or holds a lock: 503 with Retry-After and a
Vietnamese message, never a 500 or a hung request; the service recovers by itself."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import httpx
from faulty_proxy import faulty_proxy
from service import OPERATOR, PG_URL, LiveServer, add_users, bearer, database
from sqlalchemy import create_engine, make_url, text

from docgen.archive.database import Timeouts
from docgen.archive.errors import DatabaseUnavailableError
from docgen.archive.store import Archive
from docgen.interfaces.http.app import create_app
from docgen.interfaces.http.settings import Settings


def test_refused_then_silent_database_is_503_and_the_service_recovers(tmp_path: Path) -> None:
    real = make_url(PG_URL)
    with database("postgresql") as db, faulty_proxy(real.host or "127.0.0.1",
                                                    real.port or 5432) as proxy:
        seed = db.open(tmp_path / "seed")
        token = add_users(seed, "son-la")["chuyen_vien"]
        seed.close()
        url = real.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
        settings = Settings(data_dir=tmp_path / "data", database_url=url,
                            database_schema=db.schema, database_connect_timeout=2)
        with LiveServer(create_app(settings)) as server, httpx.Client(
                base_url=server.url, timeout=60) as client:
            assert client.get("/dossiers", headers=bearer(token)).status_code == 200
            for mode, words in (("down", "không nhận kết nối"),
                                ("silent", "không trả lời sau 2 giây")):
                proxy.set(mode)
                answer = client.get("/dossiers", headers=bearer(token))
                assert answer.status_code == 503, answer.text
                assert answer.headers["Retry-After"] == "5"
                body = answer.json()
                assert body["code"] == "database_unavailable"
                assert body["message"].startswith(
                    "Dịch vụ tạm thời không dùng được cơ sở dữ liệu: ")
                assert words in body["message"] and "thử lại sau 5 giây" in body["message"]
                proxy.set("up")
                again = client.get("/dossiers", headers=bearer(token))
                assert again.status_code == 200, again.text  # recovered, no restart


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_lock_held_past_the_lock_timeout_is_database_busy(kind: str, tmp_path: Path) -> None:
    with database(kind) as db:
        archive = db.open(tmp_path / "data")
        add_users(archive, "son-la")
        archive.close()
        url = db.url or f"sqlite:///{tmp_path / 'data' / 'archive.sqlite3'}"
        bounded = Archive(tmp_path / "data", db.url, schema=db.schema,
                          timeouts=Timeouts(lock=1))
        holder = create_engine(url, connect_args={"options": f"-csearch_path={db.schema}"}
                               if db.schema else {"isolation_level": None})
        with holder.connect() as connection:
            if kind == "sqlite":
                connection.exec_driver_sql("BEGIN IMMEDIATE")
            else:
                connection.begin()
                connection.execute(text("LOCK TABLE agencies IN ACCESS EXCLUSIVE MODE"))
            with pytest.raises(DatabaseUnavailableError) as caught:
                bounded.add_agency(OPERATOR, "phu-yen", {"name": "Phú Yên"}, at=datetime.now(UTC))
            connection.rollback()
        assert str(caught.value) == ("cơ sở dữ liệu đang bận: chờ khóa quá 1 giây "
                                     "(database_lock_timeout); hãy thử lại sau.")
        # The lock is gone: the same archive works again.
        bounded.add_agency(OPERATOR, "phu-yen", {"name": "Phú Yên"}, at=datetime.now(UTC))
        bounded.close()
        holder.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_a_statement_running_past_the_statement_timeout_is_stopped(kind: str,
                                                                     tmp_path: Path) -> None:
    slow = {"sqlite": "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
                      "SELECT count(*) FROM n",  # endless, until interrupted
            "postgresql": "SELECT pg_sleep(30)"}[kind]
    with database(kind) as db:
        archive = Archive(tmp_path / "data", db.url, schema=db.schema,
                          timeouts=Timeouts(statement=0.5))
        with pytest.raises(DatabaseUnavailableError) as caught, archive._reading() as session:
            session.execute(text(slow))
        assert str(caught.value) == ("truy vấn chạy quá 0,5 giây (database_statement_timeout) "
                                     "và đã bị dừng, không có gì thay đổi; hãy thử lại sau.")
        with archive._reading() as session:  # the next statement runs normally
            assert session.execute(text("SELECT 1")).scalar() == 1
        archive.close()
