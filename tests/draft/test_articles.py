"""Reading articles: plain text, HTML saved from a browser, paragraphs and sentences."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tawazun.draft.articles import Span, read_article, split_sentences
from tawazun.errors import InputError

from .conftest import FIXTURES


def test_plain_text_keeps_the_file_text_and_its_paragraphs() -> None:
    path = FIXTURES / "kurdistan-oil-ar.txt"
    article = read_article(path)
    assert article.text == path.read_text(encoding="utf-8")
    assert article.lang == "ar"
    assert len(article.paragraphs) == 5
    assert article.quote(article.paragraphs[0]) == "أربيل وبغداد: خلاف النفط يعود إلى الواجهة"


def test_html_keeps_the_article_and_drops_the_page_furniture() -> None:
    article = read_article(FIXTURES / "gulf-talks-en.html")
    assert article.lang == "en"
    assert article.title == "Talks in Muscat | Example News"
    assert "Hezbollah" not in article.text  # script, aside and footer
    assert "Home" not in article.text  # the navigation
    assert "Iran's foreign ministry" in article.text  # entities decoded
    plain = read_article(FIXTURES / "gulf-talks-en.txt")
    assert [article.quote(p) for p in article.paragraphs] == [
        plain.quote(p) for p in plain.paragraphs
    ]


def test_english_abbreviations_do_not_end_sentences(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("The U.S. envoy met Gen. Kurilla in Baghdad. Talks went on.", "utf-8")
    article = read_article(path)
    assert [article.quote(s) for s in article.sentences()] == [
        "The U.S. envoy met Gen. Kurilla in Baghdad.",
        "Talks went on.",
    ]


def test_arabic_question_mark_and_semicolon_end_sentences(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text("هل تنسحب القوات؟ لا أحد يعرف؛ والمفاوضات مستمرة.", "utf-8")
    assert len(read_article(path).sentences()) == 3


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "not found"),
        (b"\xff\xfe\x00bad", "UTF-8"),
        (b"   \n\n ", "no text"),
        (b"<html><body><script>x</script></body></html>", "no text"),
    ],
)
def test_bad_articles_are_refused_by_name(
    tmp_path: Path, content: bytes | None, words: str
) -> None:
    path = tmp_path / ("a.html" if content and content.startswith(b"<") else "a.txt")
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(InputError, match=words):
        read_article(path)


def test_articles_that_are_not_files_or_too_large_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(InputError, match="folder"):
        read_article(tmp_path)
    fifo = tmp_path / "pipe.txt"
    os.mkfifo(fifo)
    with pytest.raises(InputError, match="not a regular file"):
        read_article(fifo)
    big = tmp_path / "big.txt"
    big.write_text("كلمة " * 1000, encoding="utf-8")
    monkeypatch.setenv("TAWAZUN_MAX_FILE_BYTES", "100")
    with pytest.raises(InputError, match="larger than"):
        read_article(big)


TEXT = st.lists(
    st.sampled_from(
        ["قال", "السوداني", "،", ".", "؟", " ", "\n", "U.S.", "Iraq", "!", "»", "\n\n"]
    ),
    max_size=40,
).map("".join)


@given(TEXT)
def test_sentences_cover_each_paragraph_without_overlap(text: str) -> None:
    paragraph = Span(1, 0, len(text))
    sentences = split_sentences(text, paragraph)
    for one, other in zip(sentences, sentences[1:], strict=False):
        assert one.end <= other.start
    covered = "".join(text[s.start : s.end] for s in sentences)
    assert covered.replace(" ", "").replace("\n", "") == text.replace(" ", "").replace("\n", "")


def test_contrastive_connectors_part_one_actors_stance_from_anothers(tmp_path: Path) -> None:
    path = tmp_path / "a.txt"
    path.write_text(
        "فواشنطن تدرك ذلك، فيما تريد الحكومة العراقية تجنب الصدام. "
        "The GCC called for a ceasefire, while the Houthis demanded more.",
        encoding="utf-8",
    )
    article = read_article(path)
    clauses = [article.quote(c) for s in article.sentences() for c in article.clauses(s)]
    assert clauses == [
        "فواشنطن تدرك ذلك،",
        "فيما تريد الحكومة العراقية تجنب الصدام.",
        "The GCC called for a ceasefire,",
        "while the Houthis demanded more.",
    ]
