"""Catalogue of bad input for the command line (issue 14): each case names the promise it checks.

"Nothing lost, nothing silently changed, nothing injected."  Every case runs the real
``eerlijkheid`` command in a subprocess (``python -m eerlijkheid``, with this worktree's
``src`` on ``PYTHONPATH``) in a folder made by :func:`make_workspace`, and states the exit
code, a fragment of the first error line (what and where, on its own), fragments that must
(not) be anywhere on stderr, and the files that must be byte-identical afterwards.

The runner is ``test_bad_input_catalogue`` in ``tests/test_cli.py``; the reader's own
catalogue is ``tests/bad_inputs_readers.py``.  docs/opdrachtregel.md lists the promises.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from eerlijkheid.datasets import welfare_reexamination

SRC = Path(__file__).resolve().parents[1] / "src"

# The promises, in the words of the documentation (docs/opdrachtregel.md).
OVERWRITE = "een uitvoer overschrijft nooit een invoer, ook niet via een (harde) link"
ONE_LINE = "elke fout is één regel die zegt wat en waar: exit 2, geen traceback"
REFUSED = "een onmogelijke instelling wordt geweigerd, niet stil geaccepteerd"
ADVICE = "een advies noemt een optie die de opdrachtregel echt heeft"
WARNING = "een waarschuwing is één regel, zonder Python-bronpad"
INJECTION = "alleen een configuratie uit de eigen projectmap telt, en de CLI zegt welke"

ROLES = ("--decision", "geselecteerd", "--groups", "migratieachtergrond", "--order", "1")
DATA_FILES = ("data.csv", "data.txt", "cfg.toml", "baseline.json")


@dataclass(frozen=True)
class Case:
    """One bad input and what the command must do with it.

    ``args`` follow ``eerlijkheid``; they run in ``workspace / cwd``.  ``first_line`` must be
    in the first error line (``fout:`` or click's ``Error:``) when the exit code is 2;
    ``stderr`` fragments must be on stderr, ``absent`` ones must not.  ``unchanged`` files
    (relative to the workspace) must be byte-identical afterwards.
    """

    id: str
    promise: str
    args: tuple[str, ...]
    exit_codes: frozenset[int]
    first_line: str = ""
    stderr: tuple[str, ...] = ()
    absent: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    cwd: str = "."
    env: tuple[tuple[str, str], ...] = ()


def case(
    id: str, promise: str, *args: str, exit: int | tuple[int, ...] = 2, **kwargs: object
) -> Case:
    codes = frozenset((exit,) if isinstance(exit, int) else exit)
    return Case(id, promise, args, codes, **kwargs)  # type: ignore[arg-type]


CASES: tuple[Case, ...] = (
    # --- data loss: an output never replaces an input -------------------------------------
    case(
        "audit-output-is-the-data",
        OVERWRITE,
        *("audit", "data.txt", *ROLES, "-o", "data.txt"),
        first_line="data.txt",
        stderr=("databestand", "niets geschreven"),
        unchanged=("data.txt",),
    ),
    case(
        "check-output-is-the-data-through-a-symlink",
        OVERWRITE,
        *("check", "link.csv", *ROLES, "-o", "data.csv"),
        first_line="data.csv",
        stderr=("link.csv",),
        unchanged=("data.csv",),
    ),
    case(
        "write-baseline-is-the-data-through-a-hard-link",
        OVERWRITE,
        *("check", "data.csv", *ROLES, "--write-baseline", "hard.csv"),
        first_line="hard.csv",
        unchanged=("data.csv",),
    ),
    case(
        "output-is-the-config",
        OVERWRITE,
        *("check", "--config", "cfg.toml", "-o", "cfg.toml"),
        first_line="configuratiebestand",
        unchanged=("cfg.toml", "data.csv"),
    ),
    case(
        "write-baseline-is-the-baseline",
        OVERWRITE,
        *("check", "data.csv", *ROLES, "--baseline", "baseline.json"),
        *("--write-baseline", "baseline.json"),
        first_line="baseline.json",
        unchanged=("baseline.json",),
    ),
    case(
        "two-outputs-are-one-file",
        OVERWRITE,
        *("audit", "data.csv", *ROLES, "-o", "r.json", "-o", "./r.json"),
        first_line="r.json",
        unchanged=("data.csv",),
    ),
    # --- tracebacks that must be one line and exit 2 ------------------------------------
    case(
        "baseline-not-utf8",
        ONE_LINE,
        *("check", "data.csv", *ROLES, "--baseline", "latin1.json"),
        first_line="latin1.json",
        stderr=("UTF-8",),
    ),
    case(
        "baseline-deeply-nested",
        ONE_LINE,
        *("check", "data.csv", *ROLES, "--baseline", "deep.json"),
        first_line="deep.json",
        stderr=("te diep genest",),
    ),
    case(
        "baseline-unknown-severity",
        ONE_LINE,
        *("check", "data.csv", *ROLES, "--baseline", "severity.json"),
        first_line="findings[0].severity",
        stderr=("severity.json", "'ernstig'"),
    ),
    case(
        "baseline-is-an-audit",
        ONE_LINE,
        *("check", "data.csv", *ROLES, "--baseline", "audit.json"),
        first_line="audit.json",
        stderr=("geen baseline",),
    ),
    case(
        "catalogue-not-utf8",
        ONE_LINE,
        *("toets", "--catalogue", "latin1.toml"),
        first_line="latin1.toml",
        stderr=("UTF-8",),
    ),
    case(
        "catalogue-deeply-nested",
        ONE_LINE,
        *("toets", "--catalogue", "deep.toml"),
        first_line="deep.toml",
        stderr=("te diep genest",),
    ),
    case(
        "declared-ground-unknown",
        ONE_LINE,
        *("check", "data.csv", "--config", "grounds.toml"),
        first_line="'nationalty'",
        stderr=("declared_grounds", "Bedoelde u 'nationality'?"),
    ),
    case(
        "label-with-a-newline-stays-on-one-line",
        ONE_LINE,
        *("check", "newline-label.csv", "--decision", "d", "--groups", "g"),
        first_line="'a\\nb\\x1b[31m'",
        unchanged=("newline-label.csv",),
    ),
    case("demo-negative-seed", ONE_LINE, "demo", "--seed", "-1", first_line="--seed"),
    case(
        "inputs-column-does-not-exist",
        REFUSED,
        *("check", "data.csv", *ROLES, "--inputs", "geslachtt"),
        first_line="geslachtt",
        stderr=("geslacht",),
    ),
    case(
        "language-variable-unknown",
        ONE_LINE,
        "explain",
        "EE101",
        first_line="EERLIJKHEID_LANG",
        stderr=("'xx'", "nl, en"),
        env=(("EERLIJKHEID_LANG", "xx"),),
    ),
    # --- silently accepted --------------------------------------------------------------
    case(
        "threshold-high-infinite",
        REFUSED,
        *("check", "data.csv", "--config", "infinite.toml"),
        first_line="infinite.toml",
        stderr=("audit.thresholds.high", "< inf"),
    ),
    # --- advice names a real option -------------------------------------------------------
    case(
        "unknown-encoding-advises-the-option",
        ADVICE,
        *("check", "undecodable.csv", *ROLES),
        first_line="undecodable.csv",
        stderr=("--encoding",),
        unchanged=("undecodable.csv",),
    ),
    case(
        "encoding-option-reads-the-file",
        ADVICE,
        *("check", "undecodable.csv", *ROLES, "--encoding", "latin-1", "--exit-zero"),
        exit=0,
        unchanged=("undecodable.csv",),
    ),
    case(
        "encoding-option-unknown",
        ADVICE,
        *("check", "data.csv", *ROLES, "--encoding", "klingon-8"),
        first_line="--encoding",
        stderr=("klingon-8",),
    ),
    case(
        "separator-option-too-long",
        ADVICE,
        *("check", "data.csv", *ROLES, "--sep", ";;"),
        first_line="--sep",
    ),
    case(
        "rounded-counts-warning-is-one-line",
        WARNING,
        *("audit", "counts.csv", "--decision", "d", "--groups", "g", "--count", "n"),
        *("-o", "counts.json"),
        exit=0,
        stderr=("waarschuwing: Alle aantallen in 'n'", "--rounded"),
        absent=(".py:", "RoundedCountsWarning"),
        unchanged=("counts.csv",),
    ),
    # --- injection: configuration from the own project only, and said which -------------
    case(
        "config-above-the-project-root-is-ignored",
        INJECTION,
        "check",
        "../../../data.csv",
        cwd="gedeeld/project/sub",
        first_line="--decision",
        stderr=("configuratie: geen bestand gevonden", "projectmap"),
    ),
    case(
        "config-in-the-project-is-used-and-named",
        INJECTION,
        *("check", "../data.csv", "--exit-zero", "--format", "json"),
        exit=0,
        cwd="project",
        stderr=("configuratie: ", f"{os.sep}project{os.sep}eerlijkheid.toml\n"),
    ),
)


def make_workspace(root: Path) -> Path:
    """Write every file the cases use into ``root`` and return it."""
    frame = welfare_reexamination(n=400, seed=14)[
        ["migratieachtergrond", "geslacht", "geselecteerd", "aselect"]
    ]
    frame.to_csv(root / "data.csv", index=False)
    shutil.copy(root / "data.csv", root / "data.txt")
    (root / "link.csv").symlink_to(root / "data.csv")
    os.link(root / "data.csv", root / "hard.csv")
    roles = '[roles]\ndecision = "geselecteerd"\ngroups = ["migratieachtergrond"]\n'
    (root / "cfg.toml").write_text(f'[data]\npath = "data.csv"\n{roles}', "utf-8")
    grounds = '[audit]\ninputs = ["kenmerk_17"]\ndeclared_grounds = { kenmerk_17 = "nationalty" }\n'
    (root / "grounds.toml").write_text(roles + grounds, "utf-8")
    (root / "infinite.toml").write_text(roles + "[audit.thresholds]\nhigh = inf\n", "utf-8")
    (root / "baseline.json").write_text('{"schema_version": 1, "findings": []}\n', "utf-8")
    (root / "latin1.json").write_bytes('{"schema_version": 1, "findings": ["é"]}'.encode("latin-1"))
    (root / "deep.json").write_text("[" * 100_000 + "]" * 100_000, "utf-8")
    entry = {"fingerprint": "f", "code": "EE101", "severity": "ernstig", "certainty": "established"}
    (root / "severity.json").write_text(
        json.dumps({"schema_version": 1, "findings": [entry]}), "utf-8"
    )
    (root / "audit.json").write_text(
        json.dumps({"schema_version": 1, "roles": {}, "rates": [], "findings": []}), "utf-8"
    )
    (root / "latin1.toml").write_bytes('catalogue_version = "é"\n'.encode("latin-1"))
    (root / "deep.toml").write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", "utf-8")
    # 0x81 is neither UTF-8 nor Windows-1252: the reader cannot guess the encoding.
    (root / "undecodable.csv").write_bytes(
        b"migratieachtergrond,geslacht,geselecteerd\n"
        + b"".join(
            b"%s,%s,%d\n" % (g, s, i % 2 == 0)
            for i, (g, s) in enumerate(
                [(b"geen", b"vrouw"), (b"westers", b"man"), (b"niet-westers\x81", b"man")] * 40
            )
        )
    )
    # One group only, its label with a newline and an ANSI escape: shown escaped in the error.
    (root / "newline-label.csv").write_text('g,d\n"a\nb\x1b[31m",1\n"a\nb\x1b[31m",0\n', "utf-8")
    (root / "counts.csv").write_text("g,d,n\na,1,100\na,0,900\nb,1,200\nb,0,800\n", "utf-8")
    # A configuration planted above a project (a shared folder) must not be taken.
    (root / "gedeeld" / "project" / "sub").mkdir(parents=True)
    (root / "gedeeld" / "project" / ".git").mkdir()
    (root / "gedeeld" / "eerlijkheid.toml").write_text(roles, "utf-8")
    (root / "project" / ".git").mkdir(parents=True)
    (root / "project" / "eerlijkheid.toml").write_text(roles, "utf-8")
    return root


def run_case(case: Case, workspace: Path) -> subprocess.CompletedProcess[str]:
    """Run the case's command in a subprocess, as a user would."""
    env = {k: v for k, v in os.environ.items() if k != "EERLIJKHEID_LANG"}
    env["PYTHONPATH"] = os.pathsep.join([str(SRC), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.update(case.env)
    return subprocess.run(
        [sys.executable, "-m", "eerlijkheid", *case.args],
        cwd=workspace / case.cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def run_all(
    cases: tuple[Case, ...], workspace: Path
) -> dict[str, subprocess.CompletedProcess[str]]:
    """Run every case, two at a time (each run is mostly the import of eerlijkheid)."""
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(pool.map(lambda c: (c.id, run_case(c, workspace)), cases))


def first_error_line(stderr: str) -> str:
    """The first line that reports an error (ours: ``fout:``; click's: ``Error:``)."""
    for line in stderr.splitlines():
        if line.startswith(("fout:", "error:", "Error:")):
            return line
    return ""
