from django.urls import reverse

from assure.performance.models import AggregateDataset, AggregateMeasure, AggregateReturn, AggregateValue
from tests.agency_scoped import register


def make_return(agency, make_person):
    dataset, _ = AggregateDataset.objects.get_or_create(
        partnership=agency.partnership, code="nrm", defaults={"name": "NRM referrals"}
    )
    dataset.agencies.add(agency)
    measure, _ = AggregateMeasure.objects.get_or_create(
        dataset=dataset, code="referrals", defaults={"label": "Referrals"}
    )
    aggregate_return = AggregateReturn.objects.create(dataset=dataset, agency=agency, start_year=2019, quarter=1)
    AggregateValue.objects.create(aggregate_return=aggregate_return, measure=measure, value=3)
    return aggregate_return


register(AggregateReturn, make=make_return, urls=lambda r: [reverse("performance:return-detail", args=[r.pk])])
register(
    AggregateValue,
    make=lambda agency, make_person: make_return(agency, make_person).values.get(),
    urls=lambda value: [reverse("performance:return-detail", args=[value.aggregate_return_id])],
)
