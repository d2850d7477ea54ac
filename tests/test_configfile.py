"""The audit configuration file: eerlijkheid.toml and [tool.eerlijkheid] in pyproject.toml."""

from __future__ import annotations

import json
import math
import os
import sys
import textwrap
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from eerlijkheid import configfile
from eerlijkheid.config import AuditConfig, Roles, SeverityThresholds
from eerlijkheid.configfile import (
    AuditSpec,
    ConfigFileError,
    find_spec,
    load_spec,
    spec_from_mapping,
)
from eerlijkheid.exceptions import ConfigError
from eerlijkheid.i18n import set_language

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on Python 3.10 only
    import tomli as tomllib

FULL_EXAMPLE = """\
schema_version = 1

[data]
path = "export.csv"
rounded = true

[roles]
decision = "geselecteerd"
groups = ["nationaliteit", "geslacht"]
outcome = "onrechtmatig"
score = "risicoscore"
weight = "gewicht"
random_sample = "aselect"
stages = ["risicoscore_hoog"]
strata = ["afdeling"]
missing_groups = "error"
missing_label = "leeg"
binary_values = { geselecteerd = true, "niet geselecteerd" = false }

[reference]
nationaliteit = "Nederlands"
geslacht = 1

[audit]
order = 3
reference_rule = "most-favourable"
favourable = true
confidence_level = 0.9
interval_method = "jeffreys"
adjust = "bh"
alpha = 0.1
detectable_ratio = 1.5
power = 0.9
suppression_threshold = 5
inputs = ["inkomen", "postcode", "nationaliteit"]
declared_grounds = { kenmerk_17 = "nationality" }
row_analyses = false
max_rows = 50000
seed = 7

[audit.thresholds]
low = 1.2
medium = 1.5
high = 3
"""

EXPECTED_ROLES = Roles(
    decision="geselecteerd",
    groups=("nationaliteit", "geslacht"),
    outcome="onrechtmatig",
    score="risicoscore",
    weight="gewicht",
    random_sample="aselect",
    stages=("risicoscore_hoog",),
    strata=("afdeling",),
    missing_groups="error",
    missing_label="leeg",
    binary_values={"geselecteerd": True, "niet geselecteerd": False},
)
EXPECTED_CONFIG = AuditConfig(
    order=3,
    reference={"nationaliteit": "Nederlands", "geslacht": "1"},
    reference_rule="most-favourable",
    favourable=True,
    confidence_level=0.9,
    interval_method="jeffreys",
    adjust="bh",
    alpha=0.1,
    thresholds=SeverityThresholds(low=1.2, medium=1.5, high=3.0),
    detectable_ratio=1.5,
    power=0.9,
    suppression_threshold=5,
    inputs=("inkomen", "postcode", "nationaliteit"),
    declared_grounds={"kenmerk_17": "nationality"},
    row_analyses=False,
    max_rows=50_000,
    seed=7,
)
MINIMAL = '[roles]\ndecision = "d"\ngroups = ["g", "h"]\n'


@pytest.fixture(autouse=True)
def _dutch():
    """Dutch by default, whatever EERLIJKHEID_LANG says; reset afterwards."""
    set_language("nl")
    yield
    set_language(None)


def write(folder: Path, name: str, text: str) -> Path:
    file = folder / name
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, "utf-8")
    return file


def errors_of(data: dict[str, Any]) -> ConfigFileError:
    with pytest.raises(ConfigFileError) as info:
        spec_from_mapping(data)
    return info.value


def paths_of(data: dict[str, Any]) -> list[str]:
    return [path for path, _ in errors_of(data).errors]


def with_roles(**sections: Any) -> dict[str, Any]:
    return {"roles": {"decision": "d", "groups": ["g", "h"]}, **sections}


# ----------------------------------------------------------------------- loading


def test_full_example_round_trip(tmp_path):
    file = write(tmp_path, "eerlijkheid.toml", FULL_EXAMPLE)
    spec = load_spec(file)
    assert spec == AuditSpec(
        roles=EXPECTED_ROLES,
        config=EXPECTED_CONFIG,
        data_path=tmp_path / "export.csv",
        rounded=True,
        source=file,
    )
    assert spec.config.thresholds.high == 3.0
    assert isinstance(spec.config.thresholds.high, float)
    assert dict(spec.roles.binary_values) == {"geselecteerd": True, "niet geselecteerd": False}


def test_the_documented_example_is_valid(tmp_path):
    """The example in the module docstring loads, and shows the defaults of Roles/AuditConfig."""
    doc = configfile.__doc__ or ""
    block = doc.split(".. code-block:: toml\n")[1].split("\nThe keys")[0]
    spec = load_spec(write(tmp_path, "eerlijkheid.toml", textwrap.dedent(block)))
    assert spec.roles == Roles(
        decision="geselecteerd",
        groups=("nationaliteit", "geslacht"),
        outcome="onrechtmatig",
        score="risicoscore",
        weight="gewicht",
        random_sample="aselect",
        stages=("risicoscore_hoog",),
        strata=("afdeling",),
        binary_values={"geselecteerd": True, "niet geselecteerd": False},
    )
    assert spec.config == AuditConfig(
        reference={"nationaliteit": "Nederlands"},
        inputs=("inkomen", "postcode", "nationaliteit"),
        declared_grounds={"kenmerk_17": "nationality"},
    )
    assert spec.data_path == tmp_path / "export.csv"
    assert spec.rounded is False


def test_minimal_file_uses_defaults(tmp_path):
    spec = load_spec(write(tmp_path, "audit.toml", MINIMAL))
    assert spec == AuditSpec(
        roles=Roles(decision="d", groups=("g", "h")),
        config=AuditConfig(),
        data_path=None,
        rounded=False,
        source=tmp_path / "audit.toml",
    )


def test_single_strings_are_accepted_for_lists():
    spec = spec_from_mapping(
        {"roles": {"decision": "d", "groups": "g", "stages": "s", "strata": "t"}}
    )
    assert (spec.roles.groups, spec.roles.stages, spec.roles.strata) == (("g",), ("s",), ("t",))


def test_reference_labels_ints_and_bools_become_strings():
    spec = spec_from_mapping(with_roles(reference={"g": 3, "h": True}))
    assert dict(spec.config.reference) == {"g": "3", "h": "True"}


def test_data_path_resolution(tmp_path):
    absolute = str(tmp_path / "elders" / "data.parquet")
    spec = load_spec(
        write(
            tmp_path, "sub/eerlijkheid.toml", f"[data]\npath = {json.dumps(absolute)}\n" + MINIMAL
        )
    )
    assert spec.data_path == Path(absolute)
    spec = load_spec(
        write(tmp_path, "sub/eerlijkheid.toml", '[data]\npath = "../x.csv"\n' + MINIMAL)
    )
    assert spec.data_path == tmp_path / "sub" / ".." / "x.csv"
    assert spec_from_mapping(with_roles(data={"path": "x.csv"})).data_path == Path("x.csv")
    source = tmp_path / "a" / "eerlijkheid.toml"
    spec = spec_from_mapping(with_roles(data={"path": "x.csv"}), source=source)
    assert (spec.data_path, spec.source) == (tmp_path / "a" / "x.csv", source)


def test_relative_config_path_gives_absolute_source(tmp_path, monkeypatch):
    write(tmp_path, "eerlijkheid.toml", '[data]\npath = "x.csv"\n' + MINIMAL)
    monkeypatch.chdir(tmp_path)
    spec = load_spec("eerlijkheid.toml")
    assert spec.source == tmp_path / "eerlijkheid.toml"
    assert spec.data_path == tmp_path / "x.csv"


def test_none_values_count_as_absent():
    """The command line builds the mapping from options; unset options are None."""
    spec = spec_from_mapping(
        {"roles": {"decision": "d", "groups": ("g",), "outcome": None}, "audit": {"order": None}}
    )
    assert spec.roles == Roles(decision="d", groups=("g",))
    assert spec.config == AuditConfig()


def test_pyproject_tool_table(tmp_path):
    text = textwrap.dedent(
        """\
        [project]
        name = "gemeente-audit"

        [tool.ruff]
        line-length = 100

        [tool.eerlijkheid.data]
        path = "export.csv"

        [tool.eerlijkheid.roles]
        decision = "geselecteerd"
        groups = ["nationaliteit"]

        [tool.eerlijkheid.audit]
        order = 1
        """
    )
    file = write(tmp_path, "pyproject.toml", text)
    spec = load_spec(file)
    assert spec == AuditSpec(
        roles=Roles(decision="geselecteerd", groups=("nationaliteit",)),
        config=AuditConfig(order=1),
        data_path=tmp_path / "export.csv",
        rounded=False,
        source=file,
    )


def test_pyproject_errors_carry_the_tool_prefix(tmp_path):
    text = '[tool.eerlijkheid.roles]\ndecision = "d"\ngroups = ["g"]\n'
    text += "[tool.eerlijkheid.audit]\nordr = 1\n"
    with pytest.raises(ConfigFileError) as info:
        load_spec(write(tmp_path, "pyproject.toml", text))
    assert [p for p, _ in info.value.errors] == ["tool.eerlijkheid.audit.ordr"]
    assert "'order'" in str(info.value)
    assert "pyproject.toml" in str(info.value)


def test_pyproject_without_tool_table(tmp_path):
    file = write(tmp_path, "pyproject.toml", '[project]\nname = "x"\n[tool.ruff]\nfix = true\n')
    with pytest.raises(ConfigError, match=r"\[tool\.eerlijkheid\]") as info:
        load_spec(file)
    assert str(file) in str(info.value)


def test_pyproject_tool_entry_that_is_not_a_table(tmp_path):
    with pytest.raises(ConfigFileError) as info:
        load_spec(write(tmp_path, "pyproject.toml", '[tool]\neerlijkheid = "ja"\n'))
    assert [p for p, _ in info.value.errors] == ["tool.eerlijkheid"]


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="bestaat niet"):
        load_spec(tmp_path / "geen.toml")


def test_file_that_is_not_utf8(tmp_path):
    file = tmp_path / "eerlijkheid.toml"
    file.write_bytes(b'[roles]\ndecision = "\xe9"\n')
    with pytest.raises(ConfigError, match="UTF-8"):
        load_spec(file)


# ------------------------------------------------------------------------ finding


def test_data_table_says_how_the_text_file_is_read(tmp_path):
    text = MINIMAL + '[data]\nencoding = "latin-1"\nsep = "tab"\ndecimal = ","\nthousands = "."\n'
    spec = load_spec(write(tmp_path, "eerlijkheid.toml", text))
    assert (spec.encoding, spec.sep, spec.decimal, spec.thousands) == ("latin-1", "\t", ",", ".")
    assert load_spec(write(tmp_path, "b/eerlijkheid.toml", MINIMAL)).encoding is None


@pytest.mark.parametrize(
    ("data", "path", "fragment"),
    [
        ({"encoding": "klingon-8"}, "data.encoding", "klingon-8"),
        ({"encoding": 8}, "data.encoding", "8"),
        ({"sep": ";;"}, "data.sep", "één teken"),
        ({"decimal": ""}, "data.decimal", "één teken"),
        ({"thousands": ".,"}, "data.thousands", "één teken"),
    ],
)
def test_data_table_refuses_an_unknown_encoding_or_a_long_separator(data, path, fragment):
    errors = dict(errors_of(with_roles(data=data)).errors)
    assert list(errors) == [path]
    assert fragment in errors[path]


def test_find_spec_walks_up_from_a_nested_folder(tmp_path):
    (tmp_path / ".git").mkdir()
    own = write(tmp_path, "eerlijkheid.toml", MINIMAL)
    nested = tmp_path / "a" / "b" / "c"
    nested.mkdir(parents=True)
    assert find_spec(nested) == own
    assert find_spec(nested / "data.csv") == own  # a file: start in its folder


def test_find_spec_stops_at_a_pyproject_without_our_table(tmp_path):
    """A pyproject.toml marks the project root, even without [tool.eerlijkheid] (issue 14)."""
    (tmp_path / ".git").mkdir()
    write(tmp_path, "eerlijkheid.toml", MINIMAL)  # above the project: not ours
    nested = tmp_path / "a" / "b"
    nested.mkdir(parents=True)
    write(tmp_path, "a/pyproject.toml", '[project]\nname = "eerlijkheid-x"\n')  # no tool table
    assert find_spec(nested) is None
    own = write(tmp_path, "a/eerlijkheid.toml", MINIMAL)  # the root itself is searched
    assert find_spec(nested) == own


def test_find_spec_without_a_project_root_searches_the_start_folder_only(tmp_path):
    """A file planted in a shared parent folder never sets the roles of an audit below it."""
    write(tmp_path, "eerlijkheid.toml", MINIMAL)
    nested = tmp_path / "gedeeld" / "team"
    nested.mkdir(parents=True)
    assert find_spec(nested) is None
    own = write(tmp_path, "gedeeld/team/eerlijkheid.toml", MINIMAL)
    assert find_spec(nested) == own


def test_find_spec_prefers_the_nearest_and_eerlijkheid_toml(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path, "eerlijkheid.toml", MINIMAL)
    pyproject = write(tmp_path, "a/pyproject.toml", "[tool.eerlijkheid.roles]\n")
    assert find_spec(tmp_path / "a") == pyproject
    own = write(tmp_path, "a/eerlijkheid.toml", MINIMAL)
    assert find_spec(tmp_path / "a") == own


def test_find_spec_stops_at_the_repository_root(tmp_path):
    write(tmp_path, "eerlijkheid.toml", MINIMAL)  # above the repository: not ours
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    (repo / "src").mkdir()
    assert find_spec(repo / "src") is None


def test_find_spec_default_start_is_the_working_folder(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    own = write(tmp_path, "eerlijkheid.toml", MINIMAL)
    monkeypatch.chdir(tmp_path)
    assert find_spec() == own


def test_find_spec_reports_a_broken_pyproject_that_mentions_us(tmp_path):
    (tmp_path / ".git").mkdir()
    write(tmp_path, "pyproject.toml", "[tool.eerlijkheid\n")
    with pytest.raises(ConfigError, match="TOML"):
        find_spec(tmp_path)


# ------------------------------------------------------------------------- errors


def test_broken_toml_names_file_line_and_column(tmp_path):
    file = write(tmp_path, "eerlijkheid.toml", '[roles]\ndecision = "d"\ngroups = \n')
    with pytest.raises(ConfigError) as info:
        load_spec(file)
    text = str(info.value)
    assert str(file) in text
    assert "regel 3, kolom 10" in text
    assert "TOML" in text
    assert "(at line" not in text


def test_deeply_nested_toml_is_a_config_error_not_a_recursion_error(tmp_path):
    file = write(tmp_path, "eerlijkheid.toml", "a = " + "[" * 100_000 + "]" * 100_000 + "\n")
    with pytest.raises(ConfigError, match="te diep genest") as info:
        load_spec(file)
    assert str(file) in str(info.value)


def test_broken_toml_at_end_of_document(tmp_path):
    file = write(tmp_path, "eerlijkheid.toml", '[roles]\ndecision = "d\n')
    with pytest.raises(ConfigError, match=r"regel \d+, kolom \d+"):
        load_spec(file)


@pytest.mark.parametrize(
    ("data", "path", "fragment"),
    [
        (with_roles(audit={"ordr": 2}), "audit.ordr", "'order'"),
        (with_roles(audit={"Order": 2}), "audit.Order", "'order'"),
        (with_roles(audit={"thresholds": {"hgh": 3.0}}), "audit.thresholds.hgh", "'high'"),
        (with_roles(rols={}), "rols", "'roles'"),
        (with_roles(tresholds={"low": 1.2}), "tresholds", "'audit.thresholds'"),
        (with_roles(data={"paht": "x.csv"}), "data.paht", "'path'"),
        ({"roles": {"decision": "d", "groups": "g", "order": 2}}, "roles.order", "'audit.order'"),
        (with_roles(audit={"reference": {"g": "a"}}), "audit.reference", "'reference'"),
        ({"roles": {"decision": "d", "groups": "g", "outcom": "y"}}, "roles.outcom", "'outcome'"),
    ],
)
def test_unknown_keys_and_tables_suggest(data, path, fragment):
    [(where, detail)] = errors_of(data).errors
    assert where == path
    assert fragment in detail
    assert "Toegestaan" in detail


def test_unknown_key_lists_the_allowed_keys():
    [(path, detail)] = errors_of(with_roles(audit={"xyz": 2})).errors
    assert path == "audit.xyz"
    assert "order, reference_rule, favourable" in detail
    assert "Bedoelde" not in detail


@pytest.mark.parametrize(
    ("section", "path", "expected"),
    [
        ({"audit": {"order": True}}, "audit.order", "geheel getal"),
        ({"audit": {"order": 2.0}}, "audit.order", "geheel getal"),
        ({"audit": {"suppression_threshold": "10"}}, "audit.suppression_threshold", "geheel"),
        ({"audit": {"alpha": True}}, "audit.alpha", "een getal"),
        ({"audit": {"alpha": "0.05"}}, "audit.alpha", "een getal"),
        ({"audit": {"favourable": "ja"}}, "audit.favourable", "true of false"),
        ({"audit": {"favourable": 1}}, "audit.favourable", "true of false"),
        ({"audit": {"row_analyses": "ja"}}, "audit.row_analyses", "true of false"),
        ({"audit": {"max_rows": 1e6}}, "audit.max_rows", "geheel getal"),
        ({"audit": {"max_rows": 0}}, "audit.max_rows", "1, 2, 3"),
        ({"audit": {"seed": -1}}, "audit.seed", "0, 1, 2"),
        ({"audit": {"interval_method": 1}}, "audit.interval_method", "tekst"),
        ({"audit": {"inputs": ["a", 1]}}, "audit.inputs[1]", "tekst"),
        ({"audit": {"inputs": {"a": 1}}}, "audit.inputs", "lijst van teksten"),
        ({"audit": {"declared_grounds": {"k": 1}}}, "audit.declared_grounds.k", "tekst"),
        ({"audit": {"declared_grounds": ["k"]}}, "audit.declared_grounds", "tabel"),
        ({"audit": {"thresholds": {"medium": "1.5"}}}, "audit.thresholds.medium", "getal"),
        ({"audit": {"thresholds": 1.5}}, "audit.thresholds", "tabel"),
        ({"audit": "holm"}, "audit", "tabel"),
        ({"data": {"path": 3}}, "data.path", "tekst"),
        ({"data": {"path": ["a.csv"]}}, "data.path", "tekst"),
        ({"data": {"rounded": "nee"}}, "data.rounded", "true of false"),
        ({"data": "x.csv"}, "data", "tabel"),
        ({"reference": {"g": 1.5}}, "reference.g", "label"),
        ({"reference": {"g": ["a"]}}, "reference.g", "label"),
        ({"schema_version": "1"}, "schema_version", "geheel getal"),
    ],
)
def test_wrong_types(section, path, expected):
    [(where, detail)] = errors_of(with_roles(**section)).errors
    assert where == path
    assert expected in detail
    assert "gekregen" in detail


@pytest.mark.parametrize(
    ("roles", "path", "expected"),
    [
        ({"decision": 1, "groups": "g"}, "roles.decision", "tekst"),
        ({"decision": "d", "groups": ["g", 3]}, "roles.groups[1]", "tekst"),
        ({"decision": "d", "groups": 3}, "roles.groups", "lijst van teksten"),
        ({"decision": "d", "groups": "g", "outcome": ["y"]}, "roles.outcome", "tekst"),
        ({"decision": "d", "groups": "g", "stages": [True]}, "roles.stages[0]", "tekst"),
        ({"decision": "d", "groups": "g", "missing_label": 0}, "roles.missing_label", "tekst"),
        (
            {"decision": "d", "groups": "g", "binary_values": {"niet geselecteerd": 0}},
            'roles.binary_values."niet geselecteerd"',
            "true of false",
        ),
        ({"decision": "d", "groups": "g", "binary_values": ["ja"]}, "roles.binary_values", "tabel"),
    ],
)
def test_wrong_types_in_roles(roles, path, expected):
    [(where, detail)] = errors_of({"roles": roles}).errors
    assert where == path
    assert expected in detail


def test_toml_value_is_shown_as_written():
    [(_, detail)] = errors_of(with_roles(audit={"order": True})).errors
    assert detail.endswith("gekregen: true.")
    [(_, detail)] = errors_of(with_roles(audit={"alpha": "0.05"})).errors
    assert detail.endswith('gekregen: "0.05".')


@pytest.mark.parametrize(
    ("audit", "path", "allowed"),
    [
        ({"interval_method": "wilsn"}, "audit.interval_method", "'wilson', 'clopper-pearson'"),
        ({"adjust": "fdr"}, "audit.adjust", "'holm', 'bh', 'bonferroni'"),
        ({"reference_rule": "grootste"}, "audit.reference_rule", "'largest', 'most-favourable'"),
        ({"order": 0}, "audit.order", "1, 2, 3"),
        ({"confidence_level": 95.0}, "audit.confidence_level", "0 < x < 1"),
        ({"alpha": 0.0}, "audit.alpha", "0 < x < 1"),
        ({"power": 1.0}, "audit.power", "0 < x < 1"),
        ({"detectable_ratio": 0.8}, "audit.detectable_ratio", "1 < x < inf"),
        ({"detectable_ratio": math.inf}, "audit.detectable_ratio", "1 < x < inf"),
        ({"suppression_threshold": -1}, "audit.suppression_threshold", "5, 6, 7"),
        ({"inputs": ["a", ""]}, "audit.inputs[1]", "kolomnaam"),
        ({"thresholds": {"low": 1.0}}, "audit.thresholds.low", "1 < low <= medium <= high"),
        ({"thresholds": {"medium": 1.05}}, "audit.thresholds.medium", "1 < low <= medium"),
        ({"thresholds": {"high": 1.2}}, "audit.thresholds.high", "medium <= high"),
        ({"thresholds": {"low": 1.6}}, "audit.thresholds.low", "low <= medium"),
        # issue 14: an infinite or undefined threshold would never grade a finding
        ({"thresholds": {"high": math.inf}}, "audit.thresholds.high", "high < inf"),
        ({"thresholds": {"medium": math.nan}}, "audit.thresholds.medium", "high < inf"),
        ({"thresholds": {"low": math.inf, "high": 3.0}}, "audit.thresholds.low", "< inf"),
    ],
)
def test_values_out_of_range_keep_the_config_message(audit, path, allowed):
    [(where, detail)] = errors_of(with_roles(audit=audit)).errors
    assert where == path
    assert allowed in detail
    with pytest.raises(ConfigError) as original:  # the same message as AuditConfig's own
        AuditConfig(
            **{k: (SeverityThresholds(**v) if k == "thresholds" else v) for k, v in audit.items()}
        )
    assert detail == str(original.value)


@pytest.mark.parametrize(
    ("roles", "path", "fragment"),
    [
        ({"decision": "d", "groups": []}, "roles.groups", "groepskenmerk"),
        ({"decision": "", "groups": "g"}, "roles.decision", "kolomnaam"),
        ({"decision": "d", "groups": ["g", ""]}, "roles.groups[1]", "kolomnaam"),
        ({"decision": "d", "groups": ["g", "g"]}, "roles.groups", "twee rollen"),
        ({"decision": "g", "groups": ["g"]}, "roles.decision", "twee rollen"),
        ({"decision": "d", "groups": "g", "outcome": "d"}, "roles.outcome", "twee rollen"),
        ({"decision": "d", "groups": "g", "strata": ["s", "g"]}, "roles.strata[1]", "twee rollen"),
        ({"decision": "d", "groups": "g", "score": ""}, "roles.score", "kolomnaam"),
        (
            {"decision": "d", "groups": "g", "missing_groups": "drop"},
            "roles.missing_groups",
            "'group', 'error'",
        ),
    ],
)
def test_invalid_roles_keep_the_roles_message(roles, path, fragment):
    [(where, detail)] = errors_of({"roles": roles}).errors
    assert where == path
    assert fragment in detail


def test_two_optional_roles_on_one_column():
    [(where, detail)] = errors_of(
        {"roles": {"decision": "d", "groups": "g", "outcome": "y", "score": "y"}}
    ).errors
    assert where == "roles.score"
    assert "'y'" in detail


@pytest.mark.parametrize(
    ("data", "paths"),
    [
        ({"roles": {"groups": "g"}}, ["roles.decision"]),
        ({"roles": {"decision": "d"}}, ["roles.groups"]),
        ({}, ["roles.decision", "roles.groups"]),
        ({"audit": {"order": 1}}, ["roles.decision", "roles.groups"]),
    ],
)
def test_missing_required_roles(data, paths):
    error = errors_of(data)
    assert [p for p, _ in error.errors] == paths
    assert all("verplicht" in detail for _, detail in error.errors)


def test_roles_that_is_not_a_table():
    assert paths_of({"roles": ["d", "g"]}) == ["roles"]


def test_reference_must_name_a_group():
    [(where, detail)] = errors_of(with_roles(reference={"leeftijd": "18-27", "g": "a"})).errors
    assert where == "reference.leeftijd"
    assert "'leeftijd'" in detail
    assert "g, h" in detail


def test_data_path_must_not_be_empty():
    [(where, detail)] = errors_of(with_roles(data={"path": ""})).errors
    assert where == "data.path"
    assert "leeg" in detail


def test_unsupported_schema_version_stops_and_names_the_supported_ones():
    error = errors_of({"schema_version": 2, "roles": {}, "unknown": 1})
    [(where, detail)] = error.errors
    assert where == "schema_version"
    assert "2" in detail
    assert "schema_version 1" in detail
    assert spec_from_mapping(with_roles(schema_version=1)).config == AuditConfig()
    assert paths_of(with_roles(schema_version=True)) == ["schema_version"]


def test_all_errors_are_reported_together_sorted_by_key_path(tmp_path):
    text = textwrap.dedent(
        """\
        [roles]
        groups = ["nationaliteit", 3, "geslacht", "a", "b", "c", "d", "e", "f", "g", ""]
        missing_groups = "weglaten"

        [reference]
        leeftijd = "18-27"

        [audit]
        ordr = 2
        interval_method = "wilsn"
        alpha = true

        [audit.thresholds]
        medium = 1.05
        """
    )
    file = write(tmp_path, "eerlijkheid.toml", text)
    with pytest.raises(ConfigFileError) as info:
        load_spec(file)
    expected = [
        "audit.alpha",
        "audit.interval_method",
        "audit.ordr",
        "audit.thresholds.medium",
        "roles.decision",
        "roles.groups[1]",
        "roles.groups[10]",
        "roles.missing_groups",
    ]
    assert [p for p, _ in info.value.errors] == expected
    lines = str(info.value).splitlines()
    assert str(file) in lines[0]
    assert f"({len(expected)})" in lines[0]
    assert [line.split(":")[0].strip() for line in lines[1:]] == expected
    assert isinstance(info.value, ConfigError)
    assert isinstance(info.value, ValueError)


def test_reference_is_checked_against_valid_groups_even_with_other_errors():
    paths = paths_of(
        {"roles": {"decision": "d", "groups": ["g"], "score": 1}, "reference": {"x": "a"}}
    )
    assert paths == ["reference.x", "roles.score"]


# ------------------------------------------------------------------------ English


def test_english_messages(tmp_path):
    set_language("en")
    error = errors_of(
        {
            "roles": {"groups": ["g", 3]},
            "audit": {"ordr": 2, "order": True, "interval_method": "wilsn"},
        }
    )
    text = str(error)
    assert text.startswith("Errors in the audit specification (5)")
    details = dict(error.errors)
    assert "unknown key. Did you mean 'order'?" in details["audit.ordr"]
    assert "expected a whole number" in details["audit.order"]
    assert "got true" in details["audit.order"]
    assert "must be one of 'wilson'" in details["audit.interval_method"]
    assert "missing but required" in details["roles.decision"]
    assert "expected a string" in details["roles.groups[1]"]
    file = write(tmp_path, "eerlijkheid.toml", "[roles\n")
    with pytest.raises(ConfigError, match="line 1, column"):
        load_spec(file)
    with pytest.raises(ConfigError, match="has no"):
        load_spec(write(tmp_path, "pyproject.toml", "[project]\n"))


# ---------------------------------------------------------------------- properties

_unit = st.floats(min_value=0.0, max_value=1.0, exclude_min=True, exclude_max=True)
_label = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x7f"), min_size=1, max_size=8
)
_AUDIT_VALUES: dict[str, st.SearchStrategy[Any]] = {
    "order": st.integers(1, 10),
    "reference_rule": st.sampled_from(["largest", "most-favourable"]),
    "favourable": st.booleans(),
    "confidence_level": _unit,
    "interval_method": st.sampled_from(["wilson", "clopper-pearson", "jeffreys"]),
    "adjust": st.sampled_from(["holm", "bh", "bonferroni"]),
    "alpha": _unit,
    "detectable_ratio": st.floats(min_value=1.0, max_value=1e6, exclude_min=True)
    | st.integers(2, 100),
    "power": _unit,
    "suppression_threshold": st.integers(5, 10_000),  # 0 to 4 are errors
    "inputs": st.lists(_label, max_size=4),
    "declared_grounds": st.dictionaries(_label, _label, max_size=3),
    "thresholds": st.lists(
        st.floats(min_value=1.0, max_value=100.0, exclude_min=True), min_size=3, max_size=3
    ).map(sorted),
}


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, list):
        return "[" + ", ".join(_toml(v) for v in value) + "]"
    return "{" + ", ".join(f"{_toml(k)} = {_toml(v)}" for k, v in value.items()) + "}"


@settings(max_examples=150, deadline=None)
@given(st.fixed_dictionaries({}, optional=_AUDIT_VALUES))
def test_any_valid_audit_settings_load_as_the_same_audit_config(values):
    lines = [MINIMAL, "[audit]"]
    for key, value in values.items():
        if key == "thresholds":
            low, medium, high = value
            lines.append(f"thresholds = {{ low = {low!r}, medium = {medium!r}, high = {high!r} }}")
        else:
            lines.append(f"{key} = {_toml(value)}")
    spec = spec_from_mapping(tomllib.loads("\n".join(lines)))
    expected = dict(values)
    if "thresholds" in expected:
        expected["thresholds"] = SeverityThresholds(*expected["thresholds"])
    assert spec.config == AuditConfig(**expected)
    assert spec.roles == Roles(decision="d", groups=("g", "h"))


# ----------------------------------------------------------------------- contract


def test_the_format_knows_every_field_of_roles_and_audit_config():
    """A field added to Roles or AuditConfig must be added to the file format too."""
    assert set(configfile._ROLE_KINDS) == {f.name for f in fields(Roles)}
    assert set(configfile._AUDIT_KINDS) | {"reference"} == {f.name for f in fields(AuditConfig)}


def test_every_error_is_a_config_error(tmp_path):
    assert issubclass(ConfigFileError, ConfigError)
    with pytest.raises(ConfigError):
        load_spec(write(tmp_path, "x.toml", "= 1"))


def test_paths_accept_pathlike_and_str(tmp_path):
    file = write(tmp_path, "eerlijkheid.toml", MINIMAL)
    assert load_spec(str(file)) == load_spec(file)
    assert find_spec(os.fspath(tmp_path)) == file
