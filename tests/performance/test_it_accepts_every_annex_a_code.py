"""Every preferred code of Ofsted's Codes_used sheet that an indicator reads is accepted."""

import csv
from pathlib import Path

import pytest

from assure.performance.engine import codes

CODES_USED = Path(__file__).resolve().parents[1] / "fixtures" / "samples" / "annex-a" / "codes-used-2019.csv"

CODE_SETS = {
    "Gender": codes.GENDER,
    "Ethnicity": codes.ETHNICITY,
    "Contact / Referral Source": codes.SOURCE,
    "Referral NFA?": codes.YES_NO,
    "Does the Child have a Disability": codes.DISABILITY,
    "Initial/Latest Category of Abuse": codes.CATEGORY,
    "Primary Need Code": codes.PRIMARY_NEED,
    "Reason for Closure": codes.CLOSURE_REASON,
    "Child's Legal Status": codes.LEGAL_STATUS,
    "Was an Initial Child Protection Conference deemed unnecessary?": codes.YES_NO,
    "Did the Initial Child Protection Conference Result in a Child Protection Plan?": codes.YES_NO,
}


def preferred_codes():
    with open(CODES_USED, newline="", encoding="utf-8") as handle:
        return [
            (row["code_set"], row["preferred_code"]) for row in csv.DictReader(handle) if row["code_set"] in CODE_SETS
        ]


@pytest.mark.parametrize(("code_set", "preferred_code"), preferred_codes())
def test_the_preferred_code_is_known(code_set, preferred_code):
    assert codes.lookup_python(CODE_SETS[code_set], preferred_code) is not None


def test_all_eleven_code_sets_are_in_the_codes_used_sheet():
    assert {code_set for code_set, _ in preferred_codes()} == set(CODE_SETS)
