"""Automatic risk indicators for Articles 2 and 3 of INTERPOL's Constitution: what in a notice
or diffusion request the compliance reviewer should look at before publication (an offence
category of a political, military, religious or racial character, words to that effect in the
free texts, a refugee subject, the requesting state as victim, the death penalty, corporal
punishment, torture, a trial in absentia, a minor to be arrested). Each indicator is a `Flag`
naming the field, what was found and the words that raised it; none is a decision. The
keyword table is data (a concept, its forms in Arabic, English, French and Spanish), matched
on text folded for case, accents, Arabic spelling variants and Arabic clitics. Pure: no I/O,
no state."""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from bluebridge.text import is_ascii_number


@dataclass(frozen=True, slots=True)
class Flag:
    """One thing the reviewer must look at; an indicator, never a decision."""

    code: str  # stable machine code, e.g. "article3.keyword"
    article: str  # "3" or "2"
    field: str  # the request field it concerns, dotted: "offences.0.category", "facts"
    reason: str  # one English sentence: what was found and why it matters
    evidence: str | None = None  # the word, phrase or value that raised it, as written


# Field names of the indicators that do not come from a text or an offence.
SUBJECT_REFUGEE_STATUS_FIELD = "subject_refugee_status"
VICTIM_IS_STATE_FIELD = "victim_is_state"
DEATH_PENALTY_FIELD = "death_penalty"
SUBJECT_MINOR_FIELD = "subject_minor"

REFUGEE_STATUSES = ("refugee", "asylum_seeker")

ORDINARY_LAW_CATEGORIES: tuple[str, ...] = (
    "murder",
    "homicide",
    "assault",
    "sexual_offence",
    "child_sexual_abuse",
    "kidnapping",
    "human_trafficking",
    "migrant_smuggling",
    "drug_trafficking",
    "arms_trafficking",
    "terrorism",
    "organized_crime",
    "fraud",
    "money_laundering",
    "corruption",
    "theft",
    "robbery",
    "burglary",
    "cybercrime",
    "counterfeiting",
    "environmental_crime",
    "cultural_property_theft",
    "other",
)

# Why each category is of a political, military, religious or racial character; the reason
# completes "Offence 1 is in the category "desertion": ...".
ARTICLE3_CATEGORY_REASONS: Mapping[str, str] = {
    "insult": "insult is an offence of opinion, often brought against critics, which may give the case a political character",
    "defamation_of_officials": "defamation of officials protects the state's own office holders and is often brought against critics",
    "desertion": "desertion is a purely military offence",
    "blasphemy": "blasphemy is a purely religious offence",
    "apostasy": "apostasy is a purely religious offence",
    "opposition_membership": "membership of an opposition group is a purely political offence",
    "unlawful_assembly": "unlawful assembly punishes taking part in a gathering and usually concerns political protest",
    "sedition": "sedition is an offence against the state, usually of a political character",
    "treason": "treason is an offence against the state, usually of a political character",
    "espionage": "espionage is an offence against the state's security, usually of a political or military character",
    "lese_majeste": "lese-majeste protects the monarch from criticism and is a purely political offence",
    "draft_evasion": "draft evasion is a purely military offence",
    "insulting_religion": "insulting religion is a purely religious offence",
    "illegal_demonstration": "taking part in an illegal demonstration is usually a political offence",
    "political_propaganda": "political propaganda is a purely political offence",
}
ARTICLE3_CATEGORIES: frozenset[str] = frozenset(ARTICLE3_CATEGORY_REASONS)
OFFENCE_CATEGORIES: tuple[str, ...] = ORDINARY_LAW_CATEGORIES + tuple(ARTICLE3_CATEGORY_REASONS)

LANGUAGES = ("ar", "en", "es", "fr")


@dataclass(frozen=True, slots=True)
class KeywordConcept:
    """An idea the reviewer must see, written the ways a request may write it. A form is a
    word or phrase as written (accents, hamzas, apostrophes and all); in Arabic a token
    written with the article (ال, or لل after the preposition) matches only with an article,
    in any clitic combination (وال، بال، فلل...), and a token written without it matches bare
    or with any clitic (و، ف، ب، ل، ك، ال). `not_within` lists phrases in which a form means
    something else ("manifestation de la vérité", "مؤتمر صحفي")."""

    name: str
    article: str
    description: str  # names the concept in the reason: "a political protest"
    concern: str  # ends the reason: "which may give the case a political character (Article 3)"
    forms: Mapping[str, tuple[str, ...]]
    not_within: tuple[str, ...] = ()


def _forms(*lines: str) -> tuple[str, ...]:
    """Forms written several to a line, "protest | protests | protester"."""
    return tuple(form.strip() for line in lines for form in line.split("|") if form.strip())


def _each(heads: tuple[str, ...], tails: tuple[str, ...]) -> tuple[str, ...]:
    """Every head followed by every tail: "insulting the" with "president", "king"..."""
    return tuple(f"{head} {tail}" for head in heads for tail in tails)


_POLITICAL = "which may give the case a political character (Article 3)"
_MILITARY = "which may give the case a military character (Article 3)"
_RELIGIOUS = "which may give the case a religious character (Article 3)"
_RACIAL = "which may give the case a racial character (Article 3)"
_CRUEL = "which may mean treatment or punishment contrary to the Universal Declaration of Human Rights (Article 2)"
_UNFAIR = "which may mean the person was denied a fair trial under the Universal Declaration of Human Rights (Article 2)"

_HEADS_OF_STATE = {
    "ar": _forms(
        "الرئيس | رئيس الدولة | رئيس الجمهورية | الملك | الذات الملكية | الأمير",
        "الذات الأميرية | السلطان | المرشد الأعلى | ولي العهد",
    ),
    "en": _forms(
        "president | head of state | king | queen | monarch | emir | sultan | royal family",
        "crown prince | supreme leader",
    ),
    "es": _forms(
        "presidente | presidente de la república | jefe de estado | jefe del estado | rey",
        "monarca | soberano | emir | líder supremo",
    ),
    "fr": _forms(
        "président | président de la république | chef de l'état | roi | monarque | souverain",
        "guide suprême | émir",
    ),
}

KEYWORD_CONCEPTS: tuple[KeywordConcept, ...] = (
    # Article 3: political character.
    KeywordConcept(
        name="insult_head_of_state",
        article="3",
        description="an insult to the head of state",
        concern=_POLITICAL,
        forms={
            "ar": _each(
                _forms("إهانة | سب | شتم | الإساءة إلى | التطاول على | العيب في"),
                _HEADS_OF_STATE["ar"],
            )
            + _forms(
                "الإساءة للرئيس | الإساءة للملك | المساس بالذات الملكية",
                "المساس بالذات الأميرية",
            ),
            "en": _each(
                _forms(
                    "insult to the | insults to the | insulting the | insulted the",
                    "insults against the | defamation of the | defaming the | defamed the",
                    "offending the",
                ),
                _HEADS_OF_STATE["en"],
            )
            + _each(_forms("insulting | insulted | defaming | insult to"), ("president",))
            + _forms("lese majeste | lese-majesty | lèse-majesté"),
            "es": _each(
                _forms(
                    "injurias al | injuria al | insulto al | insultos al | ofensa al | ofensas al",
                    "calumnias al | calumnia al | difamación del | injurias contra el",
                    "ofensas contra el | insultar al | insultó al | ultraje al",
                ),
                _HEADS_OF_STATE["es"],
            )
            + _forms("lesa majestad | injurias a la corona | ofensas a la corona"),
            "fr": _each(
                _forms(
                    "outrage au | outrages au | offense au | offenses au | insulte au",
                    "insultes au | injure au | injures au | diffamation du | outrage envers le",
                    "offense envers le | injures envers le | insulté le",
                ),
                _HEADS_OF_STATE["fr"],
            )
            + _forms("lèse-majesté | crime de lèse-majesté"),
        },
    ),
    KeywordConcept(
        name="insult_officials",
        article="3",
        description="an insult to officials or state institutions",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "إهانة موظف عام | إهانة الموظفين العموميين | إهانة هيئة نظامية",
                "إهانة الهيئات النظامية | إهانة السلطات | إهانة المؤسسات | إهانة مؤسسات الدولة",
                "إهانة الدولة | إهانة الحكومة | إهانة الجيش | إهانة القضاء | الإساءة لمؤسسات الدولة",
                "الإساءة إلى مؤسسات الدولة | إهانة رموز الدولة | إهانة العلم | إهانة الأمة",
            ),
            "en": _forms(
                "insulting a public official | insulting public officials",
                "insult to a public official | insulting officials | insulting state officials",
                "defamation of officials | defamation of public officials | defaming officials",
                "defaming public officials | insulting state institutions | insulting the state",
                "insulting the government | insulting the army | insulting the armed forces",
                "insulting the judiciary | insulting the nation | insult to the nation",
                "denigrating the nation | denigrating state institutions | insulting the flag",
                "contempt of authority",
            ),
            "es": _forms(
                "desacato | desacatos | injurias a funcionarios | injurias a funcionarios públicos",
                "injurias a la autoridad | injurias al gobierno | injurias contra el gobierno",
                "calumnias a funcionarios | calumnias a funcionarios públicos",
                "ofensas a las instituciones | ultraje a la nación | ultrajes a la nación",
                "ultraje a los símbolos patrios | ofensas al ejército | injurias al ejército",
                "injurias a las fuerzas armadas | vilipendio",
            ),
            "fr": _forms(
                "outrage à agent public | outrage à un agent public | outrage à fonctionnaire",
                "outrage à un fonctionnaire | outrage à dépositaire de l'autorité publique",
                "outrage à personne dépositaire de l'autorité publique | outrage aux institutions",
                "offense aux institutions | outrage aux corps constitués",
                "diffamation envers les corps constitués | diffamation envers un fonctionnaire",
                "diffamation envers des fonctionnaires | injures envers un fonctionnaire",
                "outrage à l'armée | outrage à l'état | offense à l'état | outrage à la nation",
                "offense à la nation | insultes aux autorités | outrage aux autorités",
                "outrage au drapeau",
            ),
        },
    ),
    KeywordConcept(
        name="opposition",
        article="3",
        description="the political opposition",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "المعارضة | المعارضة السياسية | أحزاب المعارضة | حزب المعارضة | حزب معارض",
                "أحزاب معارضة | قوى المعارضة | زعيم المعارضة | قادة المعارضة | معارض سياسي",
                "معارضين سياسيين | معارضون سياسيون | معارض للنظام | معارضي النظام | معارضة للنظام",
                "معارض للحكومة | معارضي الحكومة",
            ),
            "en": _forms(
                "opposition party | opposition parties | opposition group | opposition groups",
                "opposition movement | opposition movements | opposition leader | opposition leaders",
                "opposition member | opposition members | opposition figure | opposition figures",
                "opposition supporter | opposition supporters | opposition activist",
                "opposition activists | political opposition | the opposition",
                "opponent of the regime | opponents of the regime | opponent of the government",
                "opponents of the government",
            ),
            "es": _forms(
                "partido de oposición | partidos de oposición | partido de la oposición",
                "partidos de la oposición | partido opositor | partidos opositores | la oposición",
                "oposición política | movimiento opositor | grupo opositor | líder opositor",
                "líder de la oposición | dirigente opositor | dirigentes opositores",
                "miembro de la oposición | miembros de la oposición | opositor | opositora",
                "opositores | opositoras | opositor al régimen | opositores al régimen",
            ),
            "fr": _forms(
                "l'opposition | parti d'opposition | partis d'opposition | parti de l'opposition",
                "partis de l'opposition | opposition politique | mouvement d'opposition",
                "groupe d'opposition | membre de l'opposition | membres de l'opposition",
                "chef de l'opposition | opposant | opposante | opposants | opposantes",
                "opposant politique | opposants politiques | opposant au régime | opposants au régime",
            ),
        },
        # Procedure, not politics: an appeal against a judgment, the other side in a lawsuit.
        not_within=_forms(
            "l'opposition au jugement | l'opposition à l'ordonnance | l'opposition formée",
            "partie opposante | parties opposantes",
        ),
    ),
    KeywordConcept(
        name="political_party",
        article="3",
        description="membership of a political party or movement",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "حزب سياسي | أحزاب سياسية | الانتماء إلى حزب | الانتماء لحزب | الانضمام إلى حزب",
                "عضوية حزب | عضوية الحزب | حزب محظور | حزب منحل | حركة سياسية | حركات سياسية",
                "تنظيم سياسي | تنظيمات سياسية",
            ),
            "en": _forms(
                "political party | political parties | party membership",
                "membership of a political party | membership in a political party",
                "member of a political party | banned party | banned political party | outlawed party",
                "dissolved party | political movement | political movements | political organisation",
                "political organization | political organisations | political organizations",
            ),
            "es": _forms(
                "partido político | partidos políticos | afiliación a un partido",
                "afiliación política | militancia política | militante de un partido",
                "miembro de un partido político | partido ilegalizado | partido prohibido",
                "movimiento político | movimientos políticos | organización política",
                "organizaciones políticas",
            ),
            "fr": _forms(
                "parti politique | partis politiques | appartenance à un parti",
                "appartenance à un parti politique | membre d'un parti politique",
                "membres d'un parti politique | parti interdit | parti dissous | mouvement politique",
                "mouvements politiques | organisation politique | organisations politiques",
            ),
        },
    ),
    KeywordConcept(
        name="dissident",
        article="3",
        description="a dissident or prisoner of conscience",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "منشق | منشقة | منشقين | منشقون | سجين رأي | سجناء الرأي | معتقل رأي | معتقلي الرأي",
            ),
            "en": _forms(
                "dissident | dissidents | dissidence | political dissent | dissenter | dissenters",
                "prisoner of conscience | prisoners of conscience",
            ),
            "es": _forms(
                "disidente | disidentes | disidencia | preso de conciencia | presos de conciencia",
                "presa de conciencia",
            ),
            "fr": _forms(
                "dissident | dissidente | dissidents | dissidentes | dissidence",
                "prisonnier d'opinion | prisonniers d'opinion | prisonnière d'opinion",
            ),
        },
    ),
    KeywordConcept(
        name="activist",
        article="3",
        description="a political or human-rights activist",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "ناشط | ناشطة | ناشطين | ناشطون | ناشطات | ناشط سياسي | ناشطة سياسية | ناشطين سياسيين",
                "ناشط حقوقي | ناشطة حقوقية | ناشطين حقوقيين | مدافع عن حقوق الإنسان",
                "مدافعة عن حقوق الإنسان | المدافعين عن حقوق الإنسان",
            ),
            "en": _forms(
                "activist | activists | activism | political activist | political activists",
                "human rights defender | human rights defenders",
            ),
            "es": _forms(
                "activista | activistas | activismo | militante político | militante política",
                "militantes políticos | defensor de derechos humanos | defensora de derechos humanos",
                "defensores de derechos humanos | defensor de los derechos humanos",
                "defensora de los derechos humanos | defensores de los derechos humanos",
            ),
            "fr": _forms(
                "activiste | activistes | militant politique | militante politique",
                "militants politiques | militantes politiques | militant des droits de l'homme",
                "militante des droits de l'homme | militants des droits de l'homme",
                "défenseur des droits de l'homme | défenseure des droits de l'homme",
                "défenseurs des droits de l'homme | défenseur des droits humains",
                "défenseurs des droits humains | militantisme",
            ),
        },
    ),
    KeywordConcept(
        name="protest",
        article="3",
        description="a political protest",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "مظاهرة | مظاهرات | تظاهرة | تظاهرات | التظاهر | متظاهر | متظاهرة | متظاهرين",
                "متظاهرون | احتجاج | احتجاجات | محتج | محتجين | محتجون | اعتصام | اعتصامات | معتصمين",
                "مسيرة احتجاجية | مسيرات احتجاجية | وقفة احتجاجية",
            ),
            "en": _forms(
                "protest | protests | protested | protesting | protester | protesters | protestor",
                "protestors | demonstration | demonstrations | demonstrator | demonstrators",
                "street protests",
            ),
            "es": _forms(
                "manifestación | manifestaciones | manifestante | manifestantes | protesta",
                "protestas | protestar | protestaron | movilización | movilizaciones",
                "concentración de protesta | marcha de protesta | cacerolazo | cacerolazos",
            ),
            "fr": _forms(
                "manifestation | manifestations | manifestant | manifestante | manifestants",
                "manifestantes | protestation | protestations | contestataire | contestataires",
                "rassemblement de protestation | mouvement de protestation",
            ),
        },
        # Innocence protested, the truth made manifest, a witness's statements (Spanish).
        not_within=_forms(
            "protested his innocence | protested her innocence | protesting his innocence",
            "protesting her innocence | protests his innocence | protests her innocence",
            "manifestation de la vérité | según manifestaciones | sus manifestaciones",
            "manifestaciones del denunciante | manifestaciones de la denunciante",
            "manifestaciones del detenido | manifestaciones del testigo",
            "manifestaciones de los testigos | manifestaciones de la víctima",
            "manifestación de voluntad",
        ),
    ),
    KeywordConcept(
        name="unlawful_assembly",
        article="3",
        description="an unlawful assembly or unauthorised demonstration",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "تجمهر | تجمهر غير مشروع | تجمع غير مرخص | تجمع غير قانوني | تجمع غير مشروع",
                "تجمعات غير مرخصة | مظاهرة غير مرخصة | مظاهرات غير مرخصة | التظاهر دون ترخيص",
            ),
            "en": _forms(
                "unlawful assembly | unlawful assemblies | unlawful gathering | illegal assembly",
                "illegal gathering | illegal gatherings | unauthorised gathering",
                "unauthorized gathering | unauthorised assembly | unauthorized assembly",
                "unauthorised demonstration | unauthorized demonstration | illegal demonstration",
                "illegal demonstrations",
            ),
            "es": _forms(
                "reunión ilícita | reuniones ilícitas | reunión ilegal | reuniones ilegales",
                "reunión no autorizada | concentración ilegal | concentración no autorizada",
                "concentraciones no autorizadas | manifestación ilegal | manifestaciones ilegales",
                "manifestación no autorizada",
            ),
            "fr": _forms(
                "attroupement | attroupements | participation à un attroupement | réunion illégale",
                "réunions illégales | rassemblement illégal | rassemblements illégaux",
                "rassemblement non autorisé | rassemblements non autorisés",
                "rassemblement non déclaré | manifestation interdite | manifestation non autorisée",
                "manifestation non déclarée",
            ),
        },
    ),
    KeywordConcept(
        name="strike",
        article="3",
        description="a strike or trade-union action",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "إضراب | إضرابات | إضراب عام | إضراب عن العمل | الإضراب عن الطعام | مضربين | مضربون",
                "نقابي | نقابية | نقابيين | نقابيون",
            ),
            "en": _forms(
                "general strike | general strikes | labour strike | labor strike | strike action",
                "went on strike | on strike | hunger strike | hunger strikes | strikers",
                "striking workers | trade unionist | trade unionists | union leader | union leaders",
            ),
            "es": _forms(
                "huelga | huelgas | huelguista | huelguistas | huelga general | huelga de hambre",
                "piquete | piquetes | piquetero | piqueteros | sindicalista | sindicalistas",
            ),
            "fr": _forms(
                "grève | grèves | gréviste | grévistes | grève générale | grève de la faim",
                "piquet de grève | syndicaliste | syndicalistes",
            ),
        },
        # "Huelga decir": needless to say.
        not_within=_forms(
            "huelga decir | huelga señalar | huelga añadir | huelga mencionar",
        ),
    ),
    KeywordConcept(
        name="journalist",
        article="3",
        description="a journalist or blogger",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "صحفي | صحفية | صحفيين | صحفيون | صحفيات | صحافي | صحافية | صحافيين | صحافيون",
                "مدونين | مدونون | حرية الصحافة | رئيس تحرير",
            ),
            "en": _forms(
                "journalist | journalists | journalism | blogger | bloggers | newspaper editor",
                "press freedom",
            ),
            "es": _forms(
                "periodista | periodistas | bloguero | bloguera | blogueros | blogueras | reportero",
                "reportera | reporteros | libertad de prensa",
            ),
            "fr": _forms(
                "journaliste | journalistes | blogueur | blogueuse | blogueurs | blogueuses",
                "directeur de publication | liberté de la presse",
            ),
        },
        # صحفي is also the adjective "press": the police's own press conference is no journalist.
        not_within=_forms(
            "مؤتمر صحفي | مؤتمر صحافي | بيان صحفي | بيان صحافي | تصريح صحفي | تصريحات صحفية",
            "تقرير صحفي | تقارير صحفية | مصادر صحفية",
        ),
    ),
    KeywordConcept(
        name="criticism_of_government",
        article="3",
        description="criticism of the government",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "انتقاد الحكومة | انتقاد النظام | انتقاد الرئيس | انتقد الحكومة | انتقد النظام",
                "انتقد الرئيس | انتقادات للحكومة | انتقادات للنظام | منتقد للحكومة | منتقدي الحكومة",
                "منتقدي النظام | مناهض للحكومة | مناهضة للحكومة | المناهضين للحكومة | مناهض للنظام",
                "مناهضة النظام | معاد للنظام | معادية للنظام",
            ),
            "en": _forms(
                "criticism of the government | criticising the government",
                "criticizing the government | criticised the government | criticized the government",
                "critic of the government | critics of the government | critical of the government",
                "government critic | government critics | criticism of the regime",
                "criticising the regime | criticizing the regime | critic of the regime",
                "critics of the regime | criticism of the president | criticising the president",
                "criticizing the president | criticised the president | criticized the president",
                "anti-government | antigovernment | anti-regime",
            ),
            "es": _forms(
                "crítica al gobierno | críticas al gobierno | crítica del gobierno",
                "crítico del gobierno | críticos del gobierno | criticar al gobierno",
                "criticó al gobierno | criticaba al gobierno | crítica al régimen",
                "críticas al régimen | criticó al régimen | crítico del régimen",
                "críticas al presidente | criticó al presidente | antigubernamental",
                "antigubernamentales | contrario al régimen",
            ),
            "fr": _forms(
                "critique du gouvernement | critiques du gouvernement",
                "critiques contre le gouvernement | critiqué le gouvernement",
                "critiquer le gouvernement | critique du régime | critiques du régime",
                "critiqué le régime | critique du président | critiqué le président",
                "antigouvernemental | antigouvernementale | antigouvernementaux",
                "antigouvernementales | anti-gouvernemental | hostile au régime",
                "hostile au gouvernement",
            ),
        },
    ),
    KeywordConcept(
        name="sedition",
        article="3",
        description="sedition, subversion or civil disobedience",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "إثارة الفتنة | التحريض على الفتنة | إشعال الفتنة | عصيان مدني | التحريض على العصيان",
                "التمرد على الدولة | التمرد على النظام | أنشطة هدامة | نشاط هدام | التحريض ضد الدولة",
            ),
            "en": _forms(
                "sedition | seditious | subversion | subversive | subversive activities",
                "incitement to subversion | insurrection | rebellion against the state",
                "civil disobedience",
            ),
            "es": _forms(
                "sedición | sedicioso | sediciosa | sediciosos | sediciosas | subversión | subversivo",
                "subversiva | subversivos | subversivas | actividades subversivas | rebelión",
                "insurrección | desobediencia civil",
            ),
            "fr": _forms(
                "sédition | séditieux | séditieuse | séditieuses | subversion | subversif",
                "subversive | subversifs | subversives | activités subversives | insurrection",
                "rébellion contre l'état | désobéissance civile",
            ),
        },
    ),
    KeywordConcept(
        name="undermining_the_state",
        article="3",
        description="undermining the state or its security",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "تقويض الدولة | تقويض أمن الدولة | تقويض النظام | المساس بأمن الدولة",
                "المساس بهيبة الدولة | النيل من هيبة الدولة | إضعاف هيبة الدولة | إضعاف الشعور القومي",
                "المساس بالوحدة الوطنية | الإضرار بالوحدة الوطنية | قلب نظام الحكم | الإطاحة بالنظام",
                "الإطاحة بالحكومة | جرائم أمن الدولة | الجرائم الماسة بأمن الدولة",
            ),
            "en": _forms(
                "undermining the state | undermining state security",
                "undermining the security of the state | undermining national unity",
                "undermining the constitutional order | undermining state power",
                "subversion of state power | crimes against the state | offences against the state",
                "offenses against the state | crimes against state security",
                "endangering state security | harming national unity | overthrowing the government",
                "overthrow of the government | overthrowing the regime | overthrow of the regime",
            ),
            "es": _forms(
                "socavar el estado | socavar la seguridad del estado",
                "atentado contra la seguridad del estado | delito contra la seguridad del estado",
                "delitos contra la seguridad del estado | atentado contra el orden constitucional",
                "delitos contra la constitución | subvertir el orden constitucional",
                "menoscabo de la unidad nacional | conspiración contra el estado",
                "derrocar al gobierno | derrocamiento del gobierno",
            ),
            "fr": _forms(
                "atteinte à la sûreté de l'état | atteintes à la sûreté de l'état",
                "atteinte à la sécurité de l'état | atteinte à l'autorité de l'état",
                "atteinte à l'unité nationale | atteinte à l'intégrité du territoire",
                "atteinte aux intérêts fondamentaux de la nation | saper l'autorité de l'état",
                "complot contre l'état | complot contre la sûreté de l'état | crimes contre l'état",
                "renversement du gouvernement | renverser le gouvernement | renversement du régime",
            ),
        },
    ),
    KeywordConcept(
        name="treason",
        article="3",
        description="treason",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "الخيانة العظمى | خيانة الوطن | خيانة الدولة | الخيانة الوطنية | خائن للوطن",
            ),
            "en": _forms(
                "treason | high treason | treasonous | traitor | traitors",
            ),
            "es": _forms(
                "alta traición | traición a la patria | traición al estado | traidor a la patria",
                "traidores a la patria",
            ),
            "fr": _forms(
                "trahison | haute trahison | traître à la patrie | traîtres à la patrie",
            ),
        },
    ),
    KeywordConcept(
        name="espionage",
        article="3",
        description="espionage or state secrets",
        concern="which may give the case a political or military character (Article 3)",
        forms={
            "ar": _forms(
                "تجسس | التجسس | جاسوس | جواسيس | التخابر | التخابر مع جهة أجنبية",
                "التخابر مع دولة أجنبية | أسرار الدولة | أسرار عسكرية",
            ),
            "en": _forms(
                "espionage | spying for | spied for | spy for | state secrets | military secrets",
                "foreign intelligence service",
            ),
            "es": _forms(
                "espionaje | espía | espías | secretos de estado | secretos oficiales",
                "revelación de secretos oficiales",
            ),
            "fr": _forms(
                "espionnage | espion | espionne | espions | secret de la défense nationale",
                "secrets d'état | intelligence avec une puissance étrangère",
                "intelligence avec l'ennemi",
            ),
        },
        # Between companies, or software: ordinary crime.
        not_within=_forms(
            "industrial espionage | economic espionage | corporate espionage",
            "commercial espionage | espionnage industriel | espionnage économique",
            "logiciel espion | logiciels espions | espionaje industrial | espionaje empresarial",
            "programa espía | programas espía | software espía | برنامج تجسس | برامج تجسس",
            "تطبيقات التجسس | التجسس الصناعي",
        ),
    ),
    KeywordConcept(
        name="asylum",
        article="3",
        description="asylum or refugee status",
        concern="which may mean the requesting country is the one the person fled (Article 3)",
        forms={
            "ar": _forms(
                "لجوء | لجوء سياسي | حق اللجوء | طالب لجوء | طالبة لجوء | طالبي لجوء | لاجئ | لاجئة",
                "لاجئين | لاجئون | صفة لاجئ | وضع اللاجئ",
            ),
            "en": _forms(
                "asylum | political asylum | asylum seeker | asylum seekers | granted asylum",
                "refugee | refugees | refugee status",
            ),
            "es": _forms(
                "asilo | asilo político | solicitante de asilo | solicitantes de asilo | refugiado",
                "refugiada | refugiados | refugiadas | estatuto de refugiado | condición de refugiado",
                "protección internacional",
            ),
            "fr": _forms(
                "asile | asile politique | demandeur d'asile | demandeuse d'asile",
                "demandeurs d'asile | réfugié | réfugiée | réfugiés | réfugiées | réfugié politique",
                "statut de réfugié | protection subsidiaire",
            ),
        },
        # Hiding at someone's home, and an old people's home.
        not_within=_forms(
            "s'est réfugié | s'est réfugiée | se sont réfugiés | s'était réfugié",
            "s'était réfugiée | se había refugiado | se habían refugiado | se ha refugiado",
            "estaba refugiado | asilo de ancianos",
        ),
    ),
    KeywordConcept(
        name="political_motive",
        article="3",
        description="a political motive or political prisoner",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "دوافع سياسية | دافع سياسي | أسباب سياسية | معتقل سياسي | معتقلين سياسيين",
                "سجين سياسي | سجناء سياسيين | السجناء السياسيين | جريمة سياسية | جرائم سياسية",
                "آراء سياسية | قناعات سياسية",
            ),
            "en": _forms(
                "political motive | political motives | politically motivated | political reasons",
                "political prisoner | political prisoners | political detainee | political detainees",
                "political crime | political offence | political offense | political views",
                "political opinions | political beliefs",
            ),
            "es": _forms(
                "motivo político | motivos políticos | motivación política | motivaciones políticas",
                "razones políticas | preso político | presos políticos | presa política",
                "delito político | delitos políticos | opiniones políticas | convicciones políticas",
                "ideas políticas",
            ),
            "fr": _forms(
                "motif politique | motifs politiques | motivation politique | motivations politiques",
                "politiquement motivé | prisonnier politique | prisonniers politiques",
                "prisonnière politique | délit politique | crime politique | opinions politiques",
                "convictions politiques",
            ),
        },
    ),
    KeywordConcept(
        name="propaganda",
        article="3",
        description="political propaganda or “false news”",
        concern=_POLITICAL,
        forms={
            "ar": _forms(
                "دعاية سياسية | الدعاية ضد الدولة | دعاية مناهضة | دعاية معادية | أخبار كاذبة",
                "نشر أخبار كاذبة | إشاعات كاذبة | نشر الشائعات | بث الشائعات | إذاعة أخبار كاذبة",
            ),
            "en": _forms(
                "political propaganda | anti-state propaganda | propaganda against the state",
                "propaganda against the regime | spreading propaganda | false news | fake news",
                "spreading false news | spreading false information | spreading rumours",
                "spreading rumors",
            ),
            "es": _forms(
                "propaganda política | propaganda contra el estado | propaganda subversiva",
                "noticias falsas | difusión de noticias falsas | bulos | difusión de bulos",
                "propagación de rumores",
            ),
            "fr": _forms(
                "propagande | propagande politique | propagande contre l'état | fausse nouvelle",
                "fausses nouvelles | diffusion de fausses informations",
                "propagation de fausses nouvelles | diffusion de rumeurs",
            ),
        },
    ),
    # Article 3: military character.
    KeywordConcept(
        name="desertion",
        article="3",
        description="desertion from the armed forces",
        concern=_MILITARY,
        forms={
            "ar": _forms(
                "فرار من الجيش | فرار من الخدمة العسكرية | الفرار من الخدمة | الفرار من الجندية",
                "هروب من الجيش | الهروب من الخدمة العسكرية | فار من الجيش | فار من الخدمة العسكرية",
                "جندي فار | جنود فارين | الفارين من الجيش | التغيب عن الوحدة العسكرية",
            ),
            "en": _forms(
                "desertion | desertions | deserter | deserters | deserted from the army",
                "deserted his unit | deserted her unit | absent without leave | awol",
            ),
            "es": _forms(
                "deserción | deserciones | desertor | desertora | desertores | desertoras",
                "desertó del ejército | abandono de destino",
            ),
            "fr": _forms(
                "désertion | désertions | déserteur | déserteurs | déserteuse | déserteuses",
            ),
        },
        # School dropout.
        not_within=_forms(
            "deserción escolar",
        ),
    ),
    KeywordConcept(
        name="conscientious_objection",
        article="3",
        description="conscientious objection to military service",
        concern=_MILITARY,
        forms={
            "ar": _forms(
                "استنكاف ضميري | مستنكف ضميري | مستنكفين ضميريا | اعتراض ضميري | معترض ضميري",
                "معترضين ضميريا | الرفض الضميري | رفض حمل السلاح",
            ),
            "en": _forms(
                "conscientious objection | conscientious objector | conscientious objectors",
                "refusal to bear arms | refused to bear arms",
            ),
            "es": _forms(
                "objeción de conciencia | objetor de conciencia | objetora de conciencia",
                "objetores de conciencia | negativa a portar armas",
            ),
            "fr": _forms(
                "objection de conscience | objecteur de conscience | objecteurs de conscience",
                "objectrice de conscience | refus de porter les armes",
            ),
        },
    ),
    KeywordConcept(
        name="military_service_evasion",
        article="3",
        description="evasion of military service",
        concern=_MILITARY,
        forms={
            "ar": _forms(
                "التهرب من الخدمة العسكرية | التهرب من الخدمة الإلزامية | التهرب من التجنيد",
                "متهرب من التجنيد | متهربين من التجنيد | التخلف عن الخدمة العسكرية",
                "التخلف عن الخدمة الإلزامية | متخلف عن الخدمة العسكرية | التخلف عن التجنيد",
                "متخلف عن التجنيد | رفض أداء الخدمة العسكرية | رفض الخدمة العسكرية",
            ),
            "en": _forms(
                "draft evasion | draft evader | draft evaders | draft dodger | draft dodgers",
                "draft dodging | military service evasion | evasion of military service",
                "evading military service | evaded military service | avoiding military service",
                "refused military service | refusing military service",
                "refusal to perform military service | failure to report for military service",
            ),
            "es": _forms(
                "prófugo del servicio militar | prófugos del servicio militar",
                "evasión del servicio militar | eludir el servicio militar",
                "eludió el servicio militar | negativa a cumplir el servicio militar | insumisión",
                "insumiso | insumisa | insumisos",
            ),
            "fr": _forms(
                "insoumission | insoumis au service militaire | se soustraire au service militaire",
                "soustrait au service militaire | soustraction aux obligations militaires",
                "refus du service militaire | refus d'accomplir le service militaire",
                "réfractaire au service militaire",
            ),
        },
    ),
    # Article 3: religious character.
    KeywordConcept(
        name="blasphemy",
        article="3",
        description="blasphemy",
        concern=_RELIGIOUS,
        forms={
            "ar": _forms(
                "سب الذات الإلهية | إهانة الذات الإلهية | الإساءة للذات الإلهية",
                "الإساءة إلى الذات الإلهية | سب الجلالة | سب الله | التجديف على الله",
                "التجديف في الدين",
            ),
            "en": _forms(
                "blasphemy | blasphemies | blasphemous | blaspheme | blasphemed | blaspheming",
                "blasphemer | blasphemers",
            ),
            "es": _forms(
                "blasfemia | blasfemias | blasfemo | blasfema | blasfemos | blasfemas | blasfemar",
                "blasfemó | blasfematorio | blasfematoria",
            ),
            "fr": _forms(
                "blasphème | blasphèmes | blasphémer | blasphématoire | blasphématoires",
                "blasphémateur | blasphémateurs | blasphématrice",
            ),
        },
    ),
    KeywordConcept(
        name="apostasy",
        article="3",
        description="apostasy",
        concern=_RELIGIOUS,
        forms={
            "ar": _forms(
                "الردة | حد الردة | ردة عن الإسلام | مرتد عن الإسلام | مرتدة عن الإسلام",
                "مرتدين عن الإسلام | مرتدون عن الإسلام | مرتد عن الدين | مرتدة عن الدين",
                "ارتداد عن الإسلام | الارتداد عن الدين | ارتد عن الإسلام | ارتدت عن الإسلام",
                "ترك الإسلام | الخروج من الإسلام | الخروج عن الإسلام",
            ),
            "en": _forms(
                "apostasy | apostate | apostates | renouncing islam | renounced islam | leaving islam",
                "left islam",
            ),
            "es": _forms(
                "apostasía | apóstata | apóstatas | renegó del islam | renunció al islam",
                "renunciar al islam | abandono del islam",
            ),
            "fr": _forms(
                "apostasie | apostat | apostats | apostate | apostates | renié l'islam",
                "reniement de l'islam | abandon de l'islam | quitté l'islam",
            ),
        },
    ),
    KeywordConcept(
        name="heresy",
        article="3",
        description="heresy",
        concern=_RELIGIOUS,
        forms={
            "ar": _forms(
                "هرطقة | هرطقات | مهرطق | مهرطقين | مهرطقون | زندقة | زنديق | زنادقة",
            ),
            "en": _forms(
                "heresy | heresies | heretic | heretics | heretical",
            ),
            "es": _forms(
                "herejía | herejías | hereje | herejes | herético | herética | heréticos | heréticas",
            ),
            "fr": _forms(
                "hérésie | hérésies | hérétique | hérétiques",
            ),
        },
    ),
    KeywordConcept(
        name="insulting_religion",
        article="3",
        description="an insult to religion or the Prophet",
        concern=_RELIGIOUS,
        forms={
            "ar": _forms(
                "ازدراء الأديان | ازدراء الدين | ازدراء الدين الإسلامي | الإساءة للأديان",
                "الإساءة إلى الأديان | الإساءة للدين | الإساءة إلى الدين | إهانة الدين",
                "إهانة الأديان | إهانة الإسلام | الإساءة للإسلام | الإساءة إلى الإسلام | سب الدين",
                "سب النبي | سب الرسول | الإساءة للنبي | الإساءة إلى النبي | الإساءة للرسول",
                "الإساءة إلى الرسول | إهانة النبي | إهانة الرسول | إهانة القرآن | تدنيس القرآن",
                "تدنيس المصحف | المساس بالمقدسات | الإساءة للمقدسات",
            ),
            "en": _forms(
                "insulting religion | insulting religions | insult to religion | insulting islam",
                "insulting the prophet | insult to the prophet | insults against the prophet",
                "defaming the prophet | defamation of the prophet | defamation of religion",
                "defamation of religions | contempt of religion | contempt of religions",
                "offending religious feelings | offence to religious feelings",
                "offense to religious feelings | hurting religious sentiments | insulting the quran",
                "insulting the koran | desecrating the quran | desecration of the quran",
            ),
            "es": _forms(
                "ofensa a la religión | ofensas a la religión | ofensa a los sentimientos religiosos",
                "ofensas a los sentimientos religiosos | insulto a la religión",
                "insultos a la religión | insulto al islam | insulto al profeta | insultos al profeta",
                "injurias al profeta | ofensa al profeta | ultraje a la religión",
                "difamación de la religión | escarnio | profanación del corán",
            ),
            "fr": _forms(
                "outrage à la religion | outrage aux religions | offense à la religion",
                "insulte à la religion | insultes à la religion | insulte à l'islam",
                "insulte au prophète | insultes au prophète | outrage au prophète",
                "offense au prophète | diffamation des religions | atteinte aux sentiments religieux",
                "outrage aux sentiments religieux | dénigrement de la religion | mépris des religions",
                "profanation du coran | outrage au coran",
            ),
        },
    ),
    KeywordConcept(
        name="religious_conversion",
        article="3",
        description="a religious conversion or proselytism",
        concern=_RELIGIOUS,
        forms={
            "ar": _forms(
                "تبشير | تنصير | اعتناق المسيحية | اعتنق المسيحية | اعتنقت المسيحية | تغيير الدين",
                "تغيير دينه | تغيير ديانته | تغيير الديانة",
            ),
            "en": _forms(
                "religious conversion | converted to christianity | converting to christianity",
                "conversion to christianity | converted from islam | conversion from islam",
                "change of religion | changed religion | changing religion | proselytism",
                "proselytising | proselytizing | proselytised | proselytized | evangelising",
                "evangelizing",
            ),
            "es": _forms(
                "conversión religiosa | convertido al cristianismo | convertida al cristianismo",
                "conversión al cristianismo | cambio de religión | cambió de religión | proselitismo",
                "evangelización",
            ),
            "fr": _forms(
                "conversion religieuse | converti au christianisme | convertie au christianisme",
                "conversion au christianisme | changement de religion | changé de religion",
                "prosélytisme | évangélisation",
            ),
        },
    ),
    # Article 3: racial character.
    KeywordConcept(
        name="ethnic_origin",
        article="3",
        description="an ethnic, racial or tribal membership",
        concern=_RACIAL,
        forms={
            "ar": _forms(
                "أصل عرقي | أصوله العرقية | أقلية عرقية | أقليات عرقية | أقلية إثنية | مجموعة عرقية",
                "مجموعات عرقية | جماعة عرقية | جماعات عرقية | انتماء عرقي | الانتماء الإثني",
                "انتماء قبلي | أصل قبلي",
            ),
            "en": _forms(
                "ethnic group | ethnic groups | ethnic minority | ethnic minorities | ethnic origin",
                "ethnic origins | ethnic background | ethnicity | racial origin | tribal affiliation",
                "tribal origin",
            ),
            "es": _forms(
                "grupo étnico | grupos étnicos | minoría étnica | minorías étnicas | origen étnico",
                "pertenencia étnica | etnia | etnias | origen racial | pertenencia racial",
                "pertenencia tribal | origen tribal",
            ),
            "fr": _forms(
                "groupe ethnique | groupes ethniques | minorité ethnique | minorités ethniques",
                "origine ethnique | appartenance ethnique | ethnie | ethnies | origine raciale",
                "appartenance raciale | appartenance tribale | origine tribale",
            ),
        },
    ),
    # Article 2: human rights.
    KeywordConcept(
        name="torture",
        article="2",
        description="torture",
        concern=_CRUEL,
        forms={
            "ar": _forms(
                "تعذيب | تحت التعذيب | تعرض للتعذيب | أساليب التعذيب | عذبوه",
            ),
            "en": _forms(
                "torture | tortures | tortured | torturing | torturer | torturers",
            ),
            "es": _forms(
                "tortura | torturas | torturado | torturada | torturados | torturadas | torturar",
                "torturaron | torturador | torturadores",
            ),
            "fr": _forms(
                "torture | tortures | actes de torture | torturé | torturée | torturés | torturées",
                "tortionnaire | tortionnaires",
            ),
        },
    ),
    KeywordConcept(
        name="flogging",
        article="2",
        description="flogging or another corporal punishment",
        concern=_CRUEL,
        forms={
            "ar": _forms(
                "جلدة | جلدات | عقوبة الجلد | حكم بالجلد | حكم عليه بالجلد | العقوبة البدنية",
                "عقوبات بدنية",
            ),
            "en": _forms(
                "flogging | floggings | flogged | lashes | lashing | lashings | whipping | caning",
                "caned | corporal punishment",
            ),
            "es": _forms(
                "flagelación | latigazo | latigazos | azotes | pena de azotes | azotado | azotada",
                "castigo corporal | castigos corporales",
            ),
            "fr": _forms(
                "flagellation | coups de fouet | peine de fouet | fouet | fouetté | fouettée",
                "bastonnade | châtiment corporel | châtiments corporels",
            ),
        },
    ),
    KeywordConcept(
        name="stoning",
        article="2",
        description="stoning",
        concern=_CRUEL,
        forms={
            "ar": _forms(
                "رجم | رجما | رجمه | حد الرجم | الرجم حتى الموت",
            ),
            "en": _forms(
                "stoning | stoning to death | stoned to death | death by stoning",
            ),
            "es": _forms(
                "lapidación | muerte por lapidación | lapidado | lapidada | lapidados | lapidadas",
            ),
            "fr": _forms(
                "lapidation | mort par lapidation | lapidé | lapidée | lapidés | lapidées",
            ),
        },
    ),
    KeywordConcept(
        name="amputation",
        article="2",
        description="amputation",
        concern=_CRUEL,
        forms={
            "ar": _forms(
                "بتر | بتر اليد | قطع اليد | قطع الأيدي | قطع يده | قطع من خلاف | حد السرقة",
                "حد الحرابة",
            ),
            "en": _forms(
                "amputation | amputations | amputated | cross-amputation | hand cut off",
                "cutting off of the hand",
            ),
            "es": _forms(
                "amputación | amputaciones | amputado | amputada | amputados | amputadas | amputar",
                "corte de la mano",
            ),
            "fr": _forms(
                "amputation | amputations | amputé | amputée | amputés | amputées | main coupée",
                "ablation de la main",
            ),
        },
    ),
    KeywordConcept(
        name="forced_confession",
        article="2",
        description="a forced confession",
        concern=_CRUEL,
        forms={
            "ar": _forms(
                "اعتراف قسري | اعترافات قسرية | اعتراف تحت التعذيب | اعترافات تحت التعذيب",
                "اعتراف تحت الإكراه | اعترافات تحت الإكراه | انتزاع اعتراف | انتزاع اعترافات",
                "اعتراف منتزع | اعترافات منتزعة | اعتراف متلفز | اعترافات متلفزة",
                "الإكراه على الاعتراف",
            ),
            "en": _forms(
                "forced confession | forced confessions | coerced confession | coerced confessions",
                "confession under duress | confessions under duress",
                "confession obtained under torture | confessed under torture | extracted confession",
                "confession extracted | confessions extracted | televised confession",
                "televised confessions",
            ),
            "es": _forms(
                "confesión forzada | confesiones forzadas | confesión forzosa",
                "confesión bajo coacción | confesiones bajo coacción | confesión bajo tortura",
                "confesiones bajo tortura | confesión obtenida bajo tortura | confesión coaccionada",
                "confesiones coaccionadas | confesión arrancada | confesiones arrancadas",
                "confesión televisada",
            ),
            "fr": _forms(
                "aveu forcé | aveux forcés | aveu extorqué | aveux extorqués | extorsion d'aveux",
                "aveux obtenus sous la torture | aveu sous la contrainte | aveux sous la contrainte",
                "aveux obtenus sous la contrainte | aveux télévisés",
            ),
        },
    ),
    KeywordConcept(
        name="trial_in_absentia",
        article="2",
        description="a trial in absentia",
        concern=_UNFAIR,
        forms={
            "ar": _forms(
                "غيابي | غيابيا | حكم غيابي | أحكام غيابية | محاكمة غيابية | المحاكمة الغيابية",
            ),
            "en": _forms(
                "in absentia | trial in absentia | tried in absentia | convicted in absentia",
                "sentenced in absentia | judgment in absentia | judgement in absentia",
                "default judgment | default judgement",
            ),
            "es": _forms(
                "en rebeldía | sentencia en rebeldía | condenado en rebeldía | condenada en rebeldía",
                "juicio en ausencia | juzgado en ausencia | juzgada en ausencia",
                "condenado en ausencia | condenada en ausencia | contumacia",
            ),
            "fr": _forms(
                "par contumace | contumace | jugé par défaut | jugée par défaut | condamné par défaut",
                "condamnée par défaut | jugement par défaut | arrêt par défaut",
            ),
        },
    ),
)


# Folding: what two spellings of one word have in common. Apostrophes and dashes become one
# each (French elision, "lèse-majesté"); invisible joiners, soft hyphens and tatweel vanish;
# NFKD then dropping marks strips Latin accents and Arabic harakat and splits hamza seats
# (أ إ آ → ا, ؤ → و, ئ → ي); the few Arabic letters NFKD keeps apart are unified by hand.
_APOSTROPHES = frozenset("'\u2018\u2019\u02bc\u02bb`\u00b4\u2032")
_DASHES = frozenset("-\u2010\u2011\u2012\u2013\u2014\u2015\u2212")
_INVISIBLE = frozenset("\u0640\u00ad\u200c\u200d\u2060\ufeff")
_MARKS = frozenset(("Mn", "Me"))
_ARABIC_VARIANTS = str.maketrans(
    {
        "\u0671": "\u0627",  # alef wasla → alef
        "\u0649": "\u064a",  # alef maqsura → yeh
        "\u0629": "\u0647",  # teh marbuta → heh
        "\u06a9": "\u0643",  # Persian keheh → kaf
        "\u06cc": "\u064a",  # Farsi yeh → yeh
    }
)


@functools.lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    if char in _APOSTROPHES:
        return "'"
    if char in _DASHES:
        return "-"
    if char in _INVISIBLE:
        return ""
    decomposed = unicodedata.normalize("NFKD", char)
    bare = "".join(c for c in decomposed if unicodedata.category(c) not in _MARKS)
    folded = unicodedata.normalize("NFKD", bare.casefold())
    folded = "".join(c for c in folded if unicodedata.category(c) not in _MARKS)
    return folded.translate(_ARABIC_VARIANTS)


def fold(text: str) -> str:
    """The text as matching sees it: case, accents, Arabic harakat and spelling variants gone."""
    return "".join(_fold_char(char) for char in text)


def _fold_with_origin(text: str) -> tuple[str, list[int]]:
    """The folded text, and for each of its characters the index of the one it came from."""
    folded: list[str] = []
    origin: list[int] = []
    for index, char in enumerate(text):
        for piece in _fold_char(char):
            folded.append(piece)
            origin.append(index)
    return "".join(folded), origin


_ARABIC_ARTICLES = ("\u0627\u0644", "\u0644\u0644")  # ال, and لل (li + al)
_CLITICS = "(?:[\u0648\u0641]?(?:[\u0628\u0643]?\u0627\u0644|\u0644\u0644|[\u0628\u0644\u0643])?)"
_DEFINITE_CLITICS = "(?:[\u0648\u0641]?(?:[\u0628\u0643]?\u0627\u0644|\u0644\u0644))"
_WRITTEN_SEPARATOR = re.compile(r"[\s'\u2018\u2019\u02bc\-\u2010\u2011]+")
_SEPARATOR = r"[\s\-']+"  # between the words of a phrase, once folded
# A word begins and ends where no letter or digit touches it ("protest" is not in
# "Protestant"); an apostrophe or dash ends a word, so "l'opposition" holds "opposition".
_WORD_START = r"(?<![^\W_])"
_WORD_END = r"(?![^\W_])"


def _is_arabic(token: str) -> bool:
    return any("\u0600" <= char <= "\u06ff" for char in token)


def _token_pattern(token: str) -> str:
    if not _is_arabic(token):
        return re.escape(fold(token))
    if token.startswith(_ARABIC_ARTICLES):
        return _DEFINITE_CLITICS + re.escape(fold(token[2:]))
    return _CLITICS + re.escape(fold(token))


def form_pattern(form: str) -> str:
    """The regular expression (on folded text) one written form of a keyword compiles to."""
    tokens = [token for token in _WRITTEN_SEPARATOR.split(form.strip()) if token]
    return _SEPARATOR.join(_token_pattern(token) for token in tokens)


def _alternation(forms: Iterable[str]) -> re.Pattern[str]:
    # Longest first, so that at one position the whole phrase wins over a word of it.
    patterns = sorted({form_pattern(form) for form in forms}, key=lambda p: (-len(p), p))
    return re.compile(_WORD_START + "(?:" + "|".join(patterns) + ")" + _WORD_END)


@dataclass(frozen=True, slots=True)
class _CompiledConcept:
    concept: KeywordConcept
    pattern: re.Pattern[str]
    exceptions: re.Pattern[str] | None


_COMPILED: tuple[_CompiledConcept, ...] = tuple(
    _CompiledConcept(
        concept=concept,
        pattern=_alternation(form for forms in concept.forms.values() for form in forms),
        exceptions=_alternation(concept.not_within) if concept.not_within else None,
    )
    for concept in KEYWORD_CONCEPTS
)


@dataclass(frozen=True, slots=True)
class _Found:
    flag: Flag
    position: int  # where in the text the evidence starts; 0 for a flag on a value


def _keyword_flags(field: str, text: str) -> Iterator[_Found]:
    folded, origin = _fold_with_origin(text)
    if not folded:
        return
    for compiled in _COMPILED:
        matches = list(compiled.pattern.finditer(folded))
        if not matches:
            continue
        excepted = (
            [m.span() for m in compiled.exceptions.finditer(folded)]
            if compiled.exceptions is not None
            else []
        )
        for match in matches:
            start, end = match.span()
            if any(s <= start and end <= e for s, e in excepted):
                continue
            first = origin[start]
            last = origin[end - 1] + 1
            # Keep the marks written on the last letter (a kasra, a combining accent).
            while last < len(text) and not _fold_char(text[last]):
                last += 1
            evidence = text[first:last]
            concept = compiled.concept
            yield _Found(
                Flag(
                    code=f"article{concept.article}.keyword",
                    article=concept.article,
                    field=field,
                    reason=f'The text of "{field}" mentions {concept.description} '
                    f'("{evidence}"), {concept.concern}.',
                    evidence=evidence,
                ),
                first,
            )


def _category_flags(offence_categories: Sequence[str]) -> Iterator[_Found]:
    for index, category in enumerate(offence_categories):
        if category in ARTICLE3_CATEGORIES:
            yield _Found(
                Flag(
                    code="article3.offence_category",
                    article="3",
                    field=f"offences.{index}.category",
                    reason=f'Offence {index + 1} is in the category "{category}": '
                    f"{ARTICLE3_CATEGORY_REASONS[category]}, so Article 3 may forbid "
                    "the Organization to act on it.",
                    evidence=category,
                ),
                0,
            )


def _refugee_flag(refugee_status: str) -> Flag:
    who = {"refugee": "a refugee", "asylum_seeker": "an asylum seeker"}[refugee_status]
    return Flag(
        code="article3.refugee_status",
        article="3",
        field=SUBJECT_REFUGEE_STATUS_FIELD,
        reason=f"The subject is recorded as {who}: the requesting country may be the one "
        "they fled, so the request needs checking under Article 3 and the refugee policy.",
        evidence=refugee_status,
    )


def _field_order(field: str) -> tuple[tuple[int, int, str], ...]:
    # "offences.2" before "offences.10": numeric parts compare as numbers.
    return tuple(
        (0, int(part), "") if is_ascii_number(part) else (1, 0, part) for part in field.split(".")
    )


def risk_indicators(
    *,
    offence_categories: Sequence[str],
    texts: Mapping[str, str],
    refugee_status: str | None,
    victim_is_state: bool,
    death_penalty: bool,
    subject_minor: bool,
    arrest_requested: bool,
) -> list[Flag]:
    """Every Article 2 and 3 indicator the request raises, each once, by field then code.
    A category or status outside the vocabulary (a draft's empty one) raises no flag: the
    schema validates them, the reviewer reads what is known."""
    found: list[_Found] = list(_category_flags(offence_categories))
    for field, text in texts.items():
        found.extend(_keyword_flags(field, text))
    if refugee_status is not None and refugee_status in REFUGEE_STATUSES:
        found.append(_Found(_refugee_flag(refugee_status), 0))
    if victim_is_state:
        found.append(
            _Found(
                Flag(
                    code="article3.requester_involved",
                    article="3",
                    field=VICTIM_IS_STATE_FIELD,
                    reason="The requesting state, its government or its officials are the "
                    "victim, so the request may serve the requester's own interest and needs "
                    "checking under Article 3.",
                ),
                0,
            )
        )
    if death_penalty:
        found.append(
            _Found(
                Flag(
                    code="article2.death_penalty",
                    article="2",
                    field=DEATH_PENALTY_FIELD,
                    reason="The offence may carry the death penalty in the requesting country, "
                    "so the request needs checking under Article 2 and the Universal "
                    "Declaration of Human Rights.",
                ),
                0,
            )
        )
    if subject_minor and arrest_requested:
        found.append(
            _Found(
                Flag(
                    code="article2.minor",
                    article="2",
                    field=SUBJECT_MINOR_FIELD,
                    reason="The subject is under 18 and their arrest is requested, so the "
                    "request needs checking under Article 2 and the rules on minors.",
                ),
                0,
            )
        )
    found.sort(
        key=lambda f: (
            _field_order(f.flag.field),
            f.flag.code,
            f.position,
            f.flag.evidence or "",
        )
    )
    seen: set[tuple[str, str, str | None]] = set()
    flags: list[Flag] = []
    for item in found:
        key = (item.flag.code, item.flag.field, item.flag.evidence)
        if key not in seen:
            seen.add(key)
            flags.append(item.flag)
    return flags
