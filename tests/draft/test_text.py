"""Arabic normalisation, offsets back to the original, and clitics."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from tawazun.draft.text import clitic_readings, normal_form, normalise, tokens


def test_spelling_variants_fold_to_one_form() -> None:
    variants = ["إسرائيل", "اسرائيل", "إسرائيـــل", "إِسْرَائِيل"]
    assert len({normal_form(v) for v in variants}) == 1
    assert normal_form("أميركا") == normal_form("اميركا")
    assert normal_form("الحكومة") == normal_form("الحكومه")
    assert normal_form("مصطفى") == normal_form("مصطفي")
    assert normal_form("آمرلي") == normal_form("امرلي")
    assert normal_form("مؤسسة") == normal_form("موسسه")
    assert normal_form("Erdoğan") == normal_form("ERDOGAN")


def test_clitics_combine_and_restore_the_article() -> None:
    assert "الولايات" in clitic_readings("وللولايات")
    assert "الاطار" in clitic_readings("وبالاطار")
    assert "واشنطن" in clitic_readings("فواشنطن")
    assert "ايران" in clitic_readings("لايران")
    # a stem keeps two letters at least, so a short word is not stripped to nothing
    assert clitic_readings("بل") == frozenset({"بل"})


ARABIC = st.sampled_from(list("ابتثجحخدذرسشصضطظعغفقكلمنهوي أإآؤئءةىـً ٌ ٍ َ ُ ِ ّ ْ،.\n"))


@given(st.lists(ARABIC | st.characters(codec="utf-8"), max_size=60).map("".join))
def test_every_token_slices_back_to_its_original_text(text: str) -> None:
    norm = normalise(text)
    for token in tokens(norm):
        start, end = norm.span(token.start, token.end)
        assert token.text in normal_form(text[start:end])
        assert 0 <= start < end <= len(text)
