"""A real PostgreSQL server for the tests: a throw-away cluster on a unix socket.

``start()`` runs Debian's binaries (``/usr/lib/postgresql/<version>/bin``, or the folder
``pg_config --bindir`` names): ``initdb`` in a temporary folder, ``pg_ctl start`` with no
TCP at all (``listen_addresses = ''``) and the socket in that folder, every statement
logged (``log_statement = 'all'``) to ``server.log`` there, so a test can show which SQL
reached the server.  PostgreSQL refuses to run as root: as root the cluster belongs to the
``postgres`` OS user (``runuser -u postgres``) and the folder is handed to it.

The ``postgres`` fixture (``tests/conftest.py``) starts one server per test session and
stops it at the end.  Missing binaries skip the tests with the reason outside CI and fail
them under CI (``CI=true``), where ``.ci/run`` installs the ``postgresql`` package.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: The database superuser of the test cluster.
SUPERUSER = "postgres"


def bindir() -> Path | None:
    """The folder with ``initdb`` and ``pg_ctl``, or None when PostgreSQL is not installed."""
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    found = shutil.which("initdb")
    if found:
        candidates.insert(0, str(Path(found).resolve()))
    for initdb in candidates:
        folder = Path(initdb).parent
        if all((folder / name).exists() for name in ("pg_ctl", "psql", "postgres")):
            return folder
    return None


@dataclass
class Server:
    """A running test cluster."""

    folder: Path
    bindir: Path
    as_user: list[str]

    @property
    def socket(self) -> str:
        """The folder of the unix socket (libpq's ``host``)."""
        return str(self.folder)

    @property
    def log(self) -> Path:
        """The server log: every statement, with ``log_statement = 'all'``."""
        return self.folder / "server.log"

    def url(self, database: str = "eerlijkheid", user: str = SUPERUSER) -> str:
        """A connection URL without password (trust authentication on the socket)."""
        return f"postgresql:///{database}?host={self.folder}&user={user}"

    def psql(self, sql: str, database: str = "eerlijkheid") -> str:
        """Run SQL as the superuser (setting up tables and roles; not the code under test)."""
        out = subprocess.run(
            [*self.as_user, str(self.bindir / "psql"), "-X", "-q", "-v", "ON_ERROR_STOP=1",
             "-h", self.socket, "-U", SUPERUSER, "-d", database, "-At", "-c", sql],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
        return out.stdout

    def stop(self) -> None:
        """Stop the server (fast shutdown) and remove the folder."""
        subprocess.run(
            [*self.as_user, str(self.bindir / "pg_ctl"), "-D", str(self.folder / "data"),
             "-m", "fast", "-w", "stop"],
            capture_output=True, check=False,
        )  # fmt: skip
        shutil.rmtree(self.folder, ignore_errors=True)


def start(binaries: Path) -> Server:
    """Initialise a cluster in a new temporary folder and start it on a unix socket."""
    # A short path: a unix socket path has at most 107 bytes.
    folder = Path(tempfile.mkdtemp(prefix="ee-pg-", dir="/tmp"))
    as_user: list[str] = []
    if os.geteuid() == 0:
        shutil.chown(folder, user=SUPERUSER)
        as_user = ["runuser", "-u", SUPERUSER, "--"]
    data = folder / "data"
    subprocess.run(
        [*as_user, str(binaries / "initdb"), "-D", str(data), "-U", SUPERUSER, "-A", "trust",
         "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"],
        capture_output=True, check=True,
    )  # fmt: skip
    settings = {
        "listen_addresses": "''",
        "unix_socket_directories": f"'{folder}'",
        "log_statement": "'all'",
        "log_line_prefix": "'%u '",
        "fsync": "off",
        "full_page_writes": "off",
        "synchronous_commit": "off",
    }
    with open(data / "postgresql.conf", "a", encoding="utf-8") as conf:
        conf.writelines(f"{key} = {value}\n" for key, value in settings.items())
    subprocess.run(
        [*as_user, str(binaries / "pg_ctl"), "-D", str(data), "-l", str(folder / "server.log"),
         "-w", "start"],
        capture_output=True, check=True,
    )  # fmt: skip
    server = Server(folder=folder, bindir=binaries, as_user=as_user)
    try:
        server.psql("CREATE DATABASE eerlijkheid", database="postgres")
    except BaseException:
        server.stop()
        raise
    return server
