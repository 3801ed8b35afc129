"""Japanese normalisation, numerals and the fugashi tokenizer."""

from __future__ import annotations

import pytest

from planqa.text import arabic_numerals, int_to_kanji, kanji_to_int, normalize, tokenizer


@pytest.mark.parametrize("kanji, number", [("一", 1), ("十", 10), ("十八", 18), ("二十八", 28),
                                           ("五十三", 53), ("百三十", 130), ("千九百", 1900)])
def test_kanji_numerals_both_ways(kanji, number):
    assert kanji_to_int(kanji) == number
    assert int_to_kanji(number) == kanji


def test_legal_references_become_arabic():
    assert arabic_numerals("第十八条第二項第一号") == "第18条第2項第1号"
    assert arabic_numerals("第十条の二") == "第10条の2"
    assert arabic_numerals("令和七年法律第五十三号") == "令和7年法律第53号"
    assert arabic_numerals("一人ひとり") == "一人ひとり"


def test_normalize_is_nfkc_with_collapsed_spaces():
    assert normalize("ＡＩ法　第１８条  の目的 ") == "AI法 第18条 の目的"


def test_lemma_tokens_match_inflections():
    tok = tokenizer("lemma")
    assert "推進" in tok("推進する") and "推進" in tok("推進し")
    assert tok("第十八条") == tok("第18条")


def test_surface_tokens_drop_particles_and_punctuation():
    assert tokenizer("surface")("AI法に罰則はあるのですか？") == ["ai", "法", "罰則"]
