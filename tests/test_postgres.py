"""PostgreSQL as input (issue 17): a real server, the statement log, the CLI and TOML.

The server is the session's throw-away cluster (``postgres`` fixture, ``tests/pg_server.py``):
unix socket only, ``log_statement = 'all'``.  The audits here connect as the role
``auditor`` (SELECT on ``zaken`` only, nothing else), so the log lines of eerlijkheid's own
session can be told from the test's set-up by their user prefix.

The backend-parity body (``tests/test_backends.py``, engine ``ibis-postgres``) checks that
the numbers equal pandas'; this file checks what travels, what is refused and how errors
read.
"""

from __future__ import annotations

import json
import re
from typing import Any

import numpy as np
import pandas as pd
import pytest

import eerlijkheid as ee
from eerlijkheid.cli import main
from test_backends import assert_same, cases, without_backend

ROLES: dict[str, Any] = {
    "decision": "geselecteerd",
    "groups": ["herkomst", "geslacht"],
    "outcome": "onrechtmatig",
    "reference": {"herkomst": "NL"},
}


def run(argv: list[str]) -> int:
    try:
        main(argv)
    except SystemExit as exc:
        return int(exc.code or 0)
    return 0


@pytest.fixture(scope="module")
def data() -> pd.DataFrame:
    return cases(n=3000, seed=11)


@pytest.fixture(scope="module")
def server(postgres: Any, postgres_ibis: Any, data: pd.DataFrame) -> Any:
    """The test server with the table ``zaken`` and a read-only role ``auditor``."""
    import pyarrow as pa

    postgres_ibis.create_table("zaken", obj=pa.Table.from_pandas(data, preserve_index=False))
    postgres.psql(
        "CREATE ROLE auditor LOGIN; GRANT SELECT ON zaken TO auditor;"
        "CREATE TABLE geheim AS SELECT * FROM zaken LIMIT 10; CREATE SEQUENCE teller;"
        "GRANT USAGE ON SEQUENCE teller TO auditor;"
    )
    return postgres


def _url(server: Any) -> str:
    return server.url(user="auditor")


def _log_after(server: Any, offset: int) -> list[str]:
    """The statements the server logged for ``auditor`` after ``offset`` bytes."""
    text = server.log.read_bytes()[offset:].decode("utf-8", "replace")
    # One entry per "auditor LOG:" line; a statement's continuation lines start with a tab.
    entries = re.split(r"\n(?=\S)", text)
    return [
        " ".join(e.split())
        for e in entries
        if e.startswith("auditor LOG:") and ("statement:" in e or "execute" in e)
    ]


def _audit_logged(server: Any, **source: Any) -> tuple[ee.AuditResult, list[str]]:
    offset = server.log.stat().st_size
    result = ee.audit(ee.read_database(_url(server), **source), **ROLES, language="en")
    return result, _log_after(server, offset)


def test_the_group_by_runs_in_the_database_and_only_counts_travel(server, data):
    result, logged = _audit_logged(server, table="zaken")
    want = without_backend(ee.audit(data, **ROLES, language="en"))
    assert_same(without_backend(result), want)
    assert result.provenance.backend == "ibis"
    selects = [s for s in logged if "SELECT" in s.upper()]
    grouped = [s for s in selects if "GROUP BY" in s and '"zaken"' in s]
    assert grouped, logged
    # The counts query names the key columns and aggregates; the rows stay on the server.
    assert 'COUNT(*) AS "__eerlijkheid_n__"' in grouped[0]
    for statement in selects:
        reads_rows = re.search(r'SELECT \* FROM "zaken"', statement) is not None
        assert not reads_rows or "GROUP BY" in statement or "LIMIT 0" in statement, statement
    # Nothing but reading: no statement writes or creates anything.
    writes = re.compile(r"\b(INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|TRUNCATE|COPY|GRANT)\b", re.I)
    assert not [s for s in logged if writes.search(s)], logged


def test_a_select_is_audited_like_the_rows_it_selects(server, data):
    query = "SELECT * FROM zaken WHERE wijk <> 'noord'"
    result, logged = _audit_logged(server, query=query)
    subset = data[data["wijk"] != "noord"].reset_index(drop=True)
    assert_same(without_backend(result), without_backend(ee.audit(subset, **ROLES, language="en")))
    assert any("GROUP BY" in s and "wijk" in s for s in logged)


def test_database_errors_during_the_audit_are_database_errors_in_the_api(server):
    # The table is opened (catalogue), the counts query is refused: one line, no psycopg.
    frame = ee.read_database(_url(server), table="geheim")
    with pytest.raises(ee.DatabaseError, match="leesrechten") as caught:
        ee.audit(frame, decision="geselecteerd", groups=["herkomst"])
    assert "\n" not in str(caught.value)
    assert "postgres://auditor@" in str(caught.value)


def test_the_session_is_read_only(server, capsys):
    # nextval writes (the sequence, which auditor may use); the read-only session refuses.
    query = "SELECT nextval('teller') AS n, 'a' AS g"
    code = run(["audit", _url(server), "--query", query, "--decision", "n", "--groups", "g"])
    assert code == 2
    assert "alleen-lezen" in capsys.readouterr().err.strip().splitlines()[-1]
    assert server.psql("SELECT last_value, is_called FROM teller").strip() == "1|f"


@pytest.mark.parametrize(
    "url",
    [
        "postgresql://auditor:geheim@localhost/eerlijkheid",
        "postgres://localhost/eerlijkheid?user=auditor&password=geheim",
    ],
)
def test_a_password_in_the_url_is_refused(url, capsys):
    with pytest.raises(ee.ConfigError, match="PGPASSWORD") as caught:
        ee.read_database(url, table="zaken")
    assert "geheim" not in str(caught.value)
    assert run(["audit", url, "--table", "zaken", "--decision", "d", "--groups", "g"]) == 2
    err = capsys.readouterr().err.strip()
    assert "PGPASSWORD" in err.splitlines()[-1] and "geheim" not in err


def test_table_or_query_exactly_one(server):
    with pytest.raises(ee.ConfigError, match="--table"):
        ee.read_database(_url(server))
    with pytest.raises(ee.ConfigError, match="--table"):
        ee.read_database(_url(server), table="zaken", query="SELECT 1")
    with pytest.raises(ee.ConfigError, match="SELECT"):
        ee.read_database(_url(server), query="DELETE FROM zaken")


def _error_cases(server: Any) -> dict[str, tuple[list[str], str]]:
    missing = server.url(user="auditor").replace(str(server.folder), "/tmp/geen-server-hier")
    return {
        "no-connection": ([missing, "--table", "zaken"], "Geen verbinding"),
        "no-such-database": (
            [server.url(database="bestaat_niet", user="auditor"), "--table", "zaken"],
            "Geen verbinding",
        ),
        "no-such-table": ([_url(server), "--table", "zakne"], "bestaat niet"),
        "permission-denied": ([_url(server), "--table", "geheim"], "leesrechten"),
        "bad-sql": ([_url(server), "--query", "SELECT nope FROM zaken"], "ongeldig"),
    }


@pytest.mark.parametrize(
    "case",
    ["no-connection", "no-such-database", "no-such-table", "permission-denied", "bad-sql"],
)
def test_database_errors_are_one_line_with_exit_2(server, case, capsys):
    args, words = _error_cases(server)[case]
    code = run(["audit", *args, "--decision", "geselecteerd", "--groups", "herkomst"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    # One error line after the status lines (which configuration, "reading ..."); no traceback.
    assert err[0].startswith("configuratie:"), err
    assert len(err) == 3 and words in err[-1], err
    assert "Traceback" not in "\n".join(err)


def test_database_errors_in_english(server, capsys):
    code = run(
        [
            *("--taal", "en", "audit", _url(server), "--table", "geheim"),
            *("--decision", "geselecteerd", "--groups", "herkomst"),
        ]
    )
    assert code == 2
    assert "No read permission" in capsys.readouterr().err


def test_cli_audits_a_table_and_writes_the_same_json_as_pandas(server, data, tmp_path):
    out = tmp_path / "rapport.json"
    args = ["--taal", "en", "audit", _url(server), "--table", "zaken"]
    args += ["--decision", "geselecteerd", "--groups", "herkomst,geslacht"]
    args += ["--outcome", "onrechtmatig", "--reference", "herkomst=NL", "-o", str(out)]
    assert run(args) == 0
    got = json.loads(out.read_text("utf-8"))
    want = json.loads(ee.audit(data, **ROLES, language="en").to_json())
    for doc in (got, want):
        doc["provenance"].pop("backend")
        doc["provenance"].pop("created", None)
    assert got["findings"] == want["findings"]
    assert got["provenance"]["rows"] == len(data)


def test_toml_data_url_with_query(server, data, tmp_path, monkeypatch):
    spec = tmp_path / "eerlijkheid.toml"
    spec.write_text(
        f'[data]\nurl = "{_url(server)}"\nquery = "SELECT * FROM zaken WHERE team = \'A\'"\n'
        '[roles]\ndecision = "geselecteerd"\ngroups = ["herkomst"]\n',
        encoding="utf-8",
    )
    out = tmp_path / "out.json"
    assert run(["--taal", "en", "audit", "--config", str(spec), "-o", str(out)]) == 0
    rows = json.loads(out.read_text("utf-8"))["provenance"]["rows"]
    assert rows == int((data["team"] == "A").sum())


def test_a_service_file_gives_host_user_and_database(server, data, tmp_path, monkeypatch):
    service = tmp_path / "pg_service.conf"
    service.write_text(
        f"[eerlijkheid-test]\nhost={server.socket}\nuser=auditor\ndbname=eerlijkheid\n",
        encoding="utf-8",
    )
    monkeypatch.setenv("PGSERVICEFILE", str(service))
    frame = ee.read_database("postgresql://?service=eerlijkheid-test", table="zaken")
    assert ee.audit(frame, **ROLES).provenance.rows == len(data)


@pytest.mark.parametrize(
    ("table", "words"),
    [
        ({"url": "mysql://x/y", "table": "t"}, "PostgreSQL"),
        ({"table": "zaken"}, "url"),
        ({"url": "postgresql:///db"}, "table"),
        ({"url": "postgresql:///db", "path": "x.csv", "table": "t"}, "path"),
    ],
)
def test_toml_data_url_mistakes_are_named(table, words):
    from eerlijkheid.configfile import spec_from_mapping
    from eerlijkheid.i18n import set_language

    set_language("en")
    try:
        data = {"data": table, "roles": {"decision": "d", "groups": ["g"]}}
        with pytest.raises(ee.ConfigError, match=words):
            spec_from_mapping(data)
    finally:
        set_language(None)


def test_counts_of_large_integers_stay_exact(server, postgres_ibis):
    # Pre-aggregated counts past 2**53: PostgreSQL sums bigint to numeric; read exactly.
    import pyarrow as pa

    big = 2**53 + 1
    cells = pa.table(
        {"g": ["a", "a", "b", "b"], "d": ["ja", "nee", "ja", "nee"], "n": [big, 3, 5, 7]}
    )
    table = postgres_ibis.create_table("grote_tellingen", obj=cells)
    counts = ee.count_table(table, decision="d", groups="g", count="n")
    np.testing.assert_array_equal(counts.dense(["g", "d"]), [[3, big], [7, 5]])


def test_check_gates_a_database_table_like_a_file(server, data, tmp_path, capsys):
    args = ["check", _url(server), "--table", "zaken", "--decision", "geselecteerd"]
    args += ["--groups", "herkomst", "--format", "json", "--exit-zero"]
    assert run(args) == 0
    assert json.loads(capsys.readouterr().out)["provenance"]["rows"] == len(data)


def test_table_without_a_url_is_refused(tmp_path, capsys):
    csv = tmp_path / "zaken.csv"
    csv.write_text("g;d\na;ja\nb;nee\n", encoding="utf-8")
    code = run(["audit", str(csv), "--table", "zaken", "--decision", "d", "--groups", "g"])
    assert code == 2
    assert "postgresql://" in capsys.readouterr().err.strip().splitlines()[-1]
