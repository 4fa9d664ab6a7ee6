"""Files of unusual but lawful shapes are checked like any other: a list with only its headers, and List 6 with no
referral list beside it (Hypothesis found both failing the check)."""

from datetime import date

from assure.performance import services
from assure.performance.models import DataVersion

from .annex_a_files import write_list

CHILD = {"Child Unique ID": "C1", "Gender": "a) Male", "Ethnicity": "WBRI", "Date of Birth": "01/02/2012"}


def _checked(partnership, tmp_path, *paths):
    files = [(open(path, "rb"), path.name) for path in paths]
    try:
        extract = services.extract_receive(partnership=partnership, files=files)
    finally:
        for handle, _ in files:
            handle.close()
    return services.extract_check(extract=extract)


def test_a_list_with_only_its_headers_beside_a_list_with_rows_is_staged(partnership, tmp_path):
    referrals = write_list(
        tmp_path / "list3.csv",
        3,
        [{**CHILD, "Date of referral": "03/06/2019", "Referral Source": "6", "Referral NFA?": "b) No"}],
    )
    assessments = write_list(tmp_path / "list4.csv", 4, [])
    extract = _checked(partnership, tmp_path, referrals, assessments)
    assert extract.rejection_reason == ""
    assert extract.row_errors == []
    assert extract.staged_version.event_counts["referral"] == 1
    assert DataVersion.in_use(partnership) is None


def test_list_6_alone_is_staged_and_adds_no_referral(partnership, tmp_path):
    children_in_need = write_list(
        tmp_path / "list6.csv", 6, [{**CHILD, "CIN Start Date": "03/06/2019", "Primary Need Code": "N1"}]
    )
    extract = _checked(partnership, tmp_path, children_in_need)
    assert extract.rejection_reason == ""
    assert extract.staged_version.event_counts["referral"] == 0
    assert extract.staged_version.event_counts["child"] == 1
    assert date(2019, 6, 3) <= extract.sources.get().last_date


def test_a_nul_character_in_a_refused_value_is_kept_as_the_replacement_character(partnership, tmp_path):
    contacts = write_list(
        tmp_path / "list1.csv", 1, [{**CHILD, "Date of Contact": "03/06/2019", "Contact Source": "\x00bad"}]
    )
    extract = _checked(partnership, tmp_path, contacts)
    extract.refresh_from_db()
    assert [error["value"] for error in extract.row_errors] == ["\ufffdbad"]
