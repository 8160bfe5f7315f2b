"""Where the person says they are (reader/places.py): a first-person cue and a listed place."""
import pytest

from reader.places import locale_of


@pytest.mark.parametrize("text, locale", [
    ("I'm in Ohio and my chest hurts", "us"),           # a US state
    ("im in new york rn, feet numb", "us"),             # a city, slang, no punctuation
    ("here in the States we'd call 911?", "us"),        # the country, "here in"
    ("we live in Dublin", "eu"),                        # an EU city
    ("we are currently in Lyon on holiday", "eu"),      # an adverb between cue and place
    ("I am based in Germany", "eu"),
    ("I'm in the uk", "uk"),
    ("I'm from Cork but I live in Leeds", "uk"),        # origin is not where they are; the last statement wins
    ("hey, I'm over in Columbus, Ohio", "us"),          # a particle between cue and "in"
    ("we moved to Amsterdam last year", "eu"),          # moving somewhere is being there now
])
def test_a_place_after_a_first_person_cue_gives_its_locale(text, locale):
    assert locale_of(text) == locale


@pytest.mark.parametrize("text", [
    "my sister in Texas has numb feet",   # someone else's whereabouts
    "they were in Ohio last year",        # third person, past
    "we had a trip to Paris",             # travel, no locative cue
    "I'm in pain in my legs",             # "in" without a place
    "born in Spain",
])
def test_no_locale_without_the_person_saying_where_they_are(text):
    assert locale_of(text) is None


@pytest.mark.parametrize("text, locale", [
    ("hey, were in florida. my feet tingle", "us"),     # we're without apostrophe or subject
    ("hi from ohio. my hands are numb", "us"),          # a greeting from where they are
    ("hello from berlin", "eu"),
    ("we were in florida last year", None),             # a past trip, not where they are
    ("my friend wrote from texas", None),
])
def test_where_the_person_greets_from_or_is_now(text, locale):
    assert locale_of(text) == locale


@pytest.mark.parametrize("text, locale", [("sitting in the car rn. phoenix az btw", "us"), ("portland, oregon here", "us"),
                                          ("austin tx", "us"), ("my sister lives in austin, tx", None),
                                          ("we went to phoenix in may", None), ("in chicago in the summer", None)])
def test_a_us_city_with_its_state_is_where_the_person_is(text, locale):
    # an address as it is written needs no first-person cue; postal codes that are words are left out
    assert locale_of(text) == locale
