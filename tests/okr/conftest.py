from __future__ import annotations

import pytest

from tests.okr.builders import tree


@pytest.fixture
def okr(world):
    """Company → team → person objectives of 张伟's 政企大客户部 in the current quarter."""
    return tree(world)
