"""The 2019-20 and 2020-21 review figures from the reference report's section 5, counted as decisions.md section 7
says: SC17 open at 31 March 2020 and published on 20 April 2020, one CSPR referral deferred, no rapid review."""

from datetime import date

from assure.actions.models import Action, SourceKind
from assure.reviews import demo
from assure.reviews.models import Review
from assure.reviews.selectors import year_figures

TODAY = date(2021, 6, 1)


def test_2019_20_shows_sc17_open_at_the_year_end_one_referral_deferred_and_no_rapid_review(solihull):
    figures = year_figures(solihull, 2019, today=TODAY)
    assert figures["rapid_reviews"]["held"] == 0
    assert figures["notifications"]["made"] == 0
    assert figures["reviews"]["open_at_year_end"] == 1
    assert figures["reviews"]["open_since_published"] == ["SC17, published 20 April 2020 (after the period)"]
    assert figures["reviews"]["published_in_year"] == 0
    assert figures["reviews"]["deferred_at_year_end"] == 1
    assert figures["reviews"]["referrals_received"] == 1
    assert [other["name"] for other in figures["other_reviews"]] == ["Birmingham serious case review BSCB 2017-18/01"]
    assert figures["paragraph"] == (
        "In 2019-20 the partnership notified the national panel of no serious incidents and held no rapid reviews. "
        "At 31 March 2020 one local review was open: SC17, published 20 April 2020 (after the period). "
        "One referral for a child safeguarding practice review was deferred at the year end. "
        "No local review was published in the year. "
        "It also learned from Birmingham serious case review BSCB 2017-18/01 by Birmingham Local Safeguarding "
        "Children Board. "
        "Reviews made one recommendation, with one action on the register (none closed)."
    )


def test_2020_21_shows_sc17_published(solihull):
    figures = year_figures(solihull, 2020, today=TODAY)
    assert figures["reviews"]["published_in_year"] == 1
    assert figures["reviews"]["published"][0]["name"] == "SC17"
    assert figures["reviews"]["published"][0]["published_on"] == "2020-04-20"
    assert figures["reviews"]["open_at_year_end"] == 0
    assert figures["recommendations"]["made"] == 2
    assert "The partnership published one review: SC17 (20 April 2020)." in figures["paragraph"]


def test_the_registers_review_actions_come_from_the_reviews_records(solihull):
    actions = Action.objects.filter(source_kind=SourceKind.CASE_REVIEW).order_by("source_label")
    labels = [action.source_label for action in actions]
    assert labels == [
        "Birmingham serious case review BSCB 2017-18/01, recommendation 1",
        "SC17, recommendation 1",
        "SC17, recommendation 2",
    ]
    assert all(action.source is not None for action in actions)
    assert not Action.objects.filter(source_label__icontains="child A").exists()
    assert not Action.objects.filter(source_label__icontains="child B").exists()
    sias = actions.get(source_label="SC17, recommendation 1")
    assert sias.closed_on is not None and sias.closure_approved_by is not None


def test_loading_twice_changes_nothing(solihull):
    reviews = Review.objects.count()
    demo.load_for(solihull)
    assert Review.objects.count() == reviews == 3
