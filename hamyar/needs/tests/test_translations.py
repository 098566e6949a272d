"""The needs app speaks Persian (its catalogue is checked with every app's in web's translation test)."""

from django.utils import translation


def test_a_refusal_reads_in_persian():
    from hamyar.needs.choices import NeedStatus, Transition

    with translation.override("fa"):
        assert str(Transition.ASSIGN.label) == "ارجاع"
        assert str(NeedStatus.TRIAGED.label) == "بررسی‌شده"
