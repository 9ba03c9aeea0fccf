"""The Office's row: found by its flag, printed with the one label."""

from vanhoa import vocabulary


def test_the_offices_row_carries_the_flag_and_the_label(demo_copy):
    """The demonstration store's 2022-H1: four Office rows (one per target), flagged, labelled
    as vocabulary.OFFICE_LABEL, and the units' rows never flagged."""
    progress = demo_copy.query("progress", period="2022-H1")
    office = vocabulary.office_rows(progress)
    assert office["target"].tolist() == ["T1", "T2", "T3", "T4"]
    assert set(office["unit"]) == {vocabulary.OFFICE_LABEL}
    assert office["unit_code"].isna().all()
    units = vocabulary.unit_rows(progress)
    assert len(units) == 44 and units["unit_code"].notna().all()
