"""Fault e-mails into ticket drafts (docs/tickets.md): decoding, MIME structure, quote cutting, phones, bad input."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, timedelta, timezone
from email import charset as email_charset
from email.header import Header
from email.headerregistry import Address
from email.message import EmailMessage
from email.mime.application import MIMEApplication
from email.mime.base import MIMEBase
from email.mime.image import MIMEImage
from email.mime.message import MIMEMessage
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dcmaint.domain.email_intake import (
    MAX_BODY_CHARS,
    EmailReport,
    decode_bytes,
    find_phones,
    html_to_text,
    parse_email,
)
from dcmaint.errors import UsageError

SAMPLES = Path(__file__).parent / "data" / "eml"
CST = timezone(timedelta(hours=8))
PNG = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0\x1f\x15\xc4\x89"


def parse(message) -> EmailReport:
    return parse_email(message.as_bytes(), "report.eml")


def b_word(text: str, codec: str, label: str | None = None) -> str:
    """An RFC 2047 B word written by hand, so the label can lie about the bytes as clients do."""
    return f"=?{label or codec}?B?{base64.b64encode(text.encode(codec)).decode()}?="


def raw_message(headers: str, body: bytes) -> bytes:
    return headers.replace("\n", "\r\n").encode() + b"\r\n" + body


# --- the samples, as the clients send them ------------------------------------------


def test_foxmail_gb2312_label_on_gb18030_text_and_original_cut() -> None:
    report = parse_email((SAMPLES / "foxmail_gb18030_reply.eml").read_bytes(), "foxmail.eml")
    assert report == EmailReport(
        subject="回复：A座机房2号柜存储告警",
        sender_name="王堃",  # 堃 is not in GB2312: the label says gb2312, the bytes are GB18030
        sender_address="wangkun@bank.example",
        reply_to=None,
        sent_at=datetime(2024, 5, 20, 10, 12, 45, tzinfo=CST),
        message_id="<202405201012450123456@bank.example>",
        body="您好：\n\n按贵司要求，我们已于今早更换了故障硬盘，但存储仍在告警，\n请派工程师到场处理。\n\n"
        "联系人：王堃 手机 139-1000-2000\n座机：021-62345678转806",
        attachments=(),
        phones=("13910002000", "021-62345678-806"),  # not our engineer's 13700001111 from the original
    )


def test_outlook_html_only_with_inline_picture_and_reply_block() -> None:
    report = parse_email((SAMPLES / "outlook_html_only.eml").read_bytes(), "outlook.eml")
    assert report == EmailReport(
        subject="机房B区UPS与空调同时告警，温度32度",
        sender_name="李明",
        sender_address="liming@corp.example",
        reply_to="it-duty@corp.example",
        sent_at=datetime(2024, 5, 21, 2, 15, 40, tzinfo=UTC),
        message_id="<TYZPR01MB1234ABCD5678EF@TYZPR01MB1234.apcprd01.prod.exchangelabs.com>",
        body="各位好：\n今天凌晨 3:20 B区UPS & 精密空调同时告警，\n机房温度升到 32℃，请尽快安排人员处理。\n\n"
        "李明 | 信息科技部\n电话：(010)8765 4321 手机：+86 186 0000 1234",
        attachments=("image001.png",),
        phones=("010-87654321", "18600001234"),  # not the 400 number in the quoted original
    )


def test_qqmail_reply_with_original_block_and_full_width_digits() -> None:
    report = parse_email((SAMPLES / "qqmail_reply.eml").read_bytes(), "qq.eml")
    assert report == EmailReport(
        subject="回复：交换机电源模块故障",
        sender_name="赵磊",
        sender_address="10001234@qq.com",
        reply_to=None,
        sent_at=datetime(2024, 5, 20, 11, 2, 33, tzinfo=CST),
        message_id="<tencent_5F3C2A1B0E9D8C7B6A5F4E3D2C1B0A9F8E07@qq.com>",
        body="师傅您好，核心交换机S2的电源模块PWR2指示灯红色，\n已经持续半小时，麻烦今天过来看一下。\n\n"
        "赵磊\n电话（0571）8888-6666，１３６ ０５７１ ２２３３",
        attachments=(),
        phones=("0571-88886666", "13605712233"),
    )


def test_netease_163_quoted_reply_and_encoded_attachment_names() -> None:
    report = parse_email((SAMPLES / "netease163_attachments.eml").read_bytes(), "163.eml")
    assert report == EmailReport(
        subject="Re:R740 硬盘故障",
        sender_name="陈晓燕",
        sender_address="chenxy@163.com",
        reply_to=None,
        sent_at=datetime(2024, 5, 20, 13, 45, 7, tzinfo=CST),
        message_id="<6f1e2d3c.4b5a.18f94e3c2d1.Coremail.chenxy@163.com>",
        body="你们好，\n附件是故障照片和阵列卡日志，3号机柜R740的硬盘\n槽位5亮黄灯。\n\n--\n陈晓燕 18912345678",
        attachments=("故障.jpg", "阵列卡日志.txt"),  # RFC 2231 utf-8, then RFC 2047 GBK; the .txt is not body
        phones=("18912345678",),
    )


# --- messages built with the standard library --------------------------------------


def test_utf8_message_every_field() -> None:
    message = EmailMessage()
    message["Subject"] = "  3号机柜\t服务器   宕机 "
    message["From"] = Address("张三", addr_spec="zhangsan@bank.example")
    message["Reply-To"] = Address("机房值班", addr_spec="duty@bank.example")
    message["Date"] = format_datetime(datetime(2024, 5, 20, 9, 30, tzinfo=CST))
    message["Message-ID"] = "<abc.123@bank.example>"
    message.set_content("机房3号柜的服务器无法开机。   \n\n\n\n张三\n手机 138 0013 8000   \n\n")
    assert parse(message) == EmailReport(
        subject="3号机柜 服务器 宕机",
        sender_name="张三",
        sender_address="zhangsan@bank.example",
        reply_to="duty@bank.example",
        sent_at=datetime(2024, 5, 20, 9, 30, tzinfo=CST),
        message_id="<abc.123@bank.example>",
        body="机房3号柜的服务器无法开机。\n\n张三\n手机 138 0013 8000",
        attachments=(),
        phones=("13800138000",),
    )


def test_gb2312_header_objects_and_base64_body() -> None:
    message = MIMEText("存储控制器A故障，请处理。\n联系电话 0755-26881234", _charset="gb2312")
    message["Subject"] = Header("存储控制器故障", "gb2312")
    message["From"] = formataddr(("李四", "lisi@corp.example"), charset="gbk")
    raw = message.as_bytes()
    assert b"Subject: =?eucgb2312_cn?b?" in raw and b"Content-Transfer-Encoding: base64" in raw  # the stdlib's label
    report = parse_email(raw, "report.eml")
    assert (report.subject, report.sender_name, report.sender_address) == (
        "存储控制器故障",
        "李四",
        "lisi@corp.example",
    )
    assert report.body == "存储控制器A故障，请处理。\n联系电话 0755-26881234"
    assert report.phones == ("0755-26881234",)
    assert (report.reply_to, report.sent_at, report.message_id, report.attachments) == (None, None, None, ())


def test_gb2312_label_decodes_gb18030_characters_in_headers_and_body() -> None:
    part = MIMEBase("text", "plain", charset="gb2312")
    part.set_payload(base64.encodebytes("朱镕基路机房，联系人王堃。".encode("gb18030")).decode())
    part["Content-Transfer-Encoding"] = "base64"
    part["Subject"] = b_word("镕基路机房断电", "gb18030", "GB2312")
    part["From"] = f"{b_word('王堃', 'gbk', 'gbk')} <wk@corp.example>"
    report = parse_email(part.as_bytes(), "report.eml")
    assert (report.subject, report.sender_name, report.body) == ("镕基路机房断电", "王堃", "朱镕基路机房，联系人王堃。")


def test_gbk_q_encoded_header_and_quoted_printable_utf8_body() -> None:
    q_gbk = email_charset.Charset("gbk")
    q_gbk.header_encoding = email_charset.QP
    qp_utf8 = email_charset.Charset("utf-8")
    qp_utf8.body_encoding = email_charset.QP
    message = MIMEText("UPS 电池组 #2 鼓包，已断开。\n值班 010-62345678", _charset=qp_utf8)
    message["Subject"] = Header("UPS 电池鼓包", q_gbk)
    raw = message.as_bytes()
    assert b"=?gbk?q?" in raw.lower() and b"quoted-printable" in raw
    report = parse_email(raw, "report.eml")
    assert report.subject == "UPS 电池鼓包"
    assert report.body == "UPS 电池组 #2 鼓包，已断开。\n值班 010-62345678"
    assert report.phones == ("010-62345678",)


def test_big5_body_and_subject() -> None:
    message = MIMEText("伺服器當機，請派員處理。", _charset="big5")
    message["Subject"] = Header("伺服器當機", "big5")
    report = parse(message)
    assert (report.subject, report.body) == ("伺服器當機", "伺服器當機，請派員處理。")


def test_encoded_words_joined_split_characters_and_literal_text() -> None:
    utf8 = "服务器宕机".encode()
    first, second = base64.b64encode(utf8[:4]).decode(), base64.b64encode(utf8[4:]).decode()
    subject = f"Re: =?utf-8?B?{first}?=\n =?UTF-8?b?{second}?= (紧急) =?gbk?Q?=B8=E6=BE=AF?=  =?bogus?B?@@@?="
    report = parse_email(raw_message(f"Subject: {subject}\n", b"x"), "report.eml")
    assert report.subject == "Re: 服务器宕机 (紧急) 告警 =?bogus?B?@@@?="


def test_raw_8bit_headers_and_filenames() -> None:
    headers = 'Subject: 空调漏水\r\nFrom: "张三, IT部" <z@corp.example>\r\n'.encode("gbk")
    attachment = (
        b"--b\r\nContent-Type: text/plain\r\n\r\n\xe8\xa7\x81\xe9\x99\x84\xe4\xbb\xb6\r\n"
        b'--b\r\nContent-Type: image/jpeg\r\nContent-Disposition: attachment; filename="'
        + "照片 1.jpg".encode()
        + b'"\r\n\r\nxx\r\n--b--\r\n'
    )
    data = headers + b"Content-Type: multipart/mixed; boundary=b\r\n\r\n" + attachment
    report = parse_email(data, "report.eml")
    assert (report.subject, report.sender_name, report.sender_address) == ("空调漏水", "张三, IT部", "z@corp.example")
    assert (report.body, report.attachments) == ("见附件", ("照片 1.jpg",))


@pytest.mark.parametrize(
    ("charset_line", "body", "expected"),
    [
        ("Content-Type: text/plain", "无字符集的GBK正文".encode("gbk"), "无字符集的GBK正文"),
        ("Content-Type: text/plain; charset=x-unknown", "未知字符集".encode(), "未知字符集"),
        ("Content-Type: text/plain; charset=x-unknown", "未知字符集".encode("gb18030"), "未知字符集"),
        ("Content-Type: text/plain; charset=us-ascii", "标成ASCII".encode("gbk"), "标成ASCII"),
        ("Content-Type: text/plain; charset=utf-8", "标错成UTF-8".encode("gbk"), "标错成UTF-8"),
        ("Content-Type: text/plain; charset=iso-8859-1", "标成Latin-1的UTF-8".encode(), "标成Latin-1的UTF-8"),
        ("Content-Type: text/plain; charset=iso-8859-1", "Müller café".encode("latin-1"), "Müller café"),
        ("Content-Type: text/plain", b"Temp \x80\xff high", "Temp \\x80\xff high"),  # Latin-1; the C1 control escaped
        ('Content-Type: text/plain; charset="GB_2312-80"', "机房".encode("gb2312"), "机房"),
    ],
)
def test_missing_wrong_or_unknown_charset_falls_back(charset_line: str, body: bytes, expected: str) -> None:
    data = raw_message(f"Subject: s\n{charset_line}\nContent-Transfer-Encoding: 8bit\n", body)
    assert parse_email(data, "report.eml").body == expected


def test_decode_bytes_never_raises_on_odd_labels() -> None:
    for label in ("rot13", "base64", "zlib", "idna", "punycode", "utf-8*zh-cn", '"gbk"', "x" * 200, "", None):
        assert isinstance(decode_bytes("故障\xff".encode("utf-8", "surrogateescape") + b"\xff", label), str)


def test_html_only_body_becomes_text() -> None:
    message = EmailMessage()
    message["Subject"] = "html"
    message.set_content(
        "<html><head><title>t</title><style>p {color: red}</style><script>alert(1)</script></head><body>"
        "<p>您好&nbsp;&nbsp;工程师：</p><div>服务器<b>宕机</b>&amp;无法<br>远程登录&lt;ssh&gt;</div>"
        "<table><tr><td>机柜</td><td>A3</td></tr></table><pre>line 1\n  line 2</pre>"
        "<div>在 2024年5月20日 写道：</div><blockquote><p>原邮件 13700001111</p></blockquote>"
        "<p>谢谢</p></body></html>",
        subtype="html",
    )
    report = parse(message)
    assert report.body == "您好  工程师：\n服务器宕机&无法\n远程登录<ssh>\n机柜 A3\nline 1\n  line 2\n谢谢"
    assert report.phones == ()


def test_html_to_text_keeps_blank_lines_of_empty_paragraphs() -> None:
    assert html_to_text("<p>a</p><p>&nbsp;</p><p>b<br><br>c</p>") == "a\n\nb\n\nc"


def test_alternative_prefers_plain_and_falls_back_to_html_when_plain_is_blank() -> None:
    message = EmailMessage()
    message["Subject"] = "alt"
    message.set_content("纯文本版本")
    message.add_alternative("<p>HTML 版本</p>", subtype="html")
    assert parse(message).body == "纯文本版本"
    blank = EmailMessage()
    blank["Subject"] = "alt"
    blank.set_content(" \n \n")
    blank.add_alternative("<p>HTML 版本</p>", subtype="html")
    assert parse(blank).body == "HTML 版本"


def test_mixed_related_alternative_nesting_and_attachment_names() -> None:
    alternative = MIMEMultipart("alternative")
    alternative.attach(MIMEText("请看截图和附件。\n刘工 13512345678", "plain", "utf-8"))
    alternative.attach(MIMEText("<p>请看截图和附件。</p>", "html", "utf-8"))
    related = MIMEMultipart("related")
    related.attach(alternative)
    screenshot = MIMEImage(PNG, "png")
    screenshot.add_header("Content-ID", "<shot>")
    screenshot.add_header("Content-Disposition", "inline", filename="截图.png")
    related.attach(screenshot)
    unnamed_inline = MIMEImage(PNG, "png")
    related.attach(unnamed_inline)
    mixed = MIMEMultipart("mixed")
    mixed["Subject"] = Header("存储故障", "utf-8")
    mixed.attach(related)
    rfc2231 = MIMEApplication(b"PK\x03\x04")
    rfc2231.add_header("Content-Disposition", "attachment", filename=("gbk", "", "阵列日志.zip"))
    mixed.attach(rfc2231)
    rfc2047 = MIMEApplication(b"%PDF-1.4")
    rfc2047.add_header("Content-Disposition", "attachment", filename=Header("维保合同.pdf", "gb2312").encode())
    mixed.attach(rfc2047)
    by_name = MIMEText("log line", "plain", "utf-8")
    by_name.set_param("name", "C:\\Users\\liu\\Desktop\\sel.log")
    mixed.attach(by_name)
    report = parse(mixed)
    assert report.subject == "存储故障"
    assert report.body == "请看截图和附件。\n刘工 13512345678"
    assert report.attachments == ("截图.png", "阵列日志.zip", "维保合同.pdf", "sel.log")
    assert report.phones == ("13512345678",)


def test_email_message_attachment_names_are_rfc2231_encoded_and_decoded() -> None:
    message = EmailMessage()
    message["Subject"] = "附件"
    message.set_content("见附件")
    message.add_attachment(b"data", maintype="application", subtype="vnd.ms-excel", filename="巡检报告（5月）.xlsx")
    assert b"filename*0*=utf-8''" in message.as_bytes()
    assert parse(message).attachments == ("巡检报告（5月）.xlsx",)


def test_forwarded_message_outer_text_wins_and_inner_text_is_the_fallback() -> None:
    inner = MIMEMultipart("mixed")
    inner["Subject"] = "监控告警"
    inner.attach(MIMEText("PSU2 失效 工程师 13700001111", "plain", "utf-8"))
    inner_file = MIMEApplication(b"x")
    inner_file.add_header("Content-Disposition", "attachment", filename="inner.txt")
    inner.attach(inner_file)

    outer = MIMEMultipart("mixed")
    outer["Subject"] = "Fwd: 监控告警"
    outer.attach(MIMEText("请看下面的告警。", "plain", "utf-8"))
    outer.attach(MIMEMessage(inner))
    report = parse(outer)
    assert (report.body, report.attachments, report.phones) == ("请看下面的告警。", (), ())

    bare = MIMEMultipart("mixed")
    bare["Subject"] = "Fwd: 监控告警"
    named = MIMEMessage(inner)
    named.add_header("Content-Disposition", "attachment", filename="告警.eml")
    bare.attach(named)
    report = parse(bare)
    assert (report.body, report.attachments, report.phones) == (
        "PSU2 失效 工程师 13700001111",
        ("告警.eml",),
        ("13700001111",),
    )


ORIGINALS = {
    "outlook-en": (
        "-----Original Message-----\nFrom: Hotline\nSent: Monday, May 20, 2024 9:00 AM\nTo: x\n\nold 13700001111"
    ),
    "outlook-cn": (
        "________________________________\n发件人: 运维中心 <h@x>\n发送时间: 2024年5月20日 9:00\n"
        "收件人: x\n\n旧 13700001111"
    ),
    "outlook-2007": "-----邮件原件-----\n发件人: 运维中心\n发送时间: 2024年5月20日 9:00\n\n旧 13700001111",
    "foxmail": '-----原始邮件-----\n发件人："运维中心"<h@x>\n发送时间：2024年5月20日\n\n旧 13700001111',
    "qq": '------------------ 原始邮件 ------------------\n发件人: "运维中心"<h@x>;\n\n旧 13700001111',
    "outlook-header-only": "\nFrom: Hotline <h@x>\nDate: Mon, 20 May 2024\nSubject: Re: x\n\nold 13700001111",
    "gmail": "On Mon, May 20, 2024 at 9:00 AM Hotline <h@x> wrote:\n> old 13700001111\n>\n>> older",
    "netease": '在 2024-05-20 09:00:00，"运维中心" <h@x> 写道：\n>旧 13700001111\n>旧',
}


@pytest.mark.parametrize("original", ORIGINALS.values(), ids=ORIGINALS.keys())
def test_replied_original_is_cut(original: str) -> None:
    message = EmailMessage()
    message["Subject"] = "Re: 硬盘告警"
    message.set_content(f"仍在告警。\n王工 13912345678\n\n{original}\n")
    report = parse(message)
    assert (report.body, report.phones) == ("仍在告警。\n王工 13912345678", ("13912345678",))


def test_interleaved_reply_keeps_own_lines_and_lone_angle_line() -> None:
    message = EmailMessage()
    message["Subject"] = "Re: x"
    message.set_content("> 请问几点到？\n下午两点。\n>50% 的磁盘使用率告警也请看一下\n-- \n周 13812345678\n")
    assert parse(message).body == "下午两点。\n>50% 的磁盘使用率告警也请看一下\n--\n周 13812345678"


def test_lines_that_only_look_like_headers_are_kept() -> None:
    message = EmailMessage()
    message["Subject"] = "x"
    message.set_content("From: 日志看，PSU 先坏。\n第二行\n\nOriginal 配置已备份")
    assert parse(message).body == "From: 日志看，PSU 先坏。\n第二行\n\nOriginal 配置已备份"


def test_forward_keeps_the_forwarded_original_and_a_reply_of_only_quotes_has_no_text() -> None:
    forward = EmailMessage()
    forward["Subject"] = "转发：机房温度告警"
    forward.set_content("请处理\n\n-----原始邮件-----\n发件人: 监控\n发送时间: 今天\n\n温度 35℃")
    assert parse(forward).body == "请处理\n\n-----原始邮件-----\n发件人: 监控\n发送时间: 今天\n\n温度 35℃"
    quote_only = EmailMessage()
    quote_only["Subject"] = "Re: 巡检"
    quote_only.set_content("> 只有引用\n> 工程师 13700001111")
    assert (parse(quote_only).body, parse(quote_only).phones) == ("", ())


def test_format_flowed_is_unwrapped() -> None:
    data = raw_message(
        "Subject: f\nContent-Type: text/plain; charset=utf-8; format=flowed; delsp=yes\n",
        "第一行很长， \n接着写。\n Stuffed line\n-- \nsig".encode(),
    )
    assert parse_email(data, "report.eml").body == "第一行很长，接着写。\nStuffed line\n--\nsig"


def test_body_is_bounded_and_control_characters_escaped() -> None:
    message = EmailMessage()
    message["Subject"] = "\x1b[31m红色\x1b[0m标题"
    message.set_content("行\x07\n" + "长" * 50_000)
    report = parse(message)
    assert report.subject == "\\x1b[31m红色\\x1b[0m标题"
    assert len(report.body) == MAX_BODY_CHARS and report.body.endswith("…") and report.body.startswith("行\\x07\n长")


@pytest.mark.parametrize(
    ("date", "expected"),
    [
        ("Mon, 20 May 2024 09:30:00 +0800", datetime(2024, 5, 20, 9, 30, tzinfo=CST)),
        ("Mon, 20 May 2024 09:30:00 +0800 (CST)", datetime(2024, 5, 20, 9, 30, tzinfo=CST)),
        ("Mon, 20 May 2024 01:30:00 -0000", datetime(2024, 5, 20, 1, 30, tzinfo=UTC)),
        ("Mon, 20 May 2024 01:30:00", datetime(2024, 5, 20, 1, 30, tzinfo=UTC)),
        ("20 May 2024 01:30 GMT", datetime(2024, 5, 20, 1, 30, tzinfo=UTC)),
        ("2024年5月20日 上午9:30", None),
        ("Mon, 31 Feb 2024 09:30:00 +0800", None),
        ("", None),
    ],
)
def test_date_is_timezone_aware_or_none(date: str, expected: datetime | None) -> None:
    report = parse_email(raw_message(f"Subject: d\nDate: {date}\n", b"x"), "report.eml")
    assert report.sent_at == expected
    assert report.sent_at is None or report.sent_at.utcoffset() == expected.utcoffset()


@pytest.mark.parametrize(
    ("from_", "name", "address"),
    [
        ("zhangsan@bank.example", None, "zhangsan@bank.example"),
        ("<zhangsan@bank.example>", None, "zhangsan@bank.example"),
        ('"=?utf-8?B?5byg5LiJ?=" <zs@bank.example>', "张三", "zs@bank.example"),
        ("=?gbk?B?1cXI/Q==?= =?gbk?B?KElUKQ==?= <zs@bank.example>", "张三(IT)", "zs@bank.example"),
        ("Zhang San <zs@bank.example>, Li Si <ls@bank.example>", "Zhang San", "zs@bank.example"),
        ("张三 zs@bank.example", "张三", "zs@bank.example"),  # raw UTF-8 and no angle brackets
        ("undisclosed-recipients:;", None, None),
    ],
)
def test_sender_name_and_address(from_: str, name: str | None, address: str | None) -> None:
    data = f"Subject: s\r\nFrom: {from_}\r\n\r\nx".encode()
    report = parse_email(data, "report.eml")
    assert (report.sender_name, report.sender_address) == (name, address)


@pytest.mark.parametrize(
    ("text", "phones"),
    [
        ("手机13800138000，再说一遍 138-0013-8000", ("13800138000",)),
        ("+86 139 1234 5678 / 0086-13912345679 / (+86)13912345670", ("13912345678", "13912345679", "13912345670")),
        (
            "电话：010-62345678，(021)6234 5678，0755 2688 1234转801",
            ("010-62345678", "021-62345678", "0755-26881234-801"),
        ),
        ("+86 10 62345678 ext 12 或 86-571-88886666", ("010-62345678-12", "0571-88886666")),
        ("客服 400-810-8888 或 800 820 8820", ("400-810-8888", "800-820-8820")),
        ("１３９１２３４５６７８ （０２０）８７６５４３２１", ("13912345678", "020-87654321")),
        ("SN2102313800138000、SN13800138000X、订单 13800138000123、日期 2024-05-20 10:00", ()),
        ("IP 10.12.34.56，端口 8080，1234-5678，12800138000，010-1234567", ()),
    ],
)
def test_find_phones(text: str, phones: tuple[str, ...]) -> None:
    assert find_phones(text) == phones


def test_phone_in_subject_counts_too() -> None:
    message = EmailMessage()
    message["Subject"] = "服务器宕机 请回电 13800138000"
    message.set_content("如题，另 010-62345678")
    assert parse(message).phones == ("13800138000", "010-62345678")


def test_subject_only_or_body_only_is_enough() -> None:
    assert parse_email(b"Subject: only a subject\r\n\r\n", "s.eml").body == ""
    assert parse_email(b"From: a@b.example\r\n\r\nonly a body", "s.eml").subject == ""


# --- bad input ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b" \r\n\t\r\n", "empty"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n", "no e-mail headers"),
        (b"\x00\x01\x02\xff\xfe\xfd random", "no e-mail headers"),
        (b"Name: Zhang\r\nRack: A3\r\n\r\nnot mail", "no e-mail headers"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, ".msg"),
        (b"From: a@b.example\r\nTo: c@d.example\r\n\r\n", "neither a subject nor any text"),
        (b"Subject:   \r\n\r\n \r\n\r\n> \r\n", "neither a subject nor any text"),
        (b"Subject:\r\nContent-Type: image/png; name=a.png\r\n\r\nxxxx", "neither a subject nor any text"),
    ],
)
def test_bad_input_is_one_usage_error_naming_the_file(data: bytes, reason: str) -> None:
    with pytest.raises(UsageError) as caught:
        parse_email(data, "故障报告.eml")
    message = str(caught.value)
    assert message.startswith("invalid e-mail 故障报告.eml: ") and reason in message and "\n" not in message


def test_deep_nesting_and_many_parts_do_not_crash() -> None:
    deep = b"".join(b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i) for i in range(3000))
    for data in (
        b"Subject: deep\r\n" + deep,
        b"Subject: wide\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n"
        + b"--b\r\nContent-Type: text/plain\r\n\r\nx\r\n" * 5000
        + b"--b--\r\n",
    ):
        try:
            report = parse_email(data, "deep.eml")
        except UsageError:
            continue
        assert report.subject in {"deep", "wide"} and len(report.body) <= MAX_BODY_CHARS


FRAGMENTS = [
    b"From: ",
    b"Subject: ",
    b"Date: ",
    b"Reply-To: ",
    b"Message-ID: <",
    b"\r\n",
    b"\r\n\r\n",
    b"\n",
    b" ",
    b"\t",
    b"MIME-Version: 1.0\r\n",
    b'Content-Type: multipart/mixed; boundary="b"\r\n',
    b"Content-Type: multipart/alternative",
    b"Content-Type: text/html; charset=gb2312\r\n",
    b"Content-Type: message/rfc822\r\n",
    b"; charset=",
    b"x-unknown",
    b"Content-Transfer-Encoding: base64\r\n",
    b"Content-Transfer-Encoding: quoted-printable\r\n",
    b"x-uuencode",
    b"Content-Disposition: attachment; ",
    b"filename*0*=utf-8''%E6%95",
    b"filename*1*=%85",
    b'name="=?gbk?B?',
    b"--b\r\n",
    b"--b--\r\n",
    b"=?gb2312?B?",
    b"=?utf-8?Q?=E6=",
    b"?=",
    b"<br>&nbsp;<blockquote>",
    b"</blockquote>",
    b"<script>",
    b"&#xD800;",
    b"&#99999999;",
    b"> ",
    "-----原始邮件-----\n发件人: x\n发送时间: y".encode(),
    b"13800138000",
    b"+86 ",
    b"(010)",
    b"Mon, 20 May 2024 99:99:99 +9999",
    b"begin 644 x\r\n",
    b"\xff\xfe",
    b"\xe9F",
    b"=\r\n",
    b"==",
    b"format=flowed",
    b"delsp=yes",
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2000))
def test_random_bytes_parse_or_raise_usage_error(data: bytes) -> None:
    try:
        report = parse_email(data, "fuzz.eml")
    except UsageError as error:
        assert "\n" not in str(error)
    else:
        assert isinstance(report, EmailReport) and (report.subject or report.body)


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.sampled_from(FRAGMENTS), st.binary(max_size=12)), max_size=80).map(b"".join))
def test_mail_shaped_garbage_parses_or_raises_usage_error(data: bytes) -> None:
    try:
        report = parse_email(b"Subject: fuzz\r\n" + data if data[:1] == b"x" else data, "fuzz.eml")
    except UsageError as error:
        assert "\n" not in str(error)
    else:
        assert len(report.body) <= MAX_BODY_CHARS
        for text in (report.subject, report.body, *report.attachments, *report.phones):
            text.encode("utf-8")  # no lone surrogates reach the database or the terminal


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=500))
def test_html_and_phone_helpers_take_any_text(text: str) -> None:
    assert isinstance(html_to_text(text), str)
    assert all(isinstance(phone, str) for phone in find_phones(text))
