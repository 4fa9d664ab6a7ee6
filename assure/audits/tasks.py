from django_tasks import task

from assure.core.audit import acting_as

from . import services
from .models import EducationAudit


@task()
def chase_education_non_returners(audit_pk: int) -> int:
    """Email every provider that has not returned the audit; run by the task worker, not the web request."""
    with acting_as(None, "task: chase education non-returners"):
        return services.education_non_returners_chase(audit=EducationAudit.objects.get(pk=audit_pk))
