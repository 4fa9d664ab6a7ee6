"""Writing small CIN census XML files for importer tests."""

from pathlib import Path


def cin_child(child_id: str, birth: str, *episodes: str) -> str:
    return (
        f"<Child><ChildIdentifiers><LAchildID>{child_id}</LAchildID><PersonBirthDate>{birth}</PersonBirthDate>"
        "<GenderCurrent>1</GenderCurrent></ChildIdentifiers>"
        "<ChildCharacteristics><Ethnicity>WBRI</Ethnicity></ChildCharacteristics>"
        f"{''.join(episodes)}</Child>"
    )


def cin_episode(referral: str, *, nfa: bool = False, assessments=(), enquiries=(), plans=()) -> str:
    parts = [f"<CINdetails><CINreferralDate>{referral}</CINreferralDate><ReferralSource>6</ReferralSource>"]
    parts.append(f"<ReferralNFA>{'true' if nfa else 'false'}</ReferralNFA>")
    for start, authorised in assessments:
        parts.append(
            f"<Assessments><AssessmentActualStartDate>{start}</AssessmentActualStartDate>"
            f"<AssessmentAuthorisationDate>{authorised}</AssessmentAuthorisationDate></Assessments>"
        )
    for strategy, conference in enquiries:
        parts.append(
            f"<Section47><S47ActualStartDate>{strategy}</S47ActualStartDate>"
            f"<DateOfInitialCPC>{conference}</DateOfInitialCPC><ICPCnotRequired>false</ICPCnotRequired></Section47>"
        )
    for start in plans:
        parts.append(
            f"<ChildProtectionPlans><CPPstartDate>{start}</CPPstartDate>"
            "<InitialCategoryOfAbuse>NEG</InitialCategoryOfAbuse></ChildProtectionPlans>"
        )
    parts.append("</CINdetails>")
    return "".join(parts)


def write_census(path: Path, reference_date: str | None, *children: str, header_extra: str = "") -> Path:
    reference = f"<ReferenceDate>{reference_date}</ReferenceDate>" if reference_date is not None else ""
    path.write_text(
        "<Message><Header><CollectionDetails><Collection>CIN</Collection>"
        f"{reference}</CollectionDetails>{header_extra}</Header>"
        f"<Children>{''.join(children)}</Children></Message>",
        encoding="utf-8",
    )
    return path
