"""What the form says, in one language, before any format draws it.

PDF, HTML and Markdown all render one ``Sheet``: the sections, their labels
and their values already worded and formatted (times in the site's zone,
durations, stars). So the three formats cannot disagree about what a form
contains, and each renderer only decides how it looks. An empty string is a
blank the engineer or the customer fills in by hand on the printed form;
no value ever reads "None".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from dcmaint.domain.text import escape
from dcmaint.forms.labels import code, label
from dcmaint.forms.model import FormData, image_type

BLANK = ""


@dataclass(frozen=True)
class Field:
    label: str
    value: str  # BLANK: a line to write on
    wide: bool = False  # takes a whole row (addresses, comments)

    def __post_init__(self) -> None:  # the form's edge: every value is escaped once here, for every format
        object.__setattr__(self, "label", escape(self.label))
        object.__setattr__(self, "value", escape(self.value))


@dataclass(frozen=True)
class Fields:
    fields: tuple[Field, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]  # at least one row: blank rows when there is nothing to list
    widths: tuple[int, ...]  # relative column widths, summing to 100

    def __post_init__(self) -> None:
        object.__setattr__(self, "header", tuple(escape(cell) for cell in self.header))
        object.__setattr__(self, "rows", tuple(tuple(escape(cell) for cell in row) for row in self.rows))


@dataclass(frozen=True)
class Text:
    body: str  # BLANK: ruled lines to write on

    def __post_init__(self) -> None:
        object.__setattr__(self, "body", escape(self.body))


@dataclass(frozen=True)
class Signature:
    label: str
    image: bytes | None  # None: a line to sign on paper
    mime: str | None

    def __post_init__(self) -> None:
        object.__setattr__(self, "label", escape(self.label))


CHART_KINDS = ("bar", "line")


@dataclass(frozen=True)
class Chart:
    """Numbers a reader would rather look at than read: health by system, findings by class, a trend.

    ``kind`` "bar" sets the series side by side per category; "line" draws a trend over the categories in
    their order (inspections, months). Every format shows the data as :meth:`as_table` too, so a chart
    never hides a figure (Markdown has only the table).
    """

    title: str
    kind: str
    categories: tuple[str, ...]
    series: tuple[tuple[str, tuple[float, ...]], ...]  # (name, one value per category)
    unit: str = ""
    axis: str = ""  # what the categories are ("设备类别", "月份"): the data table's first heading

    def __post_init__(self) -> None:
        # labels name devices, sites and customers: escaped like every value (a chart's SVG keeps its text)
        for name in ("title", "unit", "axis"):
            object.__setattr__(self, name, escape(getattr(self, name)))
        object.__setattr__(self, "categories", tuple(escape(category) for category in self.categories))
        object.__setattr__(self, "series", tuple((escape(name), values) for name, values in self.series))
        if self.kind not in CHART_KINDS:
            raise ValueError(f"chart kind must be one of {CHART_KINDS}, not {self.kind!r}")
        for name, values in self.series:
            if len(values) != len(self.categories):
                raise ValueError(f"series {name!r} has {len(values)} values for {len(self.categories)} categories")

    def as_table(self, category_label: str | None = None) -> Table:
        """The chart's data: a row per category, a column per series (values as shown: 85, 92.5).

        The first heading is ``category_label``, else the chart's ``axis``.
        """
        category_label = self.axis if category_label is None else category_label
        names = tuple(f"{name} ({self.unit})" if self.unit else name for name, _values in self.series)
        columns = len(names) + 1
        first = 100 - (100 // columns) * (columns - 1)
        return Table(
            (category_label, *names),
            tuple(
                (category, *(f"{values[i]:g}" for _name, values in self.series))
                for i, category in enumerate(self.categories)
            )
            or ((BLANK,) * columns,),
            (first, *([100 // columns] * (columns - 1))),
        )


Block = Fields | Table | Text | Signature | Chart


@dataclass(frozen=True)
class Section:
    title: str
    blocks: tuple[Block, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "title", escape(self.title))


@dataclass(frozen=True)
class Sheet:
    """A whole document: a maintenance form, an inspection report, a device file, a monthly report.

    ``reference`` is what the document is about and ``reference_label`` its label (工单号 T-2026-000042,
    巡检 R-12, 设备 db01, 月份 2026-11): shown in the heading and in every page's footer.
    """

    lang: str
    title: str
    reference: str
    reference_label: str
    timezone_note: str  # "时区：Asia/Shanghai"
    page_label: str  # with {page} and {pages}
    sections: tuple[Section, ...]

    def __post_init__(self) -> None:  # a heading names a device or a ticket: escaped like every value
        for name in ("title", "reference", "reference_label", "timezone_note", "page_label"):
            object.__setattr__(self, name, escape(getattr(self, name)))


DEVICE_WIDTHS = (16, 10, 12, 18, 23, 21)
PART_WIDTHS = (8, 14, 11, 18, 22, 27)
BLANK_PART_ROWS = 2  # room to write parts by hand when none were recorded


def build(form: FormData, lang: str) -> Sheet:
    """Word every value of ``form`` in ``lang`` (``zh`` or ``en``)."""
    zone = ZoneInfo(form.timezone)

    def t(key: str) -> str:
        return label(lang, key)

    def when(value: datetime | None) -> str:
        return value.astimezone(zone).strftime("%Y-%m-%d %H:%M") if value is not None else BLANK

    def span(value: timedelta | None) -> str:
        return duration(value, lang) if value is not None else BLANK

    separator = "：" if lang == "zh" else ": "
    return Sheet(
        lang=lang,
        title=t("title"),
        reference=form.ticket,
        reference_label=t("ticket"),
        timezone_note=f"{t('timezone')}{separator}{form.timezone}",
        page_label=t("page"),
        sections=(
            Section(
                t("sec_customer"),
                (
                    Fields(
                        (
                            Field(t("customer"), form.customer),
                            Field(t("contract_no"), _text(form.contract_no)),
                            Field(t("site"), form.site),
                            Field(t("severity"), code(lang, "severity", form.severity)),
                            Field(t("site_address"), _text(form.site_address), wide=True),
                            Field(t("source"), code(lang, "source", form.source)),
                            Field(t("caller"), _text(form.caller)),
                            Field(t("contact"), _text(form.contact)),
                        )
                    ),
                ),
            ),
            Section(t("sec_devices"), (_devices(form, lang),)),
            Section(t("sec_fault"), (Text(form.fault.strip()),)),
            Section(
                t("sec_handling"),
                (
                    Fields(
                        (
                            Field(t("reported_at"), when(form.reported_at)),
                            Field(t("started_at"), when(form.started_at)),
                            Field(t("restored_at"), when(form.restored_at) if form.restored_at else t("not_restored")),
                            Field(
                                t("handling"),
                                code(lang, "handling", form.handling) if form.handling else t("handling_blank"),
                            ),
                            Field(t("sla_target"), t("sla_hours").format(hours=form.sla_hours), wide=True),
                            Field(t("sla_result"), _sla(form, lang), wide=True),
                        )
                    ),
                ),
            ),
            Section(t("sec_actions"), (Text(_text(form.actions).strip()),)),
            Section(
                t("sec_parts"),
                (
                    _parts(form, lang),
                    Fields(
                        (
                            Field(t("engineer"), _text(form.engineer)),
                            Field(t("time_spent"), span(form.time_spent)),
                        )
                    ),
                ),
            ),
            Section(
                t("sec_signoff"),
                (
                    Fields(
                        (
                            Field(t("signed_by"), _text(form.signed_by)),
                            Field(t("signed_at"), when(form.signed_at)),
                            Field(t("score"), stars(form.score) if form.score is not None else t("score_blank")),
                            Field(t("comment"), _text(form.comment), wide=True),
                        )
                    ),
                    Signature(
                        t("signature"),
                        form.signature_png,
                        image_type(form.signature_png) if form.signature_png else None,
                    ),
                ),
            ),
            Section(
                t("sec_verified"),
                (
                    Fields(
                        (
                            Field(t("verified_by"), _text(form.verified_by)),
                            Field(t("verified_at"), when(form.verified_at)),
                        )
                    ),
                ),
            ),
        ),
    )


def stars(score: int) -> str:
    """``4`` -> ``★★★★☆ 4/5``: the stars for the eye, the number for whoever tallies KPIs."""
    return "★" * score + "☆" * (5 - score) + f" {score}/5"


def duration(value: timedelta, lang: str) -> str:
    """Hours and minutes, never days, since the SLA is counted in hours: ``30小时5分``, ``2 h``, ``45 min``."""
    hours, minutes = divmod(max(int(value.total_seconds()) // 60, 0), 60)
    key = "duration_minutes" if not hours else "duration_hours" if not minutes else "duration"
    return label(lang, key).format(hours=hours, minutes=minutes)


def _text(value: str | None) -> str:
    return value if value is not None else BLANK


def _sla(form: FormData, lang: str) -> str:
    """The verdict with its figures: "达成（用时 10小时25分；暂停 2小时，不计入）"."""
    notes = []
    if form.sla_elapsed is not None:
        notes.append(label(lang, "elapsed").format(elapsed=duration(form.sla_elapsed, lang)))
    if form.sla_paused > timedelta(0):
        notes.append(label(lang, "paused").format(paused=duration(form.sla_paused, lang)))
    if form.sla_met is True:
        verdict = label(lang, "met")
    elif form.sla_met is False:
        verdict = label(lang, "not_met")
    elif form.restored_at is None:
        verdict = label(lang, "not_restored")
    else:
        verdict = BLANK
    if not notes:
        return verdict
    detail = label(lang, "list_separator").join(notes)
    return verdict + label(lang, "brackets").format(text=detail) if verdict else detail


def _devices(form: FormData, lang: str) -> Table:
    header = tuple(
        label(lang, k) for k in ("dev_name", "dev_kind", "dev_vendor", "dev_model", "dev_serial", "dev_location")
    )
    rows = tuple(
        (d.name, code(lang, "kind", d.kind), _text(d.vendor), _text(d.model), _text(d.serial), _text(d.location))
        for d in form.devices
    ) or ((BLANK,) * len(header),)
    return Table(header, rows, DEVICE_WIDTHS)


def _parts(form: FormData, lang: str) -> Table:
    header = tuple(
        label(lang, k)
        for k in ("part_direction", "part_device", "part_slot", "part_number", "part_serial", "part_description")
    )
    rows = (
        tuple(
            (
                code(lang, "direction", p.direction),
                p.device,
                p.slot,
                _text(p.part_number),
                _text(p.serial),
                _text(p.description),
            )
            for p in form.parts
        )
        or ((BLANK,) * len(header),) * BLANK_PART_ROWS
    )
    return Table(header, rows, PART_WIDTHS)
