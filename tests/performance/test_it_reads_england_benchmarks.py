from assure.performance.engine import england_benchmarks


def by(indicator, year_ending, measure):
    return [
        record
        for record in england_benchmarks()
        if (record.indicator, record.year_ending, record.measure) == (indicator, year_ending, measure)
    ]


def test_the_2019_20_england_re_referral_rate_is_22_6_per_cent_from_table_c1():
    (record,) = by("re_referrals_12m_pct", 2020, "rereferral_percent")
    assert (record.value, record.time_period, record.geographic_level) == (22.6, "2019-20", "National")
    assert "OGL v3" in record.source and "c1_" in record.source


def test_lait_figures_carry_their_polarity():
    (record,) = by("icpc_within_15wd_pct", 2020, "CP_conf_15days")
    assert record.value == 77.6
    assert record.polarity == "higher is better"


def test_looked_after_children_come_from_the_rows_for_31_march():
    (record,) = by("cla_at_end", 2021, "children_count")
    assert record.value == 80780
