"""CIN census files of any ReferenceDate: a mid-year extract imports, and each file's date
bounds only its own events (indicators.md, data-quality exclusions; decisions.md, "A source")."""

from datetime import date
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from assure.performance.engine import ImportRejected, compute, merge, read_input
from assure.performance.engine.events import EVENT_KINDS
from assure.performance.models import DataVersion, Extract
from assure.performance.services import _read_events, extract_import

from .annex_a_files import write_list
from .cin_files import cin_child, cin_episode, write_census

SAMPLES = Path(__file__).resolve().parents[1] / "fixtures" / "samples"
YEAR = {"period_from": date(2019, 4, 1), "period_to": date(2020, 3, 31), "population": 10_000}


def july_census(path: Path) -> Path:
    """Four children's work up to a mid-year extract taken on 21 July 2019, and some after it."""
    return write_census(
        path,
        "2019-07-21",
        cin_child(
            "A",
            "2010-01-01",
            cin_episode(
                "2019-05-01",
                assessments=[("2019-05-02", "2019-06-10")],
                enquiries=[("2019-05-03", "2019-05-20")],
                plans=["2019-05-20"],
            ),
        ),
        cin_child("B", "2012-03-04", cin_episode("2019-06-01", nfa=True)),
        # dated after the extract: reported, not counted
        cin_child("C", "2015-06-07", cin_episode("2019-08-15", assessments=[("2019-07-01", "2019-08-01")])),
        cin_child("D", "2008-09-10", cin_episode("2018-09-01"), cin_episode("2019-07-10")),
    )


def same_events_as_annex_a(folder: Path) -> Path:
    def child(child_id, birth):
        return {"Child Unique ID": child_id, "Gender": "a) Male", "Ethnicity": "a) WBRI", "Date of Birth": birth}

    a, b, c, d = (
        child("A", "01/01/2010"),
        child("B", "04/03/2012"),
        child("C", "07/06/2015"),
        child("D", "10/09/2008"),
    )

    def referral(who, day, nfa="b) No"):
        return {**who, "Date of referral": day, "Referral Source": "q) 6: Police", "Referral NFA?": nfa}

    write_list(
        folder / "list3.csv",
        3,
        [
            referral(a, "01/05/2019"),
            referral(b, "01/06/2019", "a) Yes"),
            referral(c, "15/08/2019"),
            referral(d, "01/09/2018"),
            referral(d, "10/07/2019"),
        ],
    )
    write_list(
        folder / "list4.csv",
        4,
        [
            {
                **a,
                "Continuous Assessment Start Date": "02/05/2019",
                "Continuous Assessment Date of Authorisation": "10/06/2019",
            },
            {
                **c,
                "Continuous Assessment Start Date": "01/07/2019",
                "Continuous Assessment Date of Authorisation": "01/08/2019",
            },
        ],
    )
    write_list(
        folder / "list5.csv",
        5,
        [
            {
                **a,
                "Strategy discussion initiating Section 47 Enquiry Start Date": "03/05/2019",
                "Was an Initial Child Protection Conference deemed unnecessary?": "b) No",
                "Date of Initial Child Protection Conference": "20/05/2019",
            }
        ],
    )
    write_list(
        folder / "list7.csv",
        7,
        [{**a, "Child Protection Plan Start Date": "20/05/2019", "Initial Category of Abuse": "a) Neglect"}],
    )
    return folder


def test_a_census_dated_21_july_imports_as_a_mid_year_extract_with_a_note(tmp_path):
    result = read_input(july_census(tmp_path / "july.xml"), name="july.xml")
    assert result.reference_date == date(2019, 7, 21)
    assert result.row_counts()["referral"] == 5
    [note] = result.notes
    assert note.startswith("july.xml is dated 21 July 2019, not the census date of 31 March")
    assert "mid-year extract for 2019-20" in note
    assert result.warnings == []


def test_it_gives_the_figures_of_the_same_events_as_annex_a_with_that_reference_date(tmp_path):
    census = compute(read_input(july_census(tmp_path / "july.xml")), **YEAR)
    annex_a = compute(
        read_input(same_events_as_annex_a(tmp_path / "annex-a")), reference_date=date(2019, 7, 21), **YEAR
    )
    assert census["indicators"] == annex_a["indicators"]
    assert census["data_quality"] == annex_a["data_quality"]
    assert census["indicators"]["referrals"]["numerator"] == 3  # C's referral of 15 August is after the date
    assert census["data_quality"]["events_after_reference_date"] == 2


def test_with_two_census_years_the_earlier_files_date_excludes_none_of_the_later_files_events(tmp_path):
    earlier = write_census(tmp_path / "2019.xml", "2019-03-31", cin_child("E", "2010-01-01", cin_episode("2018-06-01")))
    later = write_census(
        tmp_path / "2020.xml",
        "2020-03-31",
        cin_child("F", "2011-01-01", cin_episode("2019-10-01"), cin_episode("2020-02-01")),
        # after the later file's own date: that file's date still bounds its events
        cin_child("G", "2011-01-01", cin_episode("2020-05-01")),
    )
    for order in ([earlier, later], [later, earlier]):
        result = compute(merge([read_input(path) for path in order]), **YEAR)
        assert result["indicators"]["referrals"]["numerator"] == 2
        assert result["data_quality"]["events_after_reference_date"] == 1


def test_a_census_date_bounds_none_of_the_annex_a_events_beside_it(tmp_path):
    census = write_census(tmp_path / "2019.xml", "2019-03-31", cin_child("E", "2010-01-01", cin_episode("2018-06-01")))
    write_list(
        tmp_path / "lists" / "list3.csv",
        3,
        [{"Child Unique ID": "H", "Date of referral": "01/06/2019", "Referral Source": "6", "Referral NFA?": "b) No"}],
    )
    result = compute(merge([read_input(census), read_input(tmp_path / "lists")]), **YEAR)
    assert result["indicators"]["referrals"]["numerator"] == 1
    assert result["data_quality"]["events_after_reference_date"] == 0


def test_the_header_issue_sample_now_imports_as_a_mid_year_file():
    result = read_input(SAMPLES / "cin-census" / "CIN_header_issues_100.xml", name="CIN_header_issues_100.xml")
    assert result.reference_date == date(2023, 3, 28)
    assert "mid-year extract for 2022-23" in result.notes[0]


@pytest.mark.parametrize(
    ("reference_date", "message"),
    [
        (None, "census.xml has no ReferenceDate in its Header"),
        ("", "census.xml has ReferenceDate “”, which is not a date"),
        ("21/07/2019", "census.xml has ReferenceDate “21/07/2019”, which is not a date"),
        ("2019-02-30", "census.xml has ReferenceDate “2019-02-30”, which is not a date"),
    ],
)
def test_only_a_missing_or_unreadable_reference_date_refuses_the_file(tmp_path, reference_date, message):
    census = write_census(
        tmp_path / "census.xml", reference_date, cin_child("A", "2010-01-01", cin_episode("2019-05-01"))
    )
    with pytest.raises(ImportRejected, match=message):
        read_input(census, name="census.xml")


def upload(partnership, path: Path) -> Extract:
    return extract_import(
        partnership=partnership, file=SimpleUploadedFile(path.name, path.read_bytes()), original_name=path.name
    )


def test_a_later_file_of_the_same_collection_year_replaces_the_earlier_and_other_years_stay(partnership, tmp_path):
    child = cin_child("A", "2010-01-01", cin_episode("2019-05-01"))
    july = upload(partnership, write_census(tmp_path / "july-2019.xml", "2019-07-21", child))
    census = upload(partnership, write_census(tmp_path / "census-2020.xml", "2020-03-31", child))
    following = upload(partnership, write_census(tmp_path / "census-2021.xml", "2021-03-31", child))
    keys = [extract.sources.get().key for extract in (july, census, following)]
    assert keys == ["cin:2019", "cin:2019", "cin:2020"]
    assert july.status == Extract.Status.NO_LONGER_IN_USE
    in_use = DataVersion.in_use(partnership).sources.order_by("position")
    assert [source.extract for source in in_use] == [census, following]
    assert "mid-year extract for 2019-20" in july.notes[0]


def test_events_stored_before_they_carried_their_files_date_get_the_date_their_version_held(tmp_path):
    result = read_input(
        write_census(tmp_path / "c.xml", "2019-07-21", cin_child("A", "2010-01-01", cin_episode("2019-08-15")))
    )
    for kind in EVENT_KINDS:
        pq.write_table(result.tables[kind].drop_columns(["file_reference_date"]), tmp_path / f"{kind}.parquet")
    events = _read_events(tmp_path, date(2019, 7, 21))
    assert events.tables["referral"].column("file_reference_date").to_pylist() == [date(2019, 7, 21)]
    assert compute(events, **YEAR)["data_quality"]["events_after_reference_date"] == 1
