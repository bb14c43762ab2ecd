"""The words the portal shows for the 19 databases: each kind's name and description, every
payload field, the values of the choices it offers, and the envelope every record carries
(grading, handling codes, access policy, status, links, the access log). Strings are marked
with N_() so the catalogs carry them and translated when shown; a field with no label here
falls back to its name made readable ("date_of_birth" -> "Date of birth")."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Final

from bluebridge.web.i18n import N_
from bluebridge.web.i18n import gettext as _

# ---------------------------------------------------------------- the databases

KIND_NAMES: Final[Mapping[str, str]] = {
    "persons": N_("Nominal data"),
    "travel_documents": N_("Stolen and lost travel documents"),
    "admin_documents": N_("Stolen administrative documents"),
    "vehicles": N_("Stolen motor vehicles"),
    "vessels": N_("Vessels"),
    "artworks": N_("Stolen works of art"),
    "firearms": N_("Lost, stolen and trafficked firearms"),
    "ballistics": N_("Ballistic information"),
    "firearm_references": N_("Firearms reference table"),
    "fingerprints": N_("Fingerprints"),
    "dna_profiles": N_("DNA profiles"),
    "faces": N_("Facial images"),
    "child_exploitation": N_("Child sexual exploitation images (ICSE)"),
    "counterfeit_documents": N_("Counterfeit documents"),
    "payment_cards": N_("Payment cards"),
    "cyber_indicators": N_("Cyber indicators"),
    "organizations": N_("Criminal and terrorist organizations"),
    "incidents": N_("Incidents and modus operandi"),
    "financial_accounts": N_("Financial accounts"),
}

KIND_DESCRIPTIONS: Final[Mapping[str, str]] = {
    "persons": N_(
        "Persons wanted, suspected, convicted, missing, victims, foreign terrorist fighters "
        "or deceased, with their names in any script, birth details and nationalities."
    ),
    "travel_documents": N_(
        "Passports, identity cards, visas and other travel documents reported stolen, lost, "
        "revoked or invalid by the country that issued them."
    ),
    "admin_documents": N_(
        "Stolen blank administrative documents, such as vehicle registration certificates, "
        "permits and seals, singly or as a range of serial numbers."
    ),
    "vehicles": N_(
        "Stolen motor vehicles, identified by their vehicle identification number and "
        "registration plates."
    ),
    "vessels": N_(
        "Vessels of interest to police, identified by IMO number, MMSI, or name and flag."
    ),
    "artworks": N_(
        "Stolen works of art and cultural property, described with their images and the place "
        "and date of the theft."
    ),
    "firearms": N_(
        "Firearms reported lost, stolen, trafficked or smuggled, identified by make and serial "
        "number."
    ),
    "ballistics": N_(
        "Cartridge cases and bullets recovered or test-fired, as comparison signatures that "
        "link firearms to shootings across borders."
    ),
    "firearm_references": N_(
        "The reference table of firearm makes, models, calibres and types, kept by the General "
        "Secretariat so that every country describes firearms alike."
    ),
    "fingerprints": N_(
        "Finger and palm prints of known persons and latent prints of unknown subjects, by "
        "reference to the stored template or image."
    ),
    "dna_profiles": N_(
        "STR profiles from known persons, crime scenes, relatives of missing persons and "
        "unidentified remains, compared across countries without sharing the samples."
    ),
    "faces": N_(
        "Facial images of known persons and unknown subjects for face recognition, by "
        "reference to the image held by the biometrics service."
    ),
    "child_exploitation": N_(
        "Hashes of child sexual abuse images and videos, linking seized material to known "
        "series, identified victims and offenders."
    ),
    "counterfeit_documents": N_(
        "Alerts on counterfeit and forged travel and identity documents, with the features "
        "that reveal the forgery."
    ),
    "payment_cards": N_(
        "Compromised, counterfeit and skimmed payment cards, kept as a keyed hash of the "
        "number and its last four digits, never the full number."
    ),
    "cyber_indicators": N_(
        "Indicators of compromise (file hashes, IP addresses, domains, URLs, e-mail addresses, "
        "wallets) seen in ransomware, malware, cloud intrusions and AI-enabled fraud."
    ),
    "organizations": N_(
        "Criminal and terrorist groups, networks and front companies, with their aliases, "
        "regions of activity and sources of financing."
    ),
    "incidents": N_(
        "Terrorist and CBRNE attacks, improvised explosive devices, maritime piracy and "
        "environmental crimes, with their modus operandi and devices."
    ),
    "financial_accounts": N_(
        "Bank accounts, cryptocurrency wallets and e-wallets used in fraud or money "
        "laundering, frozen or under investigation."
    ),
}

# ---------------------------------------------------------------- payload fields

# By field name, whatever the kind; FIELD_OVERRIDES below where one name means another thing.
FIELD_LABELS: Final[Mapping[str, str]] = {
    "account_type": N_("Type of account"),
    "aliases": N_("Aliases"),
    "artist": N_("Artist"),
    "bank_code": N_("Bank code"),
    "bic": N_("BIC"),
    "brand": N_("Card brand"),
    "calibre": N_("Calibre"),
    "capture_date": N_("Date of capture"),
    "card_hash": N_("Keyed hash of the card number"),
    "card_number": N_("Card number"),
    "casualties": N_("Casualties"),
    "characteristics": N_("Characteristics"),
    "class_characteristics": N_("Class characteristics"),
    "colour": N_("Colour"),
    "country": N_("Country"),
    "country_of_manufacture": N_("Country of manufacture"),
    "currency": N_("Currency"),
    "date": N_("Date"),
    "date_of_birth": N_("Date of birth"),
    "date_of_expiry": N_("Date of expiry"),
    "date_of_issue": N_("Date of issue"),
    "date_reported": N_("Date reported"),
    "date_stolen": N_("Date stolen"),
    "day": N_("Day"),
    "description": N_("Description"),
    "device": N_("Device"),
    "dimensions": N_("Dimensions"),
    "document_type": N_("Type of document"),
    "expiry": N_("Expiry"),
    "features": N_("Features revealing the forgery"),
    "financing_sources": N_("Sources of financing"),
    "firearm_type": N_("Type of firearm"),
    "first_seen": N_("First seen"),
    "flag": N_("Flag"),
    "gender": N_("Gender"),
    "holder_name": N_("Holder's name"),
    "hull_id": N_("Hull identification number"),
    "iban": N_("IBAN"),
    "image_reference": N_("Image reference"),
    "images": N_("Images"),
    "imo": N_("IMO number"),
    "incident_reference": N_("Incident"),
    "incident_type": N_("Type of incident"),
    "indicator_type": N_("Type of indicator"),
    "injured": N_("Injured"),
    "issuer": N_("Issuer"),
    "issuing_country": N_("Issuing country"),
    "item": N_("Item"),
    "killed": N_("Killed"),
    "kit": N_("Kit"),
    "languages": N_("Languages"),
    "last_four": N_("Last four digits"),
    "last_seen": N_("Last seen"),
    "latent_source": N_("Source of the latent print"),
    "loci": N_("Loci and alleles"),
    "make": N_("Make"),
    "materials": N_("Materials"),
    "md5": N_("MD5"),
    "media_hashes": N_("Hashes"),
    "mmsi": N_("MMSI"),
    "model": N_("Model"),
    "modus_operandi": N_("Modus operandi"),
    "month": N_("Month"),
    "name": N_("Name"),
    "names": N_("Names"),
    "national_account_number": N_("National account number"),
    "nationalities": N_("Nationalities"),
    "number": N_("Number"),
    "object_type": N_("Type of object"),
    "offences": N_("Offences"),
    "offender_identified": N_("Offender identified"),
    "organization_type": N_("Type of organization"),
    "pdq": N_("PDQ"),
    "period": N_("Period"),
    "person_reference": N_("Person"),
    "physical_description": N_("Physical description"),
    "place": N_("Place"),
    "place_of_birth": N_("Place of birth"),
    "plates": N_("Registration plates"),
    "positions": N_("Finger positions"),
    "provider": N_("Provider"),
    "quality": N_("Quality"),
    "reference_id": N_("Reference table entry"),
    "regions_of_activity": N_("Regions of activity"),
    "sample_kind": N_("Kind of sample"),
    "script": N_("Script"),
    "serial_from": N_("First serial number"),
    "serial_number": N_("Serial number"),
    "serial_to": N_("Last serial number"),
    "series": N_("Series"),
    "sha256": N_("SHA-256"),
    "signature": N_("Signature"),
    "status": N_("Status"),
    "subject": N_("Subject"),
    "template_format": N_("Template format"),
    "template_reference": N_("Template reference"),
    "theft_country": N_("Country of the theft"),
    "theft_date": N_("Date of the theft"),
    "theft_place": N_("Place of the theft"),
    "threat": N_("Threat"),
    "title": N_("Title"),
    "tlp": N_("TLP"),
    "type": N_("Type"),
    "value": N_("Value"),
    "vessel_type": N_("Type of vessel"),
    "victim_identified": N_("Victim identified"),
    "victim_identified_in": N_("Country where the victim was identified"),
    "vin": N_("VIN"),
    "vin_check_digit_valid": N_("VIN check digit valid"),
    "wallet_address": N_("Wallet address"),
    "wallet_id": N_("Account at the provider"),
    "year": N_("Year"),
}

# "kind.path" (list indices left out) -> label, where the name alone would mislead.
FIELD_OVERRIDES: Final[Mapping[str, str]] = {
    "persons.names.value": N_("Name"),
    "persons.names.type": N_("Type of name"),
    "persons.status": N_("Person status"),
    "travel_documents.number": N_("Document number"),
    "vehicles.plates.number": N_("Plate number"),
    "vehicles.plates.country": N_("Issuing country"),
    "vehicles.year": N_("Model year"),
    "artworks.title": N_("Title of the work"),
    "cyber_indicators.value": N_("Indicator"),
    "organizations.name": N_("Name of the organization"),
    "counterfeit_documents.country": N_("Country of the genuine document"),
    "incidents.date": N_("Date of the incident"),
    "incidents.device.materials": N_("Explosive or agent"),
}

# ---------------------------------------------------------------- choices in payloads

# By the name of the enumeration in the kind's schema, then the value.
ENUM_LABELS: Final[Mapping[str, Mapping[str, str]]] = {
    "AccountStatus": {
        "used_in_fraud": N_("Used in fraud"),
        "frozen": N_("Frozen"),
        "closed": N_("Closed"),
        "under_investigation": N_("Under investigation"),
    },
    "AccountType": {
        "bank_account": N_("Bank account"),
        "crypto_wallet": N_("Cryptocurrency wallet"),
        "e_wallet": N_("E-wallet"),
    },
    "AdminDocumentType": {
        "vehicle_registration": N_("Vehicle registration certificate"),
        "permit": N_("Permit"),
        "seal": N_("Seal"),
        "other": N_("Other"),
    },
    "ArtworkType": {
        "painting": N_("Painting"),
        "sculpture": N_("Sculpture"),
        "drawing": N_("Drawing"),
        "print": N_("Print"),
        "manuscript": N_("Manuscript"),
        "archaeological_object": N_("Archaeological object"),
        "religious_object": N_("Religious object"),
        "other": N_("Other"),
    },
    "BallisticItem": {"cartridge_case": N_("Cartridge case"), "bullet": N_("Bullet")},
    "CardStatus": {
        "compromised": N_("Compromised"),
        "counterfeit": N_("Counterfeit"),
        "skimmed": N_("Skimmed"),
    },
    "CounterfeitDocumentType": {
        "passport": N_("Passport"),
        "identity_card": N_("Identity card"),
        "visa": N_("Visa"),
        "residence_permit": N_("Residence permit"),
        "travel_document": N_("Other travel document"),
        "driving_licence": N_("Driving licence"),
        "other": N_("Other"),
    },
    "FaceSubject": {"known": N_("Known person"), "unknown": N_("Unknown subject")},
    "FirearmStatus": {
        "lost": N_("Lost"),
        "stolen": N_("Stolen"),
        "trafficked": N_("Trafficked"),
        "smuggled": N_("Smuggled"),
    },
    "FirearmType": {
        "pistol": N_("Pistol"),
        "revolver": N_("Revolver"),
        "rifle": N_("Rifle"),
        "shotgun": N_("Shotgun"),
        "submachine_gun": N_("Submachine gun"),
        "machine_gun": N_("Machine gun"),
        "other": N_("Other"),
    },
    "Gender": {"male": N_("Male"), "female": N_("Female"), "unknown": N_("Unknown")},
    "IncidentType": {
        "terrorist_attack": N_("Terrorist attack"),
        "cbrne_attack": N_("CBRNE attack"),
        "ied": N_("Improvised explosive device"),
        "maritime_piracy": N_("Maritime piracy"),
        "environmental_crime": N_("Environmental crime"),
        "other": N_("Other"),
    },
    "IndicatorType": {
        "file_hash": N_("File hash"),
        "ip_address": N_("IP address"),
        "domain": N_("Domain"),
        "url": N_("URL"),
        "email": N_("E-mail address"),
        "crypto_wallet": N_("Cryptocurrency wallet"),
    },
    "LatentSource": {
        "crime_scene": N_("Crime scene"),
        "recovered_device": N_("Recovered device"),
    },
    "NameType": {
        "primary": N_("Primary name"),
        "alias": N_("Alias"),
        "birth": N_("Birth name"),
        "maiden": N_("Maiden name"),
    },
    "OrganizationType": {
        "criminal_group": N_("Criminal group"),
        "terrorist_group": N_("Terrorist group"),
        "network": N_("Network"),
        "company_front": N_("Front company"),
        "other": N_("Other"),
    },
    "PersonStatus": {
        "wanted": N_("Wanted"),
        "suspect": N_("Suspect"),
        "convicted": N_("Convicted"),
        "foreign_terrorist_fighter": N_("Foreign terrorist fighter"),
        "missing": N_("Missing"),
        "victim": N_("Victim"),
        "deceased": N_("Deceased"),
    },
    "Region": {
        "africa": N_("Africa"),
        "americas": N_("Americas"),
        "asia_south_pacific": N_("Asia and South Pacific"),
        "europe": N_("Europe"),
        "middle_east_north_africa": N_("Middle East and North Africa"),
    },
    "SampleKind": {
        "reference": N_("Reference sample of a known person"),
        "crime_scene": N_("Crime scene"),
        "relative_of_missing_person": N_("Relative of a missing person"),
        "unidentified_remains": N_("Unidentified human remains"),
    },
    "Subject": {"known": N_("Known person"), "unknown_latent": N_("Unknown (latent print)")},
    "Threat": {
        "ransomware": N_("Ransomware"),
        "information_stealer": N_("Information stealer"),
        "banking_malware": N_("Banking malware"),
        "cloud_intrusion": N_("Cloud intrusion"),
        "deepfake_fraud": N_("Deepfake or AI-enabled fraud"),
        "other": N_("Other"),
    },
    "Tlp": {
        "clear": N_("TLP:CLEAR"),
        "green": N_("TLP:GREEN"),
        "amber": N_("TLP:AMBER"),
        "amber_strict": N_("TLP:AMBER+STRICT"),
        "red": N_("TLP:RED"),
    },
    "TravelDocumentStatus": {
        "stolen_blank": N_("Stolen blank"),
        "stolen_issued": N_("Stolen after issue"),
        "lost": N_("Lost"),
        "revoked": N_("Revoked"),
        "invalid": N_("Invalid"),
    },
    "TravelDocumentType": {
        "passport": N_("Passport"),
        "identity_card": N_("Identity card"),
        "visa": N_("Visa"),
        "residence_permit": N_("Residence permit"),
        "travel_document": N_("Other travel document"),
    },
}

# Brands and currencies are names: shown as they are in every language.
UNTRANSLATED_ENUMS: Final[Mapping[str, Mapping[str, str]]] = {
    "CardBrand": {
        "visa": "Visa",
        "mastercard": "Mastercard",
        "amex": "American Express",
        "discover": "Discover",
        "unionpay": "UnionPay",
        "jcb": "JCB",
        "other": "—",
    },
    "Currency": {"BTC": "BTC", "ETH": "ETH", "USDT": "USDT", "XMR": "XMR", "other": "…"},
}

# ---------------------------------------------------------------- the envelope

ENVELOPE_LABELS: Final[Mapping[str, str]] = {
    "source_type": N_("Source"),
    "source_grading": N_("Reliability of the source"),
    "information_grading": N_("Accuracy of the information"),
    "handling_codes": N_("Handling codes"),
    "owner_reference": N_("Your reference"),
    "access_policy": N_("Who may see it"),
    "access_policy.mode": N_("Access"),
    "access_policy.countries": N_("Countries"),
    "access_policy.regions": N_("Regions"),
    "access_policy.agency_kinds": N_("Kinds of agency"),
    "access_policy.specialties": N_("Specialties"),
    "access_policy.excluded_countries": N_("Excluded countries"),
    "version": N_("Version"),
    "owner_agency": N_("Owning agency"),
    "owner_country": N_("Owner country"),
    "grading": N_("Grading"),
    "status": N_("Status"),
    "review_date": N_("Review date"),
    "expires_at": N_("Expires"),
    "created": N_("Entered"),
    "updated": N_("Last changed"),
    "to_record_id": N_("Record number"),
    "relation": N_("Relation"),
}

SOURCE_TYPE_LABELS: Final[Mapping[str, str]] = {
    "police_investigation": N_("Police investigation"),
    "judicial": N_("Judicial authority"),
    "prison_system": N_("Prison system"),
    "military_operation": N_("Military or battlefield operation"),
    "border_control": N_("Border control"),
    "open_source": N_("Open source"),
    "other": N_("Other"),
}

SOURCE_GRADING_LABELS: Final[Mapping[str, str]] = {
    "A": N_("A: completely reliable"),
    "B": N_("B: usually reliable"),
    "C": N_("C: fairly reliable"),
    "D": N_("D: not usually reliable"),
    "E": N_("E: unreliable"),
    "F": N_("F: reliability cannot be judged"),
}

INFORMATION_GRADING_LABELS: Final[Mapping[str, str]] = {
    "1": N_("1: confirmed by other sources"),
    "2": N_("2: probably true"),
    "3": N_("3: possibly true"),
    "4": N_("4: doubtful"),
    "5": N_("5: improbable"),
    "6": N_("6: truth cannot be judged"),
}

HANDLING_CODE_LABELS: Final[Mapping[str, str]] = {
    "not_for_judicial_use": N_("Not for judicial use without the owner's consent"),
    "no_onward_transmission": N_("Not to be passed on without the owner's consent"),
    "police_use_only": N_("For police use only"),
}

ACCESS_MODE_LABELS: Final[Mapping[str, str]] = {
    "all_members": N_("All member countries"),
    "listed": N_("Only the countries, regions and agencies listed"),
    "all_except": N_("All member countries except those excluded"),
    "hit_only": N_("Hit only: others learn only whom to contact"),
}

RECORD_STATUS_LABELS: Final[Mapping[str, str]] = {
    "active": N_("Active"),
    "expired": N_("Expired"),
    "deleted": N_("Deleted"),
}

# Read as "this record is … of / to that record".
RELATION_LABELS: Final[Mapping[str, str]] = {
    "holder": N_("Holder"),
    "member": N_("Member"),
    "suspect": N_("Suspect"),
    "victim": N_("Victim"),
    "recovered_at": N_("Recovered at"),
    "affiliate": N_("Affiliate"),
    "associate": N_("Associate"),
    "same_as": N_("Same as"),
}

ACCESS_ACTION_LABELS: Final[Mapping[str, str]] = {
    "read": N_("Read"),
    "read_metadata": N_("Read the metadata"),
    "list": N_("Listed"),
    "lookup": N_("Looked up"),
    "link": N_("Seen through a link"),
    "export": N_("Exported"),
    "hit": N_("Hit in screening"),
    "review": N_("Opened for a data protection review"),
}

CHANNEL_LABELS: Final[Mapping[str, str]] = {
    "web": N_("Portal"),
    "api": N_("API"),
    "cli": N_("Command line"),
    "system": N_("System"),
}


# ---------------------------------------------------------------- look-ups


def humanise(name: str) -> str:
    """A field name made readable, for a field with no label: "date_of_birth" -> "Date of
    birth"."""
    words = name.replace("_", " ").strip()
    return words[:1].upper() + words[1:] if words else name


def kind_name(kind: str) -> str:
    """The translated name of a database."""
    label = KIND_NAMES.get(kind)
    return _(label) if label else humanise(kind)


def kind_description(kind: str) -> str:
    label = KIND_DESCRIPTIONS.get(kind)
    return _(label) if label else ""


def field_label(kind: str, path: Sequence[str]) -> str:
    """The translated label of a payload field, given its path without list indices
    (("names", "value") for payload.names.0.value)."""
    if not path:
        return ""
    override = FIELD_OVERRIDES.get(".".join((kind, *path)))
    if override:
        return _(override)
    label = FIELD_LABELS.get(path[-1])
    return _(label) if label else humanise(path[-1])


def option_label(enum_name: str | None, value: str) -> str:
    """The translated label of one value of an enumeration in a kind's schema."""
    if enum_name is not None and enum_name in UNTRANSLATED_ENUMS:
        return UNTRANSLATED_ENUMS[enum_name].get(value, value)
    label = ENUM_LABELS.get(enum_name or "", {}).get(value)
    return _(label) if label else humanise(value)


def envelope_label(name: str) -> str:
    label = ENVELOPE_LABELS.get(name)
    return _(label) if label else humanise(name)


def translated(labels: Mapping[Any, str], value: str | None) -> str:
    """A value's translated label from one of the tables above (or one keyed by a StrEnum,
    which a plain value finds), or the value itself."""
    if value is None:
        return ""
    label = labels.get(value)
    return _(label) if label else value


# The two columns of a table of names and values, by "kind.field".
ROW_LABELS: Final[Mapping[str, tuple[str, str]]] = {
    "dna_profiles.loci": (N_("Locus"), N_("Alleles")),
    "ballistics.class_characteristics": (N_("Characteristic"), N_("Value")),
}


def row_labels(kind: str, path: Sequence[str]) -> tuple[str, str]:
    name, value = ROW_LABELS.get(".".join((kind, *path)), (N_("Name"), N_("Value")))
    return _(name), _(value)


# What to type where the form alone does not say it, by "kind.path" (list indices left out).
FIELD_HINTS: Final[Mapping[str, str]] = {
    "persons.names.script": N_(
        "ISO 15924 code (Latn, Arab, Cyrl…); found from the name when left empty."
    ),
    "persons.languages": N_("ISO 639 codes (en, fra, ara…)."),
    "persons.date_of_birth": N_("The year alone, or with the month, or the full date."),
    "travel_documents.number": N_("As printed; spaces and punctuation are ignored."),
    "vehicles.vin": N_("The 17 characters of the vehicle identification number (ISO 3779)."),
    "vehicles.plates": N_("Give a VIN or at least one plate."),
    "dna_profiles.loci": N_(
        "At least eight loci, each with one or two alleles separated by ; (e.g. 12;14)."
    ),
    "payment_cards.card_number": N_(
        "Never stored: only a keyed hash and the last four digits are kept. On a change, "
        "enter it again."
    ),
    "payment_cards.expiry": N_("MM/YY, as on the card, or YYYY-MM."),
    "fingerprints.positions": N_("ANSI/NIST-ITL finger position codes."),
    "ballistics.signature": N_("The comparison vector: 8 to 4096 numbers."),
    "admin_documents.serial_number": N_("A single serial number, or give the range instead."),
    "financial_accounts.country": N_("Found from the IBAN when one is given."),
    "child_exploitation.media_hashes": N_("At least one hash, in lower-case hexadecimal."),
}


def field_hint(kind: str, path: Sequence[str]) -> str:
    hint = FIELD_HINTS.get(".".join((kind, *path)))
    return _(hint) if hint else ""


# Fixed reasons the records service and the kinds give for refusing a field, marked so the
# catalogs carry them; the form shows each translated beside its field.
REFUSAL_REASONS: Final = (
    N_("is required"),
    N_("a record cannot be linked to itself"),
    N_("only an agency of the issuing country may enter this document"),
    N_("give a VIN or at least one plate"),
    N_("must not be in the future"),
    N_("a day needs a month"),
    N_("month must be 1 to 12"),
    N_("year out of range"),
)
