"""The server-drawn SVG charts: labels escaped, Persian digits, months right to left, readable without
colour, accessible names, and an empty chart that still renders."""

import re
import xml.etree.ElementTree as ET

from django.utils import translation

from hamyar.insights.charts import HEAT_SCALE, Bar, bar_chart, heat_step, heatmap, month_chart

SVG = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script>&'


def svg_of(html: str) -> ET.Element:
    """The <svg> of a chart's figure, parsed as XML (so the markup is well formed)."""
    return ET.fromstring(re.search(r"<svg.*</svg>", str(html), re.S).group(0))


def texts(svg: ET.Element) -> list[str]:
    return ["".join(t.itertext()) for t in svg.iter(f"{SVG}text")]


def x_of(svg: ET.Element, text: str) -> float:
    return next(float(t.get("x")) for t in svg.iter(f"{SVG}text") if "".join(t.itertext()) == text)


def contrast(a: str, b: str) -> float:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        r, g, b_ = (c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
        return 0.2126 * r + 0.7152 * g + 0.0722 * b_
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_every_label_is_escaped():
    with translation.override("fa"):
        html = str(bar_chart([Bar(EVIL, 5, EVIL)], title=EVIL, desc=EVIL, chart_id="c"))
        html += str(heatmap([EVIL], [EVIL], [[3]], title="t", desc="d", chart_id="h"))
        html += str(month_chart([(140501, 1)], title=EVIL, desc="d", chart_id="m"))
    assert "<script>" not in html
    assert "&lt;script&gt;" in html
    for chart in re.findall(r"<svg.*?</svg>", html, re.S):
        ET.fromstring(chart)  # well formed: nothing broke out of an attribute or a text


def test_numbers_are_written_in_persian_digits_on_a_persian_page():
    with translation.override("fa"):
        svg = svg_of(bar_chart([Bar("فضای سبز", 1234567)], title="t", desc="d", chart_id="c"))
    assert "۱٬۲۳۴٬۵۶۷" in texts(svg)
    assert not any(re.search("[0-9]", text) for text in texts(svg))
    with translation.override("en"):
        svg = svg_of(bar_chart([Bar("green", 1234567)], title="t", desc="d", chart_id="c"))
    assert "1,234,567" in texts(svg)


def test_months_run_from_right_to_left():
    points = [(140411, 10), (140412, 20), (140501, 30)]
    with translation.override("fa"):
        svg = svg_of(month_chart(points, title="t", desc="d", chart_id="m"))
    # the first month at the right, the last at the left
    assert x_of(svg, "بهمن") > x_of(svg, "اسفند") > x_of(svg, "فروردین")
    assert x_of(svg, "۱۴۰۴") > x_of(svg, "۱۴۰۵")
    # each column carries its value, above it
    assert {"۱۰", "۲۰", "۳۰"} <= set(texts(svg))
    rects = [r for r in svg.iter(f"{SVG}rect")]
    heights = [float(r.get("height")) for r in rects]
    assert heights == sorted(heights)  # 10, 20, 30 in the order given
    xs = [float(r.get("x")) for r in rects]
    assert xs == sorted(xs, reverse=True)


def test_a_line_chart_draws_its_points_right_to_left():
    with translation.override("fa"):
        svg = svg_of(month_chart([(140501, 1), (140502, 2)], kind="line", title="t", desc="d", chart_id="m"))
    circles = [float(c.get("cx")) for c in svg.iter(f"{SVG}circle")]
    assert circles[0] > circles[1]
    assert svg.find(f"{SVG}polyline") is not None


def test_bars_have_their_label_on_the_right_and_their_value_written():
    with translation.override("fa"):
        svg = svg_of(bar_chart([Bar("فضای سبز", 50, "۵۰٪"), Bar("روشنایی", 100, "۱۰۰٪")], title="t",
                               desc="d", chart_id="c", maximum=100, width=560))
    assert x_of(svg, "فضای سبز") > 500  # the label at the right edge
    assert "۵۰٪" in texts(svg) and "۱۰۰٪" in texts(svg)
    bars = [float(r.get("width")) for r in svg.iter(f"{SVG}rect")]
    assert bars[1] == 2 * bars[0]


def test_a_chart_holds_no_link_inside_its_image():
    """role="img" makes the chart one picture: a link in it could not be reached (axe: nested-interactive)."""
    with translation.override("fa"):
        html = str(bar_chart([Bar("a", 1)], title="t", desc="d", chart_id="c", table_id="table-x"))
    assert "<a " not in re.search(r"<svg.*</svg>", html, re.S).group(0)


def test_each_chart_has_a_name_a_description_and_its_table_a_click_away():
    with translation.override("fa"):
        html = str(bar_chart([Bar("a", 1)], title="عنوان", desc="شرح", chart_id="c", table_id="table-x"))
    svg = svg_of(html)
    assert svg.get("role") == "img" and svg.get("aria-label") == "عنوان"
    assert svg.find(f"{SVG}title").text == "عنوان" and svg.find(f"{SVG}desc").text == "شرح"
    assert 'href="#table-x"' in html


def test_heatmap_cells_carry_their_number_and_the_scale_keeps_the_text_readable():
    with translation.override("fa"):
        svg = svg_of(heatmap(["منطقه ۹", "نیشابور"], ["فضای سبز", "روشنایی"], [[0, 5], [10, 1]], title="t",
                             desc="d", chart_id="h"))
    assert {"۵", "۱۰", "۱"} <= set(texts(svg))
    fills = [r.get("fill") for r in svg.iter(f"{SVG}rect")]
    assert fills[0] == HEAT_SCALE[0][0] and fills[2] == HEAT_SCALE[-1][0]  # nothing lightest, most darkest
    for background, ink in HEAT_SCALE:
        assert contrast(background, ink) >= 4.5, background
    assert [heat_step(v, 10) for v in (0, 1, 5, 10)] == [0, 1, 3, 5]


def test_heatmap_columns_start_at_the_right():
    with translation.override("fa"):
        svg = svg_of(heatmap(["الف"], ["یکم", "دوم"], [[1, 2]], title="t", desc="d", chart_id="h"))
    assert x_of(svg, "یکم") > x_of(svg, "دوم")


def test_empty_data_still_renders_a_chart_that_says_so():
    with translation.override("fa"):
        for html in (bar_chart([], title="t", desc="d", chart_id="a"),
                     month_chart([], title="t", desc="d", chart_id="b"),
                     heatmap([], [], [], title="t", desc="d", chart_id="c")):
            svg_of(html)
            assert "هنوز رقمی نیست" in str(html)
        svg = svg_of(month_chart([(140501, 0), (140502, 0)], title="t", desc="d", chart_id="z"))
    assert all(float(r.get("height")) == 0 for r in svg.iter(f"{SVG}rect"))


def test_a_long_dashboard_table_shows_its_first_rows_and_says_the_sheet_has_all():
    from django.template.loader import render_to_string
    from django.utils import translation

    from hamyar.insights.dashboard import ON_PAGE, _shown
    from hamyar.insights.tables import Column, Table

    table = Table("municipalities", "شهرداری‌ها", [Column("نام"), Column("مبلغ", number=True)],
                  rows=[[f"شهرداری {i}", 1000 - i] for i in range(ON_PAGE + 70)])
    shown = _shown(table, [[f"/m/{i}/", ""] for i in range(ON_PAGE + 70)])
    assert len(shown.cells) == ON_PAGE and shown.not_shown == 70 and len(table.rows) == ON_PAGE + 70
    with translation.override("fa"):
        page = render_to_string("insights/partials/table.html", {"shown": shown})
    assert page.count("<tr>") == ON_PAGE + 1  # the header and the rows shown
    assert "۵۰ ردیف نخست از ۱۲۰ ردیف" in page
    assert len(table.xlsx()) > 0 and table.links[-1] == f"/m/{ON_PAGE + 69}/"
    few = _shown(Table("few", "چند", [Column("نام")], rows=[["یک"]]), [[""]])
    assert few.not_shown == 0
