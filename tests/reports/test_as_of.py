"""A finished year's report shows the fleet as it stood at the end of that year."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sirenctl.reports.annual import compute_report

NOW = datetime(2026, 3, 10, 2, 0, tzinfo=UTC)  # the office writes its 2025 report in March


def _figure(report, key: str) -> float:  # type: ignore[no-untyped-def]
    return report.sections["assets"].get(key).value


def test_changes_after_the_year_do_not_rewrite_it(rdb) -> None:
    from sirenctl.findings.findings import add_finding, resolve_finding
    from sirenctl.registry.assets import add_asset, edit_asset, retire_asset
    from sirenctl.registry.sites import add_site

    with rdb.transaction() as s:
        add_site(s, {"code": "C01", "name": "东风社区"}, operator="seed")
        for tag in ("HC-1", "HC-2", "HC-3", "HC-4"):
            add_asset(
                s,
                {"tag": tag, "site": "C01", "kind": "hand_crank", "install_date": date(2020, 1, 1)},
                operator="seed",
            )
        edit_asset(s, "HC-4", {"status": "under_repair"}, operator="seed")
    # what happened after 2025 (the registry records it now, i.e. after the year's end)
    with rdb.transaction() as s:
        retire_asset(s, "HC-1", operator="李工", reason="replaced in February")
        edit_asset(s, "HC-2", {"status": "faulty"}, operator="李工")
        crit = add_finding(
            s,
            operator="李工",
            description="crank seized",
            category="mounting",
            severity="critical",
            asset="HC-3",
            found_at=datetime(2025, 12, 20, 2, 0, tzinfo=UTC),
        )
    with rdb.transaction() as s:
        resolve_finding(s, crit.id, operator="李工", resolution="freed and greased")
    with rdb.session() as s:
        report = compute_report(s, 2025, now=NOW)
        current = compute_report(s, 2026, now=NOW)
    # end of 2025: HC-1 and HC-2 in service, HC-3 down with an open critical finding,
    # HC-4 under repair (changed before 2026... at seeding time, which is also after 2025)
    assert _figure(report, "assets.hand_crank.retired") == 0
    assert _figure(report, "assets.hand_crank.faulty") == 1  # HC-3's open critical finding
    assert _figure(report, "assets.hand_crank.in_service") == 3  # HC-1, HC-2 and HC-4 as registered
    # the current year shows the registry as it is now
    assert _figure(current, "assets.hand_crank.retired") == 1
    assert _figure(current, "assets.hand_crank.faulty") == 1  # HC-2
    assert _figure(current, "assets.hand_crank.under_repair") == 1
