"""The words of the notices domain: the kinds of notice and diffusion, their states, the
reviewers' outcomes, and what each kind asks of the officer who meets its subject."""

from __future__ import annotations

from enum import StrEnum


class Kind(StrEnum):
    NOTICE = "notice"
    DIFFUSION = "diffusion"


class NoticeType(StrEnum):
    RED = "red"
    YELLOW = "yellow"
    BLUE = "blue"
    BLACK = "black"
    GREEN = "green"
    ORANGE = "orange"
    PURPLE = "purple"
    SILVER = "silver"
    UN = "un"


class DiffusionType(StrEnum):
    WANTED = "wanted"
    MISSING = "missing"
    INFORMATION = "information"
    WARNING = "warning"


# A diffusion is read like the notice of the same purpose (its checks, its colour).
DIFFUSION_AS_NOTICE = {
    DiffusionType.WANTED: NoticeType.RED,
    DiffusionType.MISSING: NoticeType.YELLOW,
    DiffusionType.INFORMATION: NoticeType.BLUE,
    DiffusionType.WARNING: NoticeType.GREEN,
}


class Status(StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"  # the automatic checks run (within a second)
    IN_REVIEW = "in_review"  # in the compliance reviewers' queue
    INFORMATION_REQUESTED = "information_requested"  # back with the requester
    PUBLISHED = "published"
    REFUSED = "refused"
    CIRCULATED = "circulated"  # a diffusion sent to its recipients
    CANCELLED = "cancelled"  # by the requester: the subject is found, the case closed
    WITHDRAWN = "withdrawn"  # by the requester, or a diffusion found non-compliant
    EXPIRED = "expired"


# States in which a notice or diffusion tells its recipients and screening about its subject.
LIVE = frozenset({Status.PUBLISHED, Status.CIRCULATED})
# States that end its life: nothing brings it back; a new request is needed.
ENDED = frozenset({Status.REFUSED, Status.CANCELLED, Status.WITHDRAWN, Status.EXPIRED})


class ReviewState(StrEnum):
    """Where a request stands with the compliance reviewers (a diffusion is reviewed after it
    is sent, a published notice again after it changes)."""

    NONE = "none"
    PENDING = "pending"
    COMPLIANT = "compliant"
    NON_COMPLIANT = "non_compliant"
    INFORMATION_REQUESTED = "information_requested"


class Decision(StrEnum):
    PUBLISH = "publish"  # a notice; for a diffusion or a change: compliant
    REQUEST_INFORMATION = "request_information"
    REFUSE = "refuse"  # a notice request; for a diffusion: withdrawn as non-compliant


class SubjectRole(StrEnum):
    SUBJECT = "subject"  # the person or entity the notice is about
    DOCUMENT = "document"
    BIOMETRIC = "biometric"
    OBJECT = "object"
    ASSET = "asset"


# The colour of each kind, for pages and the PDF.
COLOURS = {
    NoticeType.RED: "#c8102e",
    NoticeType.YELLOW: "#f2c300",
    NoticeType.BLUE: "#0057b8",
    NoticeType.BLACK: "#1a1a1a",
    NoticeType.GREEN: "#00843d",
    NoticeType.ORANGE: "#ff7f00",
    NoticeType.PURPLE: "#6d2077",
    NoticeType.SILVER: "#8a8d8f",
    NoticeType.UN: "#4b92db",
}

# What a notice asks of the officer who meets its subject (in English; the portal translates).
ASKS = {
    NoticeType.RED: "locate and provisionally arrest the person, pending extradition",
    NoticeType.YELLOW: "a missing person: make sure they are safe and tell the requesting NCB",
    NoticeType.BLUE: "collect information on the person's identity, location or activities",
    NoticeType.BLACK: "an unidentified body: send any identifying information",
    NoticeType.GREEN: "a warning: the person's criminal activity is a risk to public safety",
    NoticeType.ORANGE: "an imminent threat: take protective measures and report at once",
    NoticeType.PURPLE: "a modus operandi, object or concealment method: report any match",
    NoticeType.SILVER: "locate and identify the assets; report, do not seize without a request",
    NoticeType.UN: "UN Security Council sanctions apply: enforce the listed measures",
}
DIFFUSION_ASKS = {
    DiffusionType.WANTED: "wanted: locate the person and tell the requesting NCB before acting",
    DiffusionType.MISSING: "a missing person: make sure they are safe and tell the requesting NCB",
    DiffusionType.INFORMATION: "collect information on the person and send it to the requesting NCB",
    DiffusionType.WARNING: "a warning: the person's criminal activity is a risk to public safety",
}

# The kinds of notice whose published extract the requester may let the public see.
PUBLIC_TYPES = frozenset({NoticeType.RED, NoticeType.YELLOW, NoticeType.UN})
# The kinds that enter screening; purple and orange only through the objects they name.
SCREENED_TYPES = frozenset(NoticeType) - {NoticeType.SILVER}
