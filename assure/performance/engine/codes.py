"""Code sets, and the SQL that normalises raw text into canonical values.

Every importer reads codes through the same code sets, and every tabular importer
(Annex A CSV folders and workbooks, SSDA903) parses dates and counts with the same SQL
macros, so a value means the same whatever file it came in. Coded values are matched after trimming, ignoring case and
Annex A's letter prefix ("b) Female" and "Female" alike); codes that carry a
description ("q) 6: Police", "N1 - Abuse or neglect", "C2: FCO") also match on the
code alone ("6", "N1", "C2").
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from contextlib import contextmanager

import duckdb

from .limits import Limits, remove_later, scratch_folder, watch


def _with_descriptions(pairs: dict[str, str], separator: str) -> dict[str, str]:
    """Accepted spellings for codes written "<code><separator><description>"."""
    return {**{f"{code}{separator}{text}": code for code, text in pairs.items()}, **{code: code for code in pairs}}


REFERRAL_SOURCES = {
    "1A": "Individual",
    "1B": "Individual",
    "1C": "Individual",
    "1D": "Individual",
    "2A": "Schools",
    "2B": "Education services",
    "3A": "Health services",
    "3B": "Health services",
    "3C": "Health services",
    "3D": "Health services",
    "3E": "Health services",
    "3F": "Health services",
    "4": "Housing",
    "5A": "LA services",
    "5B": "LA services",
    "5C": "LA services",
    "5D": "LA services",
    "6": "Police",
    "7": "Other legal agency",
    "8": "Other",
    "9": "Anonymous",
    "10": "Unknown",
}
PRIMARY_NEEDS = {
    "N0": "Not stated",
    "N1": "Abuse or neglect",
    "N2": "Child's disability",
    "N3": "Parental disability or illness",
    "N4": "Family in acute stress",
    "N5": "Family dysfunction",
    "N6": "Socially unacceptable behaviour",
    "N7": "Low income",
    "N8": "Absent parenting",
    "N9": "Cases other than children in need",
}
CLOSURE_REASONS = {f"RC{number}": "" for number in range(1, 10)}
LEGAL_STATUSES = {
    "C1": "ICO",
    "C2": "FCO",
    "D1": "Freeing order",
    "E1": "Placement order",
    "V2": "Single period under S20",
    "V3": "Short term breaks, episodes recorded",
    "V4": "Short term breaks, agreements recorded",
    "L1": "Police protection LA accommodation",
    "L2": "EPO",
    "L3": "Child assessment order LA accommodation",
    "J1": "Remanded to LA or youth detention",
    "J2": "LA accommodation under PACE",
    "J3": "Youth rehabilitation order",
}
ETHNICITIES = (
    "WBRI WIRI WIRT WOTH WROM MWBC MWBA MWAS MOTH AIND APKN ABAN AOTH BCRB BAFR BOTH CHNE OOTH REFU NOBT"
).split()
CIN_DISABILITIES = "NONE MOB HAND PC INC COMM LD HEAR VIS BEH CON AUT DDA".split()

_YES = ("yes", "y", "true", "1")
_NO = ("no", "n", "false", "0")


class CodeSet:
    """A set of accepted spellings, each mapped onto one canonical value."""

    def __init__(self, name: str, spellings: dict[str, object], expected: str):
        self.name = name
        self.spellings = {normalise_key(spelling): value for spelling, value in spellings.items()}
        self.expected = expected

    def lookup(self, raw: str | None):
        return self.spellings.get(normalise_key(raw)) if raw is not None else None


def normalise_key(raw: str) -> str:
    """A coded cell's text as compared: trimmed, lower case, without Annex A's letter prefix."""
    text = raw.replace("\u2019", "'").replace("\u00a0", " ").strip()
    text = re.sub(r"^[A-Za-z]{1,2}\d?\)\s*", "", text)
    return re.sub(r"\s+", " ", text).strip().lower()


GENDER = CodeSet(
    "gender",
    {
        "Male": "male",
        "Female": "female",
        "Not stated/recorded": "not_recorded",
        "Neither": "neither",
        "M": "male",
        "F": "female",
        "U": "not_recorded",
    },
    "a) Male, b) Female, c) Not stated/recorded or d) Neither",
)
CIN_GENDER_CURRENT = CodeSet(
    "GenderCurrent", {"1": "male", "2": "female", "0": "not_recorded", "9": "neither"}, "1, 2, 0 or 9"
)
CIN_SEX = CodeSet("Sex", {"M": "male", "F": "female", "U": "not_recorded"}, "M, F or U")
SSDA903_SEX = CodeSet("SEX", {"1": "male", "2": "female"}, "1 (male) or 2 (female)")
ETHNICITY = CodeSet("ethnicity", {code: code for code in ETHNICITIES}, "a CBDS ethnicity code such as a) WBRI")
DISABILITY = CodeSet("disability", {"Yes": "yes", "No": "no", "Unknown": "unknown"}, "a) Yes, b) No or c) Unknown")
YES_NO = CodeSet("yes/no", {**{word: True for word in _YES}, **{word: False for word in _NO}}, "a) Yes or b) No")
SOURCE = CodeSet("source", _with_descriptions(REFERRAL_SOURCES, ": "), "a referral source such as q) 6: Police")
PRIMARY_NEED = CodeSet("primary need", _with_descriptions(PRIMARY_NEEDS, " - "), "a need code N0 to N9")
CLOSURE_REASON = CodeSet("closure reason", {code: code for code in CLOSURE_REASONS}, "a reason code RC1 to RC9")
LEGAL_STATUS = CodeSet("legal status", _with_descriptions(LEGAL_STATUSES, ": "), "a legal status such as C2: FCO or V2")
CATEGORY = CodeSet(
    "category of abuse",
    {
        "Neglect": "neglect",
        "NEG": "neglect",
        "Physical abuse": "physical",
        "Physical": "physical",
        "PHY": "physical",
        "Sexual abuse": "sexual",
        "Sexual": "sexual",
        "SAB": "sexual",
        "Emotional abuse": "emotional",
        "Emotional": "emotional",
        "EMO": "emotional",
        "Multiple/not recommended": "multiple",
        "Multiple": "multiple",
        "MUL": "multiple",
    },
    "a) Neglect, b) Physical abuse, c) Sexual abuse, d) Emotional abuse or e) Multiple/not recommended",
)


def lookup_python(code_set: CodeSet, raw: str):
    """The canonical value of a coded cell, or None when it is no known code.

    Read once per distinct text in a column (a handful), never once per row. A code with
    a description may come as the code alone: the part before ": " or " - ".
    """
    found = code_set.lookup(raw)
    if found is None:
        match = re.match(r"^(.+?)\s*(:|\s-\s)", normalise_key(raw))
        if match:
            found = code_set.spellings.get(match.group(1).strip())
    return found


SQL_MACROS = r"""
CREATE OR REPLACE MACRO clean_text(v) AS nullif(trim(replace(CAST(v AS VARCHAR), ' ', ' ')), '');
CREATE OR REPLACE MACRO parse_date(v) AS CASE
    WHEN v IS NULL THEN NULL
    WHEN regexp_full_match(v, '\d{1,2}/\d{1,2}/\d{4}') THEN CAST(try_strptime(v, '%d/%m/%Y') AS DATE)
    WHEN regexp_full_match(v, '\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?') THEN try_cast(left(v, 10) AS DATE)
    WHEN regexp_full_match(v, '[1-9]\d{4}(\.0+)?') THEN DATE '1899-12-30' + CAST(split_part(v, '.', 1) AS INTEGER)
    ELSE NULL END;
CREATE OR REPLACE MACRO parse_count(v) AS CASE
    WHEN regexp_full_match(v, '\d{1,6}(\.0+)?') THEN CAST(split_part(v, '.', 1) AS INTEGER) ELSE NULL END;
CREATE OR REPLACE MACRO child_identifier(v) AS CASE
    WHEN contains(v, '.') AND regexp_full_match(v, '\d+\.0+') THEN split_part(v, '.', 1) ELSE v END;
"""

DATE_EXPECTED = "a date DD/MM/YYYY, YYYY-MM-DD or an Excel date number"
COUNT_EXPECTED = "a whole number 0 or more"


def connect(limits: Limits | None = None) -> duckdb.DuckDBPyConnection:
    """A fresh in-memory DuckDB with the engine's macros and no progress bar on the terminal.

    It holds at most ``limits.duckdb_memory`` and spills the rest into a private folder
    under the scratch directory, removed with the connection; the running import's clock
    can interrupt it.
    """
    limits = limits or Limits()
    spill = scratch_folder(limits, "duckdb-")
    con = _open(limits, spill)
    remove_later(con, spill)
    return con


@contextmanager
def connection(limits: Limits | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A connection as :func:`connect` gives, closed and its spill folder removed on leaving."""
    limits = limits or Limits()
    spill = scratch_folder(limits, "duckdb-")
    con = _open(limits, spill)
    try:
        yield con
    finally:
        con.close()
        shutil.rmtree(spill, ignore_errors=True)


def _open(limits: Limits, spill) -> duckdb.DuckDBPyConnection:
    con = duckdb.connect(config={"memory_limit": limits.duckdb_memory, "temp_directory": str(spill)})
    con.execute("SET enable_progress_bar = false")
    con.execute(SQL_MACROS)
    return watch(con)
