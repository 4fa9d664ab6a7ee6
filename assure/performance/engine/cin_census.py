"""DfE children in need census XML (schema years 2017 to 2026), read as a stream.

The file is parsed with defusedxml's iterparse; each <Child> is mapped and then
cleared, and every other element is dropped once read, so a national file never sits
in memory whole and a header of millions of empty elements is refused at the limit.
``<GenderCurrent>`` (to 2023-24) and ``<Sex>`` (from 2024-25) are both read; elements
a year added that no indicator needs (CIN plan dates, pre-proceedings) are ignored.

Row faults are reported per element: an element that fails (an unknown code, a missing
required date) refuses only the event it would have made. For XML the error's ``row``
is the position of the <Child> in the file and ``column`` the element's path in it.
The header's ReferenceDate is the date the extract was taken: 31 March for the census,
any other day for a mid-year extract (imported with a note). It bounds the future-date
check of this file's events only. A missing or unreadable ReferenceDate refuses the file.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import pyarrow as pa
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from assure.core.periods import reporting_year_label

from . import codes
from .events import SCHEMAS, ImportResult, Pseudonymiser, RowError, new_result, pseudonymise_tables
from .faults import ImportRejected, LimitExceeded, quoted
from .limits import Limits, check_time, running

_ISO_DATE = "a date YYYY-MM-DD"
_XS_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(Z|[+-]\d{2}:\d{2})?")


class _Fault(Exception):
    def __init__(self, path: str, value: str | None, expected: str):
        super().__init__(path)
        self.path, self.value, self.expected = path, value, expected


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _find(element: Element, name: str) -> Element | None:
    for child in element:
        if _local(child.tag) == name:
            return child
    return None


def _all(element: Element, name: str) -> list[Element]:
    return [child for child in element if _local(child.tag) == name]


def _text(element: Element | None, name: str) -> str | None:
    found = _find(element, name) if element is not None else None
    if found is None or found.text is None:
        return None
    return found.text.strip() or None


class _Reader:
    def __init__(self, file: str, limits: Limits):
        self.file = file
        self.limits = limits
        self.columns = {kind: {name: [] for name in SCHEMAS[kind].names} for kind in SCHEMAS}
        self.errors: list[RowError] = []
        self.seq = 0
        self.children = 0

    def child(self, element: Element) -> None:
        self.children += 1
        _child(self, element, self.children)

    def fault(self, child_no: int, fault: _Fault) -> None:
        self.errors.append(RowError(self.file, None, child_no, fault.path, fault.value, fault.expected))

    def add(self, kind: str, child_id: str, child_no: int, path: str, values: dict) -> None:
        self.seq += 1
        row = {
            "child_id": child_id,
            "source_file": self.file,
            "source_sheet": path,
            "source_row": child_no,
            "seq": self.seq,
            **values,
        }
        for name, column in self.columns[kind].items():
            column.append(row.get(name))
        if len(self.columns[kind]["child_id"]) > self.limits.rows_per_list:
            raise LimitExceeded(
                f"{self.file} has more than {self.limits.rows_per_list:,} {_KIND_WORDS[kind]}, "
                "the most one list may have; split the extract into smaller files"
            )
        if self.seq > self.limits.rows_in_all:
            raise LimitExceeded(
                f"{self.file} has more than {self.limits.rows_in_all:,} records in all, the most one upload "
                "may have; split the extract into smaller files"
            )

    def tables(self, reference_date: date | None) -> dict[str, pa.Table]:
        tables = {}
        for kind, columns in self.columns.items():
            columns["file_reference_date"] = [reference_date] * len(columns["child_id"])
            tables[kind] = pa.table(columns, schema=SCHEMAS[kind])
        return tables


_KIND_WORDS = {
    "child": "children",
    "contact": "contacts",
    "early_help": "early help episodes",
    "referral": "referrals",
    "assessment": "assessments",
    "s47": "section 47 enquiries",
    "cpp": "child protection plans",
    "care_period": "periods of care",
}


def _date(element: Element, name: str, path: str, *, required: bool = False) -> date | None:
    raw = _text(element, name)
    if raw is None:
        if required:
            raise _Fault(f"{path}/{name}", None, f"{_ISO_DATE} (required)")
        return None
    # xs:date may carry a time zone ("2020-03-31Z", "2020-03-31+01:00"); the day is what counts.
    if not _XS_DATE.fullmatch(raw):
        raise _Fault(f"{path}/{name}", raw, _ISO_DATE)
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise _Fault(f"{path}/{name}", raw, _ISO_DATE) from None


def _code(element: Element, name: str, path: str, code_set: codes.CodeSet, *, required: bool = False):
    raw = _text(element, name)
    if raw is None:
        if required:
            raise _Fault(f"{path}/{name}", None, f"{code_set.expected} (required)")
        return None
    value = codes.lookup_python(code_set, raw)
    if value is None:
        raise _Fault(f"{path}/{name}", raw, code_set.expected)
    return value


def _count(element: Element, name: str, path: str) -> int | None:
    raw = _text(element, name)
    if raw is None:
        return None
    if not raw.isdigit():
        raise _Fault(f"{path}/{name}", raw, codes.COUNT_EXPECTED)
    return int(raw)


_CIN_SOURCE = codes.CodeSet(
    "ReferralSource", {code: code for code in codes.REFERRAL_SOURCES}, "a referral source code such as 1A or 6"
)
_CIN_NEED = codes.CodeSet("PrimaryNeedCode", {code: code for code in codes.PRIMARY_NEEDS}, "a need code N0 to N9")
_CIN_CATEGORY = codes.CodeSet(
    "CategoryOfAbuse",
    {"NEG": "neglect", "EMO": "emotional", "PHY": "physical", "SAB": "sexual", "MUL": "multiple"},
    "NEG, EMO, PHY, SAB or MUL",
)
_CIN_YES_NO = codes.CodeSet("yes/no", {"true": True, "1": True, "false": False, "0": False}, "true, false, 1 or 0")
_CIN_DISABILITY = codes.CodeSet(
    "Disability",
    {code: ("no" if code == "NONE" else "yes") for code in codes.CIN_DISABILITIES},
    "a disability code such as NONE or HAND",
)


def _referral(episode: Element, path: str) -> dict:
    return {
        "referral_date": _date(episode, "CINreferralDate", path, required=True),
        "source": _code(episode, "ReferralSource", path, _CIN_SOURCE),
        "nfa": _code(episode, "ReferralNFA", path, _CIN_YES_NO),
        "primary_need": _code(episode, "PrimaryNeedCode", path, _CIN_NEED),
        "closure_date": _date(episode, "CINclosureDate", path),
        "closure_reason": _code(episode, "ReasonForClosure", path, codes.CLOSURE_REASON),
    }


def _assessment(assessment: Element, path: str) -> dict:
    return {
        "start_date": _date(assessment, "AssessmentActualStartDate", path, required=True),
        "authorised_date": _date(assessment, "AssessmentAuthorisationDate", path),
    }


def _enquiry(enquiry: Element, path: str) -> dict:
    return {
        "strategy_date": _date(enquiry, "S47ActualStartDate", path, required=True),
        "icpc_date": _date(enquiry, "DateOfInitialCPC", path),
        "icpc_not_required": _code(enquiry, "ICPCnotRequired", path, _CIN_YES_NO),
    }


def _episode_conference(episode: Element, path: str) -> dict:
    return {"icpc_date": _date(episode, "DateOfInitialCPC", path)}


def _plan(plan: Element, path: str) -> dict:
    return {
        "start_date": _date(plan, "CPPstartDate", path, required=True),
        "end_date": _date(plan, "CPPendDate", path),
        "initial_category": _code(plan, "InitialCategoryOfAbuse", path, _CIN_CATEGORY, required=True),
        "latest_category": _code(plan, "LatestCategoryOfAbuse", path, _CIN_CATEGORY),
        "previous_plans": _count(plan, "NumberOfPreviousCPP", path),
    }


def _child(reader: _Reader, element: Element, child_no: int) -> None:
    child_id = _text(_find(element, "ChildIdentifiers"), "LAchildID")
    if child_id is None:
        reader.fault(child_no, _Fault("ChildIdentifiers/LAchildID", None, "the child's LAchildID (required)"))
        return

    def add(kind: str, build, item: Element, path: str) -> None:
        # a fault refuses only the event this element would have made
        try:
            reader.add(kind, child_id, child_no, path, build(item, path))
        except _Fault as fault:
            reader.fault(child_no, fault)

    add("child", _characteristics, element, "ChildIdentifiers")
    for episode_no, episode in enumerate(_all(element, "CINdetails"), start=1):
        path = f"CINdetails[{episode_no}]"
        add("referral", _referral, episode, path)
        for number, assessment in enumerate(_all(episode, "Assessments"), start=1):
            add("assessment", _assessment, assessment, f"{path}/Assessments[{number}]")
        enquiries = _all(episode, "Section47")
        for number, enquiry in enumerate(enquiries, start=1):
            add("s47", _enquiry, enquiry, f"{path}/Section47[{number}]")
        # An ICPC recorded on the episode with no Section47 carrying one is an ICPC whose
        # strategy discussion is unknown (indicators.md, CIN census ICPCs).
        if _text(episode, "DateOfInitialCPC") and not any(_text(enquiry, "DateOfInitialCPC") for enquiry in enquiries):
            add("s47", _episode_conference, episode, path)
        for number, plan in enumerate(_all(episode, "ChildProtectionPlans"), start=1):
            add("cpp", _plan, plan, f"{path}/ChildProtectionPlans[{number}]")


def _characteristics(element: Element, path: str) -> dict:
    identifiers = _find(element, "ChildIdentifiers")
    characteristics = _find(element, "ChildCharacteristics")
    if _find(identifiers, "Sex") is not None:
        gender = _code(identifiers, "Sex", path, codes.CIN_SEX)
    else:
        gender = _code(identifiers, "GenderCurrent", path, codes.CIN_GENDER_CURRENT)
    disabilities = _find(characteristics, "Disabilities") if characteristics is not None else None
    disability = None
    if disabilities is not None:
        found = []
        for item in _all(disabilities, "Disability"):
            raw = (item.text or "").strip()
            value = codes.lookup_python(_CIN_DISABILITY, raw)
            if value is None:
                raise _Fault("ChildCharacteristics/Disabilities/Disability", raw, _CIN_DISABILITY.expected)
            found.append(value)
        disability = "yes" if "yes" in found else ("no" if found else None)
    return {
        "date_of_birth": _date(identifiers, "PersonBirthDate", path)
        or _date(identifiers, "ExpectedPersonBirthDate", path),
        "gender": gender,
        "ethnicity": _code(characteristics, "Ethnicity", "ChildCharacteristics", codes.ETHNICITY)
        if characteristics is not None
        else None,
        "disability": disability,
    }


_UNSAFE = {
    "DTDForbidden": "declares a document type (DTD)",
    "EntitiesForbidden": "declares entities",
    "ExternalReferenceForbidden": "refers to other files",
}


def read_cin_census(
    path: str | Path,
    *,
    name: str | None = None,
    pseudonymise: Pseudonymiser | None = None,
    limits: Limits | None = None,
) -> ImportResult:
    """Import a CIN census file of any ReferenceDate (one not a 31 March is a mid-year extract).

    ``name`` is the file as its owner knows it, for messages and row errors.
    """
    path, limits = Path(path), limits or Limits()
    name = name or str(path)
    reader = _Reader(name, limits)
    reference_date: date | None = None
    reference_seen = False
    try:
        with running(limits, name):
            reference_date, reference_seen = _stream(path, name, reader, limits)
    except (ParseError, SyntaxError) as error:
        raise ImportRejected(
            f"{name} is not well-formed XML ({_parse_problem(error)}); expected a CIN census XML file"
        ) from None
    except DefusedXmlException as error:
        what = _UNSAFE.get(type(error).__name__, "uses XML features Assure refuses")
        raise ImportRejected(
            f"{name} is XML that is not safe to read: it {what}; expected a CIN census XML file"
        ) from None
    except OSError as error:
        raise ImportRejected(f"{name} cannot be read ({error.strerror or 'unreadable'})") from None
    if reader.children == 0:
        raise ImportRejected(f"{name} holds no <Child> records; expected a CIN census with <Children><Child>…")
    if not reference_seen:
        raise ImportRejected(
            f"{name} has no ReferenceDate in its Header; expected <Header><CollectionDetails><ReferenceDate> "
            "with the date the extract was taken"
        )
    tables = pseudonymise_tables(reader.tables(reference_date), pseudonymise)
    return new_result(
        tables, errors=reader.errors, reference_date=reference_date, notes=_mid_year_note(name, reference_date)
    )


def _stream(path: Path, name: str, reader: _Reader, limits: Limits) -> tuple[date | None, bool]:
    """Read the file element by element; each element is cleared and dropped once read.

    Elements inside a <Child> stay until the whole child is read (it is mapped at once);
    every other element is dropped at its end, so memory stays flat whatever the file holds.
    """
    reference_date, reference_seen = None, False
    open_elements: list[Element] = []
    header_elements = 0
    in_header = False
    child_depth: int | None = None
    child_elements = 0
    for number, (event, element) in enumerate(iterparse(str(path), events=("start", "end"), forbid_dtd=True)):
        if number % 100_000 == 0:
            check_time()
        local = _local(element.tag)
        if event == "start":
            if not open_elements and local != "Message":
                raise ImportRejected(
                    f"{name} is not a CIN census file; expected a <Message> root element, found <{local}>"
                )
            open_elements.append(element)
            if child_depth is not None:
                child_elements += 1
                if child_elements > limits.cin_child_elements:
                    raise LimitExceeded(
                        f"{name}: child {reader.children + 1:,} holds more than {limits.cin_child_elements:,} "
                        "XML elements, the most one <Child> may hold; expected a CIN census file"
                    )
            elif local == "Header" and len(open_elements) == 2:
                in_header = True
            elif local == "Child":
                child_depth, child_elements = len(open_elements), 0
            if in_header:
                header_elements += 1
                if header_elements > limits.cin_header_elements:
                    raise LimitExceeded(
                        f"{name} has more than {limits.cin_header_elements:,} XML elements in its Header, "
                        "the most a CIN census Header may have; expected the census Header "
                        "(CollectionDetails, Source)"
                    )
            continue
        depth = len(open_elements)
        open_elements.pop()
        if child_depth is not None:
            if depth != child_depth:
                continue  # read with its whole <Child>
            reader.child(element)
            child_depth = None
        elif in_header and local == "ReferenceDate":
            reference_date, reference_seen = _reference_date(name, element.text), True
        elif in_header and depth == 2:
            in_header = False
        element.clear()
        if open_elements:
            open_elements[-1].remove(element)
    return reference_date, reference_seen


def _parse_problem(error: Exception) -> str:
    # ParseError reads "not well-formed (invalid token): line 3, column 4"; never a path.
    return str(error).split(": line")[0] + (f" at line {error.position[0]}" if getattr(error, "position", None) else "")


def _reference_date(name: str, text: str | None) -> date:
    raw = (text or "").strip()
    if not _XS_DATE.fullmatch(raw):
        raise ImportRejected(
            f"{name} has ReferenceDate {quoted(raw)}, which is not a date; expected the date the extract was "
            "taken as YYYY-MM-DD (2020-03-31 for the census)"
        )
    try:
        return date.fromisoformat(raw[:10])
    except ValueError:
        raise ImportRejected(
            f"{name} has ReferenceDate {quoted(raw)}, which is not a date; expected the date the extract was "
            "taken as YYYY-MM-DD (2020-03-31 for the census)"
        ) from None


def collection_year(reference_date: date) -> int:
    """The start year of the collection year (to 31 March) that holds the ReferenceDate."""
    return reference_date.year if reference_date.month >= 4 else reference_date.year - 1


def _mid_year_note(name: str, reference_date: date | None) -> list[str]:
    if reference_date is None or (reference_date.month, reference_date.day) == (3, 31):
        return []
    year = collection_year(reference_date)
    return [
        f"{name} is dated {reference_date.day} {reference_date:%B %Y}, not the census date of 31 March: "
        f"it is read as a mid-year extract for {reporting_year_label(year)}. Its events dated after "
        f"{reference_date.day} {reference_date:%B %Y} are reported as after the reference date and not counted."
    ]
