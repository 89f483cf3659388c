"""The report as a reader gets it: the HTML page and the PDF, in English and in Arabic.

The PDF checks read the text back with ``pdftotext`` (poppler) and write screenshots of
the first pages with ``pdftoppm`` under ``tests/artifacts/report/`` (git-ignored), for a
reviewer to open.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import pytest

import tawazun
from tawazun.i18n import _, using
from tawazun.report import analyse, render, write_report
from tawazun.validation.calibration import shipped

HERE = Path(__file__).parent
ARTIFACTS = HERE.parent / "artifacts" / "report"
ARABIC = re.compile("[\u0600-\u06ff]")
LATIN = re.compile("[A-Za-z]")
#: The section headings every report of a scenario with events has, as the catalog has them.
HEADINGS = (
    "The question",
    "The actors",
    "The forecasts",
    "How the positions moved",
    "How likely is each outcome",
    "The pivotal actors",
    "The shocks",
    "What would it take",
    "Method and limits",
    "Sources",
)
MODELS = ["compromise", "eum"]


def need(tool: str) -> str:
    """The tool's path; skip without it, but fail in CI, where nothing may skip."""
    found = shutil.which(tool)
    if found is None:
        if os.environ.get("CI") == "true":
            pytest.fail(f"{tool} is missing in CI")
        pytest.skip(f"{tool} is not installed")
    return found


@pytest.fixture(scope="module")
def scenario():
    return tawazun.load(HERE / "harbour.yaml")


@pytest.fixture(scope="module")
def findings(scenario):
    return analyse(
        scenario, MODELS, runs=60, grid=6, without=["portco"], parameters={"eum": {"rounds": 4}}
    )


@pytest.fixture(scope="module")
def pages(findings):
    return {lang: render(findings, lang) for lang in ("en", "ar")}


class Page(HTMLParser):
    """The headings, the attributes that load anything, and the charts of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.html_attrs: dict[str, str | None] = {}
        self.headings: dict[str, list[str]] = {"h1": [], "h2": [], "h3": []}
        self.links: list[str] = []
        self.open: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "html":
            self.html_attrs = attrs
        if tag in self.headings:
            self.open = tag
            self.headings[tag].append("")
        for name in ("src", "href", "data", "poster", "action"):
            if attrs.get(name):
                self.links.append(attrs[name])

    def handle_endtag(self, tag):
        if tag == self.open:
            self.open = None

    def handle_data(self, data):
        if self.open:
            self.headings[self.open][-1] += data


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    return page


def test_the_english_page_reads_left_to_right_with_english_headings(pages, scenario):
    page = parse(pages["en"])
    assert page.html_attrs["dir"] == "ltr" and page.html_attrs["lang"] == "en"
    assert page.headings["h1"] == [scenario.metadata.title.en]
    assert [h for h in page.headings["h2"] if h in HEADINGS] == list(HEADINGS)
    assert "Without \u2068PortCo\u2069" in page.headings["h2"]


def test_the_arabic_page_is_right_to_left_and_arabic_throughout(pages, scenario):
    page = parse(pages["ar"])
    assert page.html_attrs["dir"] == "rtl" and page.html_attrs["lang"] == "ar"
    assert page.headings["h1"] == [scenario.metadata.title.ar]
    with using("ar"):
        arabic = [_(h) for h in HEADINGS]
    assert [h for h in page.headings["h2"] if h in arabic] == arabic
    for heading in page.headings["h2"]:
        assert ARABIC.search(heading), heading
        # the only Latin letters allowed in a heading are an isolated Latin name
        assert not LATIN.search(re.sub("\u2068[^\u2069]*\u2069", "", heading)), heading
    assert "\u2068PortCo\u2069" in pages["ar"]  # a Latin name isolated in Arabic sentences


def test_the_arabic_page_has_no_english_sentence_of_its_own(pages):
    # every heading and table header of the template comes from the catalog
    page = parse(pages["ar"])
    for level in ("h2",):
        assert all(ARABIC.search(h) for h in page.headings[level])
    headers = re.findall(r"<th[^>]*>([^<]+)</th>", pages["ar"])
    models = set(MODELS)
    assert all(ARABIC.search(h) or h.strip() in models for h in headers), headers


def test_every_chart_is_on_the_page(pages, scenario):
    issues = len(scenario.issues)
    iterative = sum(tawazun.models()[m].iterative for m in MODELS)
    expected = (
        issues  # the scale with every forecast
        + iterative * issues  # trajectories
        + issues  # band probabilities: robustness shares
        + issues * any(m in shipped() for m in MODELS)  # and calibrated probabilities
        + len(MODELS) * issues  # tornadoes
        + len(MODELS) * issues  # shocks
    )
    for html in pages.values():
        assert html.count("Plotly.newPlot(") == expected


def test_the_page_loads_nothing_from_another_host(pages):
    for html in pages.values():
        page = parse(html)
        external = [link for link in page.links if re.match(r"(?i)(https?:)?//", link)]
        assert not external
        # CSS: fonts are data URLs, and nothing is imported
        urls = re.findall(r"url\(([^)]*)\)", html.split("<script>")[0])
        assert urls and all(u.startswith("data:") for u in urls)
        assert "@import" not in html
        # no script or stylesheet is fetched: plotly.js is inlined
        assert "<script src" not in html and "<link" not in html


def test_the_probability_section_says_what_it_means_and_does_not(pages):
    assert "What this probability means." in pages["en"]
    assert "an assumption, not a measurement" in pages["en"]  # what the calibration assumes
    assert "It is not the chance that the outcome happens in the world." in pages["en"]
    with using("ar"):
        assert _("What it does not mean.") in pages["ar"]


def test_numbers_carry_their_source_notes(pages, scenario):
    assert "Concession law 2019, article 4" in pages["en"]
    assert "It signs the concession." in pages["en"]


def test_an_unknown_output_format_is_refused(findings, tmp_path):
    with pytest.raises(tawazun.errors.InvalidArgument):
        write_report(findings, tmp_path / "report.docx")


# -- the PDF ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def pdfs(findings, tmp_path_factory):
    need("chromium") if shutil.which("chromium") else need("chromium-browser")
    folder = tmp_path_factory.mktemp("pdf")
    return {
        lang: write_report(findings, folder / f"report-{lang}.pdf", lang) for lang in ("en", "ar")
    }


def pdf_text(path: Path) -> str:
    tool = need("pdftotext")
    return subprocess.run(
        [tool, "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_pdf_holds_the_headings_in_reading_order_and_every_glyph(pdfs, lang):
    # pdftotext marks right-to-left runs with embeddings (U+202A-U+202C): not text
    text = re.sub("[\u202a-\u202e\u2066-\u2069]", "", pdf_text(pdfs[lang]))
    with using(lang):
        headings = [_(h) for h in HEADINGS]
    # each heading as typed, in logical order (not reversed), and in the report's order
    place = 0
    for heading in headings:
        found = text.find(heading, place)
        assert found >= 0, f"{heading!r} not found after {text[place - 80 : place]!r}"
        place = found + len(heading)
    # no missing-glyph boxes or replacement characters
    assert not re.search("[\ufffd\u25a1\u25af\u2610]", text)
    if lang == "ar":
        assert "من يدير الميناء الجديد" in text


@pytest.mark.parametrize("lang", ["en", "ar"])
def test_the_pdf_embeds_its_fonts(pdfs, lang):
    tool = need("pdffonts")
    fonts = subprocess.run([tool, str(pdfs[lang])], capture_output=True, text=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows and all("yes" in row[-5:-3] for row in rows)
    if lang == "ar":
        assert any("NotoNaskhArabic" in row[0] for row in rows)


def test_screenshots_of_the_first_pages(pdfs):
    tool = need("pdftoppm")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for lang, path in pdfs.items():
        prefix = ARTIFACTS / f"report-{lang}"
        subprocess.run(
            [tool, "-png", "-r", "70", "-f", "1", "-l", "3", str(path), str(prefix)], check=True
        )
        shots = sorted(ARTIFACTS.glob(f"report-{lang}-*.png"))
        assert shots and all(s.stat().st_size > 10_000 for s in shots)
    print(f"screenshots of the report's first pages: {ARTIFACTS}")


def test_the_command_writes_the_report_and_refuses_other_formats(tmp_path):
    from typer.testing import CliRunner

    from tawazun.cli import app

    runner = CliRunner()
    target = tmp_path / "harbour.html"
    args = ["report", str(HERE / "harbour.yaml"), "-m", "compromise", "--runs", "20"]
    done = runner.invoke(app, [*args, "--no-whatif", "-o", str(target), "--lang", "ar"])
    assert done.exit_code == 0, done.output
    assert parse(target.read_text(encoding="utf-8")).html_attrs["dir"] == "rtl"
    refused = runner.invoke(app, [*args, "-o", str(tmp_path / "harbour.docx")])
    assert refused.exit_code == 2 and ".pdf" in refused.output
