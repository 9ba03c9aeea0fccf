"""Vietnamese number formats of the interface (vanhoa/ui.py)."""

from __future__ import annotations

import pytest

from vanhoa import formats


@pytest.mark.parametrize("value, shown", [
    (None, "—"),
    (0, "0 đ"),
    (68_500_000, "68.500.000 đ"),  # the Office's own figures stay exact
    (999_999_999, "999.999.999 đ"),
    (1_000_000_000, "1 tỷ đ"),
    (1_500_000_000, "1,5 tỷ đ"),
    (132_561_900_000, "132,56 tỷ đ"),  # a province's commune spending: '132.561.9…' in the card before
    (1_234_567_000_000, "1.234,57 tỷ đ"),
])
def test_money_in_a_metric_card_fits_it(value, shown):
    assert formats.fmt_money_short(value) == shown


def test_money_in_full():
    assert formats.fmt_money(132_561_900_000) == "132.561.900.000 đ"
    assert formats.fmt_money(float("nan")) == "—"
