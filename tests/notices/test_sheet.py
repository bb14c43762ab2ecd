"""Tests of the notice sheet PDF: the four languages, Arabic joined and laid out right to
left, the fonts embedded from the package, mixed scripts, pages flowing with their numbers,
photos (PNG, JPEG, unreadable) and the colour check."""

from __future__ import annotations

import dataclasses
import io
import itertools
import re
import struct
import unicodedata
import zlib
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest
from fpdf import FPDF
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pypdf import PageObject, PdfReader
from pypdf.generic import ContentStream

import bluebridge
from bluebridge.notices import sheet as sheet_module
from bluebridge.notices.sheet import (
    MISSING_GLYPH,
    NoticeSheet,
    SheetField,
    SheetSection,
    render_pdf,
)

LABELS: dict[str, dict[str, str]] = {
    "en": {
        "type": "Red Notice",
        "status": "Published",
        "family_name": "Family name",
        "forenames": "Forenames",
        "sex": "Sex",
        "charges": "Charges",
        "offence": "Offence",
        "warrant": "Arrest warrant",
        "footer": "Published by the General Secretariat on 1 December 2026",
        "no_photo": "No photograph",
        "confidential": "For law enforcement use only",
    },
    "fr": {
        "type": "Notice rouge",
        "status": "Publiée",
        "family_name": "Nom de famille",
        "forenames": "Prénoms",
        "sex": "Sexe",
        "charges": "Chefs d'accusation",
        "offence": "Infraction",
        "warrant": "Mandat d'arrêt",
        "footer": "Publiée par le Secrétariat général le 1er décembre 2026",
        "no_photo": "Pas de photographie",
        "confidential": "Réservé aux services chargés de l'application de la loi",
    },
    "es": {
        "type": "Notificación roja",
        "status": "Publicada",
        "family_name": "Apellidos",
        "forenames": "Nombres",
        "sex": "Sexo",
        "charges": "Cargos",
        "offence": "Delito",
        "warrant": "Orden de detención",
        "footer": "Publicada por la Secretaría General el 1 de diciembre de 2026",
        "no_photo": "Sin fotografía",
        "confidential": "Solo para uso de los servicios encargados de la aplicación de la ley",
    },
    "ar": {
        "type": "نشرة حمراء",
        "status": "منشورة",
        "family_name": "اسم العائلة",
        "forenames": "الأسماء الأولى",
        "sex": "الجنس",
        "charges": "التهم",
        "offence": "الجريمة",
        "warrant": "مذكرة التوقيف",
        "footer": "نشرتها الأمانة العامة في 1 كانون الأول/ديسمبر 2026",
        "no_photo": "لا توجد صورة",
        "confidential": "للاستخدام من قبل أجهزة إنفاذ القانون فقط",
    },
}
LANGUAGES = sorted(LABELS)
REFERENCE = "A-123/12-2026"
PACKAGE_DIR = Path(bluebridge.__file__).resolve().parent


# --- factories ----------------------------------------------------------------------------


def make_sheet(language: str = "en", *, charges: int = 1, **changes: Any) -> NoticeSheet:
    """A red notice on a man wanted for fraud, its labels in the language, with that many
    sections of charges (six run onto a second page)."""
    labels = LABELS[language]
    sheet = NoticeSheet(
        language=language,
        colour="#c8102e",
        type_label=labels["type"],
        reference=REFERENCE,
        status_label=labels["status"],
        title="SMITH, John Alexander",
        identity=[
            SheetField(labels["family_name"], "SMITH"),
            SheetField(labels["forenames"], "John Alexander"),
            SheetField(labels["sex"], "M"),
        ],
        sections=[
            SheetSection(
                f"{labels['charges']} {number}",
                [
                    SheetField(labels["offence"], "Fraud and money laundering. " * 12),
                    SheetField(labels["warrant"], "Warrant 2026/123, court of Lyon\nsecond line"),
                ],
            )
            for number in range(1, charges + 1)
        ],
        footer=labels["footer"],
        photo_missing=labels["no_photo"],
        confidential=labels["confidential"],
    )
    return dataclasses.replace(sheet, **changes)


def png_bytes(width: int, height: int, rgb: tuple[int, int, int] = (200, 30, 40)) -> bytes:
    """A plain-colour 8-bit RGB PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    rows = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def jpeg_bytes(width: int, height: int) -> bytes:
    """A mid-grey baseline JPEG: every 8x8 block has a zero DC difference and no AC
    coefficient, coded with one-symbol Huffman tables (one bit each)."""

    def segment(marker: int, payload: bytes) -> bytes:
        return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload

    blocks = -(-width // 8) * -(-height // 8)
    one_symbol = bytes([1] + [0] * 15) + b"\x00"
    bits = "00" * blocks
    bits += "1" * (-len(bits) % 8)
    scan = bytes(int(bits[i : i + 8], 2) for i in range(0, len(bits), 8))
    return (
        b"\xff\xd8"
        + segment(0xDB, b"\x00" + b"\x01" * 64)
        + segment(0xC0, struct.pack(">BHHB", 8, height, width, 1) + b"\x01\x11\x00")
        + segment(0xC4, b"\x00" + one_symbol)
        + segment(0xC4, b"\x10" + one_symbol)
        + segment(0xDA, b"\x01\x01\x00\x00\x3f\x00")
        + scan
        + b"\xff\xd9"
    )


# --- reading the PDF back -----------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Run:
    """A piece of text as drawn: what it says and where it starts, in points."""

    text: str
    x: float
    y: float


def read(pdf: bytes) -> PdfReader:
    assert pdf.startswith(b"%PDF-")
    return PdfReader(io.BytesIO(pdf))


def plain(text: str) -> str:
    # pypdf reads the CID-keyed CFF font (Chinese) with a NUL before each character; NFKC
    # folds Arabic presentation forms, were any left, into the letters they show.
    return unicodedata.normalize("NFKC", text.replace("\x00", ""))


def runs(page: PageObject) -> list[Run]:
    found: list[Run] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: Any) -> None:
        if text.strip():
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append(Run(plain(text).strip(), x, y))

    page.extract_text(visitor_text=visit)
    return found


def run_of(page: PageObject, text: str) -> Run:
    matches = [run for run in runs(page) if run.text == text]
    assert matches, f"{text!r} is not drawn as one piece on the page"
    return matches[0]


def to_unicode(font: Any) -> dict[str, str]:
    """The font's ToUnicode map: each glyph code (4 hex digits) and the text it prints."""
    cmap = font["/ToUnicode"].get_object().get_data().decode("latin-1")
    return {
        glyph.upper(): bytes.fromhex(utf16).decode("utf-16-be")
        for glyph, utf16 in re.findall(r"<([0-9A-Fa-f]{4})> <([0-9A-Fa-f]+)>", cmap)
    }


def glyphs(reader: PdfReader, page: PageObject) -> list[Run]:
    """Each glyph drawn, with the text it prints and where: fpdf2 places every glyph of a
    shaped line with its own text matrix, so this is the line's order as seen on paper."""
    maps = {
        str(name): to_unicode(font.get_object())
        for name, font in page["/Resources"]["/Font"].items()
    }
    font, x, y = "", 0.0, 0.0
    found: list[Run] = []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        if operator == b"Tf":
            font = str(operands[0])
        elif operator == b"Td":  # fpdf2 writes one, right after BT: absolute
            x, y = float(operands[0]), float(operands[1])
        elif operator == b"Tm":
            x, y = float(operands[4]), float(operands[5])
        elif operator == b"Tj":
            codes = operands[0].original_bytes
            # Glyphs within one string go left to right; their exact advance is not needed.
            for i in range(0, len(codes), 2):
                text = maps[font].get(codes[i : i + 2].hex().upper(), "")
                found.append(Run(text, x + i * 0.001, y))
    return found


def x_on_lowest_line_with(drawn: list[Run], marker: str, char: str) -> float:
    """Where the glyph of char is, on the lowest baseline that has a glyph of marker."""
    baseline = min(glyph.y for glyph in drawn if glyph.text == marker)
    return next(g.x for g in drawn if g.text == char and abs(g.y - baseline) < 0.5)


def page_text(page: PageObject) -> str:
    return plain(page.extract_text())


def images(page: PageObject) -> list[dict[str, Any]]:
    """The images placed on the page: their stream's dictionary and where they are drawn."""
    content = page.get_contents()
    assert content is not None
    placed = re.findall(
        r"([\d.]+) 0 0 ([\d.]+) ([\d.]+) ([\d.]+) cm /(\w+) Do",
        content.get_data().decode("latin-1"),
    )
    resources = page["/Resources"]
    xobjects = resources.get("/XObject", {})
    found = []
    for width, height, x, _y, name in placed:
        image = xobjects[f"/{name}"].get_object()
        assert image["/Subtype"] == "/Image"
        found.append({"x": float(x), "w": float(width), "h": float(height), "image": image})
    return found


def fonts(reader: PdfReader) -> dict[str, Any]:
    """Every font the pages use, by base name without the subset tag."""
    found: dict[str, Any] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            found[str(font["/BaseFont"]).split("+")[-1]] = font
    return found


def glyphs_by_character(font: Any) -> dict[str, set[str]]:
    """From the font's ToUnicode map: each character, and the glyphs that print it."""
    found: dict[str, set[str]] = defaultdict(set)
    for glyph, text in to_unicode(font).items():
        if len(text) == 1:
            found[text].add(glyph)
    return found


def joined(pdf: bytes, word: str) -> bool:
    """True when some letter of the word is printed, in the sheet, by two glyphs of one font
    (two of its contextual forms), which only shaped text does: unshaped, a letter always
    takes its one isolated glyph."""
    for font in fonts(read(pdf)).values():
        glyphs = glyphs_by_character(font)
        if any(len(glyphs.get(letter, ())) >= 2 for letter in word if letter.isalpha()):
            return True
    return False


# --- the four languages -------------------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_each_language_prints_a_one_page_pdf_with_its_labels(language: str) -> None:
    reader = read(render_pdf(make_sheet(language)))

    assert len(reader.pages) == 1
    text = page_text(reader.pages[0])
    for key in ("type", "status", "family_name", "offence", "confidential", "no_photo"):
        assert LABELS[language][key] in text
    assert REFERENCE in text
    assert "SMITH, John Alexander" in text
    assert "1/1" in text
    assert reader.metadata is not None
    assert reader.metadata.title == f"{LABELS[language]['type']} {REFERENCE}"


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_long_sheet_flows_onto_a_second_page_with_band_and_page_numbers(
    language: str,
) -> None:
    reader = read(render_pdf(make_sheet(language, charges=6)))

    assert len(reader.pages) == 2
    first, second = (page_text(page) for page in reader.pages)
    assert "1/2" in first
    assert "2/2" not in first
    assert "2/2" in second
    assert "1/2" not in second
    # The band is repeated, smaller, with the type and the reference.
    assert LABELS[language]["type"] in second
    assert REFERENCE in second
    assert LABELS[language]["offence"] in second
    # The issuing line up to its date: Arabic with digits comes back from pypdf in runs.
    assert LABELS[language]["footer"].split(" 1")[0] in second


# --- Arabic -------------------------------------------------------------------------------


def test_arabic_labels_print_joined_and_in_reading_order() -> None:
    pdf = render_pdf(make_sheet("ar"))
    page = read(pdf).pages[0]

    # pypdf gives back each Arabic run in logical order only when the glyphs were laid out
    # right to left; its letters map back to the Arabic letters typed (not presentation forms).
    for key in ("type", "family_name", "forenames", "offence", "confidential", "no_photo"):
        run_of(page, LABELS["ar"][key])
    assert joined(pdf, LABELS["ar"]["family_name"])
    assert footer_reads_right_to_left(pdf)


def footer_reads_right_to_left(pdf: bytes) -> bool:
    """The footer "نشرتها ... في 1 كانون الأول/ديسمبر 2026" in the order an Arabic reader
    takes it: its first words (with ش) rightmost, then the day, the month (with ك), the year."""
    reader = read(pdf)
    drawn = glyphs(reader, reader.pages[0])
    order = [x_on_lowest_line_with(drawn, "ش", char) for char in ("ش", "1", "ك", "6")]
    return all(right > left for right, left in itertools.pairwise(order))


def test_the_arabic_checks_fail_on_text_printed_without_shaping(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(sheet_module, "_needs_shaping", lambda text: False)
    pdf = render_pdf(make_sheet("ar"))
    texts = {run.text for run in runs(read(pdf).pages[0])}

    assert not joined(pdf, LABELS["ar"]["family_name"])
    assert LABELS["ar"]["family_name"] not in texts
    assert LABELS["ar"]["family_name"][::-1] in texts
    assert not footer_reads_right_to_left(pdf)


def test_arabic_lays_the_sheet_out_from_the_right() -> None:
    arabic = read(render_pdf(make_sheet("ar", photo=png_bytes(30, 40)))).pages[0]
    english = read(render_pdf(make_sheet("en", photo=png_bytes(30, 40)))).pages[0]
    middle = float(arabic.mediabox.width) / 2

    for label, value in (("family_name", "SMITH"), ("forenames", "John Alexander")):
        ar_label, ar_value = run_of(arabic, LABELS["ar"][label]), run_of(arabic, value)
        en_label, en_value = run_of(english, LABELS["en"][label]), run_of(english, value)
        assert abs(ar_label.y - ar_value.y) < 2
        assert abs(en_label.y - en_value.y) < 2
        assert ar_label.x > ar_value.x
        assert en_label.x < en_value.x
    (ar_photo,) = images(arabic)
    (en_photo,) = images(english)
    assert ar_photo["x"] > middle > en_photo["x"] + en_photo["w"]
    assert run_of(arabic, LABELS["ar"]["type"]).x > middle > run_of(arabic, REFERENCE).x
    assert run_of(english, LABELS["en"]["type"]).x < middle < run_of(english, REFERENCE).x
    footer_start = max(run.x for run in runs(arabic) if run.text.startswith("نشرتها"))
    assert run_of(arabic, "1/1").x < middle < footer_start
    assert run_of(english, LABELS["en"]["footer"]).x < middle < run_of(english, "1/1").x


# --- fonts and scripts --------------------------------------------------------------------


def test_fonts_are_embedded_from_the_package(monkeypatch: pytest.MonkeyPatch) -> None:
    loaded: list[Path] = []
    add_font = FPDF.add_font

    def recording_add_font(self: Any, *args: Any, **kwargs: Any) -> None:
        loaded.append(Path(kwargs.get("fname") or args[2]).resolve())
        add_font(self, *args, **kwargs)

    monkeypatch.setattr(FPDF, "add_font", recording_add_font)
    reader = read(render_pdf(make_sheet("ar", title="王小明 SMITH")))

    assert loaded
    assert all(path.is_relative_to(PACKAGE_DIR) and path.is_file() for path in loaded)
    for path in loaded:
        assert list(path.parent.glob("LICENSE*")), f"no licence beside {path.name}"
    used = fonts(reader)
    assert set(used) == {"DejaVuSansBook", "DejaVuSansBold", "NotoSansSChineseRegular"}
    for font in used.values():
        assert font["/Subtype"] == "/Type0"
        descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"].get_object()
        assert "/FontFile2" in descriptor or "/FontFile3" in descriptor


def test_the_chinese_font_is_left_out_when_nothing_needs_it() -> None:
    assert set(fonts(read(render_pdf(make_sheet("fr"))))) == {"DejaVuSansBook", "DejaVuSansBold"}


def test_content_in_mixed_scripts_prints() -> None:
    names = "Иванов Пётр · Παπαδόπουλος Γιώργος · 王小明 · 山田たろう · محمد بن سلمان · כהן"
    sheet = make_sheet(
        "en",
        title="Иванов Пётр",
        identity=[SheetField("Names in original script", names)],
        sections=[SheetSection("Описание", [SheetField("Remarks", "Ελληνικά\n中文 繁體字")])],
    )
    reader = read(render_pdf(sheet))

    text = page_text(reader.pages[0]).replace("\n", " ")
    for word in ("Иванов", "Пётр", "Παπαδόπουλος", "王小明", "山田たろう", "Описание", "繁體字"):
        assert word in text
    assert "محمد" in text
    assert "NotoSansSChineseRegular" in fonts(reader)


def test_a_character_no_font_has_prints_as_a_replacement_mark() -> None:
    reader = read(render_pdf(make_sheet("en", title="김정은 KIM")))

    run_of(reader.pages[0], f"{MISSING_GLYPH * 3} KIM")
    assert set(fonts(reader)) == {"DejaVuSansBook", "DejaVuSansBold"}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    text=st.text(st.characters(exclude_categories=()), max_size=60),
    language=st.sampled_from(LANGUAGES),
)
def test_any_content_prints(text: str, language: str) -> None:
    field = SheetField(text, text)
    sheet = NoticeSheet(
        language=language,
        colour="#6d2077",
        type_label=text,
        reference=text,
        status_label=text,
        title=text,
        identity=[field],
        sections=[SheetSection(text, [field, field])],
        footer=text,
        photo=text.encode("utf-8", "surrogatepass"),
        photo_missing=text,
        confidential=text,
    )

    assert len(read(render_pdf(sheet)).pages) >= 1


# --- photos -------------------------------------------------------------------------------


def test_a_png_photo_is_embedded() -> None:
    page = read(render_pdf(make_sheet("en", photo=png_bytes(30, 40)))).pages[0]

    (photo,) = images(page)
    assert photo["image"]["/Width"] == 30
    assert photo["image"]["/Height"] == 40
    assert photo["image"]["/Filter"] == "/FlateDecode"
    assert LABELS["en"]["no_photo"] not in page_text(page)


def test_a_jpeg_photo_is_embedded_as_it_is() -> None:
    photo_bytes = jpeg_bytes(24, 32)
    page = read(render_pdf(make_sheet("es", photo=photo_bytes))).pages[0]

    (photo,) = images(page)
    assert photo["image"]["/Filter"] == "/DCTDecode"
    assert photo["image"]["/Width"] == 24
    assert photo["image"]["/Height"] == 32
    assert photo["image"].get_data() == photo_bytes
    # Kept in proportion inside the 38 x 48 mm frame.
    assert photo["w"] / photo["h"] == pytest.approx(24 / 32, rel=0.01)


def test_a_large_photo_is_scaled_down() -> None:
    page = read(render_pdf(make_sheet("en", photo=png_bytes(1500, 1800)))).pages[0]

    (photo,) = images(page)
    assert max(photo["image"]["/Width"], photo["image"]["/Height"]) == 1200


@pytest.mark.parametrize(
    "photo",
    [
        b"not an image",
        png_bytes(30, 40)[:60],
        jpeg_bytes(24, 32)[:-40],
        b"GIF89a\x01\x00\x01\x00\x00\x00\x00;",
        b"<svg xmlns='http://www.w3.org/2000/svg' width='10' height='10'/>",
        b"",
        None,
    ],
    ids=["text", "truncated-png", "truncated-jpeg", "gif", "svg", "empty", "none"],
)
def test_a_missing_or_unreadable_photo_prints_the_placeholder(photo: bytes | None) -> None:
    for language in ("en", "ar"):
        page = read(render_pdf(make_sheet(language, photo=photo))).pages[0]

        assert images(page) == []
        run_of(page, LABELS[language]["no_photo"])


# --- colour -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("colour", "fill", "white_ink"),
    [("#c8102e", "0.7843 0.0627 0.1804 rg", True), ("#f2c300", "0.949 0.7647 0 rg", False)],
)
def test_the_band_takes_the_notice_colour_and_ink_that_stands_out_on_it(
    colour: str, fill: str, white_ink: bool
) -> None:
    page = read(render_pdf(make_sheet(colour=colour))).pages[0]
    content = page.get_contents()
    assert content is not None
    drawing = content.get_data().decode("latin-1")

    assert fill in drawing
    assert ("1 1 1 rg" in drawing) is white_ink


@pytest.mark.parametrize(
    "colour", ["red", "#c8102", "#c8102e0", "c8102e", "#gg102e", "", " #c8102e", "#c8102e\n"]
)
def test_a_malformed_colour_is_refused(colour: str) -> None:
    with pytest.raises(ValueError, match="#rrggbb"):
        render_pdf(make_sheet(colour=colour))


@pytest.mark.parametrize(
    "colour",
    [
        "#c8102e",
        "#f2c300",
        "#0057b8",
        "#1a1a1a",
        "#00843d",
        "#ff7f00",
        "#6d2077",
        "#8a8d8f",
        "#4b92db",
        "#FFFFFF",
    ],
)
def test_every_notice_colour_prints(colour: str) -> None:
    assert len(read(render_pdf(make_sheet(colour=colour))).pages) == 1


@pytest.mark.parametrize("language", ["en", "ar"])
def test_text_too_long_for_the_band_or_the_photo_box_is_cut_to_it(language: str) -> None:
    labels = LABELS[language]
    sheet = make_sheet(
        language,
        type_label=f"{labels['type']} " * 300,
        reference=REFERENCE * 100,
        photo_missing=f"{labels['no_photo']} " * 300,
    )

    assert len(read(render_pdf(sheet)).pages) == 1
