"""Text from devices and e-mails in a document stays text: HTML, Markdown and PDF (docs/security.md).

Every document (maintenance form, monthly report, inspection report, device
file, emergency plan, drill record, holiday roster) is a ``forms.content.Sheet``
drawn by one of three renderers (``forms.render.render_sheet``). A sheet with
markup, an event handler, an ampersand and control characters in every slot
(headings, labels, values, table cells, chart labels) must come out of each
renderer as text: no tag, no attribute and no raw control character that the
values brought in. The same holds end to end for a ticket logged from a
hostile e-mail on a device whose BMC reported hostile names.
"""

from __future__ import annotations

import io
import re
from email.message import EmailMessage
from html.parser import HTMLParser

import pytest

from dcmaint.forms.content import Chart, Field, Fields, Section, Sheet, Signature, Table, Text
from dcmaint.forms.render import render_sheet

HOSTILE = '<script>alert(1)</script>"><img src=x onerror=alert(2)> & </svg><!-- [a](javascript:x) \x1b[31m\x00\x07'
RAW_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def hostile_sheet() -> Sheet:
    blocks = (
        Fields((Field(HOSTILE, HOSTILE), Field("b", HOSTILE), Field("w", HOSTILE, wide=True))),
        Table((HOSTILE, "h2"), ((HOSTILE, "1"),), (50, 50)),
        Text(HOSTILE),
        Chart(HOSTILE, "bar", (HOSTILE, "cat2"), ((HOSTILE, (1.0, 2.0)),), unit=HOSTILE, axis=HOSTILE),
        Signature(HOSTILE, None, None),
    )
    return Sheet("en", HOSTILE, HOSTILE, HOSTILE, HOSTILE, HOSTILE + " {page}/{pages}", (Section(HOSTILE, blocks),))


class Tags(HTMLParser):
    """Every tag and attribute a browser would see."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.add(tag)
        self.attributes.update(name for name, _value in attrs)


def html_tags(page: str) -> Tags:
    parser = Tags()
    parser.feed(page)
    parser.close()
    return parser


def assert_safe_html(page: str) -> None:
    seen = html_tags(page)
    assert not seen.tags & {"script", "img", "iframe", "object", "embed", "a"}, seen.tags
    assert not [name for name in seen.attributes if name.startswith("on")], seen.attributes
    assert not RAW_CONTROLS.search(page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt; &amp;" in page
    assert "\\x1b[31m\\x00\\x07" in page  # the control characters shown as escapes


def assert_safe_markdown(md: str) -> None:
    assert not RAW_CONTROLS.search(md)
    assert set(re.findall(r"<[^>]*>", md)) <= {"<br>"}  # no tag but the renderer's own line breaks
    assert "&lt;script&gt;" in md and r"\[a\](javascript:x)" in md  # no link either


def pdf_text(content: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(content))
    for page in reader.pages:
        assert "/AA" not in page and "/Annots" not in page  # no action, no link
    catalog = reader.trailer["/Root"]
    assert "/Names" not in catalog and "/AA" not in catalog
    assert isinstance(catalog.get("/OpenAction", []), list)  # a page to open at, not an action
    assert not re.search(rb"/(JavaScript|JS|Launch|URI|SubmitForm)\b", content)
    return "\n".join(page.extract_text() for page in reader.pages)


def test_html_renderer_escapes_every_slot():
    page = render_sheet(hostile_sheet(), "html").decode("utf-8")
    assert_safe_html(page)
    assert page.count("<svg") == 1  # the chart, its labels drawn as outlines: no text element to inject into


def test_markdown_renderer_escapes_every_slot():
    assert_safe_markdown(render_sheet(hostile_sheet(), "md").decode("utf-8"))


def test_pdf_renderer_draws_markup_as_text():
    text = pdf_text(render_sheet(hostile_sheet(), "pdf"))
    assert "<script>alert(1)</script>" in text and not RAW_CONTROLS.search(text)


# -- end to end: a hostile e-mail about a device whose BMC reported hostile names ---------------------------------


@pytest.fixture
def hostile_ticket(cli, tmp_path):
    cli.ok("site", "add", "hq", "--customer", "A&B <b>银行</b>")
    cli.ok("device", "add", "srv01", "--site", "hq", "--kind", "server", "--vendor", HOSTILE[:60])
    cli.ok("device", "edit", "srv01", "--site", "hq", "--model", "<svg onload=alert(3)>", "--serial", "SN&1")
    message = EmailMessage()
    message["From"] = '"<img src=x onerror=alert(4)>" <ops@example.com>'
    message["To"] = "desk@example.com"
    message["Subject"] = "srv01 <script>alert(5)</script> 宕机"
    message.set_content(f"服务器 srv01 故障 {HOSTILE}\n请尽快处理")
    eml = tmp_path / "hostile.eml"
    eml.write_bytes(bytes(message))
    ref = cli.ok("ticket", "new", "--site", "hq", "--device", "srv01", "--from-eml", str(eml)).out.split(":")[0]
    return cli, ref


@pytest.mark.parametrize("fmt", ["html", "md", "pdf"])
def test_a_form_from_a_hostile_email_and_device_stays_text(hostile_ticket, db_url, tmp_path, fmt):
    cli, ref = hostile_ticket
    out = tmp_path / f"form.{fmt}"
    cli.ok("ticket", "form", ref, "--format", fmt, "--lang", "zh", "--output", str(out))
    if fmt == "html":
        page = out.read_text(encoding="utf-8")
        seen = html_tags(page)
        assert not seen.tags & {"script", "img", "a", "b"} and not [a for a in seen.attributes if a.startswith("on")]
        assert "&lt;svg onload=alert(3)&gt;" in page and "SN&amp;1" in page and "A&amp;B &lt;b&gt;银行" in page
        assert "&lt;script&gt;alert(1)" in page and not RAW_CONTROLS.search(page)
    elif fmt == "md":
        md = out.read_text(encoding="utf-8")
        assert set(re.findall(r"<[^>]*>", md)) <= {"<br>"} and not RAW_CONTROLS.search(md)
        assert "&lt;svg onload=alert(3)&gt;" in md
    else:
        text = pdf_text(out.read_bytes())
        assert "<svgonload=alert(3)>" in "".join(text.split()) and not RAW_CONTROLS.search(text)  # wrapped in its cell
