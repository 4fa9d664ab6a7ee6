"""The indicator engine: every indicator and data-quality check of indicators.md, in DuckDB.

The merged event tables go into DuckDB as Arrow tables; each indicator is one
set-based query over them. Excluded events (after the reference date, more than 270
days before birth, date inversions) are dropped first and so are left out of every
numerator, denominator and look-back alike.
"""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pyarrow as pa

from assure.core.periods import add_months
from assure.core.workdays import bank_holidays

from . import codes
from .events import CATEGORIES, EVENT_KINDS, ImportResult, child_keys
from .limits import Limits

INDICATOR_IDS = (
    "contacts",
    "referrals",
    "referral_rate_per_10k",
    "re_referrals_12m_pct",
    "referrals_nfa_pct",
    "referrals_to_assessment_or_s47_pct",
    "referrals_with_prior_early_help_pct",
    "early_help_started",
    "assessments_completed",
    "assessments_within_45wd_pct",
    "s47_enquiries",
    "s47_rate_per_10k",
    "icpcs",
    "icpc_within_15wd_pct",
    "icpc_to_cpp_pct",
    "cpp_started",
    *(f"cpp_started_{category}_pct" for category in CATEGORIES),
    "cpp_open_at_end",
    "cpp_rate_per_10k",
    *(f"cpp_open_{category}_pct" for category in CATEGORIES),
    "cpp_open_18m_pct",
    "cpp_open_2y_pct",
    "cpp_ended_2y_pct",
    "cpp_second_or_subsequent_pct",
    "cpp_repeat_within_2y_pct",
    "cpp_repeat_within_2y_neglect_pct",
    "cla_at_end",
    "cla_rate_per_10k",
    "cla_started",
)

DATA_QUALITY_KEYS = (
    "suspected_duplicate_referrals",
    "re_referrals_12m_pct_without_suspected_duplicates",
    "events_after_reference_date",
    "events_before_birth",
    "date_inversions",
    "conflicting_dates_of_birth",
    "children_with_overlapping_plans",
    "rows_rejected",
)

# For each event kind: its dates, its first date (the one checked against birth), and
# the (end, start) pair whose inversion excludes it.
_DATES = {
    "contact": (("contact_date",), "contact_date", None),
    "early_help": (("start_date", "end_date"), "start_date", ("end_date", "start_date")),
    "referral": (("referral_date", "closure_date"), "referral_date", ("closure_date", "referral_date")),
    "assessment": (("start_date", "authorised_date"), "start_date", ("authorised_date", "start_date")),
    "s47": (("strategy_date", "icpc_date"), "coalesce(strategy_date, icpc_date)", ("icpc_date", "strategy_date")),
    "cpp": (("start_date", "end_date"), "start_date", ("end_date", "start_date")),
    "care_period": (("start_date", "end_date"), "start_date", ("end_date", "start_date")),
}

SHORT_BREAKS = ("V3", "V4")

# Two plans of one child overlap when each starts before the other ends (a plan is open
# up to, not on, its end date).
_OVERLAPPING_PLANS = """
    FROM cpp AS a JOIN cpp AS b
      ON a.child_key = b.child_key AND a.seq <> b.seq
     AND a.start_date < coalesce(b.end_date, DATE '9999-12-31')
     AND b.start_date < coalesce(a.end_date, DATE '9999-12-31')
"""


def count(numerator: int) -> dict:
    return {"numerator": numerator, "denominator": None, "value": numerator, "partial": False}


def percentage(numerator: int, denominator: int, partial: bool = False) -> dict:
    value = 100.0 * numerator / denominator if denominator else None
    return {"numerator": numerator, "denominator": denominator, "value": value, "partial": partial}


def rate_per_10k(numerator: int, population: int) -> dict:
    value = 10000.0 * numerator / population if population else None
    return {"numerator": numerator, "denominator": population, "value": value, "partial": False}


def round_half_up(numerator: int, denominator: int, *, scale: int = 100, places: int = 1) -> Decimal | None:
    """``scale * numerator / denominator`` rounded half up at ``places`` decimals, on the exact fraction.

    Integer arithmetic throughout, so 1,001/3,061 and 6.25 round as written, never as a float
    happens to hold them. ``places=0`` gives Appendix 3's whole numbers. None when the denominator is 0.
    """
    if not denominator:
        return None
    scaled = scale * numerator * 10**places
    rounded = (2 * scaled + denominator) // (2 * denominator)
    return Decimal(rounded).scaleb(-places)


def display(indicator_id: str, result: dict, *, places: int = 1) -> Decimal | None:
    """An indicator result as shown: counts as they are, percentages and rates (``*_per_10k``) rounded half up."""
    if result["denominator"] is None:
        return Decimal(result["numerator"])
    scale = 10000 if indicator_id.endswith("_per_10k") else 100
    return round_half_up(result["numerator"], result["denominator"], scale=scale, places=places)


def _d(day: date) -> str:
    return f"DATE '{day.isoformat()}'"


class _Engine:
    def __init__(self, con, events: ImportResult, reference_date: date | None):
        self.con = con
        self.reference_date = reference_date
        keys = child_keys({kind: events.tables[kind].column("child_id") for kind in EVENT_KINDS})
        for kind in EVENT_KINDS:
            self.con.register(f"{kind}_all", events.tables[kind].append_column("child_key", keys[kind]))
        self.con.execute(
            """
            CREATE TEMP TABLE birth AS
            SELECT child_key,
                   arg_min(date_of_birth, seq) FILTER (WHERE date_of_birth IS NOT NULL) AS date_of_birth,
                   coalesce(min(date_of_birth) <> max(date_of_birth), FALSE) AS conflicting
            FROM child_all GROUP BY child_key
            """
        )
        # Only the (few) excluded rows are stored; each kind's view leaves them out by seq,
        # which is unique within a kind's table.
        for kind, (dates, first, inversion) in _DATES.items():
            # After the reference date given for every input, or after the ReferenceDate of the
            # CIN file the event came from (which bounds that file's events only).
            latest = f"greatest({', '.join(dates)})"
            after = f"{latest} > file_reference_date" + (
                f" OR {latest} > {_d(reference_date)}" if reference_date else ""
            )
            inverted = f"coalesce({inversion[0]} < {inversion[1]}, FALSE)" if inversion else "FALSE"
            self.con.execute(
                f"""
                CREATE TEMP TABLE {kind}_excluded AS SELECT * FROM (
                    SELECT e.seq,
                           coalesce({after}, FALSE) AS after_reference,
                           coalesce(date_diff('day', {first}, b.date_of_birth) > 270, FALSE) AS before_birth,
                           {inverted} AS inverted
                    FROM {kind}_all AS e LEFT JOIN birth AS b USING (child_key)
                ) WHERE after_reference OR before_birth OR inverted
                """
            )
            self.con.execute(
                f"CREATE TEMP VIEW {kind} AS SELECT * FROM {kind}_all ANTI JOIN {kind}_excluded USING (seq)"
            )

    def value(self, sql: str):
        return self.con.execute(sql).fetchall()[0]

    def earliest(self, kind: str, column: str) -> date | None:
        return self.value(f"SELECT min({column}) FROM {kind}")[0]

    def working_day_calendar(self, first: date | None, last: date | None) -> None:
        """A table of days with a running count of working days, so a duration is one subtraction."""
        first = first or date(2000, 1, 1)
        last = last or first
        holidays = pa.table({"day": pa.array(sorted(bank_holidays(first.year, last.year)), pa.date32())})
        self.con.register("bank_holiday", holidays)
        self.con.execute(
            f"""
            CREATE OR REPLACE TEMP TABLE calendar AS
            SELECT CAST(range AS DATE) AS day,
                   sum(CASE WHEN isodow(range) <= 5 AND CAST(range AS DATE) NOT IN (SELECT day FROM bank_holiday)
                            THEN 1 ELSE 0 END) OVER (ORDER BY range) AS working_index
            FROM range({_d(first)}, {_d(last)} + INTERVAL 1 DAY, INTERVAL 1 DAY)
            """
        )


def _re_referrals(engine: _Engine, referrals: str, period_from: date, period_to: date) -> tuple[int, int]:
    # Referrals before the look-back of the period's first day cannot make a re-referral.
    look_back = add_months(period_from, -12)
    denominator, numerator = engine.value(
        f"""
        WITH recent AS (SELECT child_key, referral_date FROM {referrals} WHERE referral_date >= {_d(look_back)}),
        previous AS (
            SELECT child_key, referral_date,
                   lag(referral_date) OVER (PARTITION BY child_key ORDER BY referral_date) AS previous_date
            FROM (SELECT DISTINCT child_key, referral_date FROM recent)
        )
        SELECT count(*),
               count(*) FILTER (WHERE previous_date >= CAST(r.referral_date - INTERVAL 12 MONTH AS DATE))
        FROM recent AS r JOIN previous USING (child_key, referral_date)
        WHERE r.referral_date BETWEEN {_d(period_from)} AND {_d(period_to)}
        """
    )
    return numerator, denominator


def compute(
    events: ImportResult,
    *,
    period_from: date,
    period_to: date,
    population: int,
    reference_date: date | None = None,
    limits: Limits | None = None,
) -> dict:
    """Every indicator and data-quality check for the period [period_from, period_to].

    ``reference_date`` (the command line's, or the date given at upload) bounds every
    event; each CIN census file's ReferenceDate bounds that file's events as well.
    ``limits`` sets DuckDB's memory and spill folder. Returns the command line's JSON object.
    """
    if period_to < period_from:
        raise ValueError(f"the period ends ({period_to}) before it starts ({period_from})")
    with codes.connection(limits) as con:
        return _compute(_Engine(con, events, reference_date), events, period_from, period_to, population)


def _compute(engine: _Engine, events: ImportResult, period_from: date, period_to: date, population: int) -> dict:
    in_period = f"BETWEEN {_d(period_from)} AND {_d(period_to)}"
    back_12 = add_months(period_from, -12)
    back_24 = add_months(period_from, -24)
    earliest_referral = engine.earliest("referral", "referral_date")
    earliest_early_help = engine.earliest("early_help", "start_date")
    earliest_plan = engine.earliest("cpp", "start_date")

    def starts_before(window_start: date, earliest: date | None) -> bool:
        return earliest is None or window_start < earliest

    results: dict[str, dict] = {}
    (contacts,) = engine.value(f"SELECT count(*) FROM contact WHERE contact_date {in_period}")
    results["contacts"] = count(contacts)

    engine.con.execute(f"CREATE TEMP VIEW referral_in_period AS SELECT * FROM referral WHERE referral_date {in_period}")
    (referrals,) = engine.value("SELECT count(*) FROM referral_in_period")
    results["referrals"] = count(referrals)
    results["referral_rate_per_10k"] = rate_per_10k(referrals, population)
    re_referrals, _ = _re_referrals(engine, "referral", period_from, period_to)
    results["re_referrals_12m_pct"] = percentage(re_referrals, referrals, starts_before(back_12, earliest_referral))
    (nfa,) = engine.value("SELECT count(*) FILTER (WHERE nfa) FROM referral_in_period")
    results["referrals_nfa_pct"] = percentage(nfa, referrals)

    (attached,) = engine.value(
        f"""
        WITH work AS (
            SELECT child_key, start_date AS day FROM assessment WHERE start_date >= {_d(period_from)}
            UNION ALL SELECT child_key, strategy_date FROM s47 WHERE strategy_date >= {_d(period_from)}
        ),
        -- work before the period, or whose latest referral is before it, attaches to no referral in it
        referral_dates AS (SELECT DISTINCT child_key, referral_date FROM referral WHERE referral_date >= {_d(period_from)}),
        attached AS (
            SELECT DISTINCT r.child_key, r.referral_date
            FROM work AS w ASOF JOIN referral_dates AS r ON w.child_key = r.child_key AND w.day >= r.referral_date
        )
        SELECT count(*) FROM referral_in_period AS r SEMI JOIN attached USING (child_key, referral_date)
        """
    )
    results["referrals_to_assessment_or_s47_pct"] = percentage(attached, referrals)
    (after_early_help,) = engine.value(
        """
        SELECT count(*) FROM referral_in_period AS r WHERE EXISTS (
            SELECT 1 FROM early_help AS e WHERE e.child_key = r.child_key
              AND e.start_date BETWEEN CAST(r.referral_date - INTERVAL 12 MONTH AS DATE) AND r.referral_date)
        """
    )
    results["referrals_with_prior_early_help_pct"] = percentage(
        after_early_help, referrals, starts_before(back_12, earliest_early_help)
    )
    (early_help,) = engine.value(f"SELECT count(*) FROM early_help WHERE start_date {in_period}")
    results["early_help_started"] = count(early_help)

    first_day, last_day = engine.value(
        f"""
        SELECT min(first_day), max(last_day) FROM (
            SELECT min(start_date) AS first_day, max(authorised_date) AS last_day FROM assessment WHERE authorised_date {in_period}
            UNION ALL SELECT min(strategy_date), max(icpc_date) FROM s47 WHERE icpc_date {in_period})
        """
    )
    engine.working_day_calendar(first_day, last_day)
    completed, within_45 = engine.value(
        f"""
        SELECT count(*), count(*) FILTER (WHERE finish.working_index - begin.working_index <= 45)
        FROM assessment AS a
        JOIN calendar AS begin ON begin.day = a.start_date JOIN calendar AS finish ON finish.day = a.authorised_date
        WHERE a.authorised_date {in_period}
        """
    )
    results["assessments_completed"] = count(completed)
    results["assessments_within_45wd_pct"] = percentage(within_45, completed)

    (enquiries,) = engine.value(f"SELECT count(*) FROM s47 WHERE strategy_date {in_period}")
    results["s47_enquiries"] = count(enquiries)
    results["s47_rate_per_10k"] = rate_per_10k(enquiries, population)
    icpcs, with_strategy, within_15, to_plan = engine.value(
        f"""
        SELECT count(*),
               count(*) FILTER (WHERE s.strategy_date IS NOT NULL),
               count(*) FILTER (WHERE s.strategy_date IS NOT NULL AND finish.working_index - begin.working_index <= 15),
               count(*) FILTER (WHERE coalesce(s.resulted_in_plan, EXISTS (
                   SELECT 1 FROM cpp WHERE cpp.child_key = s.child_key AND cpp.start_date = s.icpc_date)))
        FROM s47 AS s
        LEFT JOIN calendar AS begin ON begin.day = s.strategy_date
        LEFT JOIN calendar AS finish ON finish.day = s.icpc_date
        WHERE s.icpc_date {in_period}
        """
    )
    results["icpcs"] = count(icpcs)
    results["icpc_within_15wd_pct"] = percentage(within_15, with_strategy)
    results["icpc_to_cpp_pct"] = percentage(to_plan, icpcs)

    started = engine.value(
        f"SELECT count(*), {', '.join(f'count(*) FILTER (WHERE initial_category = {chr(39)}{c}{chr(39)})' for c in CATEGORIES)} "
        f"FROM cpp WHERE start_date {in_period}"
    )
    results["cpp_started"] = count(started[0])
    for category, number in zip(CATEGORIES, started[1:], strict=True):
        results[f"cpp_started_{category}_pct"] = percentage(number, started[0])

    engine.con.execute(
        f"""
        CREATE TEMP TABLE open_plan AS
        SELECT child_key, count(*) AS open_plans,
               arg_max(initial_category, (start_date, seq)) AS initial_category,
               max(start_date) AS start_date
        FROM cpp WHERE start_date <= {_d(period_to)} AND (end_date IS NULL OR end_date > {_d(period_to)})
        GROUP BY child_key
        """
    )
    open_row = engine.value(
        f"""
        SELECT count(*), count(*) FILTER (WHERE open_plans > 1),
               {", ".join(f"count(*) FILTER (WHERE initial_category = {chr(39)}{c}{chr(39)})" for c in CATEGORIES)},
               count(*) FILTER (WHERE start_date <= {_d(add_months(period_to, -18))}),
               count(*) FILTER (WHERE start_date <= {_d(add_months(period_to, -24))})
        FROM open_plan
        """
    )
    children_on_plan, two_open = open_row[0], open_row[1]
    results["cpp_open_at_end"] = count(children_on_plan)
    results["cpp_rate_per_10k"] = rate_per_10k(children_on_plan, population)
    for category, number in zip(CATEGORIES, open_row[2:7], strict=True):
        results[f"cpp_open_{category}_pct"] = percentage(number, children_on_plan)
    results["cpp_open_18m_pct"] = percentage(open_row[7], children_on_plan)
    results["cpp_open_2y_pct"] = percentage(open_row[8], children_on_plan)

    ended, lasted = engine.value(
        f"SELECT count(*), count(*) FILTER (WHERE date_diff('day', start_date, end_date) >= 730) FROM cpp WHERE end_date {in_period}"
    )
    results["cpp_ended_2y_pct"] = percentage(lasted, ended)
    subsequent, repeat, neglect, neglect_repeat = engine.value(
        f"""
        WITH started AS (
            SELECT p.*,
                   EXISTS (SELECT 1 FROM cpp AS e WHERE e.child_key = p.child_key AND e.start_date < p.start_date)
                       AS has_earlier,
                   EXISTS (SELECT 1 FROM cpp AS e WHERE e.child_key = p.child_key AND e.start_date < p.start_date
                           AND e.end_date BETWEEN CAST(p.start_date - INTERVAL 24 MONTH AS DATE) AND p.start_date)
                       AS repeats
            FROM cpp AS p WHERE p.start_date {in_period}
        )
        SELECT count(*) FILTER (WHERE has_earlier OR coalesce(previous_plans >= 1, FALSE)),
               count(*) FILTER (WHERE repeats),
               count(*) FILTER (WHERE initial_category = 'neglect'),
               count(*) FILTER (WHERE repeats AND initial_category = 'neglect')
        FROM started
        """
    )
    plans_partial = starts_before(back_24, earliest_plan)
    results["cpp_second_or_subsequent_pct"] = percentage(subsequent, started[0])
    results["cpp_repeat_within_2y_pct"] = percentage(repeat, started[0], plans_partial)
    results["cpp_repeat_within_2y_neglect_pct"] = percentage(neglect_repeat, neglect, plans_partial)

    short_breaks = ", ".join(f"'{status}'" for status in SHORT_BREAKS)
    engine.con.execute(
        f"CREATE TEMP VIEW care AS SELECT * FROM care_period WHERE legal_status IS NULL OR legal_status NOT IN ({short_breaks})"
    )
    (looked_after,) = engine.value(
        f"SELECT count(DISTINCT child_key) FROM care WHERE start_date <= {_d(period_to)} "
        f"AND (end_date IS NULL OR end_date > {_d(period_to)})"
    )
    results["cla_at_end"] = count(looked_after)
    results["cla_rate_per_10k"] = rate_per_10k(looked_after, population)
    (care_started,) = engine.value(
        f"""
        SELECT count(*) FROM care AS c WHERE c.start_date {in_period} AND NOT EXISTS (
            SELECT 1 FROM care AS p WHERE p.child_key = c.child_key AND p.end_date = c.start_date)
        """
    )
    results["cla_started"] = count(care_started)

    quality = _data_quality(engine, events, period_from, period_to, back_12, earliest_referral)
    warnings = list(events.warnings)
    if two_open:
        warnings.append(
            f"{two_open} child(ren) have two or more child protection plans open on {period_to.isoformat()}; "
            "each is counted once, by the later-starting plan"
        )
    if quality["conflicting_dates_of_birth"]:
        warnings.append(
            f"{quality['conflicting_dates_of_birth']} child(ren) have conflicting dates of birth; "
            "the first one met is used"
        )
    return {
        "from": period_from.isoformat(),
        "to": period_to.isoformat(),
        "population": population,
        "indicators": {indicator: results[indicator] for indicator in INDICATOR_IDS},
        "data_quality": quality,
        "warnings": warnings,
        "notes": list(events.notes),
    }


def _data_quality(
    engine: _Engine, events: ImportResult, period_from: date, period_to: date, back_12: date, earliest_referral
) -> dict:
    # A referral's duplicate status needs only the one before it; the recomputed rate looks
    # back 12 months from the period's start, so earlier referrals are not needed.
    engine.con.execute(
        f"""
        CREATE TEMP TABLE referral_order AS
        SELECT child_key, referral_date, seq,
               coalesce(date_diff('day', lag(referral_date) OVER (PARTITION BY child_key ORDER BY referral_date, seq),
                                  referral_date) <= 7, FALSE) AS suspected_duplicate
        FROM referral WHERE referral_date >= {_d(back_12 - timedelta(days=8))}
        """
    )
    (duplicates,) = engine.value(
        f"SELECT count(*) FROM referral_order WHERE suspected_duplicate "
        f"AND referral_date BETWEEN {_d(period_from)} AND {_d(period_to)}"
    )
    engine.con.execute(
        "CREATE TEMP VIEW referral_without_duplicates AS SELECT * FROM referral_order WHERE NOT suspected_duplicate"
    )
    numerator, denominator = _re_referrals(engine, "referral_without_duplicates", period_from, period_to)
    checks = " UNION ALL ".join(
        "SELECT count(*) FILTER (WHERE after_reference) AS after_reference, "
        "count(*) FILTER (WHERE before_birth) AS before_birth, "
        f"count(*) FILTER (WHERE inverted) AS inverted FROM {kind}_excluded"
        for kind in _DATES
    )

    after_reference, before_birth, inverted = engine.value(
        f"SELECT sum(after_reference), sum(before_birth), sum(inverted) FROM ({checks})"
    )
    (conflicting,) = engine.value("SELECT count(*) FROM birth WHERE conflicting")
    (overlapping,) = engine.value(f"SELECT count(DISTINCT a.child_key) {_OVERLAPPING_PLANS}")
    return {
        "suspected_duplicate_referrals": duplicates,
        "re_referrals_12m_pct_without_suspected_duplicates": percentage(
            numerator, denominator, earliest_referral is None or back_12 < earliest_referral
        ),
        "events_after_reference_date": int(after_reference or 0),
        "events_before_birth": int(before_birth or 0),
        "date_inversions": int(inverted or 0),
        "conflicting_dates_of_birth": conflicting,
        "children_with_overlapping_plans": overlapping,
        "rows_rejected": len(events.errors),
    }


def quality_rows(
    events: ImportResult, *, reference_date: date | None = None, limits: Limits | None = None
) -> list[dict]:
    """The rows behind the data-quality counts, for the error report beside the refused rows.

    One entry per finding: ``check`` (events_after_reference_date, events_before_birth,
    date_inversions, conflicting_dates_of_birth, children_with_overlapping_plans), the
    event kind, the child, and where the row came from (file, sheet, row).
    """
    with codes.connection(limits) as con:
        return _quality_rows(_Engine(con, events, reference_date))


def _quality_rows(engine: _Engine) -> list[dict]:
    flags = {
        "after_reference": "events_after_reference_date",
        "before_birth": "events_before_birth",
        "inverted": "date_inversions",
    }
    queries = [
        f"SELECT '{check}' AS finding, '{kind}' AS event, child_id, source_file, source_sheet, source_row, seq "
        f"FROM {kind}_all JOIN {kind}_excluded USING (seq) WHERE {flag}"
        for kind in _DATES
        for flag, check in flags.items()
    ]
    queries.append(
        "SELECT 'conflicting_dates_of_birth', 'child', child_id, source_file, source_sheet, source_row, seq "
        "FROM child_all WHERE date_of_birth IS NOT NULL AND child_key IN (SELECT child_key FROM birth WHERE conflicting)"
    )
    queries.append(
        "SELECT DISTINCT 'children_with_overlapping_plans', 'cpp', a.child_id, a.source_file, a.source_sheet, "
        f"a.source_row, a.seq {_OVERLAPPING_PLANS}"
    )
    rows = engine.con.execute(f"SELECT * FROM ({' UNION ALL '.join(queries)}) ORDER BY finding, seq").fetchall()
    return [
        {"check": check, "event": event, "child_id": child_id, "file": file, "sheet": sheet, "row": row}
        for check, event, child_id, file, sheet, row, _ in rows
    ]
