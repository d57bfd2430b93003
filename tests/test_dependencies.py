"""Declared dependency floors are real: each has one, and .ci/lowest tests every floor.

``.ci/lowest`` installs every direct dependency at its floor (uv's lowest-direct resolution)
and sets DNND_EXPECT_LOWEST; then each installed version must equal the declared floor, so
a floor that the resolver had to raise (because a dependency needs more) is caught too.
"""

from __future__ import annotations

import os
from importlib import metadata

import pytest
from packaging.requirements import Requirement
from packaging.version import Version

REQUIREMENTS = [Requirement(line) for line in metadata.requires("dnnd-dataset") or []]


def _floor(requirement: Requirement) -> Version | None:
    floors = [Version(s.version) for s in requirement.specifier if s.operator == ">="]
    return max(floors) if floors else None


def test_the_requirements_are_read() -> None:
    names = {r.name for r in REQUIREMENTS}
    assert {"pydantic", "pyarrow", "datasets", "pytest", "ruff"} <= names


@pytest.mark.parametrize("requirement", REQUIREMENTS, ids=str)
def test_every_dependency_has_a_floor(requirement: Requirement) -> None:
    assert _floor(requirement) is not None, f"{requirement} declares no lowest version"


@pytest.mark.parametrize("requirement", REQUIREMENTS, ids=str)
def test_the_installed_version_is_allowed(requirement: Requirement) -> None:
    installed = Version(metadata.version(requirement.name))
    assert requirement.specifier.contains(installed, prereleases=True), (
        f"{requirement.name} {installed} is installed, {requirement} is declared"
    )
    if os.environ.get("DNND_EXPECT_LOWEST"):
        assert installed == _floor(requirement), (
            f"{requirement.name}: the floor run installed {installed}, not the declared floor; "
            "raise the floor to the version that works"
        )


def test_the_code_floors_are_those_its_apis_need() -> None:
    floors = {r.name: _floor(r) for r in REQUIREMENTS}
    # datasets.List appeared in datasets 4.0; pyarrow 18 is the lowest the tests pass with.
    assert floors["datasets"] is not None and floors["datasets"] >= Version("4.0")
    assert floors["pyarrow"] is not None and floors["pyarrow"] >= Version("18")
