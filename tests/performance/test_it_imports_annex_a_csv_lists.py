from datetime import date

import pytest

from assure.performance.engine import ImportRejected, read_annex_a
from tests.performance.annex_a_files import HEADERS, write_list


def referral_row(child_id, referral_date, source="q) 6: Police", nfa="b) No", **cells):
    return {
        "Child Unique ID": child_id,
        "Date of referral": referral_date,
        "Referral Source": source,
        "Referral NFA?": nfa,
        **cells,
    }


def test_lists_are_recognised_by_their_headers_not_their_file_names(tmp_path):
    write_list(tmp_path / "export-a.csv", 3, [referral_row("1", "01/06/2019")])
    write_list(
        tmp_path / "zz.csv",
        7,
        [
            {
                "Child Unique ID": "1",
                "Child Protection Plan Start Date": "02/06/2019",
                "Initial Category of Abuse": "a) Neglect",
            }
        ],
    )
    result = read_annex_a(tmp_path)
    assert result.row_counts()["referral"] == 1
    assert result.row_counts()["cpp"] == 1


def test_codes_are_read_with_or_without_their_letter_prefix_and_dates_in_every_accepted_form(tmp_path):
    write_list(
        tmp_path / "referrals.csv",
        3,
        [
            referral_row("1", "01/06/2019", source="q) 6: Police", nfa="a) Yes", Gender="b) Female"),
            referral_row("2", "2019-06-02", source="6: Police", nfa="No", Gender="Female"),
            referral_row("3", "43619", source="6", nfa="yes", Gender="  MALE "),
            referral_row("4", "4/6/2019", source="p1) 5D: LA services", nfa="b) No"),
        ],
    )
    result = read_annex_a(tmp_path)
    referrals = result.tables["referral"].to_pylist()
    assert [row["referral_date"] for row in referrals] == [
        date(2019, 6, 1),
        date(2019, 6, 2),
        date(2019, 6, 3),
        date(2019, 6, 4),
    ]
    assert [row["source"] for row in referrals] == ["6", "6", "6", "5D"]
    assert [row["nfa"] for row in referrals] == [True, False, True, False]
    assert [row["gender"] for row in result.tables["child"].to_pylist()] == ["female", "female", "male", None]
    assert result.errors == []


def test_child_identifiers_stored_as_numbers_lose_their_decimal_but_text_keeps_leading_zeros(tmp_path):
    write_list(
        tmp_path / "referrals.csv", 3, [referral_row("9212044.0", "01/06/2019"), referral_row(" 0071 ", "01/06/2019")]
    )
    assert [row["child_id"] for row in read_annex_a(tmp_path).tables["referral"].to_pylist()] == ["9212044", "0071"]


def test_a_faulty_row_is_refused_and_reported_with_its_row_and_column_while_the_others_land(tmp_path):
    write_list(
        tmp_path / "referrals.csv",
        3,
        [
            referral_row("1", "01/06/2019"),
            referral_row("2", "31/02/2020"),
            referral_row("3", "01/06/2019", source="Carrier pigeon"),
            referral_row("", "01/06/2019"),
            referral_row("5", "01/06/2019", nfa=""),
        ],
    )
    result = read_annex_a(tmp_path)
    assert result.row_counts()["referral"] == 1
    assert [(error.row, error.column, error.value) for error in result.errors] == [
        (3, "Date of referral", "31/02/2020"),
        (4, "Referral Source", "Carrier pigeon"),
        (5, "Child Unique ID", None),
        (6, "Referral NFA?", None),
    ]
    assert result.errors[0].expected == "a date DD/MM/YYYY, YYYY-MM-DD or an Excel date number"
    assert result.errors[3].expected == "a) Yes or b) No (required)"
    assert all(error.file.endswith("referrals.csv") and error.sheet is None for error in result.errors)


def test_a_title_row_above_the_headers_is_skipped_and_rows_keep_their_file_numbers(tmp_path):
    write_list(
        tmp_path / "referrals.csv", 3, [referral_row("1", "01/06/2019"), referral_row("2", "June")], title_row=True
    )
    result = read_annex_a(tmp_path)
    assert result.tables["referral"].column("source_row").to_pylist() == [3]
    assert [(error.row, error.value) for error in result.errors] == [(4, "June")]


def test_the_template_header_with_a_trailing_space_is_matched(tmp_path):
    assert "Date Ceased to be Looked After " in HEADERS[8]
    write_list(
        tmp_path / "care.csv",
        8,
        [
            {
                "Child Unique ID": "1",
                "Date Started to be Looked After": "01/05/2019",
                "Child's Legal Status": "C2: FCO",
                "Date Ceased to be Looked After": "01/06/2019",
            }
        ],
    )
    periods = read_annex_a(tmp_path).tables["care_period"].to_pylist()
    assert [(period["legal_status"], period["end_date"]) for period in periods] == [("C2", date(2019, 6, 1))]


def test_headers_match_whatever_their_case_and_spacing(tmp_path):
    headers = [header.upper() for header in HEADERS[3]]
    write_list(tmp_path / "referrals.csv", 3, [], headers=headers)
    with open(tmp_path / "referrals.csv", "a", encoding="utf-8") as handle:
        handle.write("1,,,,,01/06/2019,q) 6: Police,b) No,0,,\n")
    assert read_annex_a(tmp_path).row_counts()["referral"] == 1


def test_plan_and_care_lists_may_hold_a_childs_whole_history(tmp_path):
    write_list(
        tmp_path / "plans.csv",
        7,
        [
            {
                "Child Unique ID": "1",
                "Child Protection Plan Start Date": "01/01/2017",
                "Child Protection Plan End Date": "01/01/2018",
                "Initial Category of Abuse": "Neglect",
                "Number of Previous Child Protection Plans": "0",
            },
            {
                "Child Unique ID": "1",
                "Child Protection Plan Start Date": "01/06/2019",
                "Initial Category of Abuse": "d) Emotional abuse",
                "Latest Category of Abuse": "a) Neglect",
                "Number of Previous Child Protection Plans": "1",
            },
        ],
    )
    plans = read_annex_a(tmp_path).tables["cpp"].to_pylist()
    assert [(plan["initial_category"], plan["latest_category"], plan["previous_plans"]) for plan in plans] == [
        ("neglect", None, 0),
        ("emotional", "neglect", 1),
    ]


def test_list_6_completes_the_referral_of_the_same_child_and_date_without_adding_referrals(tmp_path):
    write_list(tmp_path / "referrals.csv", 3, [referral_row("1", "01/06/2019"), referral_row("2", "01/06/2019")])
    write_list(
        tmp_path / "cin.csv",
        6,
        [
            {
                "Child Unique ID": "1",
                "CIN Start Date": "01/06/2019",
                "Primary Need Code": "N1 - Abuse or neglect",
                "CIN Closure Date": "01/09/2019",
                "Reason for Closure": "RC8 - Case closed after assessment, no further action",
            },
            {"Child Unique ID": "3", "CIN Start Date": "01/01/2015", "Primary Need Code": "N5"},
        ],
    )
    referrals = read_annex_a(tmp_path).tables["referral"].to_pylist()
    assert [
        (row["child_id"], row["primary_need"], row["closure_date"], row["closure_reason"]) for row in referrals
    ] == [("1", "N1", date(2019, 9, 1), "RC8"), ("2", None, None, None)]


def test_a_list_missing_a_column_it_needs_rejects_the_file(tmp_path):
    headers = [header for header in HEADERS[3] if header != "Referral NFA?"]
    write_list(tmp_path / "referrals.csv", 3, [], headers=headers)
    with pytest.raises(
        ImportRejected, match="referrals.csv: List 3 \\(Referrals\\) lacks the column “Referral NFA\\?”"
    ):
        read_annex_a(tmp_path)


def test_a_csv_in_the_folder_that_is_no_annex_a_list_rejects_the_folder(tmp_path):
    write_list(tmp_path / "referrals.csv", 3, [referral_row("1", "01/06/2019")])
    (tmp_path / "notes.csv").write_text("name,value\nx,1\n")
    with pytest.raises(ImportRejected, match="notes.csv is not an Annex A list"):
        read_annex_a(tmp_path)


def test_an_empty_folder_is_rejected(tmp_path):
    with pytest.raises(ImportRejected, match="no .csv files"):
        read_annex_a(tmp_path)


def test_a_file_saved_as_windows_text_is_read_as_latin_1_and_said_so(tmp_path):
    path = write_list(tmp_path / "referrals.csv", 3, [referral_row(str(n), "01/06/2019") for n in range(2000)])
    with open(path, "ab") as handle:
        handle.write("3,,,,,01/06/2019,q) 6: Police,b) No,0,Caf\xe9 team,\n".encode("latin-1"))
    result = read_annex_a(tmp_path)
    assert result.row_counts()["referral"] == 2001
    assert result.warnings == [f"{path} is not UTF-8 text; it was read as Latin-1 (Windows) text"]


def test_a_file_with_broken_quoting_is_rejected_whole(tmp_path):
    write_list(tmp_path / "referrals.csv", 3, [referral_row("1", "01/06/2019")])
    with open(tmp_path / "referrals.csv", "a", encoding="utf-8") as handle:
        handle.write('1,,,,,"01/06/2019,unclosed\n' * 3)
    with pytest.raises(ImportRejected, match="referrals.csv cannot be read as a CSV file"):
        read_annex_a(tmp_path)
