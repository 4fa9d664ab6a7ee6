from assure.core.disclosure import disclose


def shown(table, **kwargs):
    return [[cell.display for cell in row] for row in disclose(table, **kwargs)]


def test_it_hides_counts_from_one_to_four_and_shows_zero():
    assert shown([[0, 1, 4, 5, 1200]], public=True, threshold=4)[0][:2] == ["0", "[c]"]


def test_it_hides_a_second_cell_so_a_row_total_cannot_reveal_the_first():
    cells = disclose([[3, 10, 25]], public=True, threshold=4)[0]
    assert [c.reason for c in cells] == ["primary", "secondary", ""]


def test_secondary_suppression_settles_rows_and_columns_together():
    table = [
        [2, 30, 40],
        [20, 50, 60],
        [25, 70, 80],
    ]
    cells = disclose(table, public=True, threshold=4)
    hidden = {(r, c) for r, row in enumerate(cells) for c, cell in enumerate(row) if cell.suppressed}
    for r in range(3):
        assert len([c for c in range(3) if (r, c) in hidden]) != 1, f"row {r} reveals a hidden cell"
    for c in range(3):
        assert len([r for r in range(3) if (r, c) in hidden]) != 1, f"column {c} reveals a hidden cell"
    assert (0, 0) in hidden


def test_internal_views_are_not_suppressed():
    assert shown([[1, 2, 3000]], public=False) == [["1", "2", "3,000"]]


def test_the_threshold_comes_from_settings(settings):
    settings.ASSURE_DISCLOSURE_THRESHOLD = 5
    assert shown([[5, 6, 7]], public=True)[0][0] == "[c]"
