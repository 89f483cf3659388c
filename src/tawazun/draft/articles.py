"""Articles as text: plain text or HTML saved from a browser, cut into paragraphs and sentences.

Every span here is a pair of character offsets into :attr:`Article.text`, which is the
file's own text for plain text (so ``open(file).read()[start:end]`` is the passage) and the
text of the page's blocks, one paragraph each, for HTML.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from bs4 import BeautifulSoup

from tawazun.errors import InvalidArgument
from tawazun.i18n import _
from tawazun.io._text import read_bytes

HTML_SUFFIXES = (".html", ".htm", ".xhtml", ".mhtml")
#: Elements whose text is page furniture, not the article.
_FURNITURE = (
    "script",
    "style",
    "noscript",
    "template",
    "nav",
    "header",
    "footer",
    "aside",
    "form",
    "button",
    "svg",
    "iframe",
)
#: Elements that hold one paragraph of an article each.
_BLOCKS = ("p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "figcaption")

#: Where a sentence may end: Latin and Arabic full stops, question marks (؟), the Arabic
#: semicolon (؛), the ellipsis, then a closing quote or bracket, then space or the end.
_SENTENCE_END = re.compile(r"[.!?؟؛…]+[\"'”’»)\]]*(?=\s|$)")
#: Words after which a full stop does not end an English sentence.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "prof",
        "gen",
        "lt",
        "col",
        "maj",
        "capt",
        "sgt",
        "adm",
        "gov",
        "sen",
        "rep",
        "st",
        "jr",
        "sr",
        "vs",
        "etc",
        "no",
        "inc",
        "ltd",
        "co",
        "jan",
        "feb",
        "mar",
        "apr",
        "jun",
        "jul",
        "aug",
        "sep",
        "sept",
        "oct",
        "nov",
        "dec",
    ]
)
_INITIALS = re.compile(r"(?:\b[A-Za-z]\.)+$")


@dataclass(frozen=True)
class Span:
    """A run of an article's text: ``text[start:end]``, in paragraph ``paragraph`` (from 1)."""

    paragraph: int
    start: int
    end: int


@dataclass(frozen=True)
class Article:
    """One article: its name (the file's), text, language and paragraphs."""

    name: str
    text: str
    lang: str
    paragraphs: tuple[Span, ...]
    title: str = ""

    def quote(self, span: Span) -> str:
        return self.text[span.start : span.end]

    def sentences(self) -> list[Span]:
        """Every sentence, paragraph by paragraph."""
        return [s for p in self.paragraphs for s in split_sentences(self.text, p)]

    def clauses(self, sentence: Span) -> list[Span]:
        """The parts of a sentence that contrastive connectors separate (see :data:`_CONTRAST`)."""
        return split_clauses(self.text, sentence)


def language_of(text: str) -> str:
    """``ar`` when Arabic letters are at least a third of the letters, else ``en``."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "en"
    arabic = sum("\u0600" <= c <= "\u06ff" for c in letters)
    return "ar" if arabic * 3 >= len(letters) else "en"


def read_article(path: str | Path, lang: str | None = None) -> Article:
    """Read one article from a plain-text or HTML file.

    Raises
    ------
    InputError
        When the file is missing, not a regular file, too large, not UTF-8 text, or holds
        no text.
    """
    if lang not in (None, "ar", "en"):
        raise InvalidArgument("draft", "lang", _("the language is ar or en"))
    path = Path(path)
    if not path.exists():
        raise InvalidArgument("draft", str(path), _("article not found"))
    # regular files only, at most TAWAZUN_MAX_FILE_BYTES, as for scenario files
    data = read_bytes(path, empty=_("the article holds no text"))
    try:
        raw = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidArgument(
            "draft", str(path), _("the article is not UTF-8 text; save it as UTF-8")
        ) from None
    looks_html = path.suffix.lower() in HTML_SUFFIXES or raw.lstrip()[:15].lower().startswith(
        ("<!doctype html", "<html")
    )
    text, paragraphs, title, declared = _from_html(raw) if looks_html else _from_plain(raw)
    if not paragraphs:
        raise InvalidArgument("draft", str(path), _("the article holds no text"))
    found = lang or (declared if declared in ("ar", "en") else language_of(text))
    return Article(path.name, text, found, tuple(paragraphs), title)


def _from_plain(raw: str) -> tuple[str, list[Span], str, str]:
    """Paragraphs are separated by blank lines; without any, each line is one."""
    blocks = list(re.finditer(r"\S(?:.*\S)?(?:\n[ \t]*\S.*)*", raw))
    if len(blocks) == 1 and "\n" in blocks[0].group().strip():
        blocks = list(re.finditer(r"\S(?:.*\S)?", raw))
    spans = [
        Span(k + 1, m.start(), m.start() + len(m.group().rstrip())) for k, m in enumerate(blocks)
    ]
    return raw, spans, "", ""


def _from_html(raw: str) -> tuple[str, list[Span], str, str]:
    """The text of the page's paragraphs, one per block element, in document order."""
    soup = BeautifulSoup(raw, "html.parser")
    title = soup.title.get_text(" ", strip=True) if soup.title else ""
    html = soup.find("html")
    declared = str(html.get("lang", ""))[:2].lower() if html else ""
    for element in soup.find_all(_FURNITURE):
        element.decompose()
    root = soup.find("article") or soup.find("main") or soup.body or soup
    pieces: list[str] = []
    for block in root.find_all(_BLOCKS):
        if block.find_parent(_BLOCKS) is not None:
            continue  # a paragraph inside a list item or quote is read with its parent
        text = " ".join(block.get_text(" ").split())
        if text:
            pieces.append(text)
    if not pieces:  # a page of bare text without paragraph elements
        pieces = [" ".join(line.split()) for line in root.get_text("\n").splitlines()]
        pieces = [p for p in pieces if p]
    spans: list[Span] = []
    offset = 0
    for k, piece in enumerate(pieces):
        spans.append(Span(k + 1, offset, offset + len(piece)))
        offset += len(piece) + 2
    return "\n\n".join(pieces), spans, title, declared


def split_sentences(text: str, paragraph: Span) -> list[Span]:
    """The sentences of one paragraph, trimmed of surrounding space."""
    found: list[Span] = []
    start = paragraph.start
    chunk = text[paragraph.start : paragraph.end]
    for match in _SENTENCE_END.finditer(chunk):
        end = paragraph.start + match.end()
        if match.group().startswith(".") and _abbreviated(
            text[start : paragraph.start + match.start()]
        ):
            continue
        found.append(_trimmed(text, paragraph.paragraph, start, end))
        start = end
    if text[start : paragraph.end].strip():
        found.append(_trimmed(text, paragraph.paragraph, start, paragraph.end))
    return [s for s in found if s.end > s.start]


#: Where one sentence passes from one actor's stance to another's: "..., while X wants",
#: "فيما تريد"، "بينما"، "لكن"، "في حين"، "أما". The connector opens the next clause.
_CONTRAST = re.compile(
    r"\s+(?=(?:و|ف)?(?:فيما|بينما|لكن(?:ه|ها|هم)?|في حين|أما)\s)"
    r"|\s+(?=(?:while|whereas|but)\s)",
    re.IGNORECASE,
)


def split_clauses(text: str, sentence: Span) -> list[Span]:
    """A sentence cut before each contrastive connector, trimmed of surrounding space."""
    found: list[Span] = []
    start = sentence.start
    for match in _CONTRAST.finditer(text, sentence.start, sentence.end):
        if text[start : match.start()].strip():
            found.append(_trimmed(text, sentence.paragraph, start, match.start()))
        start = match.end()
    found.append(_trimmed(text, sentence.paragraph, start, sentence.end))
    return [c for c in found if c.end > c.start]


def _abbreviated(before: str) -> bool:
    """Whether the word before a full stop is an abbreviation or initials (U.S., Gen.)."""
    words = before.split()
    if not words:
        return False
    last = words[-1]
    return last.lower().strip("(\"'") in _ABBREVIATIONS or bool(_INITIALS.search(last + "."))


def _trimmed(text: str, paragraph: int, start: int, end: int) -> Span:
    piece = text[start:end]
    lead = len(piece) - len(piece.lstrip())
    trail = len(piece) - len(piece.rstrip())
    return Span(paragraph, start + lead, end - trail)
