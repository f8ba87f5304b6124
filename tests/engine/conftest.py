"""Engine tests run without a database or Django settings; the ``make`` fixture builds their inputs."""

from __future__ import annotations

import pytest

from tests.engine.builders import Make


@pytest.fixture(scope="session")
def make() -> type[Make]:
    return Make
