"""The maintenance form (维护单): what the customer reads and signs, in PDF, HTML and Markdown, Chinese and English."""

from __future__ import annotations

import dataclasses
import io
import string
import struct
import subprocess
import sys
import zlib
from base64 import b64encode
from datetime import UTC, datetime, timedelta

import pytest

from dcmaint.errors import UsageError
from dcmaint.forms import FormData, FormDevice, FormPart, render
from dcmaint.forms.labels import CODES, LABELS
from dcmaint.forms.wrap import wrap

T0 = datetime(2026, 11, 24, 1, 5, tzinfo=UTC)  # 09:05 in Asia/Shanghai


def tiny_png(width: int = 60, height: int = 20) -> bytes:
    """A greyscale PNG of a diagonal stroke, written by hand: no imaging library needed."""
    rows = b"".join(
        b"\x00" + bytes(0 if abs(y * width - x * height) < width else 255 for x in range(width)) for y in range(height)
    )

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


SIGNATURE = tiny_png()

FULL = FormData(
    ticket="T-2026-000042",
    customer="某市商业银行",
    site="数据中心一号机房",
    site_address="某市高新区科技大道88号数据中心大楼三层301机房",
    contract_no="HT-2026-0815",
    timezone="Asia/Shanghai",
    source="phone",
    caller="李主任",
    contact="138 0000 1234",
    severity="high",
    devices=(
        FormDevice("db01", "server", "Inspur", "NF5280M6", "219876543210", "301/A03/U12"),
        FormDevice("san-a", "storage", "Huawei", "OceanStor 5500 V5", "2102351XYZ10K9000123", "301/A05/U20"),
    ),
    fault="db01 电源模块故障，前面板告警灯亮，冗余丢失。" + "需要尽快更换电源模块并检查风扇与主板日志，" * 6,
    reported_at=T0,
    started_at=T0 + timedelta(minutes=20),
    restored_at=T0 + timedelta(hours=6, minutes=5),
    handling="onsite",
    sla_hours=12,
    sla_met=True,
    sla_elapsed=timedelta(hours=3, minutes=45),
    sla_paused=timedelta(hours=2),
    actions="1. 远程登录 BMC 确认 PSU2 故障；\n2. 等待客户维护窗口；\n3. 热插拔更换 PSU2，告警消除。",
    time_spent=timedelta(hours=3, minutes=30),
    parts=(
        FormPart("in", "db01", "PSU2", "01PE793", "DSN7A2B3C4D5", "550W 电源模块（原厂新件）"),
        FormPart("out", "db01", "PSU2", "01PE793", "DSN0OLD12345", "故障件，留存客户处"),
    ),
    engineer="王工",
    signed_by="李主任",
    signed_at=T0 + timedelta(hours=7),
    score=4,
    comment="响应及时，处理专业。",
    signature_png=SIGNATURE,
    verified_by="赵敏",
    verified_at=T0 + timedelta(days=1),
)

UNSIGNED = dataclasses.replace(
    FULL,
    contract_no=None,
    caller=None,
    site_address=None,
    restored_at=None,
    handling=None,
    sla_met=None,
    sla_elapsed=None,
    sla_paused=timedelta(0),
    actions=None,
    time_spent=None,
    parts=(),
    engineer=None,
    signed_by=None,
    signed_at=None,
    score=None,
    comment=None,
    signature_png=None,
    verified_by=None,
    verified_at=None,
    fault="电源模块故障",
)

SERIALS = ("219876543210", "2102351XYZ10K9000123", "DSN7A2B3C4D5", "DSN0OLD12345")


def squeeze(text: str) -> str:
    """Text without whitespace: where a PDF line wrapped does not matter to what it says."""
    return "".join(text.split())


def pdf_text(data: bytes) -> tuple[str, object]:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages), reader


def images_in(reader: object) -> int:
    count = 0
    for page in reader.pages:  # type: ignore[attr-defined]
        xobjects = page["/Resources"].get("/XObject")
        if xobjects is not None:
            count += sum(1 for ref in xobjects.get_object().values() if ref.get_object()["/Subtype"] == "/Image")
    return count


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_pdf_reads_back_with_labels_values_serials_and_signature(lang):
    data = render(FULL, "pdf", lang)
    assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
    assert len(data) < 1_000_000  # the CJK font is subset: the whole font would be 5 MB
    text, reader = pdf_text(data)
    assert 1 <= len(reader.pages) <= 2
    flat = squeeze(text)
    labels = LABELS[lang]
    for key in (
        "title",
        "ticket",
        "sec_customer",
        "customer",
        "sec_devices",
        "dev_serial",
        "sec_fault",
        "sec_handling",
        "sec_actions",
        "sec_parts",
        "part_number",
        "engineer",
        "sec_signoff",
        "signed_by",
        "score",
        "signature",
        "sec_verified",
        "verified_by",
    ):
        assert squeeze(labels[key]) in flat, key
    for value in (
        "T-2026-000042",
        "某市商业银行",
        "电源模块故障",
        "李主任",
        "王工",
        "赵敏",
        "Asia/Shanghai",
        "2026-11-2409:05",
        "HT-2026-0815",
        *SERIALS,
        "★★★★☆4/5",
    ):
        assert value in flat, value
    assert squeeze(FULL.fault) in flat  # the long fault wraps over lines without losing a character
    assert all(serial in text for serial in SERIALS)  # columns are wide enough: no serial is cut in two
    assert squeeze(CODES[lang]["direction"]["in"]) in flat and squeeze(CODES[lang]["severity"]["high"]) in flat
    assert images_in(reader) == 1


def test_pdf_embeds_a_subset_of_the_cjk_font():
    _, reader = pdf_text(render(FULL, "pdf", "zh"))
    fonts = reader.pages[0]["/Resources"]["/Font"]
    font = next(iter(fonts.values())).get_object()
    assert font["/Encoding"] == "/Identity-H"  # what every extractor reads (docs/forms.md)
    descendant = font["/DescendantFonts"][0].get_object()
    assert "+" in descendant["/BaseFont"]  # a subset tag, e.g. /MPDFAA+WenQuanYiMicroHei
    assert "/FontFile2" in descendant["/FontDescriptor"].get_object()  # embedded TrueType outlines


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unsigned_unrestored_ticket_leaves_blanks(lang):
    labels = LABELS[lang]
    text, reader = pdf_text(render(UNSIGNED, "pdf", lang))
    assert len(reader.pages) == 1 and images_in(reader) == 0
    assert squeeze(labels["not_restored"]) in squeeze(text)
    assert squeeze(labels["handling_blank"]) in squeeze(text)  # boxes to tick by hand
    assert "None" not in text
    for fmt in ("html", "md"):
        out = render(UNSIGNED, fmt, lang).decode("utf-8")
        assert "None" not in out and labels["not_restored"] in out and "data:image" not in out


def test_a_long_work_log_flows_onto_more_pages():
    log = "\n".join(f"{i:02d}. 检查 PSU{i % 4} 与背板连接，记录 BMC 日志（SEL）并复位告警。" for i in range(120))
    text, reader = pdf_text(render(dataclasses.replace(FULL, actions=log), "pdf", "zh"))
    assert len(reader.pages) >= 3
    assert "119.检查PSU3" in squeeze(text) and "第3页" in squeeze(text)


def test_a_character_the_font_lacks_prints_as_a_box_not_as_nothing(caplog):
    form = dataclasses.replace(FULL, customer="某\U00020000银行")  # CJK extension B, outside the font
    text, _ = pdf_text(render(form, "pdf", "zh"))
    assert "某□银行" in squeeze(text)
    assert "missing" not in caplog.text  # fpdf2 had nothing to drop
    assert "某\U00020000银行" in render(form, "html", "zh").decode()


def test_a_jpeg_signature_is_embedded_too():
    from PIL import Image  # installed with fpdf2

    buffer = io.BytesIO()
    Image.new("L", (90, 30), 255).save(buffer, "JPEG")
    form = dataclasses.replace(FULL, signature_png=buffer.getvalue())
    _, reader = pdf_text(render(form, "pdf", "en"))
    assert images_in(reader) == 1
    assert "data:image/jpeg;base64," in render(form, "html", "en").decode()


def test_sla_line_says_met_elapsed_and_paused():
    md = render(FULL, "md", "zh").decode()
    assert "达成（用时 3小时45分；暂停 2小时，不计入）" in md
    assert "met (3 h 45 min elapsed; 2 h paused, not counted)" in render(FULL, "md", "en").decode()
    late = dataclasses.replace(FULL, sla_met=False, sla_elapsed=timedelta(hours=13, minutes=1), sla_paused=timedelta(0))
    assert "未达成（用时 13小时1分）" in render(late, "md", "zh").decode()


def test_times_are_shown_in_the_site_time_zone():
    md = render(FULL, "md", "en").decode()
    assert "2026-11-24 09:05" in md and "2026-11-24 01:05" not in md
    assert "2026-11-24 01:05" in render(dataclasses.replace(FULL, timezone="UTC"), "md", "en").decode()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_html_is_one_self_contained_file(lang):
    page = render(FULL, "html", lang).decode("utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    assert f'<html lang="{"zh-CN" if lang == "zh" else "en"}">' in page
    assert f"data:image/png;base64,{b64encode(SIGNATURE).decode()}" in page
    assert "<style>" in page and "<link" not in page and "<script" not in page and "http" not in page
    for value in ("T-2026-000042", "某市商业银行", *SERIALS, "★★★★☆ 4/5", LABELS[lang]["sec_verified"]):
        assert value in page


def test_html_escapes_what_the_caller_said():
    form = dataclasses.replace(FULL, fault='<script>alert("x")</script> & 电源', customer="A&B <i>银行</i>")
    page = render(form, "html", "en").decode()
    assert "<script" not in page and "<i>" not in page
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; 电源" in page
    assert "A&amp;B &lt;i&gt;银行&lt;/i&gt;" in page


def test_markdown_escapes_table_cells():
    part = FormPart("out", "db|01", "PSU2", "01PE|793", "SN|1", "坏件 | 待返厂\n第二行")
    md = render(dataclasses.replace(FULL, parts=(part,), fault="<script>x</script> *urgent*"), "md", "zh").decode()
    row = next(line for line in md.splitlines() if line.startswith("| 拆下"))
    assert row == r"| 拆下 | db\|01 | PSU2 | 01PE\|793 | SN\|1 | 坏件 \| 待返厂<br>第二行 |"
    header = next(line for line in md.splitlines() if line.startswith("| 装/拆"))
    assert row.replace(r"\|", "").count("|") == header.count("|") == 7
    assert "<script>" not in md and r"&lt;script&gt;x&lt;/script&gt; \*urgent\*" in md


def test_markdown_carries_everything():
    md = render(FULL, "md", "en").decode()
    assert md.startswith("# Maintenance Form T-2026-000042")
    for value in ("某市商业银行", *SERIALS, "★★★★☆ 4/5", "on site", "3 h 30 min", "data:image/png;base64,"):
        assert value in md


@pytest.mark.parametrize(("fmt", "lang", "named"), [("docx", "zh", "docx"), ("pdf", "fr", "fr"), ("", "en", "''")])
def test_unknown_format_or_language_is_refused_by_name(fmt, lang, named):
    with pytest.raises(UsageError) as caught:
        render(FULL, fmt, lang)
    assert named in str(caught.value)


def test_format_and_language_ignore_case():
    assert render(FULL, "MD", "ZH").startswith("# 维护单".encode())


def test_label_tables_speak_both_languages_alike():
    assert LABELS["zh"].keys() == LABELS["en"].keys()
    for group, words in CODES["zh"].items():
        assert words.keys() == CODES["en"][group].keys()
    for key in LABELS["zh"]:
        assert placeholders(LABELS["zh"][key]) == placeholders(LABELS["en"][key]), key


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_an_unknown_device_kind_is_shown_as_stored():
    form = dataclasses.replace(FULL, devices=(FormDevice("pdu7", "pdu", None, None, None, None),))
    assert "| pdu7 | pdu |" in render(form, "md", "zh").decode()


def test_the_contract_refuses_values_that_would_print_a_wrong_form():
    with pytest.raises(ValueError, match="timezone-aware"):
        dataclasses.replace(FULL, reported_at=datetime(2026, 11, 24, 9, 5))
    with pytest.raises(ValueError, match="score"):
        dataclasses.replace(FULL, score=6)
    with pytest.raises(ValueError, match="PNG or JPEG"):
        dataclasses.replace(FULL, signature_png=b"GIF89a")
    with pytest.raises(ValueError, match="direction"):
        FormPart("fitted", "db01", "PSU2", None, None, None)


def test_wrap_breaks_chinese_anywhere_but_keeps_words_and_punctuation():
    assert wrap("电源模块故障，更换 PSU-2", 6, len) == ["电源模块故", "障，更换", "PSU-2"]
    assert wrap("IBM P750 小型机", 5, len) == ["IBM", "P750", "小型机"]
    assert wrap("（备注）故障", 3, len) == ["（备", "注）故", "障"]  # no line opens with ）or ends with （
    assert wrap("2102351XYZ10K9000123", 8, len) == ["2102351X", "YZ10K900", "0123"]
    assert wrap("第一行\n\n第三行", 10, len) == ["第一行", "", "第三行"]
    for line in wrap(FULL.fault, 17, len):
        assert len(line) <= 17


def test_importing_the_forms_package_loads_no_pdf_library():
    """The ticket commands import dcmaint.forms; fpdf2, Pillow and fontTools load only for a PDF."""
    done = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import dcmaint.forms"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    imported = {line.split("|")[-1].strip().split(".")[0] for line in done.stderr.splitlines() if "|" in line}
    assert not imported & {"fpdf", "PIL", "fontTools", "pypdf", "defusedxml"}
