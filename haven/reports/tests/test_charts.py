"""The report's charts: well-formed SVG, escaped labels, empty and suppressed data."""

import xml.etree.ElementTree as ET

from haven.reports import charts

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & "quotes" \'too\''


def parse(markup: str) -> ET.Element:
    return ET.fromstring(str(markup))


def child(root: ET.Element, tag: str) -> ET.Element:
    found = root.find(tag)
    assert found is not None, tag
    return found


def texts(root: ET.Element) -> list[str]:
    return [t.text or "" for t in root.iter(f"{SVG}text")]


def test_a_line_chart_is_well_formed_svg_with_a_title_and_a_description() -> None:
    svg = charts.line_chart(
        chart_id="c1",
        title="Intakes by year",
        desc="2019: 22; 2020: 24",
        series=[("Intakes", {"2019": 22, "2020": 24, "2021": 17})],
    )
    root = parse(svg)
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "c1-t c1-d"
    assert child(root, f"{SVG}title").text == "Intakes by year"
    assert child(root, f"{SVG}desc").text == "2019: 22; 2020: 24"
    assert {"2019", "2020", "2021", "22", "24", "17"} <= set(texts(root))


def test_charts_use_presentation_attributes_and_never_style_or_script() -> None:
    markups = [
        charts.line_chart(chart_id="a", title="t", desc="d", series=[("s", {"2020": 1})]),
        charts.bar_chart(
            chart_id="b", title="t", desc="d", years=["2020"], stacks=[("s", {"2020": 3})]
        ),
        charts.hbar_chart(chart_id="c", title="t", desc="d", rows=[("x", 3)], total=3),
    ]
    for markup in markups:
        assert "style=" not in markup
        assert "<script" not in markup
        assert not list(parse(markup).iter(f"{SVG}style"))


def test_hostile_labels_are_escaped_everywhere() -> None:
    markups = [
        charts.line_chart(
            chart_id="h1",
            title=HOSTILE,
            desc=HOSTILE,
            series=[(HOSTILE, {"2020": 1}), ("b", {"2020": 2})],
        ),
        charts.bar_chart(
            chart_id="h2",
            title=HOSTILE,
            desc=HOSTILE,
            years=[HOSTILE],
            stacks=[(HOSTILE, {HOSTILE: 1}), ("b", {HOSTILE: 2})],
        ),
        charts.hbar_chart(chart_id="h3", title=HOSTILE, desc=HOSTILE, rows=[(HOSTILE, 2)]),
    ]
    for markup in markups:
        assert "<script>" not in markup
        root = parse(markup)  # would fail on an unescaped quote or angle bracket
        assert child(root, f"{SVG}title").text == HOSTILE
        assert not list(root.iter("script")) and not list(root.iter(f"{SVG}script"))


def test_empty_data_draws_a_chart_that_says_so() -> None:
    for markup in (
        charts.line_chart(chart_id="e1", title="t", desc="d", series=[]),
        charts.line_chart(chart_id="e2", title="t", desc="d", series=[("s", {})]),
        charts.bar_chart(chart_id="e3", title="t", desc="d", years=[], stacks=[]),
        charts.hbar_chart(chart_id="e4", title="t", desc="d", rows=[]),
    ):
        assert "No data" in texts(parse(markup))


def test_all_zero_values_still_draw_axes_without_dividing_by_zero() -> None:
    root = parse(
        charts.bar_chart(
            chart_id="z", title="t", desc="d", years=["2020", "2021"], stacks=[("s", {})]
        )
    )
    assert "2020" in texts(root)
    root = parse(charts.hbar_chart(chart_id="z2", title="t", desc="d", rows=[("a", 0)], total=0))
    assert "0" in texts(root)


def test_suppressed_values_are_hatched_and_labelled_less_than_five() -> None:
    hbar = parse(
        charts.hbar_chart(chart_id="s1", title="t", desc="d", rows=[("a", 12), ("b", "<5")])
    )
    assert "<5" in texts(hbar)
    assert any(r.get("fill") == "url(#s1-hatch)" for r in hbar.iter(f"{SVG}rect"))
    assert child(hbar, f".//{SVG}pattern").get("id") == "s1-hatch"

    line = parse(
        charts.line_chart(
            chart_id="s2", title="t", desc="d", series=[("s", {"2020": 8, "2021": "<5"})]
        )
    )
    assert "<5" in texts(line)
    assert any(c.get("fill") == "url(#s2-hatch)" for c in line.iter(f"{SVG}circle"))

    stacked = parse(
        charts.bar_chart(
            chart_id="s3",
            title="t",
            desc="d",
            years=["2020"],
            stacks=[("F", {"2020": 9}), ("M", {"2020": "<5"})],
        )
    )
    assert any(r.get("fill") == "url(#s3-hatch)" for r in stacked.iter(f"{SVG}rect"))
    assert any("fewer than 5" in t for t in texts(stacked))


def test_horizontal_bars_show_values_with_their_share() -> None:
    root = parse(
        charts.hbar_chart(chart_id="p", title="t", desc="d", rows=[("a", 1), ("b", 3)], total=4)
    )
    assert "3 (75.0\u00a0%)" in texts(root)


def test_rates_are_drawn_as_percentages() -> None:
    root = parse(
        charts.line_chart(
            chart_id="r",
            title="t",
            desc="d",
            series=[("rate", {"2021": 0.3333, "2022": None, "2023": 0.6285})],
            percent=True,
        )
    )
    labels = texts(root)
    assert "33.3\u00a0%" in labels and "62.9\u00a0%" in labels
    assert "80\u00a0%" in labels  # round ticks on the axis


def test_several_series_get_a_legend_and_different_dashes() -> None:
    root = parse(
        charts.line_chart(
            chart_id="m",
            title="t",
            desc="d",
            series=[("New", {"2020": 1, "2021": 2}), ("Active", {"2020": 3, "2021": 4})],
        )
    )
    assert {"New", "Active"} <= set(texts(root))
    dashes = {line.get("stroke-dasharray") for line in root.iter(f"{SVG}line")}
    assert "6 4" in dashes
