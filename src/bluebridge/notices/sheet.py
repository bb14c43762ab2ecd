"""The printable sheet of a notice: one A4 PDF in Arabic (right to left), English, French or
Spanish, from labels the caller has translated and content as it was entered, in any script.
This module owns the sheet's layout (a band of the notice's colour with its type and reference,
the photo on the reading side's start with the identity beside it, the sections, a footer with
the issuing line and page numbers), the fonts it embeds and what prints when a photo or a glyph
is missing; it knows nothing of how notices are stored, translated or shared.

The fonts ship in the package, under web/static/vendor/fonts (decision 0014): DejaVu Sans for
Latin, Greek, Cyrillic, Arabic, Hebrew, Armenian and Georgian; Noto Sans Hans, added to a sheet
only when its text needs it, for Chinese (simplified and traditional) and Japanese kana. A
character that neither has (Hangul, Thai, Devanagari, ...) prints as U+FFFD, visibly, rather
than vanishing. Right-to-left text is joined by HarfBuzz (uharfbuzz) and ordered by fpdf2's
Unicode bidi algorithm; nothing is fetched at run time.
"""

from __future__ import annotations

import io
import re
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, replace
from functools import cache
from pathlib import Path
from typing import Final, Literal

from fpdf import FPDF
from fpdf.enums import MethodReturnValue, ResourceAccessPolicy, XPos, YPos
from fpdf.fonts import TTFFont
from PIL import Image, ImageOps

FONTS_DIR: Final = Path(__file__).resolve().parent.parent / "web" / "static" / "vendor" / "fonts"
SANS: Final = FONTS_DIR / "dejavu" / "DejaVuSans.ttf"
SANS_BOLD: Final = FONTS_DIR / "dejavu" / "DejaVuSans-Bold.ttf"
HAN: Final = FONTS_DIR / "noto-sans-hans" / "NotoSansHans-Regular.otf"

RTL_LANGUAGES: Final = frozenset({"ar"})
MISSING_GLYPH: Final = "\ufffd"

_COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
# Control characters (a form feed would break the page, NUL the PDF string), lone surrogates
# (not encodable), and the bidi embeddings, overrides and isolates, with which entered text
# could make a name print in another order than the one stored.
_UNPRINTABLE = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\u202a-\u202e\u2066-\u2069\ufeff]"
)
# Hebrew, Arabic, Syriac, Thaana, N'Ko and their presentation forms.
_RIGHT_TO_LEFT = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefe]")
# fpdf2 replaces its page alias in any text by the page count. NUL cannot survive
# `_printable`, so no entered text is rewritten; the footer switches to "{nb}" for "n/{nb}".
_NO_PAGE_ALIAS = "\x00"
_PAGE_ALIAS = "{nb}"

# The photo prints at 38 x 48 mm, where 1,200 pixels on the long side is over 600 dpi: a larger
# image is scaled down first, which keeps the PDF small and quick to make.
_PHOTO_MAX_SIDE = 1200
_PHOTO_MAX_PIXELS = 60_000_000
_EXIF_ORIENTATION = 0x0112

# Layout, in millimetres on A4 (210 x 297), written left to right and mirrored for Arabic.
_PAGE_W = 210.0
_PAGE_H = 297.0
_MARGIN = 15.0
_CONTENT_W = _PAGE_W - 2 * _MARGIN
_BAND_H = 26.0
_SMALL_BAND_H = 11.0
_REFERENCE_W = 62.0
_PHOTO_W = 38.0
_PHOTO_H = 48.0
_GUTTER = 6.0
_IDENTITY_LABEL_W = 40.0
_SECTION_LABEL_W = 52.0
_FIELD_GAP = 4.0
_PAGE_NUMBER_W = 22.0
_FOOTER_RULE_Y = _PAGE_H - 17.0
_BOTTOM_MARGIN = 21.0
_PT = 25.4 / 72

_INK = (17, 17, 17)
_LABEL_INK = (85, 85, 85)
_RULE = (190, 190, 190)
_PLACEHOLDER_FILL = (235, 235, 235)

_FAMILY = "sans"
_HAN_FAMILY = "han"

Colour = tuple[int, int, int]
Direction = Literal["ltr", "rtl"] | None
Alignment = Literal["L", "R", "C"]


@dataclass(frozen=True, slots=True)
class SheetField:
    """One line of the sheet: a translated label and the content as entered."""

    label: str
    value: str


@dataclass(frozen=True, slots=True)
class SheetSection:
    """A headed group of fields, e.g. the charges or the physical description."""

    heading: str
    fields: Sequence[SheetField]


@dataclass(frozen=True, slots=True)
class NoticeSheet:
    """Everything printed on a notice's sheet, labels already translated into its language."""

    language: str
    colour: str
    type_label: str
    reference: str
    status_label: str
    title: str
    identity: Sequence[SheetField]
    sections: Sequence[SheetSection]
    footer: str
    photo: bytes | None = None
    photo_missing: str = ""
    confidential: str = ""

    @property
    def rtl(self) -> bool:
        """True when the sheet's language is written right to left (Arabic, "ar" or "ar-EG")."""
        return str(self.language).replace("_", "-").split("-")[0].lower() in RTL_LANGUAGES


def render_pdf(sheet: NoticeSheet) -> bytes:
    """The sheet as a PDF (A4), laid out right to left for Arabic.

    A photo that is not a readable JPEG or PNG prints as the placeholder box with
    `photo_missing`, as an absent one does. Raises ValueError only for a colour that is not
    "#rrggbb"; any other content prints.
    """
    band = _rgb(sheet.colour)
    # Read once, whatever iterables were given: the fields are gone over more than once.
    sheet = replace(
        sheet,
        identity=tuple(sheet.identity or ()),
        sections=tuple(
            SheetSection(section.heading, tuple(section.fields or ()))
            for section in sheet.sections or ()
        ),
    )
    pdf = _SheetPDF(sheet, band)
    pdf.draw_sheet()
    return bytes(pdf.output())


def _rgb(colour: str) -> Colour:
    """The colour "#rrggbb" as red, green and blue from 0 to 255."""
    if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
        raise ValueError(f"a notice colour is written #rrggbb, not {colour!r}")
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _band_ink(band: Colour) -> Colour:
    """Black or white, whichever contrasts more with the band (WCAG relative luminance):
    white on red, blue, green, purple and black; black on yellow, orange, silver and UN blue."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue = (linear(channel) for channel in band)
    luminance = 0.2126 * red + 0.7152 * green + 0.0722 * blue
    on_white = 1.05 / (luminance + 0.05)
    on_black = (luminance + 0.05) / 0.05
    return (255, 255, 255) if on_white >= on_black else (0, 0, 0)


def _printable(text: str | None) -> str:
    """The text without what must not reach the PDF; line breaks kept, tabs made spaces."""
    if not isinstance(text, str):
        text = "" if text is None else str(text)
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _UNPRINTABLE.sub("", text)


def _needs_shaping(text: str) -> bool:
    """True when the text has a right-to-left character, to be joined and reordered.

    Shaping costs a HarfBuzz call for every width measured while lines are broken, and Latin,
    Greek, Cyrillic and Chinese print the same without it.
    """
    return _RIGHT_TO_LEFT.search(text) is not None


def _photo_image(photo: bytes | None) -> Image.Image | bytes | None:
    """What to place as the photo: the JPEG or PNG bytes as given, an upright or scaled-down
    copy, or None when there is no photo or it cannot be read."""
    if not photo:
        return None
    try:
        with Image.open(io.BytesIO(photo)) as probe:
            if probe.format not in ("JPEG", "PNG"):
                return None
            width, height = probe.size
            if width < 1 or height < 1 or width * height > _PHOTO_MAX_PIXELS:
                return None
            probe.verify()
        image = Image.open(io.BytesIO(photo))
        if image.format == "JPEG":
            # Decodes a large JPEG at the smallest scale still over the size it will print at.
            image.draft("RGB", (_PHOTO_MAX_SIDE, _PHOTO_MAX_SIDE))
        image.load()
        turned = image.getexif().get(_EXIF_ORIENTATION, 1) != 1
        if not turned and max(width, height) <= _PHOTO_MAX_SIDE:
            return photo
        upright = ImageOps.exif_transpose(image).convert("RGB")
        upright.thumbnail((_PHOTO_MAX_SIDE, _PHOTO_MAX_SIDE))
        return upright
    # Whatever a damaged file makes Pillow raise, the sheet still prints, with the placeholder.
    except Exception:
        return None


def _sheet_texts(sheet: NoticeSheet) -> Iterator[str]:
    texts = [sheet.type_label, sheet.reference, sheet.status_label, sheet.title]
    texts += [sheet.footer, sheet.photo_missing, sheet.confidential]
    for field in sheet.identity:
        texts += [field.label, field.value]
    for section in sheet.sections:
        texts.append(section.heading)
        for field in section.fields:
            texts += [field.label, field.value]
    return (_printable(text) for text in texts)


@cache
def _han_glyphs() -> frozenset[int]:
    """The characters Noto Sans Hans has, read once: a sheet loads it only to print one."""
    probe = FPDF()
    probe.add_font(_HAN_FAMILY, "", HAN)
    font = probe.fonts[_HAN_FAMILY]
    assert isinstance(font, TTFFont)
    return frozenset(font.cmap)


def _line_height(size: float) -> float:
    return size * _PT * 1.3


class _SheetPDF(FPDF):
    """One sheet being drawn: its fonts, and the band and footer fpdf2 draws on each page."""

    def __init__(self, sheet: NoticeSheet, band: Colour) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.sheet = sheet
        self.band = band
        self.band_ink = _band_ink(band)
        self.start: Alignment = "R" if sheet.rtl else "L"
        self.end: Alignment = "L" if sheet.rtl else "R"
        self.reading: Direction = "rtl" if sheet.rtl else "ltr"
        self.resource_access_policy = ResourceAccessPolicy.NONE
        self.set_margins(_MARGIN, _MARGIN, _MARGIN)
        self.set_auto_page_break(True, margin=_BOTTOM_MARGIN)
        self.alias_nb_pages(_NO_PAGE_ALIAS)
        self.c_margin = 0
        self.set_title(_printable(f"{sheet.type_label} {sheet.reference}"))
        self.set_lang(_printable(sheet.language))
        self.set_creator("Bluebridge")
        self.add_font(_FAMILY, "", SANS)
        self.add_font(_FAMILY, "B", SANS_BOLD)
        # Any text may print in either weight: a character counts as printable only when both
        # weights have it.
        self.glyphs = self._cmap(_FAMILY) & self._cmap(_FAMILY + "B")
        text = "".join(_sheet_texts(sheet))
        wanted = {ord(char) for char in text if not char.isspace()}
        if (wanted - self.glyphs) & _han_glyphs():
            self.add_font(_HAN_FAMILY, "", HAN)
            self.glyphs |= self._cmap(_HAN_FAMILY)
            # Chinese has one weight here: bold labels and headings take it too.
            self.set_fallback_fonts([_HAN_FAMILY], exact_match=False)
        self.replacements: dict[str, str] = {}

    def _cmap(self, fontkey: str) -> set[int]:
        font = self.fonts[fontkey]
        assert isinstance(font, TTFFont)
        return set(font.cmap)

    def _drawable(self, text: str) -> str:
        """The text as it can print: `_printable`, and a character without a glyph in the
        loaded fonts made U+FFFD (a space made a plain space, an invisible format mark
        dropped)."""
        text = _printable(text)
        if all(ord(char) in self.glyphs or char == "\n" for char in text):
            return text
        return "".join(self._drawable_char(char) for char in text)

    def _drawable_char(self, char: str) -> str:
        if char == "\n" or ord(char) in self.glyphs:
            return char
        if char not in self.replacements:
            if char.isspace():
                self.replacements[char] = " "
            elif unicodedata.category(char) == "Cf":
                self.replacements[char] = ""
            else:
                self.replacements[char] = MISSING_GLYPH
        return self.replacements[char]

    def _x(self, x: float, width: float) -> float:
        """Where a column laid out left to right at x lands on this sheet's page."""
        return _PAGE_W - x - width if self.sheet.rtl else x

    def _text(
        self,
        text: str,
        *,
        x: float,
        y: float,
        width: float,
        size: float,
        bold: bool = False,
        ink: Colour = _INK,
        align: Alignment | None = None,
        direction: Direction = None,
        dry_run: bool = False,
    ) -> float:
        """Writes wrapped text in a column, or with dry_run only measures it; returns its
        height. direction None takes the text's own (its first strong character's)."""
        text = self._drawable(text)
        self.set_font(_FAMILY, "B" if bold else "", size)
        self.set_text_color(*ink)
        self.set_text_shaping(_needs_shaping(text), direction=direction)
        if not dry_run:
            self.set_xy(self._x(x, width), y)
        with self._on_this_page() if dry_run else nullcontext():
            height = self.multi_cell(
                width,
                _line_height(size),
                text,
                align=align or self.start,
                new_x=XPos.LEFT,
                new_y=YPos.NEXT,
                dry_run=dry_run,
                output=MethodReturnValue.HEIGHT,
            )
        assert isinstance(height, int | float)
        return float(height)

    @contextmanager
    def _on_this_page(self) -> Iterator[None]:
        """No page break while in it: fpdf2 measures text by drawing it unseen, page breaks
        (and so this band and footer) included, and the band and footer must not break."""
        auto, margin = self.auto_page_break, self.b_margin
        self.set_auto_page_break(False, margin)
        try:
            yield
        finally:
            self.set_auto_page_break(auto, margin)

    def header(self) -> None:
        with self._on_this_page():
            self._draw_band()

    def footer(self) -> None:
        with self._on_this_page():
            self._draw_footer()

    def _draw_band(self) -> None:
        sheet = self.sheet
        first = self.page_no() == 1
        type_size, reference_size = (17.0, 12.0) if first else (10.0, 9.5)
        top = 6.0 if first else 3.2
        type_w = _CONTENT_W - _REFERENCE_W - _GUTTER
        reference_x = _MARGIN + _CONTENT_W - _REFERENCE_W
        status = sheet.status_label if first else ""

        def type_label(dry_run: bool) -> float:
            return self._text(
                sheet.type_label,
                x=_MARGIN,
                y=top,
                width=type_w,
                size=type_size,
                bold=True,
                ink=self.band_ink,
                direction=self.reading,
                dry_run=dry_run,
            )

        def reference(dry_run: bool) -> float:
            return self._text(
                sheet.reference,
                x=reference_x,
                y=top + 0.5,
                width=_REFERENCE_W,
                size=reference_size,
                bold=True,
                ink=self.band_ink,
                align=self.end,
                direction="ltr",
                dry_run=dry_run,
            )

        def status_label(y: float, dry_run: bool) -> float:
            return self._text(
                status,
                x=reference_x,
                y=y,
                width=_REFERENCE_W,
                size=9.0,
                ink=self.band_ink,
                align=self.end,
                direction=self.reading,
                dry_run=dry_run,
            )

        # The band grows with a type or reference long enough to wrap, to a bound that keeps
        # room for content on every page.
        reference_h = reference(dry_run=True)
        status_h = status_label(0, dry_run=True) + 1.0 if status else 0.0
        needed = top + max(type_label(dry_run=True), 0.5 + reference_h + status_h) + top * 0.6
        least, most = (_BAND_H, 3 * _BAND_H) if first else (_SMALL_BAND_H, 3 * _SMALL_BAND_H)
        band_h = min(max(least, needed), most)
        self.set_fill_color(*self.band)
        self.rect(0, 0, _PAGE_W, band_h, style="F")
        with self.rect_clip(0, 0, _PAGE_W, band_h):
            type_label(dry_run=False)
            reference(dry_run=False)
            if status:
                status_label(top + 0.5 + reference_h + 1.0, dry_run=False)
        y = band_h + (3.0 if first else 6.0)
        if first and sheet.confidential:
            y += 2.0 + self._text(
                sheet.confidential,
                x=_MARGIN,
                y=y,
                width=_CONTENT_W,
                size=8.5,
                bold=True,
                ink=_LABEL_INK,
                align="C",
                direction=self.reading,
            )
        self.set_y(y)

    def _draw_footer(self) -> None:
        self.set_draw_color(*_RULE)
        self.set_line_width(0.3)
        self.line(_MARGIN, _FOOTER_RULE_Y, _PAGE_W - _MARGIN, _FOOTER_RULE_Y)
        self._text(
            self.sheet.footer,
            x=_MARGIN,
            y=_FOOTER_RULE_Y + 2.0,
            width=_CONTENT_W - _PAGE_NUMBER_W - _GUTTER,
            size=7.5,
            ink=_LABEL_INK,
            direction=self.reading,
        )
        self.alias_nb_pages(_PAGE_ALIAS)
        self._text(
            f"{self.page_no()}/{_PAGE_ALIAS}",
            x=_MARGIN + _CONTENT_W - _PAGE_NUMBER_W,
            y=_FOOTER_RULE_Y + 2.0,
            width=_PAGE_NUMBER_W,
            size=8.0,
            ink=_LABEL_INK,
            align=self.end,
            direction="ltr",
        )
        self.alias_nb_pages(_NO_PAGE_ALIAS)

    def draw_sheet(self) -> None:
        """Title, photo and identity, then the sections, flowing onto as many pages as needed."""
        self.add_page()
        sheet = self.sheet
        if _printable(sheet.title).strip():
            y = self.get_y() + 1.0
            self._text(sheet.title, x=_MARGIN, y=y, width=_CONTENT_W, size=15.0, bold=True)
            self.set_y(self.get_y() + 3.0)
        if self.get_y() + _PHOTO_H > self.page_break_trigger:
            self.add_page()
        top = self.get_y()
        page = self.page
        self._draw_photo(top)
        identity_x = _MARGIN + _PHOTO_W + _GUTTER
        identity_w = _CONTENT_W - _PHOTO_W - _GUTTER
        self.set_y(top)
        for field in sheet.identity:
            self._draw_field(field, x=identity_x, width=identity_w, label_w=_IDENTITY_LABEL_W)
        if self.page == page:
            self.set_y(max(self.get_y(), top + _PHOTO_H))
        for section in sheet.sections:
            self._draw_section(section)

    def _draw_photo(self, top: float) -> None:
        x = self._x(_MARGIN, _PHOTO_W)
        image = _photo_image(self.sheet.photo)
        if image is not None:
            try:
                self.image(
                    image,
                    x=x,
                    y=top,
                    w=_PHOTO_W,
                    h=_PHOTO_H,
                    keep_aspect_ratio=True,
                    alt_text=self._drawable(self.sheet.title),
                )
                return
            # Pillow read it but fpdf2 could not embed it: the placeholder, as for no photo.
            except Exception:  # noqa: S110
                pass
        self.set_fill_color(*_PLACEHOLDER_FILL)
        self.set_draw_color(*_RULE)
        self.set_line_width(0.3)
        self.rect(x, top, _PHOTO_W, _PHOTO_H, style="DF")
        if _printable(self.sheet.photo_missing).strip():
            text_w = _PHOTO_W - 6.0
            text_h = min(
                _PHOTO_H,
                self._text(
                    self.sheet.photo_missing, x=0, y=0, width=text_w, size=8.0, dry_run=True
                ),
            )
            with self._on_this_page(), self.rect_clip(x, top, _PHOTO_W, _PHOTO_H):
                self._text(
                    self.sheet.photo_missing,
                    x=_MARGIN + 3.0,
                    y=top + (_PHOTO_H - text_h) / 2,
                    width=text_w,
                    size=8.0,
                    ink=_LABEL_INK,
                    align="C",
                    direction=self.reading,
                )

    def _draw_section(self, section: SheetSection) -> None:
        heading_h = self._text(
            section.heading, x=0, y=0, width=_CONTENT_W, size=11.0, bold=True, dry_run=True
        )
        first_row_h = (
            self._field_height(section.fields[0], width=_CONTENT_W, label_w=_SECTION_LABEL_W)
            if section.fields
            else 0.0
        )
        # A heading is never left alone at the foot of a page.
        if self.get_y() + 4.0 + heading_h + 3.0 + first_row_h > self.page_break_trigger:
            self.add_page()
        y = self.get_y() + 4.0
        height = self._text(
            section.heading,
            x=_MARGIN,
            y=y,
            width=_CONTENT_W,
            size=11.0,
            bold=True,
            direction=self.reading,
        )
        rule_y = y + height + 0.8
        self.set_draw_color(*self.band)
        self.set_line_width(0.6)
        self.line(_MARGIN, rule_y, _PAGE_W - _MARGIN, rule_y)
        self.set_y(rule_y + 2.2)
        for field in section.fields:
            self._draw_field(field, x=_MARGIN, width=_CONTENT_W, label_w=_SECTION_LABEL_W)

    def _field_height(self, field: SheetField, *, width: float, label_w: float) -> float:
        value_w = width - label_w - _FIELD_GAP
        label_h = self._text(field.label, x=0, y=0, width=label_w, size=8.5, dry_run=True)
        value_h = self._text(field.value, x=0, y=0, width=value_w, size=10.0, dry_run=True)
        return max(label_h + 0.4, value_h)

    def _draw_field(self, field: SheetField, *, x: float, width: float, label_w: float) -> None:
        """A label and its value side by side, the label on the reading side's start. The row
        moves whole to the next page when it does not fit, unless it is longer than a page,
        when the value flows on."""
        row_h = self._field_height(field, width=width, label_w=label_w)
        y = self.get_y()
        if y + row_h > self.page_break_trigger and row_h < self.page_break_trigger - 40.0:
            self.add_page()
            y = self.get_y()
        label_h = self._text(
            field.label,
            x=x,
            y=y + 0.4,
            width=label_w,
            size=8.5,
            ink=_LABEL_INK,
            direction=self.reading,
        )
        page = self.page
        value_x = x + label_w + _FIELD_GAP
        self._text(field.value, x=value_x, y=y, width=width - label_w - _FIELD_GAP, size=10.0)
        if self.page == page:
            self.set_y(max(self.get_y(), y + 0.4 + label_h))
        self.set_y(self.get_y() + 1.6)
