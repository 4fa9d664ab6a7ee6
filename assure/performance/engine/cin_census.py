"""DfE children in need census XML (schema years 2017 to 2026), read as a stream.

The file is parsed with defusedxml's iterparse and each <Child> is mapped and then
cleared, so a national file never sits in memory whole. ``<GenderCurrent>`` (to
2023-24) and ``<Sex>`` (from 2024-25) are both read; elements a year added that no
indicator needs (CIN plan dates, pre-proceedings) are ignored.

Row faults are reported per element: an element that fails (an unknown code, a missing
required date) refuses only the event it would have made. For XML the error's ``row``
is the position of the <Child> in the file and ``column`` the element's path in it.
The header's ReferenceDate must be a 31 March (the census date); anything else is a
structural fault and refuses the file.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import pyarrow as pa
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import iterparse

from . import codes
from .events import SCHEMAS, ImportRejected, ImportResult, Pseudonymiser, RowError, new_result, pseudonymise_tables

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
    def __init__(self, file: str):
        self.file = file
        self.columns = {kind: {name: [] for name in SCHEMAS[kind].names} for kind in SCHEMAS}
        self.errors: list[RowError] = []
        self.seq = 0

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

    def tables(self) -> dict[str, pa.Table]:
        return {kind: pa.table(columns, schema=SCHEMAS[kind]) for kind, columns in self.columns.items()}


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


def read_cin_census(path: str | Path, *, pseudonymise: Pseudonymiser | None = None) -> ImportResult:
    file = str(path)
    reader = _Reader(file)
    reference_date: date | None = None
    seen_root = False
    child_no = 0
    parent: Element | None = None
    try:
        for event, element in iterparse(file, events=("start", "end"), forbid_dtd=True):
            name = _local(element.tag)
            if event == "start":
                if not seen_root:
                    seen_root = True
                    if name != "Message":
                        raise ImportRejected(
                            f"{file}: not a CIN census file; expected a <Message> root element, found <{name}>"
                        )
                elif name == "Children":
                    parent = element
                continue
            if name == "ReferenceDate":
                reference_date = _reference_date(file, element.text)
            elif name == "Child":
                child_no += 1
                _child(reader, element, child_no)
                element.clear()
                if parent is not None:
                    parent.clear()  # drop the finished <Child> so memory stays flat
    except (ParseError, DefusedXmlException) as error:
        raise ImportRejected(
            f"{file}: not well-formed or unsafe XML ({error}); expected a CIN census XML file"
        ) from error
    except OSError as error:
        raise ImportRejected(f"{file}: cannot be read ({error})") from error
    if child_no == 0:
        raise ImportRejected(f"{file}: holds no <Child> records; expected a CIN census with <Children><Child>…")
    warnings = [] if reference_date else [f"{file}: the header has no ReferenceDate, so no future-date check is made"]
    tables = pseudonymise_tables(reader.tables(), pseudonymise)
    return new_result(tables, errors=reader.errors, warnings=warnings, reference_date=reference_date)


def _reference_date(file: str, text: str | None) -> date:
    raw = (text or "").strip()
    try:
        value = date.fromisoformat(raw)
    except ValueError:
        raise ImportRejected(
            f"{file}: ReferenceDate {raw!r} is not a date; expected the census date YYYY-03-31"
        ) from None
    if (value.month, value.day) != (3, 31):
        raise ImportRejected(
            f"{file}: ReferenceDate {value.isoformat()} is not a census date; expected 31 March (YYYY-03-31)"
        )
    return value
