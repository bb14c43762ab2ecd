"""The words a notice or diffusion is shown and printed with in the portal's four languages
(its kind, state, fields, choices, flags and history), its content laid out as labelled
sections, and its printable sheet: the `NoticeSheet` that `sheet.render_pdf` prints, with
the identity of its subject read from the person's record when the principal sees it.

Labels are marked with N_() so that the portal's catalogs carry them, and translated here
with the portal's gettext; the content stays as the requester entered it. The portal's pages
(the notice's page, its printable page) and the command line's `notices pdf` all read from
here, so a notice reads the same wherever it is shown."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from bluebridge.access import records as record_access
from bluebridge.access.principal import Principal
from bluebridge.members import reference
from bluebridge.notices import content as rules
from bluebridge.notices.enums import COLOURS, Kind, SubjectRole
from bluebridge.notices.models import Notice
from bluebridge.notices.sheet import NoticeSheet, SheetField, SheetSection, render_pdf
from bluebridge.records.models import Record, RecordLink
from bluebridge.text import is_ascii_number
from bluebridge.web import i18n
from bluebridge.web.i18n import N_
from bluebridge.web.i18n import gettext as _

if TYPE_CHECKING:
    from bluebridge.notices.service import NoticeView

# ---------------------------------------------------------------- kinds and states

KIND_LABELS: Final[Mapping[str, str]] = {
    "notice": N_("Notice"),
    "diffusion": N_("Diffusion"),
}

NOTICE_TYPE_LABELS: Final[Mapping[str, str]] = {
    "red": N_("Red notice"),
    "yellow": N_("Yellow notice"),
    "blue": N_("Blue notice"),
    "black": N_("Black notice"),
    "green": N_("Green notice"),
    "orange": N_("Orange notice"),
    "purple": N_("Purple notice"),
    "silver": N_("Silver notice"),
    "un": N_("INTERPOL-United Nations Security Council Special Notice"),
}
DIFFUSION_TYPE_LABELS: Final[Mapping[str, str]] = {
    "wanted": N_("Wanted person diffusion"),
    "missing": N_("Missing person diffusion"),
    "information": N_("Request for information diffusion"),
    "warning": N_("Warning diffusion"),
}

STATUS_LABELS: Final[Mapping[str, str]] = {
    "draft": N_("Draft"),
    "submitted": N_("Submitted"),
    "in_review": N_("In review"),
    "information_requested": N_("Information requested"),
    "published": N_("Published"),
    "refused": N_("Refused"),
    "circulated": N_("Circulated"),
    "cancelled": N_("Cancelled"),
    "withdrawn": N_("Withdrawn"),
    "expired": N_("Expired"),
}

REVIEW_STATE_LABELS: Final[Mapping[str, str]] = {
    "none": N_("Not under review"),
    "pending": N_("Awaiting a compliance decision"),
    "compliant": N_("Found compliant"),
    "non_compliant": N_("Found non-compliant"),
    "information_requested": N_("Information requested from the requester"),
}

DECISION_LABELS: Final[Mapping[str, str]] = {
    "publish": N_("Publish (compliant)"),
    "request_information": N_("Request information"),
    "refuse": N_("Refuse (non-compliant)"),
}
# The dashboard counts decisions by outcome, named as the events name them.
OUTCOME_LABELS: Final[Mapping[str, str]] = {
    "publish": N_("Published or found compliant"),
    "request_information": N_("Information requested"),
    "refuse": N_("Refused or withdrawn"),
}

EVENT_LABELS: Final[Mapping[str, str]] = {
    "create": N_("Drafted"),
    "change": N_("Changed"),
    "submit": N_("Submitted for review"),
    "check": N_("Automatic checks passed; in the review queue"),
    "send": N_("Sent to the recipients"),
    "decide.publish": N_("Decision: published or compliant"),
    "decide.request_information": N_("Decision: information requested"),
    "decide.refuse": N_("Decision: refused or withdrawn as non-compliant"),
    "cancel": N_("Cancelled"),
    "withdraw": N_("Withdrawn"),
    "extend": N_("Extended by five years"),
    "renewal_asked": N_("Renewal asked: expires within six months"),
    "expire": N_("Expired"),
    "acknowledge": N_("Receipt acknowledged"),
    "convert": N_("Turned into a notice request"),
}

ROLE_LABELS: Final[Mapping[str, str]] = {
    "subject": N_("Subject"),
    "document": N_("Document"),
    "biometric": N_("Biometric record"),
    "object": N_("Object"),
    "asset": N_("Asset"),
}

ACCESS_MODE_LABELS: Final[Mapping[str, str]] = {
    "all_members": N_("All member countries"),
    "listed": N_("Only the countries listed"),
    "all_except": N_("All member countries except those listed"),
}

# What a notice asks of an officer who meets its subject: the texts of enums.ASKS and
# enums.DIFFUSION_ASKS, marked here so that the catalogs carry them.
ASKS_TEXTS: Final = (
    N_("locate and provisionally arrest the person, pending extradition"),
    N_("a missing person: make sure they are safe and tell the requesting NCB"),
    N_("collect information on the person's identity, location or activities"),
    N_("an unidentified body: send any identifying information"),
    N_("a warning: the person's criminal activity is a risk to public safety"),
    N_("an imminent threat: take protective measures and report at once"),
    N_("a modus operandi, object or concealment method: report any match"),
    N_("locate and identify the assets; report, do not seize without a request"),
    N_("UN Security Council sanctions apply: enforce the listed measures"),
    N_("wanted: locate the person and tell the requesting NCB before acting"),
    N_("collect information on the person and send it to the requesting NCB"),
)

# ---------------------------------------------------------------- the content's fields

# Labels by dotted path without list indices ("offences.category" for offences.0.category).
FIELD_LABELS: Final[Mapping[str, str]] = {
    "summary": N_("Summary"),
    "facts": N_("Facts of the case"),
    "offences": N_("Offences"),
    "offences.category": N_("Category of offence"),
    "offences.description": N_("Description of the offence"),
    "offences.legal_provision": N_("Legal provision"),
    "offences.committed_on": N_("Date committed"),
    "offences.place": N_("Place committed"),
    "offences.max_penalty_months": N_("Maximum penalty (months)"),
    "offences.life_imprisonment": N_("Punishable by life imprisonment"),
    "offences.death_penalty": N_("May carry the death penalty"),
    "purpose": N_("Purpose"),
    "legal_basis": N_("Legal basis"),
    "legal_basis.kind": N_("Kind of decision"),
    "legal_basis.reference": N_("Reference of the warrant or judgement"),
    "legal_basis.date": N_("Date issued"),
    "legal_basis.authority": N_("Issuing authority"),
    "sentence": N_("Sentence"),
    "sentence.imposed_months": N_("Sentence imposed (months)"),
    "sentence.remaining_months": N_("Left to serve (months)"),
    "disappearance": N_("Disappearance"),
    "disappearance.date": N_("Date of disappearance"),
    "disappearance.place": N_("Place of disappearance"),
    "disappearance.circumstances": N_("Circumstances"),
    "body": N_("Body found"),
    "body.date": N_("Date found"),
    "body.place": N_("Place found"),
    "body.sex": N_("Sex"),
    "body.estimated_age": N_("Estimated age"),
    "body.description": N_("Description of the body"),
    "body.identifiers": N_("What may identify the body"),
    "body.identifiers.kind": N_("Kind of identifier"),
    "body.identifiers.description": N_("Description"),
    "conviction": N_("Conviction"),
    "conviction.offence": N_("Offence convicted of"),
    "conviction.date": N_("Date of conviction"),
    "conviction.court": N_("Court"),
    "conviction.sentence": N_("Sentence passed"),
    "threat": N_("Threat"),
    "threat.kind": N_("Kind of threat"),
    "threat.description": N_("Description of the threat"),
    "threat.valid_until": N_("Threat valid until"),
    "modus_operandi": N_("Modus operandi"),
    "modus_operandi.description": N_("Description of the modus operandi"),
    "modus_operandi.objects": N_("Objects used"),
    "modus_operandi.devices": N_("Devices used"),
    "modus_operandi.concealment": N_("Concealment methods"),
    "assets": N_("Assets"),
    "assets.kind": N_("Kind of asset"),
    "assets.description": N_("Description of the asset"),
    "assets.location": N_("Where the asset is thought to be"),
    "sanction": N_("UN sanctions"),
    "sanction.committee": N_("Security Council committee"),
    "sanction.reference": N_("Committee reference"),
    "sanction.measures": N_("Measures"),
    "sanction.listed_on": N_("Listed on"),
    "information_sought": N_("Information sought"),
    "subject_refugee_status": N_("Subject's refugee status"),
    "victim_is_state": N_("The requesting state or its officials are the victim"),
}

OFFENCE_CATEGORY_LABELS: Final[Mapping[str, str]] = {
    "murder": N_("Murder"),
    "homicide": N_("Homicide"),
    "assault": N_("Assault"),
    "sexual_offence": N_("Sexual offence"),
    "child_sexual_abuse": N_("Child sexual abuse"),
    "kidnapping": N_("Kidnapping"),
    "human_trafficking": N_("Trafficking in human beings"),
    "migrant_smuggling": N_("Migrant smuggling"),
    "drug_trafficking": N_("Drug trafficking"),
    "arms_trafficking": N_("Arms trafficking"),
    "terrorism": N_("Terrorism"),
    "organized_crime": N_("Organized crime"),
    "fraud": N_("Fraud"),
    "money_laundering": N_("Money laundering"),
    "corruption": N_("Corruption"),
    "theft": N_("Theft"),
    "robbery": N_("Robbery"),
    "burglary": N_("Burglary"),
    "cybercrime": N_("Cybercrime"),
    "counterfeiting": N_("Counterfeiting"),
    "environmental_crime": N_("Environmental crime"),
    "cultural_property_theft": N_("Theft of cultural property"),
    "other": N_("Other offence"),
    "insult": N_("Insult"),
    "defamation_of_officials": N_("Defamation of officials"),
    "desertion": N_("Desertion"),
    "blasphemy": N_("Blasphemy"),
    "apostasy": N_("Apostasy"),
    "opposition_membership": N_("Membership of an opposition group"),
    "unlawful_assembly": N_("Unlawful assembly"),
    "sedition": N_("Sedition"),
    "treason": N_("Treason"),
    "espionage": N_("Espionage"),
    "lese_majeste": N_("Lese-majesty"),
    "draft_evasion": N_("Draft evasion"),
    "insulting_religion": N_("Insulting religion"),
    "illegal_demonstration": N_("Taking part in an illegal demonstration"),
    "political_propaganda": N_("Political propaganda"),
}

# The choices of each field that offers some, by the field's path without list indices.
OPTION_LABELS: Final[Mapping[str, Mapping[str, str]]] = {
    "offences.category": OFFENCE_CATEGORY_LABELS,
    "purpose": {
        "prosecution": N_("Prosecution"),
        "sentence": N_("To serve a sentence"),
    },
    "legal_basis.kind": {
        "arrest_warrant": N_("Arrest warrant"),
        "judgement": N_("Judgement"),
    },
    "body.sex": {"male": N_("Male"), "female": N_("Female"), "unknown": N_("Not known")},
    "body.identifiers.kind": {
        "fingerprints": N_("Fingerprints"),
        "dna": N_("DNA"),
        "face": N_("Face"),
        "dental": N_("Dental records"),
        "clothing": N_("Clothing and belongings"),
        "other": N_("Other identifier"),
    },
    "threat.kind": {
        "event": N_("An event"),
        "person": N_("A person"),
        "object": N_("An object"),
        "process": N_("A process"),
    },
    "assets.kind": {
        "account": N_("Bank account"),
        "property": N_("Real estate"),
        "vehicle": N_("Vehicle"),
        "company": N_("Company"),
        "crypto_asset": N_("Crypto asset"),
        "other": N_("Other asset"),
    },
    "sanction.measures": {
        "asset_freeze": N_("Asset freeze"),
        "travel_ban": N_("Travel ban"),
        "arms_embargo": N_("Arms embargo"),
    },
    "information_sought": {
        "identity": N_("Identity"),
        "location": N_("Location"),
        "activities": N_("Activities"),
    },
    "subject_refugee_status": {
        "refugee": N_("Refugee"),
        "asylum_seeker": N_("Asylum seeker"),
    },
}

SEX_LABELS: Final[Mapping[str, str]] = {
    "male": N_("Male"),
    "female": N_("Female"),
    "unknown": N_("Not known"),
}

DOCUMENT_TYPE_LABELS: Final[Mapping[str, str]] = {
    "passport": N_("Passport"),
    "identity_card": N_("Identity card"),
    "visa": N_("Visa"),
    "residence_permit": N_("Residence permit"),
    "travel_document": N_("Travel document"),
}

# The automatic checks' flags, by code; a code not listed shows as its Article.
FLAG_LABELS: Final[Mapping[str, str]] = {
    "article3.offence_category": N_(
        "Article 3: an offence of a political, military, religious or racial character"
    ),
    "article3.keyword": N_("Article 3: words of a political, military, religious or racial kind"),
    "article3.refugee_status": N_("Article 3: the subject is a refugee or asylum seeker"),
    "article3.requester_involved": N_("Article 3: the requesting state is the victim"),
    "article2.keyword": N_("Article 2: words that raise a human rights concern"),
    "article2.death_penalty": N_("Article 2: the death penalty"),
    "article2.minor": N_("Article 2: the arrest of a minor"),
    "duplicate": N_("Possible duplicate"),
    "data_quality.birth_date": N_("Data quality: date of birth"),
    "data_quality.nationality": N_("Data quality: nationality"),
    "data_quality.gender": N_("Data quality: sex"),
}

# The fields of a public extract (service.PUBLIC_FIELDS), as the public page shows them.
PUBLIC_FIELD_LABELS: Final[Mapping[str, str]] = {
    "reference": N_("Reference"),
    "name": N_("Family name"),
    "forenames": N_("Forenames"),
    "sex": N_("Sex"),
    "date_of_birth": N_("Date of birth"),
    "place_of_birth": N_("Place of birth"),
    "nationalities": N_("Nationalities"),
    "charges": N_("Charges"),
    "wanted_by": N_("Wanted by"),
    "missing_since": N_("Missing since"),
    "missing_from": N_("Missing from"),
    "committee": N_("Security Council committee"),
    "un_reference": N_("UN reference"),
    "measures": N_("Measures"),
    "listed_on": N_("Listed on"),
    "published_on": N_("Published on"),
}

MONTHS = N_("%(months)s months")


# ---------------------------------------------------------------- look-ups


def label(table: Mapping[str, str], value: str | None) -> str:
    """A value's translated label from one of the tables above, or the value itself."""
    if value is None:
        return ""
    found = table.get(value)
    return _(found) if found else value


def type_label(kind: str, type_: str) -> str:
    """ "Red notice", "Wanted person diffusion"…, translated."""
    table = DIFFUSION_TYPE_LABELS if kind == Kind.DIFFUSION else NOTICE_TYPE_LABELS
    return label(table, type_)


def colour(kind: str, type_: str) -> str:
    """The colour of a notice's kind; a diffusion takes its notice's."""
    return COLOURS[rules.notice_type_of(kind, type_)]


def field_label(path: str) -> str:
    """The translated label of a content field, by its path with or without list indices."""
    bare = ".".join(part for part in path.split(".") if not is_ascii_number(part))
    found = FIELD_LABELS.get(bare)
    return _(found) if found else bare.rsplit(".", 1)[-1].replace("_", " ").capitalize()


def option_label(path: str, value: str) -> str:
    return label(OPTION_LABELS.get(path, {}), value)


def country_name(alpha3: str | None, lang: str) -> str:
    if not alpha3:
        return "—"
    try:
        return reference.member_by_alpha3(alpha3).name(lang)
    except KeyError:
        return alpha3


def region_name(region: str, lang: str) -> str:
    try:
        names = reference.REGION_NAMES[reference.Region(region)]
    except ValueError:
        return region
    return names.get(lang, names["en"])


def date_text(value: Any, lang: str) -> str:
    """A stored ISO date in the language's medium form, or the value as stored."""
    if isinstance(value, dt.datetime):
        return i18n.format_datetime(value.date(), lang)
    if isinstance(value, dt.date):
        return i18n.format_datetime(value, lang)
    text = str(value)
    try:
        return i18n.format_datetime(dt.date.fromisoformat(text), lang)
    except ValueError:
        return text


def partial_date(value: Any) -> str:
    """A partial date ({"year", "month", "day"}) as YYYY, YYYY-MM or YYYY-MM-DD."""
    if not isinstance(value, Mapping) or not isinstance(value.get("year"), int):
        return ""
    text = f"{value['year']:04d}"
    if isinstance(value.get("month"), int):
        text += f"-{value['month']:02d}"
        if isinstance(value.get("day"), int):
            text += f"-{value['day']:02d}"
    return text


# ---------------------------------------------------------------- the content, as sections

_DATE_FIELDS = frozenset(
    {
        "offences.committed_on",
        "legal_basis.date",
        "disappearance.date",
        "body.date",
        "conviction.date",
        "threat.valid_until",
        "sanction.listed_on",
    }
)
_MONTH_FIELDS = frozenset(
    {"offences.max_penalty_months", "sentence.imposed_months", "sentence.remaining_months"}
)
# The groups of the content, each a section, in the order a sheet reads them.
_GROUPS = (
    ("legal_basis", ("kind", "reference", "date", "authority")),
    ("sentence", ("imposed_months", "remaining_months")),
    ("disappearance", ("date", "place", "circumstances")),
    ("body", ("date", "place", "sex", "estimated_age", "description")),
    ("conviction", ("offence", "date", "court", "sentence")),
    ("threat", ("kind", "description", "valid_until")),
    ("modus_operandi", ("description", "objects", "devices", "concealment")),
    ("sanction", ("committee", "reference", "measures", "listed_on")),
)
_OFFENCE_FIELDS = (
    "category",
    "description",
    "legal_provision",
    "committed_on",
    "place",
    "max_penalty_months",
    "life_imprisonment",
    "death_penalty",
)


def _value_text(path: str, value: Any, lang: str) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, list):
        return ", ".join(_value_text(path, item, lang) for item in value)
    if path in OPTION_LABELS:
        return option_label(path, str(value))
    if path in _DATE_FIELDS:
        return date_text(value, lang)
    if path in _MONTH_FIELDS:
        return _(MONTHS) % {"months": i18n.format_number(int(value), lang)}
    return str(value)


def _fields(
    path: str, data: Mapping[str, Any], names: Sequence[str], lang: str
) -> list[SheetField]:
    fields = []
    for name in names:
        value = data.get(name)
        if value is None or value == "" or value == [] or value is False:
            continue
        dotted = f"{path}.{name}" if path else name
        fields.append(SheetField(field_label(dotted), _value_text(dotted, value, lang)))
    return fields


def content_sections(
    kind: str, type_: str, content: Mapping[str, Any], lang: str, *, internal: bool = False
) -> list[SheetSection]:
    """A notice's content as headed sections of labelled fields, in the active language.
    `internal` adds what only the requester and the reviewers read (the subject's refugee
    status, the state as victim)."""
    uses = rules.COMMON_FIELDS | rules.FIELDS[rules.notice_type_of(kind, type_)]
    sections: list[SheetSection] = []
    case = [
        SheetField(field_label(name), _value_text(name, content[name], lang))
        for name in ("summary", "facts", "purpose", "information_sought")
        if name in uses and content.get(name) not in (None, "", [])
    ]
    if internal:
        case += _fields("", content, ("subject_refugee_status", "victim_is_state"), lang)
    if case:
        sections.append(SheetSection(_("The case"), case))
    offences = content.get("offences") or []
    for number, offence in enumerate(offences, start=1):
        if isinstance(offence, Mapping):
            heading = _("Offence %(number)s") % {"number": number}
            sections.append(
                SheetSection(heading, _fields("offences", offence, _OFFENCE_FIELDS, lang))
            )
    for group, names in _GROUPS:
        data = content.get(group)
        if group in uses and isinstance(data, Mapping):
            fields = _fields(group, data, names, lang)
            if group == "body":
                for item in data.get("identifiers") or []:
                    if isinstance(item, Mapping):
                        fields.append(
                            SheetField(
                                option_label("body.identifiers.kind", str(item.get("kind", ""))),
                                str(item.get("description", "")),
                            )
                        )
            if fields:
                sections.append(SheetSection(field_label(group), fields))
    for number, asset in enumerate(content.get("assets") or [], start=1):
        if isinstance(asset, Mapping):
            heading = _("Asset %(number)s") % {"number": number}
            sections.append(
                SheetSection(
                    heading, _fields("assets", asset, ("kind", "description", "location"), lang)
                )
            )
    return sections


# ---------------------------------------------------------------- the subject's identity


def _seen(principal: Principal, record: Record | None) -> bool:
    return (
        record is not None
        and record.status == "active"
        and record_access.sight(principal, record) is record_access.Sight.FULL
    )


def _subject_record(session: Session, principal: Principal, notice: Notice) -> Record | None:
    for subject in notice.subjects:
        if subject.role == SubjectRole.SUBJECT:
            record = session.get(Record, subject.record_id)
            if _seen(principal, record) and record is not None:
                return record
    return None


def _documents(
    session: Session, principal: Principal, notice: Notice, person: Record | None
) -> list[Record]:
    """The travel documents the notice names or the subject's record links to, as seen."""
    ids = [s.record_id for s in notice.subjects if s.role != SubjectRole.SUBJECT]
    if person is not None:
        # A link says "holds" either way round: the person to the document or back.
        ids += session.scalars(
            select(RecordLink.to_record_id).where(RecordLink.from_record_id == person.id)
        ).all()
        ids += session.scalars(
            select(RecordLink.from_record_id).where(RecordLink.to_record_id == person.id)
        ).all()
    if not ids:
        return []
    found = session.scalars(
        select(Record)
        .where(Record.id.in_(sorted(set(ids))), Record.kind == "travel_documents")
        .order_by(Record.id)
    ).all()
    return [r for r in found if _seen(principal, r)]


def identity(session: Session, principal: Principal, notice: Notice, lang: str) -> list[SheetField]:
    """The subject's identity as the sheet prints it, from the record's payload when the
    principal sees the record in full: names, sex, birth, nationalities, documents."""
    person = _subject_record(session, principal, notice)
    fields: list[SheetField] = []
    if person is not None:
        payload = person.payload or {}
        if person.kind == "organizations":
            if payload.get("name"):
                fields.append(SheetField(_("Name"), str(payload["name"])))
        else:
            names = [n for n in payload.get("names") or [] if isinstance(n, Mapping)]
            primary = next((n for n in names if n.get("type") == "primary"), None)
            if primary is not None:
                fields.append(SheetField(_("Name"), str(primary.get("value", ""))))
            others = [str(n.get("value", "")) for n in names if n is not primary]
            if others:
                fields.append(SheetField(_("Other names"), "; ".join(others)))
            if payload.get("gender"):
                fields.append(SheetField(_("Sex"), label(SEX_LABELS, str(payload["gender"]))))
            born = partial_date(payload.get("date_of_birth"))
            if born:
                fields.append(SheetField(_("Date of birth"), born))
            if payload.get("place_of_birth"):
                fields.append(SheetField(_("Place of birth"), str(payload["place_of_birth"])))
            nationalities = payload.get("nationalities") or []
            if nationalities:
                fields.append(
                    SheetField(
                        _("Nationalities"),
                        ", ".join(country_name(str(c), lang) for c in nationalities),
                    )
                )
    for document in _documents(session, principal, notice, person):
        data = document.payload or {}
        kind = label(DOCUMENT_TYPE_LABELS, str(data.get("document_type", "")))
        issuer = country_name(str(data.get("issuing_country", "")), lang)
        fields.append(
            SheetField(kind or _("Travel document"), f"{data.get('number', '')} ({issuer})")
        )
    return fields


# ---------------------------------------------------------------- the sheet


def build_sheet(
    session: Session, principal: Principal, view: NoticeView, language: str
) -> NoticeSheet:
    """The printable sheet of a notice as the principal sees it (`view`, a
    service.NoticeView), its labels in `language`."""
    notice: Notice = view.notice
    with i18n.use_language(language):
        sections = [
            SheetSection(
                _("What this asks of you"),
                [
                    SheetField(_("Action"), _(view.asks) if view.asks else "—"),
                    *_contact_fields(view, language),
                ],
            )
        ]
        sections += content_sections(notice.kind, notice.type, notice.content or {}, language)
        sections.append(SheetSection(_("Validity"), _validity(notice, language)))
        today = i18n.format_datetime(dt.datetime.now(dt.UTC).date(), language)
        return NoticeSheet(
            language=language,
            colour=colour(notice.kind, notice.type),
            type_label=type_label(notice.kind, notice.type),
            reference=notice.reference,
            status_label=label(STATUS_LABELS, notice.status),
            title=notice.title,
            identity=identity(session, principal, notice, language),
            sections=sections,
            footer=_(
                "Requested by %(country)s. Printed on %(date)s from Bluebridge: check that it "
                "is still valid before acting on it."
            )
            % {"country": country_name(notice.requesting_country, language), "date": today},
            photo=None,
            photo_missing=_("No photograph"),
            confidential=_("For law enforcement use only. Do not disclose."),
        )


def _contact_fields(view: NoticeView, lang: str) -> list[SheetField]:
    notice: Notice = view.notice
    contact = view.contact
    if contact is not None:
        who = f"{contact.name} ({contact.code})"
    else:
        who = _("the NCB of %(country)s") % {
            "country": country_name(notice.requesting_country, lang)
        }
    return [
        SheetField(_("Requesting country"), country_name(notice.requesting_country, lang)),
        SheetField(_("Contact at once"), who),
    ]


def _validity(notice: Notice, lang: str) -> list[SheetField]:
    fields = []
    if notice.published_at is not None:
        label_text = _("Published on") if notice.kind == Kind.NOTICE else _("Sent on")
        fields.append(SheetField(label_text, date_text(notice.published_at, lang)))
    if notice.expires_at is not None:
        fields.append(SheetField(_("Valid until"), date_text(notice.expires_at, lang)))
    fields.append(SheetField(_("State"), label(STATUS_LABELS, notice.status)))
    return fields


def pdf(session: Session, principal: Principal, view: NoticeView, language: str) -> bytes:
    """The notice's sheet as an A4 PDF in `language` (ar, en, es or fr)."""
    return render_pdf(build_sheet(session, principal, view, language))


__all__ = [
    "ACCESS_MODE_LABELS",
    "DECISION_LABELS",
    "EVENT_LABELS",
    "FIELD_LABELS",
    "FLAG_LABELS",
    "KIND_LABELS",
    "OPTION_LABELS",
    "PUBLIC_FIELD_LABELS",
    "ROLE_LABELS",
    "STATUS_LABELS",
    "build_sheet",
    "content_sections",
    "identity",
    "pdf",
    "type_label",
]
