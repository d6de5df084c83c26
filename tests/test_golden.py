"""Each shipped scenario's seed-locked summary equals its golden file (see tests/golden.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from . import golden
from .conftest import SHIPPED


@pytest.mark.parametrize("scenario", SHIPPED, ids=lambda p: p.stem)
def test_summary_matches_golden(scenario):
    expected = pd.read_csv(golden.path_for(scenario))
    got = golden.compute(scenario)
    assert list(got.columns) == list(expected.columns), "columns changed: regenerate on purpose (make golden)"
    for col in expected.columns:
        e, g = expected[col], got[col]
        if e.dtype.kind in "fi" or g.dtype.kind in "fi":
            np.testing.assert_allclose(g.astype(float), e.astype(float), rtol=1e-9, atol=1e-9, err_msg=col)
        else:
            assert list(g.astype(str)) == list(e.astype(str)), col
