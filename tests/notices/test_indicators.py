"""Article 3 and Article 2 risk indicators: categories, keywords in four languages, the
subject's and requester's circumstances, dedup and order, and any text at all."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bluebridge.notices.indicators import (
    ARTICLE3_CATEGORIES,
    DEATH_PENALTY_FIELD,
    KEYWORD_CONCEPTS,
    LANGUAGES,
    OFFENCE_CATEGORIES,
    ORDINARY_LAW_CATEGORIES,
    REFUGEE_STATUSES,
    SUBJECT_MINOR_FIELD,
    SUBJECT_REFUGEE_STATUS_FIELD,
    VICTIM_IS_STATE_FIELD,
    Flag,
    KeywordConcept,
    fold,
    form_pattern,
    risk_indicators,
)

CONCEPTS = {concept.name: concept for concept in KEYWORD_CONCEPTS}


def indicators(
    texts: dict[str, str] | None = None,
    *,
    offence_categories: tuple[str, ...] = (),
    refugee_status: str | None = None,
    victim_is_state: bool = False,
    death_penalty: bool = False,
    subject_minor: bool = False,
    arrest_requested: bool = False,
) -> list[Flag]:
    return risk_indicators(
        offence_categories=offence_categories,
        texts=texts or {},
        refugee_status=refugee_status,
        victim_is_state=victim_is_state,
        death_penalty=death_penalty,
        subject_minor=subject_minor,
        arrest_requested=arrest_requested,
    )


def concept_of(flag: Flag) -> str:
    """The keyword concept a flag's reason names."""
    named = [c.name for c in KEYWORD_CONCEPTS if f"mentions {c.description} (" in flag.reason]
    assert len(named) == 1, flag.reason
    return named[0]


def found(text: str, field: str = "facts") -> set[tuple[str, str | None]]:
    """(concept, evidence) for every keyword flag the text raises."""
    flags = indicators({field: text})
    assert all(f.code.endswith(".keyword") and f.field == field for f in flags)
    return {(concept_of(f), f.evidence) for f in flags}


# -- the vocabulary ---------------------------------------------------------------------------


def test_offence_vocabulary_is_ordinary_law_then_article3_in_the_agreed_order():
    assert OFFENCE_CATEGORIES[:3] == ("murder", "homicide", "assault")
    assert OFFENCE_CATEGORIES[len(ORDINARY_LAW_CATEGORIES) - 1] == "other"
    assert OFFENCE_CATEGORIES[len(ORDINARY_LAW_CATEGORIES) :] == (
        "insult",
        "defamation_of_officials",
        "desertion",
        "blasphemy",
        "apostasy",
        "opposition_membership",
        "unlawful_assembly",
        "sedition",
        "treason",
        "espionage",
        "lese_majeste",
        "draft_evasion",
        "insulting_religion",
        "illegal_demonstration",
        "political_propaganda",
    )
    assert len(set(OFFENCE_CATEGORIES)) == len(OFFENCE_CATEGORIES) == 38
    assert set(OFFENCE_CATEGORIES) - set(ORDINARY_LAW_CATEGORIES) == ARTICLE3_CATEGORIES


@pytest.mark.parametrize("category", sorted(ARTICLE3_CATEGORIES))
def test_each_article3_category_is_flagged_naming_it(category):
    flags = indicators(offence_categories=("theft", category))
    assert flags == [
        Flag(
            code="article3.offence_category",
            article="3",
            field="offences.1.category",
            reason=flags[0].reason,
            evidence=category,
        )
    ]
    assert f'"{category}"' in flags[0].reason
    assert "Offence 2" in flags[0].reason
    assert "Article 3" in flags[0].reason


def test_desertion_is_called_purely_military():
    (flag,) = indicators(offence_categories=("desertion",))
    assert "desertion is a purely military offence" in flag.reason


def test_ordinary_law_categories_raise_nothing():
    assert indicators(offence_categories=ORDINARY_LAW_CATEGORIES) == []


def test_a_missing_or_unknown_category_raises_nothing():
    # A draft's missing category is the completeness check's business, not an indicator.
    assert indicators(offence_categories=("", "Desertion ", "parking")) == []


# -- the keyword table ------------------------------------------------------------------------


def test_every_concept_is_written_in_the_four_languages():
    for concept in KEYWORD_CONCEPTS:
        assert set(concept.forms) == set(LANGUAGES), concept.name
        assert all(concept.forms[language] for language in LANGUAGES), concept.name
        assert concept.article in ("2", "3")
        assert concept.concern.endswith(f"(Article {concept.article})")
    assert len(CONCEPTS) == len(KEYWORD_CONCEPTS)
    assert len({c.description for c in KEYWORD_CONCEPTS}) == len(KEYWORD_CONCEPTS)


def test_no_form_belongs_to_two_concepts():
    owner: dict[str, str] = {}
    for concept in KEYWORD_CONCEPTS:
        for forms in concept.forms.values():
            for form in forms:
                pattern = form_pattern(form)
                assert pattern, (concept.name, form)
                assert owner.setdefault(pattern, concept.name) == concept.name, form


def test_the_table_covers_the_brief():
    names = set(CONCEPTS)
    assert {
        "insult_head_of_state",
        "insult_officials",
        "opposition",
        "political_party",
        "dissident",
        "activist",
        "protest",
        "unlawful_assembly",
        "strike",
        "desertion",
        "conscientious_objection",
        "military_service_evasion",
        "blasphemy",
        "apostasy",
        "heresy",
        "insulting_religion",
        "religious_conversion",
        "ethnic_origin",
        "journalist",
        "criticism_of_government",
        "sedition",
        "undermining_the_state",
    } <= names
    article2 = {c.name for c in KEYWORD_CONCEPTS if c.article == "2"}
    assert article2 == {
        "torture",
        "flogging",
        "stoning",
        "amputation",
        "forced_confession",
        "trial_in_absentia",
    }


def _sentence(language: str, form: str) -> str:
    return {
        "ar": f"ورد في الملف: {form}.",
        "en": f"The file states: {form}.",
        "es": f"Consta en el expediente: {form}.",
        "fr": f"Le dossier indique : {form}.",
    }[language]


@pytest.mark.parametrize(
    ("concept", "language"),
    [(concept, language) for concept in KEYWORD_CONCEPTS for language in LANGUAGES],
    ids=lambda value: value.name if isinstance(value, KeywordConcept) else value,
)
def test_every_form_in_the_table_raises_its_concept_with_the_form_as_evidence(concept, language):
    missed = []
    for form in concept.forms[language]:
        flags = indicators({"facts": _sentence(language, form)})
        hits = [f for f in flags if f.evidence == form and concept_of(f) == concept.name]
        if len(hits) != 1 or hits[0].code != f"article{concept.article}.keyword":
            missed.append(form)
    assert missed == []


# -- realistic texts --------------------------------------------------------------------------

REALISTIC = [
    (
        "en",
        "The subject, a journalist and opposition activist, was arrested after a demonstration "
        "in the capital and charged with insulting the President and spreading false news.",
        {
            ("journalist", "journalist"),
            ("opposition", "opposition activist"),
            ("activist", "activist"),
            ("protest", "demonstration"),
            ("insult_head_of_state", "insulting the President"),
            ("propaganda", "spreading false news"),
        },
    ),
    (
        "en",
        "He deserted his unit in 2019 and is wanted for Desertion and draft evasion; he was "
        "sentenced in absentia to 80 lashes.",
        {
            ("desertion", "deserted his unit"),
            ("desertion", "Desertion"),
            ("military_service_evasion", "draft evasion"),
            ("trial_in_absentia", "sentenced in absentia"),
            ("flogging", "lashes"),
        },
    ),
    (
        "en",
        "She is accused of apostasy and blasphemy after she converted to Christianity, and "
        "of a forced confession obtained under torture being retracted.",
        {
            ("apostasy", "apostasy"),
            ("blasphemy", "blasphemy"),
            ("religious_conversion", "converted to Christianity"),
            ("forced_confession", "forced confession"),
            ("torture", "torture"),
        },
    ),
    (
        "fr",
        "Le 12 mars, l’intéressé, militant des droits de l’homme et membre de l’opposition, a "
        "participé à une manifestation non déclarée devant le ministère ; il est poursuivi "
        "pour offense au chef de l’État et atteinte à la sûreté de l'État.",
        {
            ("activist", "militant des droits de l’homme"),
            ("opposition", "membre de l’opposition"),
            ("unlawful_assembly", "manifestation non déclarée"),
            ("protest", "manifestation"),
            ("insult_head_of_state", "offense au chef de l’État"),
            ("undermining_the_state", "atteinte à la sûreté de l'État"),
        },
    ),
    (
        "fr",
        "Déserteur depuis 2020, il a été condamné par contumace ; ses aveux obtenus sous la "
        "torture ont été diffusés. Il a rejoint l'opposition en exil.",
        {
            ("desertion", "Déserteur"),
            ("trial_in_absentia", "par contumace"),
            ("forced_confession", "aveux obtenus sous la torture"),
            ("torture", "torture"),
            ("opposition", "l'opposition"),
        },
    ),
    (
        "fr",
        "La journaliste, réfugiée en Suisse, est accusée de BLASPHÈME et d'apostasie.",
        {
            ("journalist", "journaliste"),
            ("asylum", "réfugiée"),
            ("blasphemy", "BLASPHÈME"),
            ("apostasy", "apostasie"),
        },
    ),
    (
        "es",
        "El señor Núñez, periodista y dirigente opositor, fue detenido durante una "
        "manifestación en La Coruña y acusado de sedición, desacato e injurias al Rey.",
        {
            ("journalist", "periodista"),
            ("opposition", "dirigente opositor"),
            ("protest", "manifestación"),
            ("sedition", "sedición"),
            ("insult_officials", "desacato"),
            ("insult_head_of_state", "injurias al Rey"),
        },
    ),
    (
        "es",
        "Según sus manifestaciones, el denunciante fue torturado y obligado a una confesión "
        "bajo coacción; fue condenado en rebeldía a cien azotes.",
        {
            ("torture", "torturado"),
            ("forced_confession", "confesión bajo coacción"),
            ("trial_in_absentia", "condenado en rebeldía"),
            ("flogging", "azotes"),
        },
    ),
    (
        "es",
        "Objetor de conciencia y prófugo del servicio militar, pertenece a una minoría étnica "
        "del norte; huelga decir que es refugiado desde 2015.",
        {
            ("conscientious_objection", "Objetor de conciencia"),
            ("military_service_evasion", "prófugo del servicio militar"),
            ("ethnic_origin", "minoría étnica"),
            ("asylum", "refugiado"),
        },
    ),
    (
        "ar",
        "وشاركَ المتَّهمُ في المُظاهَراتِ والاحتجاجاتِ ضدَّ الحكومةِ، واتُّهِمَ بإهانةِ رئيسِ "
        "الدولةِ وبالانتماءِ لحزبٍ محظورٍ.",
        {
            ("protest", "المُظاهَراتِ"),
            ("protest", "والاحتجاجاتِ"),
            ("insult_head_of_state", "بإهانةِ رئيسِ الدولةِ"),
            ("political_party", "وبالانتماءِ لحزبٍ"),
        },
    ),
    (
        "ar",
        "صدر بحقه حكمٌ غيابيٌّ بثمانين جلدةً بتهمةِ الرِّدَّةِ وازدراءِ الأديانِ، بعد "
        "اعترافاتٍ انتُزعت تحت التعذيب.",
        {
            ("trial_in_absentia", "حكمٌ غيابيٌّ"),
            ("flogging", "جلدةً"),
            ("apostasy", "الرِّدَّةِ"),
            ("insulting_religion", "وازدراءِ الأديانِ"),
            ("torture", "تحت التعذيب"),
        },
    ),
    (
        "ar",
        "الصحفيةُ المعارِضة لجأت إلى فرنسا وحصلت على صفةِ لاجئ بعد مشاركتها في إضرابٍ عام "
        "واعتصاماتٍ، وهي من أقلية عرقية وتُتَّهم بالـمظاهرات وللمعارضة.",
        {
            ("journalist", "الصحفيةُ"),
            ("opposition", "المعارِضة"),
            ("opposition", "وللمعارضة"),
            ("asylum", "صفةِ لاجئ"),
            ("strike", "إضرابٍ عام"),
            ("protest", "واعتصاماتٍ"),
            ("protest", "بالـمظاهرات"),
            ("ethnic_origin", "أقلية عرقية"),
        },
    ),
]


@pytest.mark.parametrize(("language", "text", "expected"), REALISTIC, ids=lambda v: str(v)[:2])
def test_realistic_texts_raise_exactly_their_concepts(language, text, expected):
    assert found(text) == expected


def test_every_language_has_realistic_texts():
    assert {language for language, _, _ in REALISTIC} == set(LANGUAGES)


ORDINARY = {
    "en": "On 3 March 2024 the suspect broke into a jewellery shop in Lyon, stole watches worth "
    "EUR 200,000 and fled in a stolen car; the proceeds were laundered through shell "
    "companies in three countries.",
    "fr": "Le 3 mars 2024, le suspect a cambriolé une bijouterie à Lyon, dérobé des montres "
    "d'une valeur de 200 000 € et pris la fuite à bord d'un véhicule volé ; les "
    "investigations nécessaires à la manifestation de la vérité se poursuivent.",
    "es": "El 3 de marzo de 2024, el sospechoso asaltó una joyería en La Coruña, robó relojes "
    "por valor de 200.000 euros y huyó en un coche robado; según manifestaciones del dueño, "
    "un señor de 60 años, el autor es español.",
    "ar": "في الثالث من مارس، اقتحم المشتبه به متجراً للمجوهرات وسرق ساعات تبلغ قيمتها مئتي "
    "ألف يورو، ثم فرّ في سيارة مسروقة، وأعلنت الشرطة ذلك في مؤتمرٍ صحفيٍّ.",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_ordinary_law_facts_raise_nothing(language):
    assert indicators({"facts": ORDINARY[language], "summary": ORDINARY[language]}) == []


@pytest.mark.parametrize(
    "text",
    [
        "Protestant church burglary",
        "Burglary of the PROTESTANT chapel; protestantism books taken",
        "He struck the victim and fled; an airstrike is not alleged",
        "The suspects demonstrated the lock-picking technique",
        "Theft of a translator's laptop: مترجم وترجمة",  # رجم (stoning) inside other words
        "كما قام برده إلى صاحبه",  # رده (returned it) is not الردة (apostasy)
        "ثم عاد إلى منزله",
    ],
)
def test_words_inside_other_words_raise_nothing(text):
    assert found(text) == set()


@pytest.mark.parametrize(
    "text",
    [
        "He protested his innocence throughout.",
        "La mesure est nécessaire à la manifestation de la vérité.",
        "Según sus manifestaciones, salió a las diez.",
        "Huelga decir que el coche era robado.",
        "Il s'est réfugié chez sa sœur à Marseille.",
        "Un logiciel espion a été installé sur le téléphone de la victime.",
        "La deserción escolar del menor fue denunciada.",
        "Theft of trade secrets by industrial espionage.",
        "وأعلنت الشرطة القبض عليه في المؤتمر الصحفي.",
        "L'opposition au jugement a été formée le 3 mai.",
    ],
)
def test_a_form_within_a_phrase_meaning_something_else_raises_nothing(text):
    assert found(text) == set()


def test_empty_texts_raise_nothing():
    assert indicators({"facts": "", "summary": "   ", "warning": "\u064b\u0640"}) == []
    assert indicators({}) == []


# -- folding ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "concept"),
    [
        ("MANIFESTACIÓN", "protest"),
        ("manifestacion", "protest"),
        ("Lese Majeste", "insult_head_of_state"),
        ("LÈSE‑MAJESTÉ", "insult_head_of_state"),  # a non-breaking hyphen
        ("parti d’opposition", "opposition"),
        ("parti d'opposition", "opposition"),
        ("Partido de Oposicion", "opposition"),
        ("insulting the\n  President", "insult_head_of_state"),
        ("ﬂogging", "flogging"),  # the fl ligature
        ("ＴＯＲＴＵＲＥ", "torture"),  # fullwidth
        ("اهانة الرئيس", "insult_head_of_state"),  # hamza left off
        ("إهانه الرئيس", "insult_head_of_state"),  # heh for teh marbuta
        ("إهانـــة الرئيـــس", "insult_head_of_state"),  # tatweel
        ("إِهَانَةُ الرَّئِيسِ", "insult_head_of_state"),  # full harakat
        ("للرئيس إهانة", None),  # the words must come in order
        ("ومظاهرة", "protest"),
        ("فبالمظاهرات", "protest"),
        ("كالمظاهرة", "protest"),
        ("للمعارضة", "opposition"),
        ("معارضة", None),  # written with the article in the table: bare, it is any objection
        ("الردة", "apostasy"),
        ("والردة", "apostasy"),
        ("ردة", None),
        ("مظاهرتين", None),  # dual with a suffix: not in the table
    ],
)
def test_folding_and_clitics(text, concept):
    concepts = {name for name, _ in found(text)}
    assert concepts == ({concept} if concept else set())


def test_evidence_is_the_text_as_written_with_its_marks():
    text = "Acusado de DESERCIO\u0301N y de asistir a una reunio\u0301n ilegal."
    assert found(text) == {
        ("desertion", "DESERCIO\u0301N"),
        ("unlawful_assembly", "reunio\u0301n ilegal"),
    }
    assert found("ثم شارك بالمُظاهَرةِ.") == {("protest", "بالمُظاهَرةِ")}


@given(st.text())
def test_fold_is_idempotent(text):
    assert fold(fold(text)) == fold(text)


# -- circumstances ----------------------------------------------------------------------------


@pytest.mark.parametrize("status", REFUGEE_STATUSES)
def test_a_refugee_or_asylum_seeker_is_flagged(status):
    (flag,) = indicators(refugee_status=status)
    assert (flag.code, flag.article, flag.field, flag.evidence) == (
        "article3.refugee_status",
        "3",
        SUBJECT_REFUGEE_STATUS_FIELD,
        status,
    )
    assert "fled" in flag.reason


def test_the_requesting_state_as_victim_is_flagged():
    (flag,) = indicators(victim_is_state=True)
    assert (flag.code, flag.article, flag.field, flag.evidence) == (
        "article3.requester_involved",
        "3",
        VICTIM_IS_STATE_FIELD,
        None,
    )


def test_the_death_penalty_is_flagged():
    (flag,) = indicators(death_penalty=True)
    assert (flag.code, flag.article, flag.field) == (
        "article2.death_penalty",
        "2",
        DEATH_PENALTY_FIELD,
    )


@pytest.mark.parametrize(
    ("minor", "arrest", "flagged"),
    [(True, True, True), (True, False, False), (False, True, False), (False, False, False)],
)
def test_a_minor_is_flagged_only_when_arrest_is_requested(minor, arrest, flagged):
    flags = indicators(subject_minor=minor, arrest_requested=arrest)
    assert [(f.code, f.article, f.field) for f in flags] == (
        [("article2.minor", "2", SUBJECT_MINOR_FIELD)] if flagged else []
    )


def test_nothing_given_raises_nothing():
    assert indicators() == []


# -- dedup and order --------------------------------------------------------------------------


def test_the_same_evidence_in_one_field_is_flagged_once():
    flags = indicators(
        {
            "facts": "torture, then torture again, then more torture",
            "summary": "torture",
        }
    )
    assert [(f.field, f.evidence) for f in flags] == [("facts", "torture"), ("summary", "torture")]


def test_flags_come_by_field_then_code_then_place_in_the_text():
    categories = ["theft"] * 11
    categories[2] = "sedition"
    categories[10] = "blasphemy"
    flags = indicators(
        {
            "summary": "Stoned to death after a protest; the protesters were tortured.",
            "facts": "A blasphemer.",
            "offences.0.description": "Desertion.",
        },
        offence_categories=tuple(categories),
        refugee_status="refugee",
        victim_is_state=True,
        death_penalty=True,
        subject_minor=True,
        arrest_requested=True,
    )
    assert [(f.field, f.code, f.evidence) for f in flags] == [
        (DEATH_PENALTY_FIELD, "article2.death_penalty", None),
        ("facts", "article3.keyword", "blasphemer"),
        ("offences.0.description", "article3.keyword", "Desertion"),
        ("offences.2.category", "article3.offence_category", "sedition"),
        ("offences.10.category", "article3.offence_category", "blasphemy"),
        (SUBJECT_MINOR_FIELD, "article2.minor", None),
        (SUBJECT_REFUGEE_STATUS_FIELD, "article3.refugee_status", "refugee"),
        ("summary", "article2.keyword", "Stoned to death"),
        ("summary", "article2.keyword", "tortured"),
        ("summary", "article3.keyword", "protest"),
        ("summary", "article3.keyword", "protesters"),
        (VICTIM_IS_STATE_FIELD, "article3.requester_involved", None),
    ]


def test_field_names_come_out_as_given():
    texts = {
        "offences.3.description": "desertion",
        "warning": "desertion",
        "Résumé (FR)": "désertion",
        "": "desertion",
    }
    assert {f.field for f in indicators(texts)} == set(texts)


def test_the_reason_names_the_concept_the_field_and_the_evidence():
    (flag,) = indicators({"summary": "Il a pris part à une manifestation."})
    assert flag.reason == (
        'The text of "summary" mentions a political protest ("manifestation"), '
        "which may give the case a political character (Article 3)."
    )


# -- any input --------------------------------------------------------------------------------

FIELD_NAMES = st.one_of(
    st.sampled_from(["facts", "summary", "warning", "offences.0.description"]), st.text()
)
# Text drawn partly from the table's own words, so that hypothesis reaches real matches.
TABLE_WORDS = sorted({word for c in KEYWORD_CONCEPTS for fs in c.forms.values() for word in fs})
TEXTS = st.lists(
    st.one_of(st.text(), st.sampled_from(TABLE_WORDS), st.sampled_from([" ", "'", "-", "ال"])),
    max_size=8,
).map("".join)


@given(
    texts=st.dictionaries(FIELD_NAMES, TEXTS, max_size=4),
    categories=st.lists(st.sampled_from(OFFENCE_CATEGORIES), max_size=12),
    refugee_status=st.sampled_from([None, *REFUGEE_STATUSES]),
    victim_is_state=st.booleans(),
    death_penalty=st.booleans(),
    subject_minor=st.booleans(),
    arrest_requested=st.booleans(),
)
def test_any_request_raises_no_exception_and_flags_only_what_was_given(
    texts,
    categories,
    refugee_status,
    victim_is_state,
    death_penalty,
    subject_minor,
    arrest_requested,
):
    flags = risk_indicators(
        offence_categories=categories,
        texts=texts,
        refugee_status=refugee_status,
        victim_is_state=victim_is_state,
        death_penalty=death_penalty,
        subject_minor=subject_minor,
        arrest_requested=arrest_requested,
    )
    given_fields = set(texts) | {f"offences.{i}.category" for i in range(len(categories))}
    given_fields |= {SUBJECT_REFUGEE_STATUS_FIELD} if refugee_status else set()
    given_fields |= {VICTIM_IS_STATE_FIELD} if victim_is_state else set()
    given_fields |= {DEATH_PENALTY_FIELD} if death_penalty else set()
    given_fields |= {SUBJECT_MINOR_FIELD} if subject_minor and arrest_requested else set()
    assert {f.field for f in flags} <= given_fields
    keys = [(f.code, f.field, f.evidence) for f in flags]
    assert len(keys) == len(set(keys))
    for flag in flags:
        assert flag.article in ("2", "3")
        assert flag.code.startswith(f"article{flag.article}.")
        assert flag.reason.endswith(".")
        if flag.code.endswith(".keyword"):
            assert flag.evidence
            assert flag.evidence in texts[flag.field]
    assert flags == risk_indicators(
        offence_categories=categories,
        texts=dict(reversed(list(texts.items()))),
        refugee_status=refugee_status,
        victim_is_state=victim_is_state,
        death_penalty=death_penalty,
        subject_minor=subject_minor,
        arrest_requested=arrest_requested,
    )


@given(
    concept=st.sampled_from([c for c in KEYWORD_CONCEPTS if not c.not_within]),
    data=st.data(),
    before=st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs"))),
    after=st.text(alphabet=st.characters(categories=("L", "N", "P", "Zs"))),
)
def test_a_form_set_apart_by_spaces_is_found_whatever_surrounds_it(concept, data, before, after):
    language = data.draw(st.sampled_from(LANGUAGES))
    form = data.draw(st.sampled_from(concept.forms[language]))
    flags = indicators({"facts": f"{before} {form} {after}"})
    assert any(concept_of(f) == concept.name and form in (f.evidence or "") for f in flags)
