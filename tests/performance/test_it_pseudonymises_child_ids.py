import hashlib
import hmac

import pytest

from assure.performance.engine import make_pseudonymiser, read_annex_a
from tests.performance.annex_a_files import write_list

KEY = b"partnership-secret-key-0123456789"


def test_the_pseudonym_is_hmac_sha256_of_the_identifier_under_the_key():
    assert make_pseudonymiser(KEY)("9212044") == hmac.new(KEY, b"9212044", hashlib.sha256).hexdigest()
    assert make_pseudonymiser(KEY)("9212044") != make_pseudonymiser(KEY[::-1])("9212044")


def test_a_short_key_is_refused():
    with pytest.raises(ValueError):
        make_pseudonymiser(b"short")


def test_imported_events_carry_pseudonyms_computed_once_per_child(tmp_path):
    write_list(
        tmp_path / "referrals.csv",
        3,
        [
            {
                "Child Unique ID": child_id,
                "Date of referral": "01/06/2019",
                "Referral Source": "6",
                "Referral NFA?": "No",
            }
            for child_id in ("9212044.0", "9212044", "77")
        ],
    )
    calls = []
    pseudonymise = make_pseudonymiser(KEY)

    def counting(child_id):
        calls.append(child_id)
        return pseudonymise(child_id)

    result = read_annex_a(tmp_path, pseudonymise=counting)
    assert sorted(calls) == ["77", "9212044"]
    assert result.tables["referral"].column("child_id").to_pylist() == [
        pseudonymise("9212044"),
        pseudonymise("9212044"),
        pseudonymise("77"),
    ]
    assert result.tables["child"].column("child_id").to_pylist()[0] == pseudonymise("9212044")
