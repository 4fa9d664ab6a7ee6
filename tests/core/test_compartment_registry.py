"""Every model of a compartment area is registered for the compartment tests, and none belongs to an agency or a
person: a compartment's records are reached through the compartment (or a share), never through an agency."""

from assure.core.permissions import COMPARTMENTS, GRANTS, Area, Scope, compartment_models
from tests.compartments import load_registrations

RECORD_TYPES = load_registrations()


def test_every_compartment_record_type_is_registered():
    registered = {record.model for record in RECORD_TYPES}
    missing = sorted(m._meta.label for m in set(compartment_models()) - registered)
    assert missing == [], f"register these in tests/<app>/compartment_records.py: {missing}"


def test_no_compartment_record_type_belongs_to_an_agency_or_a_person():
    assert compartment_models(), "the test compartment app should be installed"
    declaring = sorted(
        m._meta.label for m in compartment_models() if hasattr(m, "agency_path") or hasattr(m, "owner_path")
    )
    assert declaring == []


def test_a_compartment_is_reached_whole_or_not_at_all():
    """Nobody reaches part of a compartment by agency or as their own records, so no path is needed to scope it."""
    partial = [
        (role, area, action)
        for role, grants in GRANTS.items()
        for (area, action), scope in grants.items()
        if area in COMPARTMENTS and scope != Scope.PARTNERSHIP
    ]
    assert partial == []


def test_aggregate_figures_are_areas_apart_from_their_compartments():
    assert COMPARTMENTS == {Area.LADO, Area.REVIEWS}
    assert not {Area.LADO_FIGURES, Area.REVIEW_FIGURES} & COMPARTMENTS
