"""A whole Section 11 return as rows, for the workbook the senior leader reads before approving it."""

from .models import Section11Answer

HEADERS = [
    "Section",
    "Standard",
    "Wording",
    "Status",
    "Rating",
    "Rating in the last round",
    "Why not applicable",
    "Narrative",
    "Evidence",
    "What we will do to improve",
]
MODERATION_HEADERS = ["Agreed rating", "Challenge", "Action agreed", "Our response"]


def _evidence(answer: Section11Answer) -> str:
    files = [evidence.original_name for evidence in answer.evidence_files.all()]
    return "; ".join(filter(None, [*files, answer.evidence_held.strip()]))


def return_rows(sections, *, with_moderation: bool) -> tuple[list[str], list[list]]:
    """Headers and one row per standard, in the return's order; with the moderation once it is complete."""
    rows = []
    for section, answers in sections:
        for answer in answers:
            row = [
                section,
                answer.standard.number,
                answer.standard.wording,
                answer.status.label,
                answer.get_self_rating_display(),
                answer.get_previous_rating_display(),
                answer.not_applicable_reason,
                answer.narrative,
                _evidence(answer),
                answer.planned_action,
            ]
            if with_moderation:
                row += [
                    answer.get_agreed_rating_display(),
                    answer.challenge,
                    answer.agreed_action,
                    answer.agency_response,
                ]
            rows.append(row)
    return HEADERS + (MODERATION_HEADERS if with_moderation else []), rows
