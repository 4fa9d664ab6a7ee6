"""Synthetic Annex A histories: a generic generator for any size, and the demo partnership.

``write_history`` builds a multi-year history for N children entirely in DuckDB SQL
(randomness from ``hash(row, seed, stream)``, so the same seed gives the same files
whatever the thread count), fast enough for a national-sized partnership.
``demo_history`` writes the demo partnership, built event by event so that its
2017-18, 2018-19 and 2019-20 figures reproduce Appendix 3 of the 2019-20 annual
report (see ``DEMO_YEARS``). Both write the same files: one CSV per List 1-8 with the
Annex A template's headers, coded values with their letter prefix, dates DD/MM/YYYY,
and Lists 7 and 8 holding every plan and period of care (full history).
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pyarrow as pa

from assure.core.periods import add_months

from . import codes

# ---------------------------------------------------------------------------------------
# Writing Annex A lists from canonical tables
# ---------------------------------------------------------------------------------------

_LETTERS = [chr(code) for code in range(ord("a"), ord("z") + 1)]
_SOURCE_TEXT = {
    "1A": "a) 1A: Individual",
    "1B": "b) 1B: Individual",
    "1C": "c) 1C: Individual",
    "1D": "d) 1D: Individual",
    "2A": "e) 2A: Schools",
    "2B": "f) 2B: Education services",
    "3A": "g) 3A: Health services",
    "3B": "h) 3B: Health services",
    "3C": "i) 3C: Health services",
    "3D": "j) 3D: Health services",
    "3E": "k) 3E: Health services",
    "3F": "l) 3F: Health services",
    "4": "m) 4: Housing",
    "5A": "n) 5A: LA services",
    "5B": "o) 5B: LA services",
    "5C": "p) 5C: LA services",
    "6": "q) 6: Police",
    "7": "r) 7: Other legal agency",
    "8": "s) 8: Other",
    "9": "t) 9: Anonymous",
    "10": "u) 10: Unknown",
}
_GENDER_TEXT = {
    "male": "a) Male",
    "female": "b) Female",
    "not_recorded": "c) Not stated/recorded",
    "neither": "d) Neither",
}
_ETHNICITY_TEXT = {code: f"{_LETTERS[min(index, 18)]}) {code}" for index, code in enumerate(codes.ETHNICITIES)}
_CATEGORY_TEXT = {
    "neglect": "a) Neglect",
    "physical": "b) Physical abuse",
    "sexual": "c) Sexual abuse",
    "emotional": "d) Emotional abuse",
    "multiple": "e) Multiple/not recommended",
}
_LEGAL_TEXT = {code: f"{code}: {text}" for code, text in codes.LEGAL_STATUSES.items()}
_NEED_TEXT = {code: f"{code} - {text}" for code, text in codes.PRIMARY_NEEDS.items()}


def _case(column: str, mapping: dict[str, str]) -> str:
    branches = " ".join(f"WHEN '{key}' THEN '{value.replace(chr(39), chr(39) * 2)}'" for key, value in mapping.items())
    return f"(CASE {column} {branches} END)"


def _day(column: str) -> str:
    return f"strftime({column}, '%d/%m/%Y')"


def _yes_no(column: str) -> str:
    return f"(CASE WHEN {column} THEN 'a) Yes' WHEN NOT {column} THEN 'b) No' END)"


_CHILD_CELLS = (
    f'c.child_id AS "Child Unique ID", {_case("c.gender", _GENDER_TEXT)} AS "Gender", '
    f'{_case("c.ethnicity", _ETHNICITY_TEXT)} AS "Ethnicity", {_day("c.date_of_birth")} AS "Date of Birth", '
    "CAST(greatest(date_diff('year', c.date_of_birth, {day}) - CASE WHEN strftime(c.date_of_birth, '%m%d') > "
    "strftime({day}, '%m%d') THEN 1 ELSE 0 END, 0) AS INTEGER) AS \"Age of Child (Years)\""
)
_DISABILITY = _yes_no("c.disability = 'yes'") + ' AS "Does the Child have a Disability"'

_LISTS = {
    "List_1_contacts.csv": (
        "contacts",
        "e.contact_date",
        f'{_day("e.contact_date")} AS "Date of Contact", {_case("e.source", _SOURCE_TEXT)} AS "Contact Source"',
    ),
    "List_2_early_help.csv": (
        "early_help",
        "e.start_date",
        f'{_day("e.start_date")} AS "Assessment start date", {_day("e.end_date")} AS "Assessment completion date", '
        'e.organisation AS "Organisation completing assessment"',
    ),
    "List_3_referrals.csv": (
        "referrals",
        "e.referral_date",
        f'{_day("e.referral_date")} AS "Date of referral", {_case("e.source", _SOURCE_TEXT)} AS "Referral Source", '
        f'{_yes_no("e.nfa")} AS "Referral NFA?", '
        "CAST(count(*) OVER (PARTITION BY e.child_id ORDER BY e.referral_date RANGE BETWEEN INTERVAL 365 DAY PRECEDING "
        'AND INTERVAL 1 DAY PRECEDING) AS INTEGER) AS "Number of Referrals in Last 12 Months", '
        "'Duty and assessment' AS \"Allocated Team\", 'Allocated worker' AS \"Allocated Worker\"",
    ),
    "List_4_assessments.csv": (
        "assessments",
        "e.start_date",
        f'{_DISABILITY}, {_day("e.start_date")} AS "Continuous Assessment Start Date", '
        "'a) Yes' AS \"Child Seen During Continuous Assessment\", "
        f'{_day("e.authorised_date")} AS "Continuous Assessment Date of Authorisation", '
        "CASE WHEN e.authorised_date IS NOT NULL THEN 'a) Yes' END AS "
        '"Was the child assessed as requiring LA children\u2019s social care support", '
        "'Duty and assessment' AS \"Allocated Team\", 'Allocated worker' AS \"Allocated Worker\"",
    ),
    "List_5_section_47.csv": (
        "s47",
        "e.strategy_date",
        f'{_DISABILITY}, {_day("e.strategy_date")} AS "Strategy discussion initiating Section 47 Enquiry Start Date", '
        f'{_yes_no("e.icpc_not_required")} AS "Was an Initial Child Protection Conference deemed unnecessary?", '
        f'{_day("e.icpc_date")} AS "Date of Initial Child Protection Conference", '
        f'{_yes_no("e.resulted_in_plan")} AS "Did the Initial Child Protection Conference Result in a Child Protection Plan", '
        '0 AS "Number of Section 47 Enquiries in the last 12 months", 0 AS "Number of ICPCs in the last 12 months", '
        "'Child protection' AS \"Allocated Team\", 'Allocated worker' AS \"Allocated Worker\"",
    ),
    "List_6_children_in_need.csv": (
        "children_in_need",
        "e.start_date",
        f'{_DISABILITY}, {_day("e.start_date")} AS "CIN Start Date", {_case("e.primary_need", _NEED_TEXT)} AS "Primary Need Code", '
        f'{_day("e.start_date")} AS "Date Child Was Last Seen", {_day("e.closure_date")} AS "CIN Closure Date", '
        "CASE WHEN e.closure_date IS NOT NULL THEN 'RC7 - Services ceased for any other reason, including child no longer in need' END "
        "AS \"Reason for Closure\", CASE WHEN e.closure_date IS NULL THEN 'c) Child in need plan' ELSE 'e) Closed episode' END "
        'AS "Case status", \'Children in need\' AS "Allocated Team", \'Allocated worker\' AS "Allocated Worker"',
    ),
    "List_7_child_protection.csv": (
        "cpp",
        "e.start_date",
        f'{_DISABILITY}, {_day("e.start_date")} AS "Child Protection Plan Start Date", '
        f'{_case("e.initial_category", _CATEGORY_TEXT)} AS "Initial Category of Abuse", '
        f'{_case("e.latest_category", _CATEGORY_TEXT)} AS "Latest Category of Abuse", '
        'NULL AS "Date of the Last Statutory Visit", NULL AS "Was the Child Seen Alone?", NULL AS "Date of latest review conference", '
        f'{_day("e.end_date")} AS "Child Protection Plan End Date", '
        "'b) No' AS \"Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)\", "
        'e.previous_plans AS "Number of Previous Child Protection Plans", '
        "'Child protection' AS \"Allocated Team\", 'Allocated worker' AS \"Allocated Worker\"",
    ),
    "List_8_children_in_care.csv": (
        "care_periods",
        "e.start_date",
        "'b) No' AS \"Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)\", "
        f'{_DISABILITY}, {_day("e.start_date")} AS "Date Started to be Looked After", '
        "'N1 - Abuse or neglect' AS \"Child's Category of Need\", "
        "'b) No' AS \"Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)\", "
        f'{_day("e.start_date")} AS "Start date of current legal status", '
        f'{_case("e.legal_status", _LEGAL_TEXT)} AS "Child\'s Legal Status", '
        f'{_day("e.end_date")} AS "Date Ceased to be Looked After ", '
        "CASE WHEN e.end_date IS NOT NULL THEN 't) E8: Care ceased for any other reason' END AS \"Reason Ceased to be Looked After\"",
    ),
}


def write_annex_a(con: duckdb.DuckDBPyConnection, out: Path, as_of: date) -> dict[str, int]:
    """Write Lists 1-8 from the canonical tables in ``con`` (children, contacts, early_help,
    referrals, assessments, s47, children_in_need, cpp, care_periods); ages are at ``as_of``."""
    out.mkdir(parents=True, exist_ok=True)
    written = {}
    day = f"DATE '{as_of.isoformat()}'"
    for name, (table, order, cells) in _LISTS.items():
        child_cells = _CHILD_CELLS.replace("{day}", day)
        query = (
            f"SELECT {child_cells}, {cells} "
            f"FROM {table} AS e JOIN children AS c USING (child_id) ORDER BY {order}, e.child_id, e.row_order"
        )
        target = out / name
        con.execute(f"COPY ({query}) TO '{target}' (HEADER, DELIMITER ',')")
        written[name] = con.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]
    return written


# ---------------------------------------------------------------------------------------
# The generic generator (DuckDB SQL, any size)
# ---------------------------------------------------------------------------------------

_SOURCE_WEIGHTS = [
    ("6", 0.28),
    ("2A", 0.18),
    ("3A", 0.05),
    ("3B", 0.05),
    ("3E", 0.04),
    ("3F", 0.04),
    ("5A", 0.06),
    ("1A", 0.09),
    ("1C", 0.02),
    ("4", 0.03),
    ("7", 0.03),
    ("8", 0.08),
    ("9", 0.02),
    ("10", 0.03),
]
_ETHNICITY_WEIGHTS = [
    ("WBRI", 0.78),
    ("WOTH", 0.04),
    ("MWBC", 0.03),
    ("MOTH", 0.02),
    ("AIND", 0.03),
    ("APKN", 0.03),
    ("BCRB", 0.02),
    ("BAFR", 0.02),
    ("OOTH", 0.01),
    ("NOBT", 0.02),
]
_CATEGORY_WEIGHTS = [("neglect", 0.49), ("emotional", 0.33), ("physical", 0.09), ("sexual", 0.04), ("multiple", 0.05)]
_LEGAL_WEIGHTS = [("C2", 0.45), ("C1", 0.2), ("V2", 0.2), ("E1", 0.08), ("V3", 0.03), ("V4", 0.02), ("L1", 0.02)]


def _pick(u: str, weights: list[tuple[str, float]]) -> str:
    """SQL choosing a value by the cumulative weights, from a uniform number ``u`` in [0, 1)."""
    total = sum(weight for _, weight in weights)
    branches, cumulative = [], 0.0
    for value, weight in weights[:-1]:
        cumulative += weight / total
        branches.append(f"WHEN {u} < {cumulative:.6f} THEN '{value}'")
    return f"(CASE {' '.join(branches)} ELSE '{weights[-1][0]}' END)"


def write_history(
    out: Path, *, children: int, seed: int = 1, years: int = 5, end: date = date(2020, 3, 31)
) -> dict[str, int]:
    """A deterministic random history of ``children`` children over ``years`` years ending on ``end``."""
    start = add_months(end, -12 * years) + timedelta(days=1)
    span = (end - start).days
    mean_referrals = 0.58 * years  # about 0.3 a child a year survive the cut at the end date
    exponential = 1 / math.log(1 + 1 / mean_referrals)  # floor(Exp) has this mean
    con = codes.connect()
    # One hash per (key, stream): hash(a, b) combines two hashes by XOR, which would tie
    # the streams of one key together.
    con.execute(f"CREATE MACRO u(key, stream) AS hash(key * 64 + stream, {int(seed)}) / 18446744073709551616.0")
    con.execute(
        "CREATE MACRO days(key, stream, low, high) AS CAST(low + floor(u(key, stream) * (high - low + 1)) AS INTEGER)"
    )
    con.execute(
        f"""
        CREATE TABLE children AS
        SELECT CAST(1000000 + i AS VARCHAR) AS child_id, i AS child_no,
               CASE WHEN u(i, 1) < 0.49 THEN 'female' WHEN u(i, 1) < 0.985 THEN 'male' ELSE 'not_recorded' END AS gender,
               {_pick("u(i, 2)", _ETHNICITY_WEIGHTS)} AS ethnicity,
               CASE WHEN u(i, 3) < 0.08 THEN 'yes' ELSE 'no' END AS disability,
               DATE '{start.isoformat()}' + days(i, 4, 0, {span}) AS first_day,
               CAST(floor(-ln(1 - u(i, 5)) * {exponential}) AS INTEGER) AS referral_count
        FROM range(1, {children} + 1) AS t(i)
        """
    )
    con.execute(
        """
        CREATE TABLE referral_draft AS
        WITH numbered AS (
            SELECT c.child_id, c.child_no, j, c.first_day, c.child_no * 64 + j AS key
            FROM children AS c, range(0, least(c.referral_count, 40)) AS r(j)
        ), gaps AS (
            SELECT *, CASE WHEN j = 0 THEN 0
                           WHEN u(key, 6) < 0.03 THEN days(key, 7, 1, 7)
                           WHEN u(key, 6) < 0.33 THEN days(key, 7, 8, 365)
                           ELSE days(key, 7, 366, 900) END AS gap
            FROM numbered
        )
        SELECT child_id, key, first_day + CAST(sum(gap) OVER (PARTITION BY child_id ORDER BY j) AS INTEGER) AS referral_date
        FROM gaps
        """
    )
    con.execute(
        f"""
        CREATE TABLE referrals AS
        SELECT child_id, key, referral_date, {_pick("u(key, 8)", _SOURCE_WEIGHTS)} AS source,
               u(key, 9) < 0.08 AS nfa, u(key, 9) >= 0.08 AND u(key, 10) < 0.72 AS assessed,
               u(key, 11) < 0.2 AS enquiry, u(key, 12) < 0.45 AS conference, u(key, 13) < 0.85 AS plan,
               u(key, 14) < 0.02 AS care, row_number() OVER (ORDER BY key) AS row_order
        FROM referral_draft WHERE referral_date <= DATE '{end.isoformat()}'
        """
    )
    last = f"DATE '{end.isoformat()}'"
    con.execute(
        """
        CREATE TABLE children_with_birth AS
        SELECT c.*, coalesce(r.first_referral, c.first_day) - days(c.child_no, 15, 30, 6400) AS date_of_birth
        FROM children AS c
        LEFT JOIN (SELECT child_id, min(referral_date) AS first_referral FROM referrals GROUP BY child_id) AS r USING (child_id)
        """
    )
    con.execute("DROP TABLE children")
    con.execute("ALTER TABLE children_with_birth RENAME TO children")
    con.execute(
        f"""
        CREATE TABLE contacts AS
        SELECT child_id, referral_date AS contact_date, source, row_order FROM referrals
        UNION ALL
        SELECT child_id, first_day + days(child_no, 16, -400, 400), {_pick("u(child_no, 17)", _SOURCE_WEIGHTS)},
               child_no + 100000000 FROM children
        WHERE u(child_no, 18) < 0.4 AND first_day + days(child_no, 16, -400, 400) BETWEEN DATE '{start.isoformat()}' AND {last};
        CREATE TABLE early_help AS
        SELECT child_id, referral_date - days(key, 19, 10, 300) AS start_date,
               CASE WHEN referral_date - days(key, 19, 10, 300) + days(key, 20, 30, 120) <= {last}
                    THEN referral_date - days(key, 19, 10, 300) + days(key, 20, 30, 120) END AS end_date,
               'Early help locality ' || CAST(1 + key % 3 AS VARCHAR) AS organisation, row_order
        FROM referrals WHERE u(key, 21) < 0.12 AND referral_date - days(key, 19, 10, 300) >= DATE '{start.isoformat()}';
        CREATE TABLE assessments AS
        SELECT child_id, referral_date + days(key, 22, 0, 5) AS start_date,
               CASE WHEN referral_date + days(key, 22, 0, 5) + days(key, 23, 10, 75) <= {last}
                    THEN referral_date + days(key, 22, 0, 5) + days(key, 23, 10, 75) END AS authorised_date, row_order
        FROM referrals WHERE assessed AND referral_date + days(key, 22, 0, 5) <= {last};
        CREATE TABLE s47 AS
        SELECT child_id, referral_date + days(key, 24, 0, 3) AS strategy_date,
               CASE WHEN conference AND referral_date + days(key, 24, 0, 3) + days(key, 25, 7, 30) <= {last}
                    THEN referral_date + days(key, 24, 0, 3) + days(key, 25, 7, 30) END AS icpc_date,
               NOT conference AS icpc_not_required, key, plan, row_order
        FROM referrals WHERE assessed AND enquiry AND referral_date + days(key, 24, 0, 3) <= {last};
        ALTER TABLE s47 ADD COLUMN resulted_in_plan BOOLEAN;
        UPDATE s47 SET resulted_in_plan = plan WHERE icpc_date IS NOT NULL;
        """
    )
    con.execute(
        f"""
        CREATE TABLE cpp AS
        SELECT child_id, icpc_date AS start_date,
               CASE WHEN icpc_date + days(key, 26, 60, 900) <= {last} THEN icpc_date + days(key, 26, 60, 900) END AS end_date,
               {_pick("u(key, 27)", _CATEGORY_WEIGHTS)} AS initial_category, row_order
        FROM s47 WHERE icpc_date IS NOT NULL AND plan;
        ALTER TABLE cpp ADD COLUMN latest_category VARCHAR;
        UPDATE cpp SET latest_category = initial_category;
        CREATE TABLE cpp_numbered AS
        SELECT *, CAST(row_number() OVER (PARTITION BY child_id ORDER BY start_date, row_order) - 1 AS INTEGER) AS previous_plans
        FROM cpp;
        DROP TABLE cpp;
        ALTER TABLE cpp_numbered RENAME TO cpp;
        CREATE TABLE care_periods AS
        SELECT r.child_id, r.referral_date + days(r.key, 28, 5, 90) AS start_date,
               CASE WHEN r.referral_date + days(r.key, 28, 5, 90) + days(r.key, 29, 10, 2000) <= {last}
                    THEN r.referral_date + days(r.key, 28, 5, 90) + days(r.key, 29, 10, 2000) END AS end_date,
               {_pick("u(r.key, 30)", _LEGAL_WEIGHTS)} AS legal_status, r.row_order
        FROM referrals AS r WHERE r.assessed AND r.care AND r.referral_date + days(r.key, 28, 5, 90) <= {last};
        CREATE TABLE children_in_need AS
        SELECT child_id, start_date, 'N' || CAST(1 + floor(u(row_order, 31) * 8) AS INTEGER) AS primary_need,
               authorised_date AS closure_date, row_order
        FROM assessments
        """
    )
    return write_annex_a(con, out, end)


# ---------------------------------------------------------------------------------------
# The demo partnership, calibrated to Appendix 3 of the 2019-20 annual report
# ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoYear:
    """One reporting year's Appendix 3 column (whole-number percentages) and the counts behind it."""

    start_year: int
    population: int
    referrals: int
    re_referrals: int
    attached: int  # referrals proceeding to assessment or s47
    open_by_category: dict[str, int]  # children on a plan at 31 March, by initial category
    open_18_months: int
    plans_started: int
    repeats_within_2_years: int
    looked_after: int
    suspected_duplicates: int = 0
    icpcs_without_plan: int = 8


DEMO_YEARS = (
    DemoYear(
        2017,
        46400,
        3067,
        675,
        2300,
        {"neglect": 80, "emotional": 34, "physical": 32, "multiple": 14, "sexual": 10},
        0,
        200,
        36,
        413,
        icpcs_without_plan=7,
    ),
    DemoYear(
        2018,
        46700,
        3320,
        697,
        2025,
        {"neglect": 79, "emotional": 45, "physical": 18, "multiple": 16, "sexual": 2},
        10,
        190,
        15,
        424,
        icpcs_without_plan=9,
    ),
    # 420 referrals keyed twice during the change of case system: 1,001 of 3,061 re-referrals
    # (33%), 581 of 2,641 (22%) once they are removed. 178 of 184 ICPCs led to a plan.
    DemoYear(
        2019,
        46950,
        3061,
        1001,
        1714,
        {"neglect": 76, "emotional": 44, "physical": 18, "multiple": 9, "sexual": 3},
        9,
        178,
        5,
        461,
        suspected_duplicates=420,
        icpcs_without_plan=6,
    ),
)
_EARLIER_YEARS = {
    2015: (2950, 600, 2100, 180),
    2016: (3010, 640, 2200, 185),
}  # referrals, re-referrals, attached, plans
_DEMO_START, _DEMO_END = date(2015, 4, 1), date(2020, 3, 31)
_OTHER_CATEGORIES = ("neglect", "emotional", "physical", "multiple", "sexual")


def _year_bounds(start_year: int) -> tuple[date, date]:
    return date(start_year, 4, 1), date(start_year + 1, 3, 31)


class _Demo:
    def __init__(self, seed: int):
        self.random = random.Random(seed)
        self.children: dict[str, dict] = {}
        self.referrals: list[dict] = []
        self.assessments: list[dict] = []
        self.s47: list[dict] = []
        self.plans: list[dict] = []
        self.care: list[dict] = []
        self.early_help: list[dict] = []
        self.contacts: list[dict] = []

    def day(self, first: date, last: date) -> date:
        return first + timedelta(days=self.random.randint(0, (last - first).days))

    def child(self, first_seen: date | None = None) -> str:
        child_id = str(200000 + len(self.children))
        self.children[child_id] = {"child_id": child_id, "first_seen": first_seen}
        return child_id

    def referral(self, child_id: str, day: date, *, duplicate: bool = False) -> dict:
        row = {
            "child_id": child_id,
            "referral_date": day,
            "source": self.random.choice(["6", "6", "2A", "3A", "8", "1A", "5A"]),
            "nfa": False,
            "duplicate": duplicate,
            "assessed": False,
        }
        self.referrals.append(row)
        return row

    def assess(self, referral: dict) -> None:
        referral["assessed"] = True
        start = referral["referral_date"]
        authorised = start + timedelta(days=self.random.randint(15, 75))
        self.assessments.append(
            {
                "child_id": referral["child_id"],
                "start_date": start,
                "authorised_date": authorised if authorised <= _DEMO_END else None,
            }
        )

    def conference(self, child_id: str, icpc: date, *, plan: bool) -> None:
        """A referral, assessment and strategy discussion leading to an ICPC on ``icpc``."""
        referral = self.referral(child_id, icpc - timedelta(days=self.random.randint(10, 24)))
        self.assess(referral)
        self.s47.append(
            {
                "child_id": child_id,
                "strategy_date": referral["referral_date"],
                "icpc_date": icpc,
                "icpc_not_required": False,
                "resulted_in_plan": plan,
            }
        )

    def plan(self, start: date, end: date | None, category: str, kind: str) -> dict:
        row = {"start_date": start, "end_date": end, "initial_category": category, "kind": kind, "child_id": None}
        self.plans.append(row)
        return row


def _plan_book(demo: _Demo) -> None:
    """Every child protection plan, placed so each 31 March has Appendix 3's children on a plan."""
    d = demo.day
    for start_year, (_, _, _, started) in _EARLIER_YEARS.items():
        for _ in range(started):
            start = d(date(start_year, 4, 15), date(start_year + 1, 3, 25))
            demo.plan(
                start,
                start + timedelta(days=demo.random.randint(90, 330)),
                demo.random.choice(_OTHER_CATEGORIES),
                "earlier",
            )
    years = {year.start_year: year for year in DEMO_YEARS}
    # Long plans: open 18 months or more at 31 March 2019 (10) and at 31 March 2020 (9).
    for _ in range(10):
        demo.plan(d(date(2017, 4, 15), date(2017, 9, 30)), d(date(2019, 5, 1), date(2019, 8, 31)), "neglect", "long")
    for _ in range(5):
        demo.plan(d(date(2017, 10, 1), date(2018, 3, 20)), d(date(2020, 6, 1), date(2020, 6, 30)), "neglect", "long")
    for _ in range(4):
        demo.plan(d(date(2018, 4, 15), date(2018, 9, 30)), d(date(2020, 9, 1), date(2020, 9, 30)), "neglect", "long")
    carried = {2017: 15, 2018: 19, 2019: 9}  # long plans (all neglect) among those open at each year end
    for start_year, year in years.items():
        first, last = _year_bounds(start_year)
        open_counts = dict(year.open_by_category)
        open_counts["neglect"] -= carried[start_year]
        for category, number in open_counts.items():
            for _ in range(number):
                start = d(first + timedelta(days=14), last - timedelta(days=6))
                end = None if start_year == 2019 else d(last + timedelta(days=5), last + timedelta(days=355))
                demo.plan(start, end, category, "open at year end")
        long_started = sum(1 for plan in demo.plans if plan["kind"] == "long" and first <= plan["start_date"] <= last)
        short = year.plans_started - sum(open_counts.values()) - long_started
        # 2019-20: 49% of the plans started are under neglect (report section 3.2.1).
        short_neglect = 87 - open_counts["neglect"] if start_year == 2019 else short // 3
        for number in range(short):
            start = d(first + timedelta(days=14), date(start_year, 12, 31))
            end = start + timedelta(days=demo.random.randint(30, min(200, (last - start).days - 5)))
            category = "neglect" if number < short_neglect else demo.random.choice(_OTHER_CATEGORIES[1:])
            demo.plan(start, end, category, "short")


def _assign_plan_children(demo: _Demo) -> None:
    """Fresh children for every plan, except each year's repeats, which reuse an earlier plan's child."""
    by_start = sorted(demo.plans, key=lambda plan: plan["start_date"])
    reused: set[str] = set()
    for year in DEMO_YEARS:
        first, last = _year_bounds(year.start_year)
        for plan in by_start:
            if plan["child_id"] is None and plan["start_date"] < first:
                plan["child_id"] = demo.child()
        candidates = [
            plan
            for plan in by_start
            if first <= plan["start_date"] <= last and plan["kind"] in ("short", "open at year end")
        ]
        for plan in demo.random.sample(candidates, year.repeats_within_2_years):
            window = add_months(plan["start_date"], -24)
            # an earlier plan ended in the 24 months before, begun long enough ago that the
            # child's new referral is not a re-referral
            earlier = next(
                earlier
                for earlier in by_start
                if earlier["child_id"] is not None
                and earlier["child_id"] not in reused
                and earlier["end_date"] is not None
                and window <= earlier["end_date"] < plan["start_date"]
                and (plan["start_date"] - earlier["start_date"]).days > 400
            )
            plan["child_id"] = earlier["child_id"]
            reused.add(earlier["child_id"])
    for plan in by_start:
        if plan["child_id"] is None:
            plan["child_id"] = demo.child()


def _referral_book(demo: _Demo) -> None:
    d = demo.day
    for plan in demo.plans:
        demo.conference(plan["child_id"], plan["start_date"], plan=True)
    targets = {
        year.start_year: (
            year.referrals,
            year.re_referrals,
            year.attached,
            year.suspected_duplicates,
            year.icpcs_without_plan,
        )
        for year in DEMO_YEARS
    }
    targets.update(
        {
            start_year: (referrals, re_referrals, attached, 0, 8)
            for start_year, (referrals, re_referrals, attached, _) in _EARLIER_YEARS.items()
        }
    )
    for start_year, (_, _, _, _, without_plan) in targets.items():
        first, last = _year_bounds(start_year)
        for _ in range(without_plan):
            demo.conference(demo.child(), d(first + timedelta(days=25), last), plan=False)
    for start_year, (_, re_referrals, _, duplicates, _) in targets.items():
        first, last = _year_bounds(start_year)
        for _ in range(duplicates):
            child_id = demo.child()
            original = d(date(2019, 9, 1), date(2020, 1, 31))
            demo.referral(child_id, original)
            demo.referral(child_id, original + timedelta(days=demo.random.randint(1, 7)), duplicate=True)
        for _ in range(re_referrals - duplicates):
            child_id = demo.child()
            second = d(max(first, _DEMO_START + timedelta(days=40)), last)
            earliest_gap = min(330, (second - _DEMO_START).days)
            demo.referral(child_id, second - timedelta(days=demo.random.randint(30, earliest_gap)))
            demo.referral(child_id, second)
    for start_year, (referrals, _, attached, _, _) in targets.items():
        first, last = _year_bounds(start_year)
        in_year = [row for row in demo.referrals if first <= row["referral_date"] <= last]
        for _ in range(referrals - len(in_year)):
            in_year.append(demo.referral(demo.child(), d(first, last)))
        open_ones = [row for row in in_year if not row["assessed"] and not row["duplicate"]]
        demo.random.shuffle(open_ones)
        missing = attached - sum(1 for row in in_year if row["assessed"])
        for row in open_ones[:missing]:
            demo.assess(row)
            if demo.random.random() < 0.2:
                demo.s47.append(
                    {
                        "child_id": row["child_id"],
                        "strategy_date": row["referral_date"],
                        "icpc_date": None,
                        "icpc_not_required": True,
                        "resulted_in_plan": None,
                    }
                )
        for row in open_ones[missing:]:
            row["nfa"] = demo.random.random() < 0.3


def _care_book(demo: _Demo) -> None:
    """Periods of care: a stock looked after throughout, and a cohort around each 31 March."""
    d = demo.day
    stock = 340
    for number in range(stock):
        child_id = demo.child(None)
        start = d(date(2012, 4, 1), date(2015, 3, 1))
        if number % 10 == 0:  # accommodated under s20, then a care order from the same day: one period of care
            change = d(start + timedelta(days=30), date(2016, 3, 1))
            demo.care.append({"child_id": child_id, "start_date": start, "end_date": change, "legal_status": "V2"})
            demo.care.append({"child_id": child_id, "start_date": change, "end_date": None, "legal_status": "C1"})
        else:
            demo.care.append(
                {
                    "child_id": child_id,
                    "start_date": start,
                    "end_date": None,
                    "legal_status": demo.random.choice(["C2", "C2", "C2", "E1", "V2"]),
                }
            )
    cohorts = {2015: 50, 2016: 60, **{year.start_year: year.looked_after - stock for year in DEMO_YEARS}}
    for start_year, number in cohorts.items():
        year_end = date(start_year + 1, 3, 31)
        for _ in range(number):
            start = d(year_end - timedelta(days=180), year_end - timedelta(days=1))
            end = None if start_year == 2019 else d(year_end + timedelta(days=30), year_end + timedelta(days=240))
            demo.care.append(
                {
                    "child_id": demo.child(),
                    "start_date": start,
                    "end_date": end,
                    "legal_status": demo.random.choice(["C1", "C2", "V2", "L2"]),
                }
            )
        for _ in range(40):  # in and out between two 31 Marches
            start = d(date(start_year, 4, 5), date(start_year, 9, 30))
            demo.care.append(
                {
                    "child_id": demo.child(),
                    "start_date": start,
                    "end_date": d(start + timedelta(days=20), date(start_year + 1, 2, 28)),
                    "legal_status": "V2",
                }
            )
        for _ in range(12):  # short breaks spanning 31 March, which do not make a child looked after
            start = year_end - timedelta(days=demo.random.randint(1, 10))
            demo.care.append(
                {
                    "child_id": demo.child(),
                    "start_date": start,
                    "end_date": year_end + timedelta(days=demo.random.randint(1, 10)),
                    "legal_status": demo.random.choice(["V3", "V4"]),
                }
            )


def _finish(demo: _Demo) -> None:
    """Dates of birth, contacts and early help, none of which moves an Appendix 3 figure."""
    firsts: dict[str, date] = {}
    for table in (demo.referrals, demo.care):
        for row in table:
            day = row.get("referral_date") or row["start_date"]
            firsts[row["child_id"]] = min(day, firsts.get(row["child_id"], day))
    for child_id, child in demo.children.items():
        first = firsts[child_id]
        child.update(
            {
                "date_of_birth": first - timedelta(days=demo.random.randint(60, 6200)),
                "gender": demo.random.choice(["male", "female"]),
                "ethnicity": demo.random.choice(["WBRI"] * 8 + ["MWBC", "AIND", "APKN", "BCRB", "WOTH"]),
                "disability": "yes" if demo.random.random() < 0.07 else "no",
            }
        )
    for row in demo.referrals:
        demo.contacts.append(
            {"child_id": row["child_id"], "contact_date": row["referral_date"], "source": row["source"]}
        )
        if not row["duplicate"] and demo.random.random() < 0.1:
            start = row["referral_date"] - timedelta(days=demo.random.randint(30, 300))
            if start >= _DEMO_START:
                demo.early_help.append(
                    {
                        "child_id": row["child_id"],
                        "start_date": start,
                        "end_date": start + timedelta(days=demo.random.randint(20, 25)),
                        "organisation": demo.random.choice(
                            [
                                "Early help locality north",
                                "Early help locality east",
                                "Early help locality west",
                                "School",
                            ]
                        ),
                    }
                )
    referred = sorted({row["child_id"] for row in demo.referrals})
    for _ in range(len(demo.referrals) * 3 // 2):
        child_id = demo.random.choice(referred)
        born = demo.children[child_id]["date_of_birth"]
        demo.contacts.append(
            {
                "child_id": child_id,
                "contact_date": demo.day(max(born, _DEMO_START), _DEMO_END),
                "source": demo.random.choice(["6", "2A", "3B", "8", "1A"]),
            }
        )


def _arrow(rows: list[dict], columns: dict[str, pa.DataType]) -> pa.Table:
    table = {name: pa.array([row.get(name) for row in rows], kind) for name, kind in columns.items()}
    table["row_order"] = pa.array(range(len(rows)), pa.int64())
    return pa.table(table)


def demo_history(out: Path, *, seed: int = 2020) -> dict[str, int]:
    """Write the demo partnership's Annex A lists (1 April 2015 to 31 March 2020) to ``out``."""
    demo = _Demo(seed)
    _plan_book(demo)
    _assign_plan_children(demo)
    _referral_book(demo)
    _care_book(demo)
    _finish(demo)
    plans_by_child: dict[str, int] = {}
    for plan in sorted(demo.plans, key=lambda plan: plan["start_date"]):
        plan["previous_plans"] = plans_by_child.get(plan["child_id"], 0)
        plan["latest_category"] = plan["initial_category"]
        plans_by_child[plan["child_id"]] = plan["previous_plans"] + 1
    text, day, flag = pa.string(), pa.date32(), pa.bool_()
    con = codes.connect()
    tables = {
        "children": _arrow(
            list(demo.children.values()),
            {"child_id": text, "date_of_birth": day, "gender": text, "ethnicity": text, "disability": text},
        ),
        "contacts": _arrow(demo.contacts, {"child_id": text, "contact_date": day, "source": text}),
        "early_help": _arrow(
            demo.early_help, {"child_id": text, "start_date": day, "end_date": day, "organisation": text}
        ),
        "referrals": _arrow(demo.referrals, {"child_id": text, "referral_date": day, "source": text, "nfa": flag}),
        "assessments": _arrow(demo.assessments, {"child_id": text, "start_date": day, "authorised_date": day}),
        "s47": _arrow(
            demo.s47,
            {
                "child_id": text,
                "strategy_date": day,
                "icpc_date": day,
                "icpc_not_required": flag,
                "resulted_in_plan": flag,
            },
        ),
        "children_in_need": _arrow(
            [
                {
                    "child_id": row["child_id"],
                    "start_date": row["start_date"],
                    "primary_need": "N1",
                    "closure_date": row["authorised_date"],
                }
                for row in demo.assessments
            ],
            {"child_id": text, "start_date": day, "primary_need": text, "closure_date": day},
        ),
        "cpp": _arrow(
            demo.plans,
            {
                "child_id": text,
                "start_date": day,
                "end_date": day,
                "initial_category": text,
                "latest_category": text,
                "previous_plans": pa.int32(),
            },
        ),
        "care_periods": _arrow(demo.care, {"child_id": text, "start_date": day, "end_date": day, "legal_status": text}),
    }
    for name, table in tables.items():
        con.register(name, table)
    return write_annex_a(con, out, _DEMO_END)
