"""Claims read out of articles: kurskgeo.extract_claims, `kurskgeo extract`, `verify`.

The articles in tests/data/articles/ are written for these tests in the
manner of wire reports. The one of 17 January 2025 prints the figures, units
and slip of the reports of that day, with the claim sentences quoted as
geodata/claims/kursk.yaml quotes them: that hand-written file is the
independent reference the extraction is held to. The others use other
wordings (Markdown, a saved HTML page, Russian, figures with spaces, hectares,
"1.3 thousand", attributions in the sentence before) and hold figures that
are not claims (counts, distances, years, prices, percentages of other
things, the size of a region, places other than Kursk region).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
import socket
from pathlib import Path

import pytest
import yaml

import kurskgeo
from kurskgeo.claims import Claim, claim_findings, extract_claims, read_claims
from kurskgeo.cli import cli
from kurskgeo.errors import ArticleError, KurskgeoError
from kurskgeo.report import geodata_dir

ROOT = Path(__file__).resolve().parents[1]
ARTICLES = ROOT / "tests" / "data" / "articles"
KURSK = ARTICLES / "kursk-2025-01-17.txt"
RUDSKOI = ARTICLES / "rudskoi-2025-02-20.md"
PAGE = ARTICLES / "general-staff-2025-03-04.html"
GERASIMOV = ARTICLES / "gerasimov-unseen.txt"
RUSSIAN = ARTICLES / "minoborony-ru.txt"
BUNDLED = geodata_dir() / "claims" / "kursk.yaml"


def extract(path: Path, **kwargs):
    return extract_claims(path.read_text(encoding="utf-8"), name=path.name, **kwargs)


def by_value(found) -> dict[float, Claim]:
    out = {c.value: c for c in found.claims}
    assert len(out) == len(found.claims), "two claims of one value"
    return out


def bare(c: Claim) -> Claim:
    return dataclasses.replace(c, path=None, line=None)


def squash(text: str) -> str:
    return " ".join(text.split())


# ---------------------------------------------------------------- the article of 17 January 2025


@pytest.fixture(scope="module")
def kursk():
    return extract(KURSK, outlet="Test Wire")


@pytest.fixture(scope="module")
def bundled():
    return {c.id: c for c in read_claims(BUNDLED)}


def test_the_reports_of_17_january_give_four_claims_and_nothing_else(kursk):
    assert sorted(c.value for c in kursk.claims) == [60, 420, 801, 1268]
    assert kursk.notes == []  # no figure left out: the others are not areas
    assert kursk.date == dt.date(2025, 1, 17)  # "Jan. 17, 2025" in the dateline


def test_the_figures_are_those_the_hand_written_file_holds(kursk, bundled):
    found = by_value(kursk)
    pairs = {
        1268: bundled["mod-seized"],
        801: bundled["mod-retaken"],
        60: bundled["mod-share"],
        420: bundled["deepstate-held"],
    }
    for value, want in pairs.items():
        got = found[value]
        assert (got.value, got.unit, got.qualifier, got.kind) == (
            want.value,
            want.unit,
            want.qualifier,
            want.kind,
        ), value
        assert got.since == want.since
        assert got.start == want.start == dt.date(2024, 8, 6)
        assert got.date == want.date
        assert got.precision == want.precision
        assert got.reference == "Test Wire, 2025-01-17"
    # the conversions as printed: 490 and 309 sq mi; "(261 square kilometers)"
    # is printed in km², where the hand-written file reads it as sq mi
    assert (found[1268].also_value, found[1268].also_unit) == (490, "mi2")
    assert (found[801].also_value, found[801].also_unit) == (309, "mi2")
    assert (found[420].also_value, found[420].also_unit) == (261, "km2")
    # the zones: the ground Ukraine held (grey zone in) and DeepState's own layer
    for value, want in pairs.items():
        if want.kind != "share":
            assert set(found[value].zone) == set(want.zone), value
    # the sentences, verbatim: the hand-written file quotes them (without the
    # attribution, for the first two)
    for value, want in pairs.items():
        quoted = squash(want.statement).rstrip(".")
        assert found[value].statement.startswith(quoted), value
    assert found[420].statement == squash(pairs[420].statement)


def test_sources_are_resolved_to_the_names_in_the_text(kursk):
    found = by_value(kursk)
    # "according to the Russian Defence Ministry"
    assert found[1268].source == "Russian Defence Ministry"
    # "..., the ministry said in a statement."
    assert found[801].source == "Russian Defence Ministry"
    # "Russia's military said Friday": the ministry the text names
    assert found[60].source == "Russian Defence Ministry"
    # "The DeepState military blog, which has ties to ..., estimates that"
    assert found[420].source == "DeepState military blog"


def test_the_share_is_linked_to_the_two_figures(kursk):
    found = by_value(kursk)
    share = found[60]
    assert share.kind == "share"
    assert (share.part, share.of) == (found[801].id, found[1268].id)
    assert share.qualifier == "more_than"


def test_what_the_text_contradicts_by_itself(kursk):
    mismatch = [f for f in kursk.findings if f.kind == "unit_mismatch"]
    assert len(mismatch) == 1
    (f,) = mismatch
    assert f.claims == (by_value(kursk)[420].id,)
    assert not f.consistent
    assert "261 km² is not 420 km² in any unit" in f.message
    # 420 km² in each unit, computed here: none of them is 261
    assert f"{420 / kurskgeo.KM2_PER_MI2:.0f} sq mi" in f.message  # 162
    assert "42,000 ha" in f.message
    assert "a length conversion applied to an area" in f.message  # 420 / 1.609
    share = [f for f in kursk.findings if f.kind == "share"]
    assert len(share) == 1 and share[0].consistent
    assert f"{100 * 801 / 1268:.1f}%" in share[0].message  # 63.2%
    # the findings are those claim_findings gives on the claims
    assert [f.message for f in kursk.findings] == [
        f.message for f in claim_findings(kursk.claims)
    ]


def test_a_share_that_does_not_follow_is_a_finding():
    text = (
        "Ukrainian troops seized 1,000 square kilometres of the Kursk region, the "
        "ministry said. Since then, Russian forces have retaken 300 square "
        "kilometres, which is 60% of the territory Ukraine occupied, it added."
    )
    found = extract_claims(text, date="2025-01-17")
    share = next(c for c in found.claims if c.kind == "share")
    assert (share.part, share.of) == (
        next(c.id for c in found.claims if c.value == 300),
        next(c.id for c in found.claims if c.value == 1000),
    )
    (f,) = [f for f in found.findings if f.kind == "share"]
    assert not f.consistent
    assert "= 30.0%" in f.message


# ---------------------------------------------------------------- the claims file


ALL = [KURSK, RUDSKOI, PAGE, GERASIMOV, RUSSIAN]


@pytest.mark.parametrize("path", ALL, ids=lambda p: p.name)
def test_the_claims_file_reads_back_into_the_same_claims(path, tmp_path):
    found = extract(path, date="2025-03-11" if path == GERASIMOV else None)
    text = found.to_yaml(path.name)
    out = tmp_path / "claims.yaml"
    out.write_text(text, encoding="utf-8")
    back = read_claims(out)
    assert [bare(c) for c in back] == [bare(c) for c in found.claims]
    assert [c.path for c in back] == [str(out)] * len(back)
    # every kind is marked as a guess for a human to confirm
    doc = yaml.safe_load(text)
    assert len(doc["claims"]) == len(found.claims)
    kinds = [line for line in text.splitlines() if line.strip().startswith("kind:")]
    assert kinds and all("# guess" in line for line in kinds)


def test_the_claims_file_of_17_january(kursk):
    text = kursk.to_yaml(KURSK.name)
    assert "defaults:\n  start: 2024-08-06  # " in text
    assert "  - id: russian-defence-ministry-seized" in text
    assert 'value: "1,268"' in text
    assert "kind: peak  # guess from 'seized'" in text
    assert "since: peak  # guess" in text
    assert "zone: [liberated]  # guess: DeepState's own figure" in text
    # the findings are in the header, for whoever opens the file
    assert "# Findings" in text and "!! unit_mismatch" in text


def test_text_from_the_article_is_quoted_safely(tmp_path):
    text = (
        '---\ntitle: "A title\u2028with: # marks"\ndate: 2025-01-17\n'
        "outlet: 'Wire: #1'\n---\n\n"
        '- "Ukrainian troops seized 1,268 km² -- # not a comment: {x: [y]} '
        '& *anchor !tag %x @y `z`", the Russian Defence Ministry said.\n'
    )
    found = extract_claims(text, markup="markdown")
    assert len(found.claims) == 1
    out = tmp_path / "c.yaml"
    out.write_text(found.to_yaml("a: #name\nnext"), encoding="utf-8")
    (back,) = read_claims(out)
    assert back.statement == found.claims[0].statement
    assert "{x: [y]}" in back.statement and "# not a comment" in back.statement
    assert back.reference == "Wire: #1, 2025-01-17"
    assert back.source == "Russian Defence Ministry"
    # comments stay on their lines: no text of the article starts a line
    for line in out.read_text(encoding="utf-8").splitlines():
        assert not line.startswith(("next", "with"))


def test_no_claim_no_file():
    found = extract_claims(
        "Russian forces captured 28 settlements, 30 km from the border.",
        date="2025-01-17",
    )
    assert found.claims == [] and found.findings == []
    with pytest.raises(ArticleError, match="no area or share figure"):
        found.to_yaml()


def test_no_date_is_an_error():
    with pytest.raises(ArticleError, match="--date"):
        extract_claims("Ukraine holds 420 km² of Kursk region, DeepState said.")
    with pytest.raises(ArticleError, match="not a date"):
        extract_claims("Ukraine holds 420 km².", date="17/01/2025")
    assert issubclass(ArticleError, KurskgeoError)


# ---------------------------------------------------------------- unseen articles


def test_markdown_article(tmp_path):
    found = extract(RUDSKOI)
    assert (found.date, found.outlet) == (dt.date(2025, 2, 20), "Test Wire (Markdown)")
    assert found.url == "https://example.invalid/2025/02/20/kursk"
    claims = by_value(found)
    assert sorted(claims) == [64, 500, 800]
    rudskoi = claims[800]
    assert (rudskoi.unit, rudskoi.qualifier, rudskoi.kind, rudskoi.since) == (
        "km2",
        "more_than",
        "lost",
        "peak",
    )
    assert (rudskoi.also_value, rudskoi.also_unit) == (309, "mi2")  # [309 square miles]
    assert (
        rudskoi.source == "Sergei Rudskoi, first deputy head of Russia's General Staff"
    )
    assert "**" not in rudskoi.statement and "](" not in rudskoi.statement
    syrsky = claims[500]
    assert (syrsky.qualifier, syrsky.kind, syrsky.precision) == ("about", "area", 50)
    assert syrsky.source == "Ukraine's top military commander Oleksandr Syrsky"
    notes = "\n".join(found.notes)
    assert "nearly 30,000 square kilometres' (the size of a place" in notes
    for figure in ("around 75%", "less than 1%", "almost 4,500", "over 600"):
        assert f"'{figure}" in notes and "other than Kursk" in notes, figure
    # "800 km² ..., which amounts to about 64% of the territory initially
    # occupied": the text gives no figure of the peak, so the maps give it
    share = claims[64]
    assert (share.kind, share.qualifier, share.source) == (
        "share",
        "about",
        rudskoi.source,
    )
    assert (share.part, share.of) == (rudskoi.id, "ground at the peak")
    assert share.zone == ("liberated", "contested")
    assert "'about 64%'" not in notes
    assert "(in a headline" in notes  # the 64% of the headline
    assert "130" not in notes and "245" not in notes  # settlements, a distance


def test_html_page_with_metadata():
    found = extract(PAGE)
    assert found.date == dt.date(2025, 3, 4)  # article:published_time
    assert found.outlet == "Test Wire & Co"  # og:site_name, entity decoded
    assert found.url == "https://example.invalid/2025/03/04/kursk-350"
    assert found.title == "Kyiv says it still holds 350 sq km in Kursk"
    claims = by_value(found)
    assert sorted(claims) == [350, 90000]
    held = claims[350]
    assert (held.unit, held.qualifier, held.kind) == ("km2", "about", "area")
    assert held.source == "Ukraine's General Staff"
    assert held.statement.startswith("Ukraine's General Staff said on Tuesday")
    assert "\u00a0" not in held.statement and "—" in held.statement
    retaken = claims[90000]
    assert (retaken.unit, retaken.qualifier, retaken.kind) == ("ha", "nearly", "lost")
    assert retaken.since == dt.date(2025, 1, 1)  # "since the start of the year"
    assert retaken.source == "Russian Defense Ministry"
    assert retaken.reference == "Test Wire & Co, 2025-03-04"
    # nothing from the script, style, menu, teaser, caption or footer
    everything = json.dumps([dataclasses.asdict(c) for c in found.claims], default=str)
    everything += "\n".join(found.notes)
    for figure in ("9,999", "4,000", "1,100", "1,376", "1,200", "1,000"):
        assert figure not in everything, figure


def test_plain_text_with_other_wordings():
    found = extract(GERASIMOV, date="2025-03-11")
    claims = by_value(found)
    assert sorted(claims) == [150, 200, 1100, 1300]
    gerasimov = "Russian General Staff chief Valery Gerasimov"
    peak = claims[1300]  # "At its height, ... held 1.3 thousand km²"
    assert (peak.kind, peak.unit, peak.precision) == ("peak", "km2", 50)
    assert peak.source == gerasimov  # named in the sentence before
    lost = claims[1100]  # "it has since lost 1 100 km2 (about 425 square miles)"
    assert (lost.kind, lost.since, lost.also_value, lost.also_unit) == (
        "lost",
        "peak",
        425,
        "mi2",
    )
    up_to = claims[200]  # "may still control up to 200 ..., he added."
    assert (up_to.kind, up_to.qualifier, up_to.source) == ("area", "at_most", gerasimov)
    deepstate = claims[150]
    assert deepstate.source.startswith("DeepState")
    assert deepstate.zone == ("liberated",)
    assert (deepstate.also_value, deepstate.also_unit) == (58, "mi2")
    assert deepstate.as_of == dt.date(2025, 3, 10)  # "... at 150 km² on 10 March"
    assert {c.as_of for c in found.claims if c is not deepstate} == {found.date}
    # counts, distances, years, prices and turnout are not figures at all
    assert found.notes == []
    assert not [f for f in found.findings if not f.consistent]


def test_russian_text():
    found = extract(RUSSIAN)
    assert found.date == dt.date(2025, 1, 17)  # "17 января 2025 года"
    claims = by_value(found)
    assert sorted(claims) == [420, 1100]
    ministry = claims[1100]  # "освобождено более 1 100 кв. км"
    assert (ministry.unit, ministry.qualifier, ministry.kind, ministry.since) == (
        "km2",
        "more_than",
        "lost",
        "peak",
    )
    assert ministry.source == "Министерство обороны России"
    assert re.fullmatch(r"[a-z0-9-]+", ministry.id)
    deepstate = claims[420]  # "По данным DeepState, ВСУ контролируют около 420 км²"
    assert (deepstate.qualifier, deepstate.kind, deepstate.source) == (
        "about",
        "area",
        "DeepState",
    )
    # "в 30 км", "28 населённых пунктов": no figures; the headline restates
    assert [n for n in found.notes if "headline" not in n] == []


# ---------------------------------------------------------------- wordings, one at a time


@pytest.mark.parametrize(
    ("sentence", "value", "unit", "qualifier"),
    [
        ("Ukraine holds 420 square kilometres", 420, "km2", "about"),
        ("Ukraine holds 420 square kilometers", 420, "km2", "about"),
        ("Ukraine holds 420 sq km", 420, "km2", "about"),
        ("Ukraine holds 420 sq. km", 420, "km2", "about"),
        ("Ukraine holds 420 km²", 420, "km2", "about"),
        ("Ukraine holds 420 km2", 420, "km2", "about"),
        ("Ukraine holds 420-square-kilometre pocket", 420, "km2", "about"),
        ("Ukraine holds 162 square miles", 162, "mi2", "about"),
        ("Ukraine holds 162 sq mi", 162, "mi2", "about"),
        ("Ukraine holds 42,000 hectares", 42000, "ha", "about"),
        ("Ukraine holds 42 000 ha", 42000, "ha", "about"),
        ("Ukraine holds 1 268 km²", 1268, "km2", "about"),
        ("Ukraine holds 1\u00a0268 km²", 1268, "km2", "about"),
        ("Ukraine holds 1\u202f268 km²", 1268, "km2", "about"),
        ("Ukraine holds 1.3 thousand square kilometres", 1300, "km2", "about"),
        ("Ukraine holds 1,268.5 km²", 1268.5, "km2", "about"),
        ("Ukraine holds more than 420 km²", 420, "km2", "more_than"),
        ("Ukraine holds over 420 km²", 420, "km2", "more_than"),
        ("Ukraine holds at least 420 km²", 420, "km2", "at_least"),
        ("Ukraine holds about 420 km²", 420, "km2", "about"),
        ("Ukraine holds around 420 km²", 420, "km2", "about"),
        ("Ukraine holds nearly 420 km²", 420, "km2", "nearly"),
        ("Ukraine holds almost 420 km²", 420, "km2", "nearly"),
        ("Ukraine holds up to 420 km²", 420, "km2", "at_most"),
        ("Ukraine holds less than 420 km²", 420, "km2", "less_than"),
        ("Ukraine holds exactly 420 km²", 420, "km2", "exact"),
    ],
)
def test_wordings(sentence, value, unit, qualifier):
    found = extract_claims(
        f"{sentence} in the Kursk region, DeepState said.", date="2025-01-17"
    )
    (c,) = found.claims
    assert (c.value, c.unit, c.qualifier, c.kind) == (value, unit, qualifier, "area")
    assert c.source == "DeepState"


def test_a_point_that_separates_thousands_by_context():
    # the conversion beside it says which: 490 sq mi = 1,269 km², not 1.3 km²
    found = extract_claims(
        "Ukrainian troops seized 1.268 square kilometres (490 square miles) of "
        "the Kursk region, the ministry said.",
        date="2025-01-17",
    )
    (c,) = found.claims
    assert (c.value, c.precision) == (1268, 0.5)
    assert found.notes == [] and found.findings == []
    # a text whose numbers take a decimal comma reads the point as thousands
    found = extract_claims(
        "Ukrainian troops seized 1.268 km² of the Kursk region, the ministry said; "
        "that is 63,2 % more than it said in August.",
        date="2025-01-17",
    )
    assert [c.value for c in found.claims] == [1268]
    # otherwise the point is a decimal point, and a note says it reads two ways
    found = extract_claims(
        "Ukrainian troops seized 1.268 km² near the border, the ministry said.",
        date="2025-01-17",
    )
    assert [c.value for c in found.claims] == [1.268]
    assert any("reads two ways" in n for n in found.notes)


@pytest.mark.parametrize(
    "text",
    [
        "Russian forces have captured 28 settlements in the Kursk region.",
        "Ukrainian troops advanced 30 km into the Kursk region.",
        "Ukrainian troops pushed 12 kilometres past Sudzha in the Kursk region.",
        "Ukraine has held ground in the Kursk region since 2024.",
        "Russia spent 2.5 billion rubles, or $30 million, on the Kursk region.",
        "Inflation in the Kursk region rose 9.5% as Ukraine held its ground.",
        "Some 60% of the Kursk region's residents have left, a poll showed.",
        "A 10% rise in prices hit the Kursk region in 2024.",
        "Ukraine's army has 100,000 troops in the area, it said.",
        "The Kursk region spans nearly 30,000 square kilometres.",
        "The fires in the Kursk region burned 500 hectares of forest.",
    ],
)
def test_figures_that_are_not_claims(text):
    found = extract_claims(text, date="2025-01-17")
    assert found.claims == []


@pytest.mark.parametrize(
    ("text", "source"),
    [
        (
            "Ukraine holds 420 km² in Kursk, according to the DeepState project.",
            "DeepState project",
        ),
        ("Ukraine holds 420 km² in Kursk, DeepState said on Friday.", "DeepState"),
        (
            "Ukraine holds 420 km² in Kursk, said Oleksandr Syrskyi.",
            "Oleksandr Syrskyi",
        ),
        (
            "The Institute for the Study of War estimates that Ukraine holds 420 km² "
            "in Kursk.",
            "Institute for the Study of War",
        ),
        (
            '"Ukraine holds 420 km² in Kursk," Oleksandr Syrskyi told reporters.',
            "Oleksandr Syrskyi",
        ),
        # the attribution in the sentence before
        (
            "Oleksandr Syrskyi spoke on Friday, his office said. Ukraine holds 420 km² "
            "in Kursk.",
            "his office",
        ),
        (
            "General Oleksandr Syrskyi said on Friday that the line held. Ukraine holds "
            "420 km² in Kursk.",
            "General Oleksandr Syrskyi",
        ),
        # a pronoun, and a surname, back to the full name
        (
            "General Oleksandr Syrskyi said on Friday that the line held. Ukraine holds "
            "420 km² in Kursk, he added.",
            "General Oleksandr Syrskyi",
        ),
        (
            "General Oleksandr Syrskyi said on Friday that the line held. Ukraine holds "
            "420 km² in Kursk, Syrskyi added.",
            "General Oleksandr Syrskyi",
        ),
        ("Ukraine holds 420 km² in Kursk.", ""),
    ],
)
def test_attributions(text, source):
    (c,) = extract_claims(text, date="2025-01-17").claims
    assert c.source == source


@pytest.mark.parametrize(
    ("sentence", "kind", "since"),
    [
        ("Ukrainian troops seized 1,268 km²", "peak", None),
        ("Ukrainian troops took control of 1,268 km²", "peak", None),
        ("Ukrainian troops captured 1,268 km²", "peak", None),
        ("Russian forces have retaken 801 km²", "lost", "peak"),
        ("Russian forces have reclaimed 801 km²", "lost", "peak"),
        ("Russian forces have liberated 801 km²", "lost", "peak"),
        ("Russian forces have captured 801 km²", "lost", "peak"),
        ("Ukraine has lost 801 km²", "lost", "peak"),
        ("801 km² have been liberated", "lost", "peak"),
        (
            "Russian forces have retaken 200 km² since the start of the year",
            "lost",
            dt.date(2025, 1, 1),
        ),
        (
            "Russian forces have retaken 200 km² since January 1",
            "lost",
            dt.date(2025, 1, 1),
        ),
        (
            "Russian forces have retaken 200 km² since December 20",
            "lost",
            dt.date(2024, 12, 20),
        ),
        ("Kyiv still controls 420 km²", "area", None),
        ("Ukrainian forces hold 420 km²", "area", None),
        ("420 km² remain under Ukrainian control", "area", None),
        ("At its peak, Ukraine held 1,300 km²", "peak", None),
        ("Ukraine holds an area of 420 km²", "area", None),
    ],
)
def test_kinds_from_the_verb(sentence, kind, since):
    (c,) = extract_claims(
        f"{sentence} in the Kursk region, the ministry said.", date="2025-01-17"
    ).claims
    assert (c.kind, c.since) == (kind, since)
    assert c.start == dt.date(2024, 8, 6)  # the text names Kursk


def test_the_start_is_given_or_unknown():
    text = "Ukrainian troops seized 1,268 km² of the border region, the ministry said."
    found = extract_claims(text, date="2025-01-17")
    assert found.claims[0].start is None and found.start is None
    assert "# defaults:\n#   start: YYYY-MM-DD" in found.to_yaml()
    found = extract_claims(text, date="2025-01-17", start="2024-08-06")
    assert found.claims[0].start == dt.date(2024, 8, 6)


def test_the_api_is_public():
    assert kurskgeo.extract_claims is extract_claims
    assert kurskgeo.ArticleError is ArticleError


# ---------------------------------------------------------------- the command line


def test_cli_extract_writes_the_claims_file(runner, tmp_path):
    out = tmp_path / "claims.yaml"
    result = runner.invoke(
        cli, ["extract", str(KURSK), "--outlet", "Test Wire", "-o", str(out)]
    )
    assert result.exit_code == 0, result.output
    assert [bare(c) for c in read_claims(out)] == [
        bare(c) for c in extract(KURSK, outlet="Test Wire").claims
    ]
    assert "4 claim(s) in kursk-2025-01-17.txt, dated 2025-01-17" in result.stderr
    assert "finding: unit_mismatch" in result.stderr
    # never over an existing file without --overwrite
    again = runner.invoke(cli, ["extract", str(KURSK), "-o", str(out)])
    assert again.exit_code == 1
    assert "exists" in again.stderr and "Traceback" not in again.output
    again = runner.invoke(cli, ["extract", str(KURSK), "-o", str(out), "--overwrite"])
    assert again.exit_code == 0


def test_cli_extract_to_stdout(runner):
    result = runner.invoke(cli, ["extract", str(PAGE)])
    assert result.exit_code == 0, result.output
    doc = yaml.safe_load(result.stdout)
    assert [c["value"] for c in doc["claims"]] == ["350", "90,000"]
    assert "note: left out" in result.stderr


def test_cli_extract_errors(runner, tmp_path):
    undated = tmp_path / "undated.txt"
    undated.write_text("Ukraine holds 420 km² of Kursk region, DeepState said.\n")
    result = runner.invoke(cli, ["extract", str(undated)])
    assert result.exit_code == 1
    assert result.stderr.count("\n") == 1 and "--date" in result.stderr
    result = runner.invoke(cli, ["extract", str(undated), "--date", "17.01.2025"])
    assert result.exit_code == 2 and "not a date" in result.stderr
    result = runner.invoke(cli, ["extract", str(tmp_path / "missing.txt")])
    assert result.exit_code == 1 and "no such file" in result.stderr
    latin = tmp_path / "latin.txt"
    latin.write_bytes("Ukraine holds 420 km\xb2.".encode("latin-1"))
    result = runner.invoke(cli, ["extract", str(latin), "--date", "2025-01-17"])
    assert result.exit_code == 1 and "UTF-8" in result.stderr


def test_cli_verify_needs_maps(runner, tmp_path):
    result = runner.invoke(cli, ["verify", str(KURSK)])
    assert result.exit_code == 2 and "--source deepstate" in result.stderr
    result = runner.invoke(
        cli, ["verify", str(KURSK), "--source", "deepstate", "--snapshots", "x"]
    )
    assert result.exit_code == 2


def test_cli_verify_on_snapshots(runner, tmp_path, monkeypatch):
    """On the embedded approximate snapshots: the pipeline, not real verdicts."""
    monkeypatch.chdir(tmp_path)
    snapshots = str(geodata_dir() / "snapshots")
    result = runner.invoke(
        cli,
        [
            "verify",
            str(KURSK),
            "--snapshots",
            snapshots,
            "--format",
            "json",
            "-o",
            "out/verdicts.json",
        ],
    )
    assert result.exit_code == 1 and "folder does not exist" in result.stderr
    (tmp_path / "out").mkdir()
    result = runner.invoke(
        cli,
        [
            "verify",
            str(KURSK),
            "--snapshots",
            snapshots,
            "--format",
            "json",
            "-o",
            "out/verdicts.json",
        ],
    )
    assert result.exit_code == 0, result.output
    claims_file = tmp_path / "out" / "verdicts.claims.yaml"
    doc = json.loads((tmp_path / "out" / "verdicts.json").read_text())
    assert [c["id"] for c in doc["claims"]] == [c.id for c in read_claims(claims_file)]
    assert {c["verdict"] for c in doc["claims"]} <= set(kurskgeo.claims.VERDICTS)
    # the claims file is there to be corrected and checked again; not overwritten
    again = runner.invoke(
        cli, ["verify", str(KURSK), "--snapshots", snapshots, "-o", "out/verdicts.json"]
    )
    assert again.exit_code == 1 and "exists" in again.stderr


# ---------------------------------------------------------------- the real maps


def _refuse(*args, **kwargs):
    raise OSError("network access in tests is refused")


@pytest.mark.realdata
def test_verify_on_the_real_maps_says_801_is_overstated(
    runner, tmp_path, monkeypatch, dataset_cache, real_mirror
):
    """`verify` on the article, offline through the mirror of ../shared/data."""
    monkeypatch.setattr(socket, "getaddrinfo", _refuse)
    monkeypatch.setattr(socket.socket, "connect", _refuse)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(cli, ["verify", str(KURSK), "--source", "deepstate"])
    assert result.exit_code == 0, result.output
    rows = {}
    for line in result.stdout.splitlines():
        cells = [] if line.startswith(" ") else line.split()
        if cells and cells[0].startswith(("russian-", "deepstate-")) and len(cells) > 4:
            rows[cells[0]] = line
    assert set(rows) == {c.id for c in extract(KURSK).claims}
    retaken = rows["russian-defence-ministry-retaken"]
    assert "801 km² (309 sq mi)" in retaken
    assert " overstated " in retaken
    assert "lost since the peak of 21 August 2024" in result.stdout
    # the claims file was written here, and `check` reads it to the same verdicts
    claims_file = tmp_path / "kursk-2025-01-17.claims.yaml"
    assert claims_file.is_file()
    maps = dataset_cache / "deepstate"
    assert len(list(maps.glob("*.geojson"))) > 10  # fetched from the mirror
    checked = runner.invoke(
        cli,
        [
            "check",
            str(claims_file),
            "--format",
            "json",
            "--snapshots",
            str(maps),
            "--region",
            "boundary:kursk-oblast",
        ],
    )
    assert checked.exit_code == 0, checked.output
    verdicts = {c["id"]: c["verdict"] for c in json.loads(checked.stdout)["claims"]}
    assert verdicts["russian-defence-ministry-retaken"] == "overstated"


@pytest.mark.parametrize(
    ("since", "expected"),
    [
        ("since August", "peak"),  # the month the event began: since the peak
        ("since 6 August", "peak"),  # the day it began
        ("since August 20", dt.date(2024, 8, 20)),  # after it began: that day
        ("since the start of the year", dt.date(2025, 1, 1)),
    ],
)
def test_ground_lost_since_before_anything_was_held_is_since_the_peak(
    since, expected, tmp_path
):
    # written for this test
    text = (
        "KYIV, 12 March 2025. Russia's defence ministry said its troops had "
        f"recaptured more than 1,100 km² of the Kursk region {since}."
    )
    found = extract_claims(text, date="2025-03-12")
    (lost,) = found.claims
    assert (lost.kind, lost.since) == ("lost", expected)
    yaml_text = found.to_yaml()
    if expected == "peak":
        assert "since: peak  # guess: since the peak: the text's 2024-08-" in yaml_text
        assert "not after the event began" in yaml_text
    path = tmp_path / "claims.yaml"
    path.write_text(yaml_text, encoding="utf-8")
    assert read_claims(path)[0].since == expected


@pytest.mark.parametrize(
    ("sentence", "source"),
    [
        # a dateline with the day first, then the speaker
        (
            "KYIV, 12 March 2025 — Ukraine's commander-in-chief Oleksandr Syrskyi "
            "said on Tuesday that Ukrainian forces still hold about 400 square "
            "kilometres of the Kursk region.",
            "Ukraine's commander-in-chief Oleksandr Syrskyi",
        ),
        # reported speech without "that"
        (
            "Commander-in-chief Oleksandr Syrskyi said Ukrainian forces still hold "
            "about 400 square kilometres of the Kursk region.",
            "Commander-in-chief Oleksandr Syrskyi",
        ),
        (
            "Syrskyi said the army holds about 400 square kilometres of the Kursk "
            "region.",
            "Syrskyi",
        ),
    ],
)
def test_who_said_it(sentence, source):
    # sentences written for this test
    (held,) = extract_claims(sentence, date="2025-03-12").claims
    assert (held.value, held.kind, held.source) == (400, "area", source)


def test_a_wire_story_without_a_year_in_its_dateline(tmp_path):
    # written for this test, in the shape of a wire story
    text = (
        "MOSCOW, March 20 (Reuters) - Russia's Defence Ministry said on Thursday "
        "its forces had recaptured 1,200 square kilometres of territory in the "
        "Kursk region since Ukraine's surprise incursion last August, leaving "
        "Kyiv with less than 100 sq km.\n\n"
        "The DeepState map, which is close to Ukraine's military, showed "
        "Ukrainian forces controlling about 120 square kilometres of the region "
        "as of March 19."
    )
    with pytest.raises(ArticleError, match="--date"):
        extract_claims(text)  # "March 20": no year, so no date
    found = extract_claims(text, date="2025-03-20")
    claims = by_value(found)
    assert sorted(claims) == [100, 120, 1200]
    retaken, left, deepstate = claims[1200], claims[100], claims[120]
    assert (retaken.kind, retaken.since) == ("lost", "peak")  # since "last August"
    # "leaving Kyiv with": what Kyiv is left with, it holds
    assert (left.kind, left.qualifier) == ("area", "less_than")
    assert left.source == retaken.source == "Russia's Defence Ministry"
    # "showed", and "as of March 19" without a year: the last 19 March
    assert deepstate.source == "DeepState map" and deepstate.zone == ("liberated",)
    assert deepstate.as_of == dt.date(2025, 3, 19)


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        (
            "The offensive left Ukrainian forces with 200 km² of the Kursk region.",
            "area",
        ),
        ("Kyiv's troops were left with about 200 km² in the Kursk region.", "area"),
        # Russia left with ground: not a claim about Ukrainian-held ground
        ("The retreat left Russia with 200 km² of the Kursk region.", None),
    ],
)
def test_left_with(sentence, kind):
    found = extract_claims(sentence, date="2025-03-20")
    assert [c.kind for c in found.claims] == ([kind] if kind else [])


@pytest.mark.parametrize(
    ("sentence", "kind"),
    [
        # "at its peak" belongs to the figure it is compared with
        (
            "Ukraine now controls roughly 50 square kilometres in the Kursk region, "
            "down from 1,300 at its peak, according to DeepState.",
            "area",
        ),
        (
            "Ukraine holds 50 km² of the Kursk region, compared with 1,300 at the "
            "height of the incursion.",
            "area",
        ),
        ("Ukraine controlled 1,300 km² of the Kursk region at its peak.", "peak"),
        (
            "Ukraine held 1,300 km² of Russian territory in the Kursk region at the "
            "height of the incursion.",
            "peak",
        ),
    ],
)
def test_at_its_peak_belongs_to_its_own_figure(sentence, kind):
    c = extract_claims(sentence, date="2025-03-01").claims[0]
    assert c.kind == kind


@pytest.mark.parametrize(
    ("sentence", "claims", "note"),
    [
        # the unit of the figure it is compared with, and its verb and source
        (
            "Ukraine now controls roughly 50 square kilometres in the Kursk "
            "region, down from 1,300 at its peak, according to DeepState.",
            [(50, "km2", "area"), (1300, "km2", "peak")],
            None,
        ),
        (
            "Ukrainian forces hold about 20 sq mi of the Kursk region, compared "
            "with 500 at the height of the incursion, Syrskyi said.",
            [(20, "mi2", "area"), (500, "mi2", "peak")],
            None,
        ),
        # compared, but at a time the text does not say: noted, not a claim
        (
            "Ukraine holds 50 km² of the Kursk region, down from 400 in January.",
            [(50, "km2", "area")],
            "'400' (compared with the figure before it, at a time not given)",
        ),
        # a year, a count: not figures at all
        (
            "Ukraine holds 50 km² of the Kursk region, down from 2024.",
            [(50, "km2", "area")],
            None,
        ),
        (
            "Ukraine holds 50 km² of the Kursk region, up from 30 villages.",
            [(50, "km2", "area")],
            None,
        ),
    ],
)
def test_a_number_compared_in_the_unit_of_the_figure_before(sentence, claims, note):
    found = extract_claims(sentence, date="2025-03-01")
    assert [(c.value, c.unit, c.kind) for c in found.claims] == claims
    sources = {c.source for c in found.claims}
    assert len(sources) == 1  # both figures, one attribution
    if note is None:
        assert found.notes == []
    else:
        assert any(note in n for n in found.notes), found.notes


@pytest.mark.parametrize(
    "sentence",
    [
        "Russia's defence ministry said on Sunday that its troops had retaken "
        "1,268 sq km, or 100%, of the Kursk region territory seized by Ukraine.",
        # Russian: the whole in the genitive, without a preposition
        "Начальник Генштаба Валерий Герасимов заявил, что ВСУ потеряли 1100 кв. км, "
        "или около 85% захваченной территории Курской области.",
    ],
)
def test_a_share_beside_its_part_whose_whole_the_maps_give(sentence):
    found = extract_claims(sentence, date="2025-03-01")
    lost, share = found.claims
    assert (lost.kind, lost.since) == ("lost", "peak")
    assert (share.kind, share.part, share.of) == (
        "share",
        lost.id,
        "ground at the peak",
    )
    assert found.notes == []


def test_a_conversion_after_a_comma():
    # written for this test: "..., or roughly 386 square miles," converts the
    # figure (1,000 km² is 386 sq mi): one claim, its conversion kept
    found = extract_claims(
        "Ukrainian troops control about 1,000 square kilometres, or roughly 386 "
        "square miles, of the Kursk region, Zelensky said.",
        date="2025-03-01",
    )
    (held,) = found.claims
    assert (held.value, held.unit, held.also_value, held.also_unit) == (
        1000,
        "km2",
        386,
        "mi2",
    )
    assert found.notes == [] and found.findings == []
    # in the same unit, or not agreeing: another figure, not a conversion
    for text in (
        "Ukraine holds 800 km2, or 1,000 km2, of the Kursk region.",
        "Ukraine holds 1,000 km2, or 500 square miles, of the Kursk region.",
    ):
        found = extract_claims(text, date="2025-03-01")
        assert all(c.also_value is None for c in found.claims)
        assert len(found.claims) + len(found.notes) == 2


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "The Ukrainian-held pocket in the Kursk region has been reduced to "
            "around 90 square km, according to DeepState.",
            (90, "area", "DeepState"),
        ),
        (
            "The area Ukraine controls in the Kursk region has shrunk to 200 "
            "square kilometres, the blog said.",
            (200, "area", "the blog"),  # no blog named: as written
        ),
        (
            "Russia claims to have recaptured 64% of the Kursk territory Ukraine "
            "seized.",
            (64, "share", "Russia"),
        ),
        # ground Russia holds is not a claim about Ukraine's
        ("Russian-held ground in the Kursk region fell to 10 km², it said.", None),
    ],
)
def test_more_wordings_of_ground_held(sentence, expected):
    found = extract_claims(sentence, date="2025-03-01")
    got = [(c.value, c.kind, c.source) for c in found.claims]
    assert got == ([expected] if expected else [])


@pytest.mark.parametrize(
    ("sentence", "part"),
    [
        ("Ukraine now holds about 4% of the Kursk region, an analyst said.", None),
        ("Ukraine holds 1,200 km², or about 4% of the Kursk region.", "held"),
    ],
)
def test_a_share_of_the_region_it_is_checked_in(sentence, part):
    found = extract_claims(sentence, date="2025-03-01")
    share = found.claims[-1]
    assert (share.value, share.kind, share.of) == (4, "share", "the region")
    assert share.part == (part or "ground held")
    assert found.notes == []
    # a share of another region is not one of the region checked
    other = extract_claims(
        "In the Kursk region, Ukrainian forces hold 1% of the Luhansk region.",
        date="2025-03-01",
    )
    assert other.claims == [] and "another region" in other.notes[0]


@pytest.mark.parametrize(
    ("sentence", "expected", "note"),
    [
        # a change since the peak: a share of it, or ground lost since it
        (
            "Ukraine's foothold in the Kursk region has shrunk by 75% since the "
            "peak, analysts said.",
            ("share", "ground lost since the peak", "ground at the peak"),
            None,
        ),
        (
            "Ukrainian-held territory in the Kursk region has shrunk by 800 km² "
            "since the peak, DeepState said.",
            ("lost", None, None),
            None,
        ),
        # over a period that starts at no date the text gives: noted
        (
            "Ukrainian-held territory in the Kursk region shrank by 300 km² in a "
            "week, DeepState said.",
            None,
            "a change over a period",
        ),
        # not ground: no claim
        ("Prices in the Kursk region fell by 5% since January.", None, "5%"),
    ],
)
def test_shrunk_by(sentence, expected, note):
    found = extract_claims(sentence, date="2025-03-01")
    got = [(c.kind, c.part, c.of) for c in found.claims]
    assert got == ([expected] if expected else [])
    if note:
        assert any(note in n for n in found.notes), found.notes
