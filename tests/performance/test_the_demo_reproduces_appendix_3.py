"""The demo partnership's records reproduce Appendix 3 of the 2019-20 annual report."""

from datetime import date

import pytest

from assure.performance.engine import compute, display, read_annex_a
from assure.performance.engine.synth import demo_history

# indicator -> (2017-18, 2018-19, 2019-20), whole numbers as Appendix 3 shows them
APPENDIX_3 = {
    "referral_rate_per_10k": (661, 711, 652),
    "re_referrals_12m_pct": (22, 21, 33),
    "referrals_to_assessment_or_s47_pct": (75, 61, 56),
    "cpp_open_neglect_pct": (47, 49, 51),
    "cpp_open_emotional_pct": (20, 28, 29),
    "cpp_open_physical_pct": (19, 11, 12),
    "cpp_open_multiple_pct": (8, 10, 6),
    "cpp_open_sexual_pct": (6, 1, 2),
    "cpp_open_18m_pct": (0, 6, 6),
    "cpp_repeat_within_2y_pct": (18, 8, 3),
    "cla_at_end": (413, 424, 461),
}
YEARS = ((2017, 46400), (2018, 46700), (2019, 46950))


@pytest.fixture(scope="module")
def demo_years(tmp_path_factory):
    folder = tmp_path_factory.mktemp("demo")
    demo_history(folder)
    events = read_annex_a(folder)
    return [
        compute(events, period_from=date(start, 4, 1), period_to=date(start + 1, 3, 31), population=population)
        for start, population in YEARS
    ]


@pytest.mark.parametrize("indicator_id", sorted(APPENDIX_3))
def test_each_year_shows_the_appendix_3_figure(demo_years, indicator_id):
    shown = tuple(int(display(indicator_id, year["indicators"][indicator_id], places=0)) for year in demo_years)
    assert shown == APPENDIX_3[indicator_id]


def test_2019_20_has_3061_referrals_and_1001_re_referrals(demo_years):
    latest = demo_years[2]["indicators"]
    assert latest["referrals"]["numerator"] == 3061
    assert (latest["re_referrals_12m_pct"]["numerator"], latest["re_referrals_12m_pct"]["denominator"]) == (1001, 3061)


def test_the_duplicates_check_finds_the_double_keyed_referrals_and_the_rate_falls_to_22_per_cent(demo_years):
    quality = demo_years[2]["data_quality"]
    assert quality["suspected_duplicate_referrals"] == 420
    without = quality["re_referrals_12m_pct_without_suspected_duplicates"]
    assert int(display("re_referrals_12m_pct", without, places=0)) == 22
    assert [year["data_quality"]["suspected_duplicate_referrals"] for year in demo_years[:2]] == [0, 0]


def test_178_of_184_icpcs_led_to_a_plan_in_2019_20(demo_years):
    icpc = demo_years[2]["indicators"]["icpc_to_cpp_pct"]
    assert (icpc["numerator"], icpc["denominator"]) == (178, 184)
    assert int(display("icpc_to_cpp_pct", icpc, places=0)) == 97


def test_49_per_cent_of_plans_started_in_2019_20_were_under_neglect(demo_years):
    started = demo_years[2]["indicators"]["cpp_started_neglect_pct"]
    assert int(display("cpp_started_neglect_pct", started, places=0)) == 49


def test_the_demo_is_otherwise_clean_data(demo_years):
    for year in demo_years:
        quality = year["data_quality"]
        assert [
            quality[key]
            for key in (
                "events_after_reference_date",
                "events_before_birth",
                "date_inversions",
                "conflicting_dates_of_birth",
                "children_with_overlapping_plans",
                "rows_rejected",
            )
        ] == [0, 0, 0, 0, 0, 0]
