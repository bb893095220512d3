"""The letters about an order, as DOCX (python-docx) and PDF (WeasyPrint), from one description.

`letter_content(letter, ...)` describes a letter as blocks (paragraphs, headings, tables, lists);
`letter_docx` and `letter_pdf` render the same blocks, so both files say the same thing. The
figures come from the letter's snapshot (hours ordered and credited when it was drafted). A letter
leaves the office: a child client is named by initials (clients.masking's rule for anything that
leaves the office), an adult by the full name.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _
from lokal import format_rupiah

from aksalarasa.accounts.models import User
from aksalarasa.sentences import compliance
from aksalarasa.sentences.models import ComplianceEvent, ConditionCheck, SentenceLetter, SentenceOrder


@dataclass
class Block:
    kind: str  # "h", "p", "bullets", "table"
    text: str = ""
    items: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class LetterContent:
    title: str
    letterhead: list[str]
    number: str
    subject: str
    addressee: list[str]
    blocks: list[Block]
    place_date: str
    signer_position: str
    signer_name: str
    signer_nip: str
    known_by: list[str] = field(default_factory=list)

    def text(self) -> str:
        """Every line of the letter as plain text (what tests and search read)."""
        lines = [*self.letterhead, self.number, self.subject, *self.addressee]
        for block in self.blocks:
            lines += [block.text, *block.items, " | ".join(block.header)]
            lines += [" | ".join(row) for row in block.rows]
        lines += [self.place_date, self.signer_position, self.signer_name, self.signer_nip, *self.known_by]
        return "\n".join(line for line in lines if line)


def day(value: date | None) -> str:
    return formats.date_format(value, "DATE_FORMAT") if value else "—"


def num(value: Decimal) -> str:
    """A number as the reader writes it, without trailing zeros: 37,5 (id) or 37.5 (en)."""
    return formats.number_format(Decimal(compliance.plain(value)), use_l10n=True)


def person(order: SentenceOrder) -> str:
    client = order.client
    return client.initials if client.is_child else client.full_name


def _head(order: SentenceOrder) -> User | None:
    return (
        User.objects.filter(office_id=order.office_id, role_office_head=True, is_active=True)
        .order_by("pk")
        .first()
    )


def _letterhead(order: SentenceOrder) -> list[str]:
    office = order.office
    regional = getattr(office, "regional_office", None)
    contact = " · ".join(x for x in (office.phone, office.email) if x)
    return [x for x in (regional.name if regional else "", office.name, office.address, contact) if x]


def part_left(letter: SentenceLetter) -> compliance.PartLeft:
    order = letter.order
    return compliance.PartLeft(
        letter.minutes_ordered, letter.minutes_credited, order.replaced_prison_days, order.replaced_fine
    )


def arithmetic_lines(part: compliance.PartLeft) -> list[str]:
    """The arithmetic of the part left, one line per replaced sentence, and how it is rounded."""
    lines = []
    base = _("%(missing)s of %(ordered)s hours missing = %(percent)s %%") % {
        "missing": num(part.hours_missing),
        "ordered": num(part.hours_ordered),
        "percent": num(part.percent),
    }
    if part.prison_days is not None:
        lines.append(
            _("%(base)s of %(days)s replaced days of prison = %(left)s days")
            % {
                "base": base,
                "days": part.replaced_prison_days,
                "left": num(part.prison_days),
            }
        )
    if part.fine is not None:
        lines.append(
            _("%(base)s of the replaced fine of %(fine)s = %(left)s")
            % {
                "base": base,
                "fine": format_rupiah(part.replaced_fine or 0),
                "left": format_rupiah(part.fine),
            }
        )
    if not lines:
        lines.append(base)
    lines.append(
        _(
            "Rounding: the share is computed exactly from the minutes; percentages and days are shown to two "
            "decimals, rounded half up, and rupiah to the whole rupiah, rounded half up. The court decides "
            "what is finally served or paid."
        )
    )
    return lines


def _figures(letter: SentenceLetter) -> Block:
    part = part_left(letter)
    order = letter.order
    rows = [
        [_("Hours ordered"), num(part.hours_ordered)],
        [_("Hours done (hours ledger)"), num(part.hours_done)],
        [_("Hours missing"), num(part.hours_missing)],
    ]
    if order.replaced_prison_days:
        rows.append([_("Replaced prison term"), _("%(n)s days") % {"n": order.replaced_prison_days}])
    if order.replaced_fine:
        rows.append([_("Replaced fine"), format_rupiah(order.replaced_fine)])
    return Block("table", header=[_("Figure"), _("Value")], rows=rows)


def _decision_line(order: SentenceOrder) -> str:
    return _(
        "%(court)s decision number %(number)s of %(date)s (case %(case)s), %(article)s, from %(start)s to %(end)s"
    ) % {
        "court": order.court,
        "number": order.decision_number,
        "date": day(order.decision_date),
        "case": order.case_number,
        "article": order.article,
        "start": day(order.start_date),
        "end": day(order.end_date),
    }


def _events_table(events: list[ComplianceEvent]) -> Block:
    rows = [
        [
            day(e.occurred_on),
            str(e.get_kind_display()) + (f" ({e.minutes_late} {_('min')})" if e.minutes_late else ""),
            _("Yes") if e.valid_reason else _("No"),
            e.reason or "—",
            e.evidence_note or (_("file kept at the office") if e.evidence_file else "—"),
        ]
        for e in events
    ]
    return Block(
        "table",
        header=[_("Date"), _("Outcome"), _("Valid reason"), _("Reason given"), _("Evidence")],
        rows=rows,
    )


def _options(letter: SentenceLetter) -> Block:
    items = []
    for value, label in SentenceLetter.Option.choices:
        mark = "☒" if letter.option == value else "☐"
        items.append(f"{mark} {label}")
    return Block("bullets", items=items)


def letter_content(
    letter: SentenceLetter,
    *,
    events: list[ComplianceEvent],
    checks: list[ConditionCheck],
    warning_ordinal: int = 1,
) -> LetterContent:
    order = letter.order
    name = person(order)
    office = order.office
    head = _head(order)
    signer = letter.drafted_by
    blocks: list[Block] = []
    known_by: list[str] = []
    number = f"{_('Number')}: {letter.number or '……'}"
    identity = _("%(name)s, register number %(register)s") % {
        "name": name,
        "register": order.client.register_number,
    }
    if letter.kind == SentenceLetter.Kind.WARNING:
        event = letter.event
        title = _("Warning letter")
        subject = _("Warning %(n)s about community service") % {"n": warning_ordinal}
        addressee = [_("To"), name]
        what = event.get_kind_display() if event else ""
        blocks.append(
            Block(
                "p",
                _(
                    "You are serving community service under %(decision)s. On %(date)s you were recorded as: "
                    "%(what)s, without a valid reason."
                )
                % {
                    "decision": _decision_line(order),
                    "date": day(event.occurred_on if event else None),
                    "what": what,
                },
            )
        )
        blocks.append(_figures(letter))
        blocks.append(
            Block(
                "p",
                _(
                    "Events without a valid reason so far: %(n)s. After %(threshold)s, your PK reports to the "
                    "prosecutor, and you may be ordered to repeat all or part of the community service, to serve "
                    "all or part of the replaced prison term, or to pay all or part of the replaced fine (UU "
                    "1/2023 Art. 85(7)). Contact your PK if you have a reason we do not know of."
                )
                % {"n": letter.unexcused_events, "threshold": compliance.breach_threshold()},
            )
        )
        position = _("Probation officer (PK)")
    elif letter.kind == SentenceLetter.Kind.BREACH_REPORT:
        part = part_left(letter)
        title = _("Breach report")
        subject = _("Report of a breach of community service by %(name)s") % {"name": name}
        addressee = [_("To the Head of"), order.prosecutor_office]
        blocks.append(
            Block(
                "p",
                _(
                    "We report that %(identity)s, sentenced to %(hours)s hours of community service by "
                    "%(decision)s, has not carried out all of it without a valid reason (UU 1/2023 Art. 85(7))."
                )
                % {"identity": identity, "hours": num(part.hours_ordered), "decision": _decision_line(order)},
            )
        )
        blocks.append(Block("h", _("Hours ordered, done and missing")))
        blocks.append(_figures(letter))
        blocks.append(Block("h", _("The part left")))
        blocks.append(Block("bullets", items=arithmetic_lines(part)))
        blocks.append(Block("h", _("Non-compliance recorded")))
        blocks.append(_events_table(events))
        blocks.append(Block("h", _("The options of UU 1/2023 Art. 85(7)")))
        blocks.append(_options(letter))
        blocks.append(Block("h", _("The PK's recommendation")))
        blocks.append(Block("p", letter.recommendation))
        position = _("Probation officer (PK)")
        known_by = [
            _("Known by"),
            _("Head of %(office)s") % {"office": office.name},
            head.full_name if head else "……",
        ]
    elif letter.kind == SentenceLetter.Kind.COMPLETION:
        title = _("Completion letter")
        subject = _("Completion of the sentence of %(name)s") % {"name": name}
        addressee = [_("To the Head of"), order.prosecutor_office, _("and the Head of"), order.court]
        if order.is_community_service:
            part = part_left(letter)
            blocks.append(
                Block(
                    "p",
                    _(
                        "We report that %(identity)s has completed the %(hours)s hours of community service "
                        "ordered by %(decision)s. The hours ledger holds %(done)s hours."
                    )
                    % {
                        "identity": identity,
                        "hours": num(part.hours_ordered),
                        "decision": _decision_line(order),
                        "done": num(part.hours_done),
                    },
                )
            )
            blocks.append(_figures(letter))
        else:
            violations = [c for c in checks if c.result == ConditionCheck.Result.VIOLATED]
            blocks.append(
                Block(
                    "p",
                    _(
                        "We report that %(identity)s has completed the supervision ordered by %(decision)s: "
                        "%(checks)s condition checks, %(violations)s violations recorded."
                    )
                    % {
                        "identity": identity,
                        "decision": _decision_line(order),
                        "checks": len(checks),
                        "violations": len(violations),
                    },
                )
            )
        blocks.append(
            Block(
                "p",
                _("The order was closed on %(date)s.") % {"date": day(order.closed_on or letter.drafted_on)},
            )
        )
        position = _("Head of %(office)s") % {"office": office.name}
        signer = head or signer
    else:
        title = _("Advice on the supervision")
        extend = letter.advice == SentenceLetter.Advice.EXTEND
        subject = (
            _("Advice to extend the supervision of %(name)s")
            if extend
            else _("Advice to shorten the supervision of %(name)s")
        ) % {"name": name}
        addressee = [_("To the Head of"), order.prosecutor_office]
        blocks.append(
            Block(
                "p",
                _("Concerning %(identity)s, under %(decision)s.")
                % {"identity": identity, "decision": _decision_line(order)},
            )
        )
        blocks.append(Block("h", _("Condition checks")))
        blocks.append(
            Block(
                "table",
                header=[_("Date"), _("Condition"), _("Result"), _("Valid reason"), _("Note")],
                rows=[
                    [
                        day(c.checked_on),
                        f"{c.get_condition_display()}: {c.condition_text}",
                        str(c.get_result_display()),
                        (_("Yes") if c.valid_reason else _("No"))
                        if c.result == ConditionCheck.Result.VIOLATED
                        else "—",
                        c.note or "—",
                    ]
                    for c in checks
                ],
            )
        )
        months = letter.advice_months or 0
        if extend:
            text = _(
                "Under UU 1/2023 Art. 76(5), the PK advises the prosecutor to propose to the judge an extension "
                "of the supervision by %(n)s months, from %(period)s to %(total)s months."
            ) % {"n": months, "period": order.period_months, "total": order.period_months + months}
        else:
            text = _(
                "Under UU 1/2023 Art. 76(6), the PK advises the prosecutor to propose to the judge to shorten "
                "the supervision by %(n)s months, from %(period)s to %(total)s months, for good behaviour."
            ) % {"n": months, "period": order.period_months, "total": order.period_months - months}
        blocks.append(Block("h", _("Advice")))
        blocks.append(Block("p", text))
        blocks.append(Block("h", _("The PK's consideration")))
        blocks.append(Block("p", letter.recommendation))
        position = _("Probation officer (PK)")
        known_by = [
            _("Known by"),
            _("Head of %(office)s") % {"office": office.name},
            head.full_name if head else "……",
        ]
    return LetterContent(
        title=str(title),
        letterhead=_letterhead(order),
        number=number,
        subject=str(subject),
        addressee=[str(a) for a in addressee],
        blocks=blocks,
        place_date=f"{office.name}, {day(letter.drafted_on)}",
        signer_position=str(position),
        signer_name=signer.full_name if signer else "……",
        signer_nip=_("NIP %(nip)s") % {"nip": signer.nip if signer and signer.nip else "……"},
        known_by=[str(k) for k in known_by],
    )


def letter_docx(content: LetterContent) -> bytes:
    from docx import Document

    doc = Document()
    doc.core_properties.title = content.title
    for line in content.letterhead:
        _para(doc, line, "Heading2")
    doc.add_paragraph(content.number)
    doc.add_paragraph(f"{_('Subject')}: {content.subject}")
    for line in content.addressee:
        doc.add_paragraph(line)
    for block in content.blocks:
        if block.kind == "h":
            _para(doc, block.text, "Heading3")
        elif block.kind == "p":
            doc.add_paragraph(block.text)
        elif block.kind == "bullets":
            for item in block.items:
                _para(doc, item, "ListBullet")
        elif block.kind == "table":
            table = doc.add_table(rows=1, cols=len(block.header))
            table._tbl.tblPr.style = "TableGrid"
            for cell, text in zip(table.rows[0].cells, block.header, strict=True):
                cell.text = text
            for row in block.rows:
                for cell, text in zip(table.add_row().cells, row, strict=True):
                    cell.text = text
    for line in (content.place_date, content.signer_position, "", content.signer_name, content.signer_nip):
        doc.add_paragraph(line)
    for line in content.known_by:
        doc.add_paragraph(line)
    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def _para(doc, text: str, style_id: str):
    paragraph = doc.add_paragraph(text)
    paragraph._p.style = style_id
    return paragraph


def letter_pdf(content: LetterContent) -> bytes:
    from weasyprint import HTML

    html = render_to_string("sentences/letter.html", {"letter": content})
    return HTML(string=html).write_pdf()
