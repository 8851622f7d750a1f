"""Report figures against the hand-built year in tests/reports/dataset.py."""

from __future__ import annotations

import pytest

from sirenctl.reports.annual import compute_report
from tests.reports import dataset


@pytest.fixture
def built(rdb):
    ids = dataset.build(rdb)
    with rdb.session() as s:
        report = compute_report(s, 2025, now=dataset.NOW, orders=dataset.order_facts(ids))
    return report, ids


def test_every_known_figure(built) -> None:
    report, _ = built
    got = {key: report.figure(key).value for key in dataset.EXPECTED}
    for key, expected in dataset.EXPECTED.items():
        if isinstance(expected, float):
            assert got[key] == pytest.approx(expected, abs=1e-9), key
        else:
            assert got[key] == expected, key


def test_figures_name_the_rows_behind_them(built) -> None:
    report, ids = built
    assert report.figure("notices.closed_late").rows == (f"rectification_notice:{ids['n1']}",)
    assert report.figure("notices.overdue").rows == (f"rectification_notice:{ids['n3']}",)
    assert set(report.figure("findings.category.sound").rows) == {f"finding:{ids['f7']}"}
    assert set(report.figure("serviceability.down_days").rows) == {
        f"finding:{ids['f1']}",
        f"finding:{ids['f2']}",
        f"finding:{ids['f3']}",
    }
    assert set(report.figure("communities.with_working_siren").rows) == {
        "site:1",
        "site:2",
        f"asset:{ids['HC-C01']}",
        f"asset:{ids['EL-C02']}",
    }
    failed = report.figure("trials.cn-918-trial-sounding.2025-09-18T1200.failed").rows
    assert failed == ("work_order:3", "work_order:4")
    # every non-empty count has rows, and no row is counted that is not a real record
    for fig in report.figures():
        if isinstance(fig.value, int) and fig.value and not fig.key.endswith(".covered"):
            assert fig.rows, fig.key


def test_a_report_for_an_empty_year_has_no_rates(rdb) -> None:
    with rdb.session() as s:
        report = compute_report(s, 2030, now=dataset.NOW, orders=[])
    assert report.figure("trials.rate").value is None
    assert report.figure("checks.rate").value is None
    assert report.figure("notices.issued").value == 0
    assert report.figure("communities.coverage_rate").value is None
