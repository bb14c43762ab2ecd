"""The demo world's notices and diffusions: what each demo request says, in the languages its
countries write (Arabic, English, French, Spanish), the states it is taken through, and the
reasons reviewers and requesters give. Data only; `demo.add_notices` makes the requests
through the service functions."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bluebridge.notices.enums import DiffusionType, NoticeType, ReviewState, Status

NOTICE_REVIEWER = "gs.reviewer"
# The reviewer's nationality: no demo request comes from it, so the reviewer decides on all.
REVIEWER_NATIONALITY = "CHE"
# Every state a notice rests in; "submitted" lasts only while the automatic checks run.
NOTICE_STATES = (
    Status.DRAFT,
    Status.IN_REVIEW,
    Status.INFORMATION_REQUESTED,
    Status.PUBLISHED,
    Status.REFUSED,
    Status.CANCELLED,
    Status.WITHDRAWN,
    Status.EXPIRED,
)
# Every state a diffusion rests in, with the review's finding.
DIFFUSION_STATES = (
    (Status.CIRCULATED, ReviewState.PENDING),
    (Status.CIRCULATED, ReviewState.COMPLIANT),
    (Status.WITHDRAWN, ReviewState.NON_COMPLIANT),
    (Status.CANCELLED, ReviewState.COMPLIANT),
    (Status.EXPIRED, ReviewState.COMPLIANT),
)
PLATFORM_LANGUAGES = frozenset({"ar", "en", "es", "fr"})
# Cities of the countries whose NCB writes Arabic and whose Faker locale has no Arabic
# addresses of its own (its cities mix Arabic names with English patterns: "New خطيب").
ARABIC_CITIES: dict[str, tuple[str, ...]] = {
    "ARE": ("دبي", "أبوظبي", "الشارقة"),
    "BHR": ("المنامة", "المحرق"),
    "COM": ("موروني", "موتسامودو"),
    "EGY": ("القاهرة", "الإسكندرية", "بورسعيد", "أسوان"),
    "IRQ": ("بغداد", "البصرة", "الموصل"),
    "JOR": ("عمّان", "إربد", "العقبة"),
    "KWT": ("الكويت", "الجهراء", "الأحمدي"),
    "LBN": ("بيروت", "طرابلس", "صيدا"),
    "LBY": ("طرابلس", "بنغازي", "مصراتة"),
    "MAR": ("الدار البيضاء", "طنجة", "فاس"),
    "MRT": ("نواكشوط", "نواذيبو"),
    "OMN": ("مسقط", "صلالة", "صحار"),
    "PSE": ("رام الله", "نابلس", "الخليل"),
    "QAT": ("الدوحة", "الوكرة"),
    "SAU": ("الرياض", "جدة", "الدمام"),
    "SOM": ("مقديشو", "هرجيسا", "بوصاصو"),
    "SYR": ("دمشق", "حلب", "اللاذقية"),
    "TCD": ("نجامينا", "أبشي"),
    "TUN": ("تونس", "صفاقس", "سوسة"),
    "YEM": ("صنعاء", "عدن", "الحديدة"),
}
# Groups under UN sanctions in the demo (invented), in Latin letters and in Arabic.
SANCTIONED_GROUPS = (
    ("Harakat al-Fajr al-Jadid", "حركة الفجر الجديد"),
    ("Jund al-Sahel", "جند الساحل"),
    ("Katibat al-Nur", "كتيبة النور"),
    ("Ansar al-Wadi", "أنصار الوادي"),
    ("Liwa al-Haqq", "لواء الحق"),
)
ABROAD = ("Dubai", "Marbella", "Limassol", "Tbilisi", "Phuket", "Punta del Este", "Antalya")

Texts = dict[str, str]  # a request's words in one language, by name
Values = dict[str, str]  # its particulars: place, dates, references
ContentBuilder = Callable[[Texts, Values], dict[str, Any]]


@dataclass(frozen=True, slots=True)
class RequestCase:
    """What one demo request says: its structure, and its words in the languages it is
    written in (English always among them)."""

    build: ContentBuilder
    texts: dict[str, Texts]
    prefer: tuple[str, ...] = ()  # languages whose countries ask first, where any is a member

    def content(self, language: str, values: Values) -> dict[str, Any]:
        written = self.texts.get(language) or self.texts["en"]
        return self.build({k: v.format_map(values) for k, v in written.items()}, values)


def _red(category: str, penalty_months: int, victim_is_state: bool = False) -> ContentBuilder:
    def build(t: Texts, v: Values) -> dict[str, Any]:
        return {
            "summary": t["summary"],
            "facts": t["facts"],
            "offences": [
                {
                    "category": category,
                    "description": t["offence"],
                    "legal_provision": t["law"],
                    "committed_on": v["day"],
                    "place": v["place"],
                    "max_penalty_months": penalty_months,
                }
            ],
            "purpose": "prosecution",
            "legal_basis": {
                "kind": "arrest_warrant",
                "reference": v["reference"],
                "date": v["issued"],
                "authority": t["authority"],
            },
            "victim_is_state": victim_is_state,
        }

    return build


def _disappearance(t: Texts, v: Values) -> dict[str, Any]:
    return {
        "summary": t["summary"],
        "disappearance": {"date": v["day"], "place": v["place"], "circumstances": t["story"]},
    }


def _information(category: str, sought: list[str]) -> ContentBuilder:
    def build(t: Texts, v: Values) -> dict[str, Any]:
        content: dict[str, Any] = {
            "summary": t["summary"],
            "facts": t["facts"],
            "offences": [{"category": category, "description": t["offence"]}],
        }
        if sought:
            content["information_sought"] = sought
        return content

    return build


def _body(t: Texts, v: Values) -> dict[str, Any]:
    return {
        "summary": t["summary"],
        "body": {
            "date": v["day"],
            "place": v["place"],
            "sex": v["sex"],
            "estimated_age": t["age"],
            "description": t["description"],
            "identifiers": [
                {"kind": kind, "description": t[kind]}
                for kind in ("fingerprints", "dna", "dental", "clothing")
            ],
        },
    }


def _conviction(category: str) -> ContentBuilder:
    def build(t: Texts, v: Values) -> dict[str, Any]:
        return {
            "summary": t["summary"],
            "facts": t["facts"],
            "offences": [{"category": category, "description": t["offence"]}],
            "conviction": {
                "offence": t["offence"],
                "date": v["convicted"],
                "court": t["court"],
                "sentence": t["sentence"],
            },
        }

    return build


def _threat(t: Texts, v: Values) -> dict[str, Any]:
    return {
        "summary": t["summary"],
        "threat": {"kind": "object", "description": t["threat"], "valid_until": v["until"]},
    }


def _modus_operandi(t: Texts, v: Values) -> dict[str, Any]:
    return {
        "summary": t["summary"],
        "facts": t["facts"],
        "modus_operandi": {
            "description": t["method"],
            "objects": t["objects"],
            "concealment": t["concealment"],
        },
        "offences": [{"category": "arms_trafficking", "description": t["offence"]}],
    }


def _assets(t: Texts, v: Values) -> dict[str, Any]:
    return {
        "summary": t["summary"],
        "facts": t["facts"],
        "offences": [{"category": "money_laundering", "description": t["offence"]}],
        "assets": [
            {"kind": "property", "description": t["property"], "location": v["abroad"]},
            {"kind": "company", "description": t["company"], "location": v["abroad"]},
            {"kind": "crypto_asset", "description": t["crypto"]},
        ],
    }


def _sanction(t: Texts, v: Values) -> dict[str, Any]:
    return {
        "summary": t["summary"],
        "facts": t["facts"],
        "sanction": {
            "committee": "Security Council Committee pursuant to resolutions 1267 (1999), "
            "1989 (2011) and 2253 (2015) concerning ISIL (Da'esh), Al-Qaida and associated "
            "individuals, groups, undertakings and entities",
            "reference": v["un_reference"],
            "measures": ["asset_freeze", "travel_ban", "arms_embargo"],
            "listed_on": v["listed"],
        },
    }


# The demo's requests, by case: the ordinary one of each kind, and those a reviewer must stop
# (Article 3: an insult to the head of state, desertion, the opposition, a demonstration, a
# journalist, blasphemy, an asylum seeker).
REQUEST_CASES: dict[str, RequestCase] = {
    "red": RequestCase(
        _red("drug_trafficking", 360),
        {
            "en": {
                "summary": "Drug trafficking: 240 kg of cocaine imported through the port of {place}",
                "facts": "On {date} customs officers at {place} seized 240 kg of cocaine hidden in a container of frozen fish. Telephone intercepts and bank records show that the person organised the shipment, paid the dockworkers and arranged the onward transport. The person left the country two days later and is believed to travel on a genuine passport.",
                "offence": "Importation of and trafficking in narcotics by an organised group",
                "law": "Penal Code, section 33",
                "authority": "Investigating judge, {place} Court",
            },
            "fr": {
                "summary": "Trafic de stupéfiants : 240 kg de cocaïne importés par le port de {place}",
                "facts": "Le {date}, les douaniers de {place} ont saisi 240 kg de cocaïne dissimulés dans un conteneur de poisson congelé. Les interceptions téléphoniques et les relevés bancaires établissent que la personne a organisé l'envoi, rémunéré les dockers et préparé l'acheminement. Elle a quitté le territoire deux jours plus tard, probablement avec son véritable passeport.",
                "offence": "Importation et trafic de stupéfiants en bande organisée",
                "law": "Code pénal, article 222-36",
                "authority": "Juge d'instruction, tribunal judiciaire de {place}",
            },
            "es": {
                "summary": "Tráfico de drogas: 240 kg de cocaína introducidos por el puerto de {place}",
                "facts": "El {date}, agentes de aduanas de {place} incautaron 240 kg de cocaína ocultos en un contenedor de pescado congelado. Las intervenciones telefónicas y los registros bancarios muestran que la persona organizó el envío, pagó a los estibadores y preparó el transporte posterior. Salió del país dos días después, probablemente con su pasaporte auténtico.",
                "offence": "Tráfico de drogas cometido en el seno de una organización criminal",
                "law": "Código Penal, artículo 368",
                "authority": "Juzgado de Instrucción de {place}",
            },
            "ar": {
                "summary": "الاتجار بالمخدرات: تهريب 240 كيلوغراماً من الكوكايين عبر ميناء {place}",
                "facts": "في {date} ضبط موظفو الجمارك في {place} 240 كيلوغراماً من الكوكايين مخبأة في حاوية أسماك مجمدة. وتثبت التسجيلات الهاتفية والسجلات المصرفية أن الشخص نظّم الشحنة ودفع لعمال الميناء ورتّب نقلها إلى الداخل. وقد غادر البلاد بعد يومين، ويُعتقد أنه يسافر بجواز سفره الحقيقي.",
                "offence": "جلب المواد المخدرة والاتجار بها ضمن جماعة منظمة",
                "law": "قانون مكافحة المخدرات، المادة 33",
                "authority": "النيابة العامة، محكمة {place}",
            },
        },
    ),
    "red_insult": RequestCase(
        _red("insult", 36, victim_is_state=True),
        {
            "en": {
                "summary": "Insulting the president on social media",
                "facts": "On {date} the person posted a video on social media accusing the president of corruption and calling for his resignation. The public prosecutor charges the person with insulting the president and spreading false news.",
                "offence": "Insulting the president of the republic",
                "law": "Penal Code, article 179",
                "authority": "Public prosecutor, {place}",
            },
            "fr": {
                "summary": "Offense au président de la République sur les réseaux sociaux",
                "facts": "Le {date}, la personne a publié sur les réseaux sociaux une vidéo accusant le président de corruption et appelant à sa démission. Le procureur la poursuit pour offense au président de la République et diffusion de fausses nouvelles.",
                "offence": "Offense au président de la République",
                "law": "Loi du 29 juillet 1881 sur la presse, article 26",
                "authority": "Procureur de la République, {place}",
            },
            "es": {
                "summary": "Injurias al presidente de la república en redes sociales",
                "facts": "El {date}, la persona publicó en redes sociales un vídeo en el que acusaba al presidente de corrupción y pedía su dimisión. La fiscalía la acusa de injurias al presidente de la república y de difundir noticias falsas.",
                "offence": "Injurias al presidente de la república",
                "law": "Código Penal, artículo 490",
                "authority": "Fiscalía de {place}",
            },
            "ar": {
                "summary": "إهانة رئيس الجمهورية عبر وسائل التواصل الاجتماعي",
                "facts": "في {date} نشر الشخص على وسائل التواصل الاجتماعي مقطع فيديو يتهم فيه الرئيس بالفساد ويطالبه بالاستقالة. وتلاحقه النيابة العامة بتهمتي إهانة رئيس الجمهورية ونشر أخبار كاذبة.",
                "offence": "إهانة رئيس الجمهورية",
                "law": "قانون العقوبات، المادة 179",
                "authority": "النيابة العامة، {place}",
            },
        },
        prefer=("es",),
    ),
    "red_desertion": RequestCase(
        _red("desertion", 60),
        {
            "en": {
                "summary": "Desertion from the armed forces",
                "facts": "The person, a sergeant of an infantry regiment, did not return to the unit at {place} when leave ended on {date} and is believed to have crossed the border. The military prosecutor has issued a warrant for desertion.",
                "offence": "Desertion in time of peace",
                "law": "Code of Military Justice, article 321",
                "authority": "Military prosecutor, {place}",
            },
            "fr": {
                "summary": "Désertion des forces armées",
                "facts": "La personne, sergent dans un régiment d'infanterie, n'a pas rejoint son unité à {place} à la fin de sa permission le {date} et aurait franchi la frontière. Le parquet militaire a délivré un mandat d'arrêt pour désertion.",
                "offence": "Désertion en temps de paix",
                "law": "Code de justice militaire, article L321-2",
                "authority": "Parquet militaire, {place}",
            },
            "es": {
                "summary": "Deserción de las fuerzas armadas",
                "facts": "La persona, sargento de un regimiento de infantería, no se reincorporó a su unidad en {place} al terminar su permiso el {date} y habría cruzado la frontera. La fiscalía militar dictó una orden de detención por deserción.",
                "offence": "Deserción en tiempo de paz",
                "law": "Código Penal Militar, artículo 109",
                "authority": "Fiscalía Militar de {place}",
            },
            "ar": {
                "summary": "الفرار من الخدمة العسكرية",
                "facts": "لم يلتحق الشخص، وهو رقيب في فوج مشاة، بوحدته في {place} بعد انتهاء إجازته في {date}، ويُعتقد أنه عبر الحدود. وقد أصدرت النيابة العسكرية أمر قبض بتهمة الفرار من الخدمة العسكرية.",
                "offence": "الفرار من الخدمة العسكرية في وقت السلم",
                "law": "قانون الأحكام العسكرية، المادة 154",
                "authority": "النيابة العسكرية، {place}",
            },
        },
        prefer=("ar",),
    ),
    "yellow": RequestCase(
        _disappearance,
        {
            "en": {
                "summary": "Missing child, last seen leaving school in {place}",
                "story": "Left school at 4 pm on {date} and did not come home. The child's phone was last located near the railway station. A relative living abroad may have been in contact.",
            },
            "fr": {
                "summary": "Enfant disparu, vu pour la dernière fois à la sortie de l'école à {place}",
                "story": "A quitté l'école à 16 heures le {date} sans rentrer au domicile. Le téléphone de l'enfant a été localisé pour la dernière fois près de la gare. Un parent vivant à l'étranger a peut-être été en contact avec l'enfant.",
            },
            "es": {
                "summary": "Desaparición de un menor a la salida del colegio en {place}",
                "story": "Salió del colegio a las 16:00 del {date} y no volvió a casa. Su teléfono se localizó por última vez cerca de la estación de tren. Es posible que un familiar que vive en el extranjero haya estado en contacto.",
            },
            "ar": {
                "summary": "اختفاء قاصر بعد خروجه من المدرسة في {place}",
                "story": "غادر المدرسة في الرابعة عصراً يوم {date} ولم يعد إلى المنزل. ورُصد هاتفه آخر مرة قرب محطة القطارات. وربما كان على اتصال بأحد أقاربه المقيمين في الخارج.",
            },
        },
    ),
    "blue": RequestCase(
        _information("fraud", ["identity", "location", "activities"]),
        {
            "en": {
                "summary": "Identity and whereabouts of a suspect in an investment fraud",
                "facts": "Since {date} some 300 savers in {place} have transferred about 4 million US dollars to a fake investment platform. The person opened the receiving accounts with identity documents of uncertain origin. We seek the person's true identity, current location and activities.",
                "offence": "Investment fraud by an organised group",
            },
            "fr": {
                "summary": "Identité et localisation d'un suspect dans une escroquerie à l'investissement",
                "facts": "Depuis le {date}, quelque 300 épargnants de {place} ont viré environ 4 millions de dollars à une fausse plateforme d'investissement. La personne a ouvert les comptes destinataires avec des pièces d'identité d'origine incertaine. Nous cherchons sa véritable identité, sa localisation et ses activités.",
                "offence": "Escroquerie en bande organisée",
            },
            "es": {
                "summary": "Identidad y paradero de un sospechoso de estafa de inversiones",
                "facts": "Desde el {date}, unos 300 ahorradores de {place} han transferido cerca de 4 millones de dólares a una falsa plataforma de inversión. La persona abrió las cuentas receptoras con documentos de identidad de origen dudoso. Se busca su verdadera identidad, su paradero actual y sus actividades.",
                "offence": "Estafa agravada cometida por una organización",
            },
            "ar": {
                "summary": "هوية ومكان وجود مشتبه به في احتيال استثماري",
                "facts": "منذ {date} حوّل نحو 300 مدّخر في {place} قرابة 4 ملايين دولار أمريكي إلى منصة استثمار وهمية. وقد فتح الشخص الحسابات المستقبِلة بوثائق هوية مجهولة المصدر. ونطلب معرفة هويته الحقيقية ومكان وجوده الحالي وأنشطته.",
                "offence": "احتيال منظم في مجال الاستثمار",
            },
        },
    ),
    "blue_opposition": RequestCase(
        _information("opposition_membership", ["location", "activities"]),
        {
            "en": {
                "summary": "Location of an opposition party member who left the country",
                "facts": "The person, a member of an opposition party, organised an unauthorised rally in {place} on {date} and has since left the country. We seek the person's location and contacts abroad.",
                "offence": "Membership of an unregistered opposition party",
            },
            "fr": {
                "summary": "Localisation d'un membre d'un parti d'opposition ayant quitté le pays",
                "facts": "La personne, membre d'un parti d'opposition, a organisé le {date} un rassemblement non autorisé à {place} et a depuis quitté le pays. Nous cherchons sa localisation et ses contacts à l'étranger.",
                "offence": "Appartenance à un parti d'opposition non enregistré",
            },
            "es": {
                "summary": "Paradero de un miembro de un partido de la oposición que salió del país",
                "facts": "La persona, miembro de un partido de la oposición, organizó el {date} una concentración no autorizada en {place} y desde entonces ha salido del país. Se busca su paradero y sus contactos en el extranjero.",
                "offence": "Pertenencia a un partido de la oposición no registrado",
            },
            "ar": {
                "summary": "تحديد مكان عضو في حزب معارض غادر البلاد",
                "facts": "نظّم الشخص، وهو عضو في حزب معارض، تجمعاً غير مرخص في {place} بتاريخ {date} وغادر البلاد منذ ذلك الحين. ونطلب تحديد مكان وجوده واتصالاته في الخارج.",
                "offence": "الانتماء إلى حزب معارض غير مرخص",
            },
        },
        prefer=("fr",),
    ),
    "black": RequestCase(
        _body,
        {
            "en": {
                "summary": "Unidentified body found on the shore near {place}",
                "age": "30 to 45 years",
                "description": "Found by fishermen on {date}; in the water for about two weeks. Height about 175 cm, no documents, a wristwatch stopped at 3:40.",
                "fingerprints": "Ten-print set taken post mortem, fair quality; no match in the national database.",
                "dna": "STR profile from a bone sample (GlobalFiler); no match in the national database.",
                "dental": "Gold crown on the upper left first molar; two composite fillings.",
                "clothing": "Dark blue windbreaker of a brand sold in many countries; hiking boots, size 43.",
            },
            "fr": {
                "summary": "Corps non identifié découvert sur le rivage près de {place}",
                "age": "30 à 45 ans",
                "description": "Découvert par des pêcheurs le {date} ; séjour dans l'eau d'environ deux semaines. Taille d'environ 175 cm, aucun document, une montre arrêtée à 3 h 40.",
                "fingerprints": "Relevé décadactylaire post mortem de qualité moyenne ; aucune correspondance dans le fichier national.",
                "dna": "Profil STR obtenu sur un prélèvement osseux (GlobalFiler) ; aucune correspondance dans le fichier national.",
                "dental": "Couronne en or sur la première molaire supérieure gauche ; deux obturations composites.",
                "clothing": "Coupe-vent bleu marine d'une marque vendue dans de nombreux pays ; chaussures de randonnée, pointure 43.",
            },
            "es": {
                "summary": "Cadáver sin identificar hallado en la orilla cerca de {place}",
                "age": "entre 30 y 45 años",
                "description": "Hallado por pescadores el {date}; unas dos semanas en el agua. Estatura de unos 175 cm, sin documentos, un reloj de pulsera parado a las 3:40.",
                "fingerprints": "Reseña decadactilar post mortem de calidad media; sin coincidencias en la base de datos nacional.",
                "dna": "Perfil STR de una muestra ósea (GlobalFiler); sin coincidencias en la base de datos nacional.",
                "dental": "Corona de oro en el primer molar superior izquierdo; dos empastes de composite.",
                "clothing": "Cortavientos azul marino de una marca vendida en muchos países; botas de montaña, talla 43.",
            },
            "ar": {
                "summary": "جثة مجهولة الهوية عُثر عليها على الشاطئ قرب {place}",
                "age": "بين 30 و45 عاماً",
                "description": "عثر عليها صيادون في {date}، وبقيت في الماء نحو أسبوعين. الطول نحو 175 سم، ولا وثائق، وساعة يد متوقفة عند 3:40.",
                "fingerprints": "بصمات الأصابع العشر مأخوذة بعد الوفاة بجودة متوسطة، ولا تطابق في قاعدة البيانات الوطنية.",
                "dna": "سمات وراثية (STR) من عينة عظمية (GlobalFiler)، ولا تطابق في قاعدة البيانات الوطنية.",
                "dental": "تاج ذهبي على الضرس الأول العلوي الأيسر، وحشوتان من الكومبوزيت.",
                "clothing": "سترة واقية من الريح زرقاء داكنة من علامة تجارية تُباع في بلدان كثيرة، وحذاء للمشي مقاس 43.",
            },
        },
    ),
    "green": RequestCase(
        _conviction("child_sexual_abuse"),
        {
            "en": {
                "summary": "Convicted child sex offender who often travels abroad",
                "facts": "The person was convicted of sexual assaults on children at the sports club where the person coached, and released on {date}. Since then the person has travelled abroad several times and offered coaching to families through social media.",
                "offence": "Sexual assault of minors under 15",
                "court": "Criminal Court of {place}",
                "sentence": "8 years' imprisonment and a ban on working with children",
            },
            "fr": {
                "summary": "Auteur condamné d'agressions sexuelles sur mineurs, voyageant souvent à l'étranger",
                "facts": "La personne a été condamnée pour des agressions sexuelles sur des enfants du club sportif où elle était entraîneur, et libérée le {date}. Depuis, elle a voyagé plusieurs fois à l'étranger et proposé des cours à des familles sur les réseaux sociaux.",
                "offence": "Agressions sexuelles sur mineurs de quinze ans",
                "court": "Cour criminelle de {place}",
                "sentence": "8 ans d'emprisonnement et interdiction d'exercer une activité auprès de mineurs",
            },
            "es": {
                "summary": "Condenado por agresiones sexuales a menores que viaja a menudo al extranjero",
                "facts": "La persona fue condenada por agresiones sexuales a niños del club deportivo donde entrenaba y quedó en libertad el {date}. Desde entonces ha viajado varias veces al extranjero y ha ofrecido clases a familias en redes sociales.",
                "offence": "Agresión sexual a menores de dieciséis años",
                "court": "Audiencia Provincial de {place}",
                "sentence": "8 años de prisión e inhabilitación para trabajar con menores",
            },
            "ar": {
                "summary": "مدان بالاعتداء الجنسي على أطفال يسافر كثيراً إلى الخارج",
                "facts": "أُدين الشخص بالاعتداء الجنسي على أطفال في النادي الرياضي الذي كان يدرّب فيه، وأُفرج عنه في {date}. ومنذ ذلك الحين سافر إلى الخارج مرات عدة وعرض دروساً على الأسر عبر وسائل التواصل الاجتماعي.",
                "offence": "هتك عرض قاصرين دون الخامسة عشرة",
                "court": "محكمة جنايات {place}",
                "sentence": "السجن 8 سنوات والمنع من العمل مع الأطفال",
            },
        },
    ),
    "orange": RequestCase(
        _threat,
        {
            "en": {
                "summary": "Stolen van that may carry industrial explosives",
                "threat": "On {date} a van carrying 300 kg of industrial explosives and 500 detonators was stolen from a quarry near {place}. It may be used for an attack or sold across the border. Do not approach: secure the area and call the bomb disposal unit.",
            },
            "fr": {
                "summary": "Fourgon volé pouvant transporter des explosifs industriels",
                "threat": "Le {date}, un fourgon transportant 300 kg d'explosifs industriels et 500 détonateurs a été volé dans une carrière près de {place}. Il pourrait servir à un attentat ou être revendu de l'autre côté de la frontière. Ne pas s'en approcher : sécuriser la zone et appeler les démineurs.",
            },
            "es": {
                "summary": "Furgoneta robada que puede llevar explosivos industriales",
                "threat": "El {date} fue robada de una cantera cerca de {place} una furgoneta con 300 kg de explosivos industriales y 500 detonadores. Podría utilizarse para un atentado o venderse al otro lado de la frontera. No acercarse: asegurar la zona y avisar a los artificieros.",
            },
            "ar": {
                "summary": "شاحنة مسروقة قد تحمل متفجرات صناعية",
                "threat": "في {date} سُرقت من محجر قرب {place} شاحنة صغيرة تحمل 300 كيلوغرام من المتفجرات الصناعية و500 صاعق. وقد تُستخدم في هجوم أو تُباع عبر الحدود. لا تقتربوا منها: أمّنوا المكان واستدعوا فريق إبطال المتفجرات.",
            },
        },
    ),
    "purple": RequestCase(
        _modus_operandi,
        {
            "en": {
                "summary": "Pistols smuggled in parts among car spare parts",
                "facts": "In the weeks before {date} the postal service at {place} intercepted parcels declared as car spare parts that held pistol frames, slides and barrels; a workshop reassembled them.",
                "method": "Firearms are dismantled and sent in parts by express courier among genuine car spare parts; each weapon is split over three parcels to different addresses.",
                "objects": "Pistol frames, slides and barrels with the serial numbers ground off.",
                "concealment": "Parts wrapped in carbon paper inside brake discs and gearbox housings to defeat X-ray screening.",
                "offence": "Trafficking in firearms and their parts",
            },
            "fr": {
                "summary": "Pistolets acheminés en pièces détachées parmi des pièces automobiles",
                "facts": "Dans les semaines précédant le {date}, les services postaux de {place} ont intercepté des colis déclarés comme pièces automobiles contenant des carcasses, culasses et canons de pistolets ; un atelier les remontait.",
                "method": "Les armes sont démontées et expédiées en pièces par messagerie express parmi de véritables pièces automobiles ; chaque arme est répartie sur trois colis envoyés à des adresses différentes.",
                "objects": "Carcasses, culasses et canons de pistolets aux numéros de série meulés.",
                "concealment": "Pièces enveloppées de papier carbone dans des disques de frein et des carters de boîte de vitesses pour tromper les scanners à rayons X.",
                "offence": "Trafic d'armes à feu et de leurs éléments",
            },
            "es": {
                "summary": "Pistolas enviadas por piezas entre recambios de automóvil",
                "facts": "En las semanas anteriores al {date}, el servicio postal de {place} interceptó paquetes declarados como recambios de automóvil que contenían armazones, correderas y cañones de pistola; un taller las volvía a montar.",
                "method": "Las armas se desmontan y se envían por piezas por mensajería urgente entre recambios auténticos; cada arma se reparte en tres paquetes a direcciones distintas.",
                "objects": "Armazones, correderas y cañones de pistola con el número de serie limado.",
                "concealment": "Piezas envueltas en papel carbón dentro de discos de freno y cárteres de caja de cambios para burlar los escáneres de rayos X.",
                "offence": "Tráfico de armas de fuego y de sus piezas",
            },
            "ar": {
                "summary": "تهريب مسدسات مفككة ضمن قطع غيار السيارات",
                "facts": "في الأسابيع التي سبقت {date} اعترضت مصلحة البريد في {place} طروداً مصرّحاً بأنها قطع غيار سيارات تحتوي على هياكل مسدسات ومغالقها وسبطاناتها، وكانت ورشة تعيد تجميعها.",
                "method": "تُفكك الأسلحة وتُرسل قطعاً بالبريد السريع بين قطع غيار حقيقية، وتوزَّع كل قطعة سلاح على ثلاثة طرود إلى عناوين مختلفة.",
                "objects": "هياكل مسدسات ومغالق وسبطانات أزيلت أرقامها التسلسلية بالبرد.",
                "concealment": "قطع ملفوفة بورق الكربون داخل أقراص المكابح وعلب التروس للتمويه على أجهزة الكشف بالأشعة السينية.",
                "offence": "الاتجار بالأسلحة النارية وأجزائها",
            },
        },
    ),
    "silver": RequestCase(
        _assets,
        {
            "en": {
                "summary": "Assets of a convicted drug trafficker hidden abroad",
                "facts": "The person, convicted in {place} on {date} of drug trafficking and money laundering, moved the proceeds abroad through front companies. A confiscation order covers the assets; we ask members to locate and identify them.",
                "offence": "Laundering of the proceeds of drug trafficking",
                "property": "Seaside villa bought through a front company",
                "company": "Import-export company used to move the funds",
                "crypto": "Bitcoin wallet that received part of the proceeds",
            },
            "fr": {
                "summary": "Avoirs d'un trafiquant de drogue condamné dissimulés à l'étranger",
                "facts": "La personne, condamnée à {place} le {date} pour trafic de stupéfiants et blanchiment, a transféré le produit à l'étranger par des sociétés écrans. Une décision de confiscation vise ces avoirs ; nous demandons aux membres de les localiser et de les identifier.",
                "offence": "Blanchiment du produit du trafic de stupéfiants",
                "property": "Villa en bord de mer acquise par une société écran",
                "company": "Société d'import-export utilisée pour transférer les fonds",
                "crypto": "Portefeuille de bitcoins ayant reçu une partie du produit",
            },
            "es": {
                "summary": "Bienes de un narcotraficante condenado ocultos en el extranjero",
                "facts": "La persona, condenada en {place} el {date} por narcotráfico y blanqueo, trasladó las ganancias al extranjero mediante sociedades pantalla. Una orden de decomiso afecta a esos bienes; se pide a los miembros localizarlos e identificarlos.",
                "offence": "Blanqueo de las ganancias del narcotráfico",
                "property": "Villa frente al mar comprada mediante una sociedad pantalla",
                "company": "Empresa de importación y exportación utilizada para mover los fondos",
                "crypto": "Monedero de bitcoins que recibió parte de las ganancias",
            },
        },
    ),
    "un": RequestCase(
        _sanction,
        {
            "en": {
                "summary": "Listed by the Security Council's ISIL (Da'esh) and Al-Qaida Sanctions Committee",
                "facts": "Listed for financing, planning and facilitating the acts of a group associated with Al-Qaida, including the recruitment of fighters in {place}. Member states must freeze the funds, prevent entry or transit, and prevent the supply of arms.",
            },
            "fr": {
                "summary": "Inscrit par le Comité des sanctions contre l'EIIL (Daech) et Al-Qaida du Conseil de sécurité",
                "facts": "Inscrit pour avoir financé, préparé et facilité les actes d'un groupe associé à Al-Qaida, notamment le recrutement de combattants à {place}. Les États membres doivent geler les fonds, empêcher l'entrée ou le transit et empêcher la fourniture d'armes.",
            },
            "es": {
                "summary": "Incluido en la lista del Comité de Sanciones contra el EIIL (Dáesh) y Al-Qaida del Consejo de Seguridad",
                "facts": "Incluido por financiar, planificar y facilitar los actos de un grupo asociado a Al-Qaida, entre ellos el reclutamiento de combatientes en {place}. Los Estados miembros deben congelar los fondos, impedir la entrada o el tránsito e impedir el suministro de armas.",
            },
            "ar": {
                "summary": "مدرج على قائمة لجنة مجلس الأمن للجزاءات المفروضة على تنظيم داعش وتنظيم القاعدة",
                "facts": "أُدرج لتمويله أعمال جماعة مرتبطة بتنظيم القاعدة والتخطيط لها وتيسيرها، بما في ذلك تجنيد مقاتلين في {place}. ويجب على الدول الأعضاء تجميد الأموال ومنع الدخول أو العبور ومنع توريد الأسلحة.",
            },
        },
    ),
    "wanted": RequestCase(
        _red("robbery", 240),
        {
            "en": {
                "summary": "Wanted for the armed robbery of a cash-in-transit van",
                "facts": "On {date} four armed men attacked a cash-in-transit van near {place} and took about 1.2 million US dollars; a guard was wounded. The person, identified by DNA found in the getaway car, is believed to have fled abroad.",
                "offence": "Armed robbery by an organised gang",
                "law": "Penal Code, section 392",
                "authority": "Investigating judge, {place} Court",
            },
            "fr": {
                "summary": "Recherché pour le vol à main armée d'un fourgon de transport de fonds",
                "facts": "Le {date}, quatre hommes armés ont attaqué un fourgon de transport de fonds près de {place} et emporté environ 1,2 million de dollars ; un convoyeur a été blessé. La personne, identifiée par l'ADN retrouvé dans le véhicule de fuite, aurait fui à l'étranger.",
                "offence": "Vol à main armée en bande organisée",
                "law": "Code pénal, article 311-9",
                "authority": "Juge d'instruction, tribunal judiciaire de {place}",
            },
            "es": {
                "summary": "Buscado por el atraco a mano armada a un furgón blindado",
                "facts": "El {date}, cuatro hombres armados asaltaron un furgón blindado cerca de {place} y se llevaron unos 1,2 millones de dólares; un vigilante resultó herido. La persona, identificada por el ADN hallado en el coche de la huida, habría huido al extranjero.",
                "offence": "Robo con violencia cometido con armas por una organización",
                "law": "Código Penal, artículo 242",
                "authority": "Juzgado de Instrucción de {place}",
            },
            "ar": {
                "summary": "مطلوب في سطو مسلح على سيارة لنقل الأموال",
                "facts": "في {date} هاجم أربعة مسلحين سيارة لنقل الأموال قرب {place} واستولوا على نحو 1.2 مليون دولار أمريكي، وأصيب أحد الحراس. ويُعتقد أن الشخص، الذي حُددت هويته بالحمض النووي المعثور عليه في سيارة الفرار، قد فرّ إلى الخارج.",
                "offence": "السرقة بالإكراه باستخدام السلاح من جماعة منظمة",
                "law": "قانون العقوبات، المادة 315",
                "authority": "النيابة العامة، محكمة {place}",
            },
        },
    ),
    "wanted_assembly": RequestCase(
        _red("unlawful_assembly", 36, victim_is_state=True),
        {
            "en": {
                "summary": "Wanted for organising an unauthorised demonstration",
                "facts": "On {date} the person called on social media for a demonstration against the government in {place} and led the march that followed; several people were arrested. The person then left the country.",
                "offence": "Organising an unlawful assembly",
                "law": "Public Order Law, section 12",
                "authority": "Public prosecutor, {place}",
            },
            "fr": {
                "summary": "Recherché pour l'organisation d'une manifestation non autorisée",
                "facts": "Le {date}, la personne a appelé sur les réseaux sociaux à manifester contre le gouvernement à {place} et a mené le cortège qui a suivi ; plusieurs personnes ont été interpellées. Elle a ensuite quitté le pays.",
                "offence": "Organisation d'une manifestation non déclarée",
                "law": "Code pénal, article 431-9",
                "authority": "Procureur de la République, {place}",
            },
            "es": {
                "summary": "Buscado por organizar una manifestación no autorizada",
                "facts": "El {date}, la persona convocó en redes sociales una manifestación contra el gobierno en {place} y encabezó la marcha posterior; varias personas fueron detenidas. Después salió del país.",
                "offence": "Organización de una reunión ilícita",
                "law": "Código Penal, artículo 513",
                "authority": "Fiscalía de {place}",
            },
            "ar": {
                "summary": "مطلوب لتنظيم مظاهرة غير مرخصة",
                "facts": "في {date} دعا الشخص عبر وسائل التواصل الاجتماعي إلى التظاهر ضد الحكومة في {place} وقاد المسيرة التي تلت ذلك، وأُلقي القبض على عدة أشخاص. ثم غادر البلاد.",
                "offence": "تنظيم تجمهر غير مشروع",
                "law": "قانون تنظيم التظاهر، المادة 7",
                "authority": "النيابة العامة، {place}",
            },
        },
        prefer=("ar",),
    ),
    "missing": RequestCase(
        _disappearance,
        {
            "en": {
                "summary": "Missing young adult who may have travelled abroad",
                "story": "Left the family home in {place} on {date} after an argument, taking a passport and a small bag. The last signal from the person's phone came from the airport.",
            },
            "fr": {
                "summary": "Jeune adulte disparu, peut-être parti à l'étranger",
                "story": "A quitté le domicile familial à {place} le {date} après une dispute, en emportant son passeport et un petit sac. Le dernier signal de son téléphone provenait de l'aéroport.",
            },
            "es": {
                "summary": "Joven desaparecido que pudo viajar al extranjero",
                "story": "Salió del domicilio familiar en {place} el {date} tras una discusión, con su pasaporte y una bolsa pequeña. La última señal de su teléfono procedía del aeropuerto.",
            },
            "ar": {
                "summary": "شاب مفقود ربما سافر إلى الخارج",
                "story": "غادر منزل العائلة في {place} في {date} إثر خلاف، وأخذ معه جواز سفره وحقيبة صغيرة. وصدرت آخر إشارة من هاتفه من المطار.",
            },
        },
    ),
    "missing_asylum": RequestCase(
        lambda t, v: _disappearance(t, v) | {"subject_refugee_status": "asylum_seeker"},
        {
            "en": {
                "summary": "Missing person believed to have gone abroad",
                "story": "Left {place} on {date} without telling the family. Relatives say the person has since applied for asylum in a neighbouring country; the family wants to know where.",
            },
            "fr": {
                "summary": "Personne disparue, probablement partie à l'étranger",
                "story": "A quitté {place} le {date} sans prévenir sa famille. Selon ses proches, elle a depuis demandé l'asile dans un pays voisin ; la famille souhaite savoir où elle se trouve.",
            },
            "es": {
                "summary": "Persona desaparecida que se cree que salió del país",
                "story": "Salió de {place} el {date} sin avisar a su familia. Según sus allegados, desde entonces ha solicitado asilo en un país vecino; la familia quiere saber dónde se encuentra.",
            },
            "ar": {
                "summary": "شخص مفقود يُعتقد أنه غادر البلاد",
                "story": "غادر {place} في {date} دون إبلاغ عائلته. ويقول أقاربه إنه طلب اللجوء منذ ذلك الحين في بلد مجاور، وتريد العائلة معرفة مكانه.",
            },
        },
        prefer=("fr",),
    ),
    "information": RequestCase(
        _information("money_laundering", []),
        {
            "en": {
                "summary": "Information sought on a suspected recruiter of money mules",
                "facts": "Since {date} about forty students in {place} have been recruited through messaging apps to receive and forward the proceeds of online fraud. The person ran the recruiting accounts; we seek the person's identity, travels and associates.",
                "offence": "Money laundering for an online fraud network",
            },
            "fr": {
                "summary": "Renseignements sur un recruteur présumé de « mules » financières",
                "facts": "Depuis le {date}, une quarantaine d'étudiants de {place} ont été recrutés par messagerie pour recevoir puis reverser le produit d'escroqueries en ligne. La personne gérait les comptes de recrutement ; nous cherchons son identité, ses déplacements et ses complices.",
                "offence": "Blanchiment au profit d'un réseau d'escroqueries en ligne",
            },
            "es": {
                "summary": "Información sobre un presunto captador de «mulas» financieras",
                "facts": "Desde el {date}, unos cuarenta estudiantes de {place} han sido captados por aplicaciones de mensajería para recibir y reenviar las ganancias de estafas en línea. La persona gestionaba las cuentas de captación; se buscan su identidad, sus viajes y sus cómplices.",
                "offence": "Blanqueo de capitales para una red de estafas en línea",
            },
            "ar": {
                "summary": "طلب معلومات عن شخص يُشتبه في تجنيده وسطاء لغسل الأموال",
                "facts": "منذ {date} جُنّد نحو أربعين طالباً في {place} عبر تطبيقات المراسلة لتلقي عائدات الاحتيال الإلكتروني وتحويلها. وكان الشخص يدير حسابات التجنيد، ونطلب معلومات عن هويته وتنقلاته وشركائه.",
                "offence": "غسل الأموال لصالح شبكة احتيال إلكتروني",
            },
        },
    ),
    "information_journalist": RequestCase(
        _information("defamation_of_officials", []),
        {
            "en": {
                "summary": "Information sought on a journalist living abroad",
                "facts": "The person, a journalist, published articles on {date} accusing ministers of corruption in {place}. We seek the person's address abroad, sources and contacts.",
                "offence": "Defamation of public officials",
            },
            "fr": {
                "summary": "Renseignements sur un journaliste vivant à l'étranger",
                "facts": "La personne, journaliste, a publié le {date} des articles accusant des ministres de corruption à {place}. Nous cherchons son adresse à l'étranger, ses sources et ses contacts.",
                "offence": "Diffamation envers des fonctionnaires",
            },
            "es": {
                "summary": "Información sobre un periodista que vive en el extranjero",
                "facts": "La persona, periodista, publicó el {date} artículos que acusaban de corrupción a varios ministros en {place}. Se buscan su domicilio en el extranjero, sus fuentes y sus contactos.",
                "offence": "Calumnias a funcionarios públicos",
            },
            "ar": {
                "summary": "طلب معلومات عن صحفي يقيم في الخارج",
                "facts": "نشر الشخص، وهو صحفي، في {date} مقالات تتهم وزراء بالفساد في {place}. ونطلب معرفة عنوانه في الخارج ومصادره واتصالاته.",
                "offence": "إهانة الموظفين العموميين",
            },
        },
        prefer=("es",),
    ),
    "warning": RequestCase(
        _conviction("assault"),
        {
            "en": {
                "summary": "Violent offender who travels to football matches abroad",
                "facts": "The person, a leader of a violent supporters' group, was convicted of assaulting two police officers at the stadium of {place} and released on {date}. The group plans to travel to the next international match.",
                "offence": "Assault of police officers",
                "court": "Criminal Court of {place}",
                "sentence": "3 years' imprisonment and a 5-year stadium ban",
            },
            "fr": {
                "summary": "Auteur de violences se rendant aux matchs de football à l'étranger",
                "facts": "La personne, meneur d'un groupe de supporters violents, a été condamnée pour des violences sur deux policiers au stade de {place} et libérée le {date}. Le groupe prévoit de se déplacer au prochain match international.",
                "offence": "Violences volontaires sur des policiers",
                "court": "Tribunal correctionnel de {place}",
                "sentence": "3 ans d'emprisonnement et 5 ans d'interdiction de stade",
            },
            "es": {
                "summary": "Autor de agresiones que viaja a partidos de fútbol en el extranjero",
                "facts": "La persona, cabecilla de un grupo ultra violento, fue condenada por agredir a dos policías en el estadio de {place} y quedó en libertad el {date}. El grupo prevé viajar al próximo partido internacional.",
                "offence": "Agresión a agentes de policía",
                "court": "Juzgado de lo Penal de {place}",
                "sentence": "3 años de prisión y 5 años de prohibición de acceso a estadios",
            },
            "ar": {
                "summary": "مرتكب أعمال عنف يسافر لحضور مباريات كرة القدم في الخارج",
                "facts": "أُدين الشخص، وهو زعيم مجموعة مشجعين عنيفة، بالاعتداء على شرطيين في ملعب {place} وأُفرج عنه في {date}. وتخطط المجموعة للسفر إلى المباراة الدولية المقبلة.",
                "offence": "التعدي على رجال الشرطة",
                "court": "محكمة جنح {place}",
                "sentence": "السجن 3 سنوات والمنع من دخول الملاعب 5 سنوات",
            },
        },
    ),
    "warning_blasphemy": RequestCase(
        _conviction("blasphemy"),
        {
            "en": {
                "summary": "Warning: a person convicted of blasphemy",
                "facts": "The person was convicted of blasphemy for social media posts mocking the prophets and released on {date}. The person now travels abroad to give talks.",
                "offence": "Blasphemy",
                "court": "Criminal Court of {place}",
                "sentence": "2 years' imprisonment",
            },
            "fr": {
                "summary": "Avertissement : personne condamnée pour blasphème",
                "facts": "La personne a été condamnée pour blasphème en raison de publications sur les réseaux sociaux raillant les prophètes, et libérée le {date}. Elle voyage désormais à l'étranger pour donner des conférences.",
                "offence": "Blasphème",
                "court": "Tribunal de {place}",
                "sentence": "2 ans d'emprisonnement",
            },
            "es": {
                "summary": "Advertencia: persona condenada por blasfemia",
                "facts": "La persona fue condenada por blasfemia por publicaciones en redes sociales que ridiculizaban a los profetas y quedó en libertad el {date}. Ahora viaja al extranjero para dar conferencias.",
                "offence": "Blasfemia",
                "court": "Juzgado de lo Penal de {place}",
                "sentence": "2 años de prisión",
            },
            "ar": {
                "summary": "تحذير: شخص مدان بازدراء الأديان",
                "facts": "أُدين الشخص بازدراء الأديان بسبب منشورات على وسائل التواصل الاجتماعي تسخر من الأنبياء، وأُفرج عنه في {date}. وهو يسافر الآن إلى الخارج لإلقاء محاضرات.",
                "offence": "ازدراء الأديان",
                "court": "محكمة جنح {place}",
                "sentence": "السجن سنتين",
            },
        },
        prefer=("ar",),
    ),
}

# Which case a request in a given state tells, where it is not the ordinary one of its kind.
SPECIAL_CASES: dict[tuple[str, str], str] = {
    (NoticeType.RED, Status.IN_REVIEW): "red_insult",
    (NoticeType.RED, Status.REFUSED): "red_desertion",
    (NoticeType.BLUE, Status.REFUSED): "blue_opposition",
    (DiffusionType.WANTED, Status.WITHDRAWN): "wanted_assembly",
    (DiffusionType.MISSING, Status.WITHDRAWN): "missing_asylum",
    (DiffusionType.INFORMATION, Status.WITHDRAWN): "information_journalist",
    (DiffusionType.WARNING, Status.WITHDRAWN): "warning_blasphemy",
}
# What a request in a given state adds to its case.
CASE_ADDITIONS: dict[tuple[str, str], dict[str, Any]] = {
    (NoticeType.RED, Status.INFORMATION_REQUESTED): {"subject_refugee_status": "refugee"},
}

# What the compliance reviewer writes (in English, the General Secretariat's working language).
PUBLISHED_REASONS = (
    "Complete, and compliant with Articles 2 and 3 of the Constitution and the Rules on the "
    "Processing of Data: published."
)
COMPLIANT_REASONS = (
    "Checked after circulation: complete, and compliant with Articles 2 and 3 of the "
    "Constitution and the Rules on the Processing of Data."
)
INFORMATION_REQUESTS = {
    NoticeType.RED: "The subject is recorded as a refugee: tell us which country granted the status, and whether the requesting country is the one the person fled.",
    NoticeType.YELLOW: "Please attach a recent photograph (a face record) and give the child's height and the clothes worn when last seen.",
    NoticeType.BLUE: "Please give the reference of the investigation the information serves and the evidence that links the person to the accounts.",
    NoticeType.BLACK: "Please give the estimated time since death, and attach the dental chart if the pathologist made one.",
    NoticeType.GREEN: "Please give the date the sentence ended and any travel restriction the court imposed.",
    NoticeType.ORANGE: "Please say until when the threat is expected to last and which countries the van may be heading for.",
    NoticeType.PURPLE: "Please describe how the concealment was found (scanner image, detector dog, tip-off) so that other services can look for it.",
    NoticeType.SILVER: "Please give the identifiers of the assets your country already holds (land registry parcel, company number, wallet address).",
    NoticeType.UN: "Please give the date of listing and the committee's press release, and confirm the measures that apply.",
}
REFUSALS = {
    NoticeType.RED: "Refused under Article 3: the only offence is desertion, a purely military offence, on which the Organization may not act.",
    NoticeType.YELLOW: "Refused for now: the requesting NCB's own file shows the child was found the day after the report; a yellow notice is for a person still missing. A new request may be made if the child disappears again.",
    NoticeType.BLUE: "Refused under Article 3: the person is sought for membership of an opposition party and for organising a rally; the request is of a predominantly political character.",
    NoticeType.BLACK: "Refused: the file shows the body was identified meanwhile through the national DNA database; there is nothing left for members to identify.",
    NoticeType.GREEN: "Refused: the facts show no present risk to public safety beyond the conviction itself, which the national registers already hold; a green notice needs more.",
    NoticeType.ORANGE: "Refused: the requesting NCB's latest message says the van and its load were recovered before the review; no threat remains.",
    NoticeType.PURPLE: "Refused: the method is already described by a published purple notice on the same courier route; add this seizure to that notice instead.",
    NoticeType.SILVER: "Refused: the confiscation order attached covers other assets than those listed, and the link between the person and the company is not shown.",
    NoticeType.UN: "Refused: the reference matches no entry on the Security Council's consolidated sanctions list; check it with the committee's secretariat and request again.",
}
NON_COMPLIANT = {
    DiffusionType.WANTED: "Non-compliant under Article 3: the person is sought for organising a demonstration against the government, an offence of a predominantly political character. Withdrawn from every recipient and from screening.",
    DiffusionType.MISSING: "Non-compliant: the person is an adult who, by the requester's own account, applied for asylum abroad; a missing-person diffusion may not be used to trace a person seeking protection. Withdrawn from every recipient and from screening.",
    DiffusionType.INFORMATION: "Non-compliant under Article 3: the information is sought on a journalist for articles critical of ministers; the request is of a political character. Withdrawn from every recipient and from screening.",
    DiffusionType.WARNING: "Non-compliant under Article 3: blasphemy is a purely religious offence. Withdrawn from every recipient and from screening.",
}
# What the requesting NCB writes when it ends its request, in its own language.
CANCELLATIONS = {
    "en": "The purpose of the request is achieved: the subject was located and the national case is closed.",
    "fr": "L'objet de la demande est atteint : la personne ou l'objet a été localisé et l'affaire nationale est close.",
    "es": "La finalidad de la solicitud se ha cumplido: el sujeto fue localizado y el caso nacional está cerrado.",
    "ar": "تحقق الغرض من الطلب: تم تحديد مكان المعني بالأمر وأُغلقت القضية الوطنية.",
}
WITHDRAWALS = {
    "en": "Withdrawn by the requesting NCB: the national authority that sought it no longer needs international cooperation in this case.",
    "fr": "Retirée par le BCN demandeur : l'autorité nationale qui l'avait sollicitée n'a plus besoin de la coopération internationale dans cette affaire.",
    "es": "Retirada por la OCN solicitante: la autoridad nacional que la pidió ya no necesita la cooperación internacional en este caso.",
    "ar": "سحبها المكتب المركزي الوطني الطالب: لم تعد السلطة الوطنية التي طلبتها بحاجة إلى التعاون الدولي في هذه القضية.",
}
# The status of each person a request is about, by kind.
SUBJECT_STATUS: dict[str, str] = {
    NoticeType.RED: "wanted",
    NoticeType.YELLOW: "missing",
    NoticeType.BLUE: "suspect",
    NoticeType.GREEN: "convicted",
    NoticeType.SILVER: "convicted",
    NoticeType.UN: "foreign_terrorist_fighter",
    DiffusionType.WANTED: "wanted",
    DiffusionType.MISSING: "missing",
    DiffusionType.INFORMATION: "suspect",
    DiffusionType.WARNING: "convicted",
}
# Ages of the subjects (years) where the kind asks for them: a yellow notice's child, a
# missing young adult; others are adults.
SUBJECT_AGES: dict[str, tuple[int, int]] = {
    NoticeType.YELLOW: (11, 15),
    DiffusionType.MISSING: (19, 24),
}
