"""Writing small Annex A list CSVs for importer tests."""

import csv
from pathlib import Path

CHILD = ["Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age of Child (Years)"]
HEADERS = {
    1: CHILD + ["Date of Contact", "Contact Source"],
    2: CHILD + ["Assessment start date", "Assessment completion date", "Organisation completing assessment"],
    3: CHILD
    + [
        "Date of referral",
        "Referral Source",
        "Referral NFA?",
        "Number of Referrals in Last 12 Months",
        "Allocated Team",
        "Allocated Worker",
    ],
    4: CHILD
    + [
        "Does the Child have a Disability",
        "Continuous Assessment Start Date",
        "Child Seen During Continuous Assessment",
        "Continuous Assessment Date of Authorisation",
        "Was the child assessed as requiring LA children\u2019s social care support",
        "Allocated Team",
        "Allocated Worker",
    ],
    5: CHILD
    + [
        "Does the Child have a Disability",
        "Strategy discussion initiating Section 47 Enquiry Start Date",
        "Was an Initial Child Protection Conference deemed unnecessary?",
        "Date of Initial Child Protection Conference",
        "Did the Initial Child Protection Conference Result in a Child Protection Plan",
        "Number of Section 47 Enquiries in the last 12 months",
        "Number of ICPCs in the last 12 months",
        "Allocated Team",
        "Allocated Worker",
    ],
    6: CHILD
    + [
        "Does the Child have a Disability",
        "CIN Start Date",
        "Primary Need Code",
        "Date Child Was Last Seen",
        "CIN Closure Date",
        "Reason for Closure",
        "Case status",
        "Allocated Team",
        "Allocated Worker",
    ],
    7: CHILD
    + [
        "Does the Child have a Disability",
        "Child Protection Plan Start Date",
        "Initial Category of Abuse",
        "Latest Category of Abuse",
        "Date of the Last Statutory Visit",
        "Was the Child Seen Alone?",
        "Date of latest review conference",
        "Child Protection Plan End Date",
        "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
        "Number of Previous Child Protection Plans",
        "Allocated Team",
        "Allocated Worker",
    ],
    8: CHILD
    + [
        "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)",
        "Does the Child have a Disability",
        "Date Started to be Looked After",
        "Child's Category of Need",
        "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
        "Start date of current legal status",
        "Child's Legal Status",
        "Date Ceased to be Looked After ",
        "Reason Ceased to be Looked After",
    ],
}


def write_list(path: Path, number: int, rows: list[dict], *, title_row: bool = False, headers=None) -> Path:
    """Write List ``number`` with the template's headers; each row gives only the cells it needs."""
    headers = headers or HEADERS[number]
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        if title_row:
            writer.writerow([f"List {number}"] + [""] * (len(headers) - 1))
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(header.strip(), "") for header in headers])
    return path
