"""The demo's content: the 2007 questionnaire under Economic and Social Council resolution
2006/27 and the replies that arrived, written for Verbale from the facts the Secretary-General's
report of 29 January 2008 (E/CN.15/2008/...) gives about each State. Not the report's wording.

Question numbers are those of ``QUESTIONNAIRE`` below; answers are keyed by them.
"""

from __future__ import annotations

import datetime

D = datetime.date

QUESTIONNAIRE = {
    "title": "Strengthening international cooperation in preventing and combating trafficking "
    "in persons and protecting victims of such trafficking",
    "mandate_symbol": "Economic and Social Council resolution 2006/27",
    "mandate_title": "Strengthening international cooperation in preventing and combating "
    "trafficking in persons and protecting victims of such trafficking",
    "reference": "CU 2007/212",
    "sent_on": D(2007, 11, 12),
    "deadline": D(2007, 12, 15),
    "cutoff": D(2008, 1, 24),
    "languages": ["en", "fr", "es", "ar"],
    "reminder_days_before": 7,
}


def yes_no_text(en: str, fr: str, es: str, ar: str) -> dict[str, str]:
    return {"en": en, "fr": fr, "es": es, "ar": ar}


def choices(*items: tuple[str, str]) -> dict:
    return {"choices": [{"value": v, "label": {"en": label}} for v, label in items]}


YEARS = [{"key": y, "label": {"en": y}} for y in ("2005", "2006", "2007")]
CASE_COLUMNS = [
    {"key": "investigated", "label": {"en": "Cases investigated", "fr": "Affaires instruites"}},
    {"key": "arrested", "label": {"en": "Persons arrested", "fr": "Personnes arrêtées"}},
    {"key": "prosecuted", "label": {"en": "Persons prosecuted", "fr": "Personnes poursuivies"}},
    {"key": "convicted", "label": {"en": "Persons convicted", "fr": "Personnes condamnées"}},
]

# (section number, section title, questions); each question: number, kind, text, extras.
SECTIONS = [
    (
        "A",
        {
            "en": "Ratification and legal provisions",
            "fr": "Ratification et dispositions législatives",
            "es": "Ratificación y disposiciones legislativas",
            "ar": "التصديق والأحكام القانونية",
        },
        [
            (
                "1",
                "yes_no",
                yes_no_text(
                    "Has your State ratified or acceded to the Protocol to Prevent, Suppress and Punish "
                    "Trafficking in Persons, Especially Women and Children?",
                    "Votre État a-t-il ratifié le Protocole visant à prévenir, réprimer et punir la "
                    "traite des personnes, en particulier des femmes et des enfants, ou y a-t-il adhéré ?",
                    "¿Ha ratificado su Estado el Protocolo para prevenir, reprimir y sancionar la trata "
                    "de personas, especialmente mujeres y niños, o se ha adherido a él?",
                    "هل صدّقت دولتكم على بروتوكول منع وقمع ومعاقبة الاتجار بالأشخاص، وبخاصة النساء "
                    "والأطفال، أو انضمت إليه؟",
                ),
                {},
            ),
            (
                "1 (a)",
                "single_choice",
                {"en": "If not, how far has the process gone?"},
                {
                    "options": choices(
                        ("in_progress", "Ratification or accession under way"),
                        ("not_started", "Not yet under consideration"),
                    ),
                    "condition": ("1", ["no"]),
                    "required": True,
                },
            ),
            (
                "2",
                "text",
                {
                    "en": "Describe the offences and penalties your legislation provides for "
                    "trafficking in persons, and any legislation in preparation.",
                    "fr": "Décrivez les infractions et les peines prévues par votre "
                    "législation, ainsi que les textes en préparation.",
                },
                {"required": True, "help": {"en": "Cite articles and the range of penalties."}},
            ),
            (
                "3",
                "multiple_choice",
                {"en": "Which of these related instruments has your State ratified or signed?"},
                {
                    "options": choices(
                        (
                            "opsc",
                            "Optional Protocol to the Convention on the Rights of the Child on the "
                            "sale of children, child prostitution and child pornography",
                        ),
                        ("ctoc", "United Nations Convention against Transnational Organized Crime"),
                        (
                            "smuggling",
                            "Protocol against the Smuggling of Migrants by Land, Sea and Air",
                        ),
                    )
                },
            ),
            (
                "4",
                "yes_no",
                {
                    "en": "Is trafficking in persons a predicate offence for "
                    "money-laundering in your jurisdiction?"
                },
                {},
            ),
        ],
    ),
    (
        "B",
        {
            "en": "Enforcement",
            "fr": "Répression",
            "es": "Aplicación de la ley",
            "ar": "إنفاذ القانون",
        },
        [
            (
                "5",
                "table",
                {
                    "en": "Cases of trafficking in persons by year",
                    "fr": "Affaires de traite des personnes par année",
                },
                {
                    "options": {"rows": YEARS, "columns": CASE_COLUMNS, "totals": True},
                    "help": {"en": "Leave a cell empty where no figure is available."},
                },
            ),
            (
                "6",
                "yes_no",
                {
                    "en": "Has a specialized police unit been set up to deal with "
                    "trafficking in persons?"
                },
                {},
            ),
            (
                "7",
                "text",
                {
                    "en": "Describe enforcement measures and results, including cooperation "
                    "with other countries in investigations."
                },
                {},
            ),
        ],
    ),
    (
        "C",
        {
            "en": "Training and seminars",
            "fr": "Formation et séminaires",
            "es": "Capacitación y seminarios",
            "ar": "التدريب والحلقات الدراسية",
        },
        [
            (
                "8",
                "text",
                {
                    "en": "Describe training offered to police, border, judicial, social "
                    "and health professionals."
                },
                {},
            ),
            (
                "9",
                "number",
                {
                    "en": "How many officials received specialized training in the last "
                    "year for which figures exist?"
                },
                {"options": {"integer": True, "min": 0}},
            ),
        ],
    ),
    (
        "D",
        {
            "en": "Prevention and awareness-raising",
            "fr": "Prévention et sensibilisation",
            "es": "Prevención y sensibilización",
            "ar": "الوقاية والتوعية",
        },
        [
            (
                "10",
                "multiple_choice",
                {"en": "Which awareness-raising activities has your State carried out?"},
                {
                    "options": choices(
                        (
                            "officials",
                            "Activities aimed at law enforcement, other agencies and NGOs",
                        ),
                        ("public", "Campaigns for the general public in the media"),
                        ("schools", "Material in school curricula"),
                        ("hotline", "Telephone hotline"),
                        (
                            "demand",
                            "Campaigns against the demand for services of trafficked persons",
                        ),
                    )
                },
            ),
            (
                "11",
                "text",
                {"en": "Describe the main prevention and awareness-raising initiatives."},
                {},
            ),
        ],
    ),
    (
        "E",
        {
            "en": "Assistance to and protection of victims",
            "fr": "Assistance et protection des victimes",
            "es": "Asistencia y protección de las víctimas",
            "ar": "مساعدة الضحايا وحمايتهم",
        },
        [
            (
                "12",
                "multiple_choice",
                {"en": "Which forms of assistance and protection are available to victims?"},
                {
                    "options": choices(
                        ("shelter", "Shelters, refuges, reception or consultation centres"),
                        ("legal_aid", "Legal aid"),
                        ("psychological", "Psychological support and counselling"),
                        ("repatriation", "Repatriation and rehabilitation assistance"),
                        ("residence", "Temporary visas or residence permits"),
                        ("protection_law", "A witness protection law or a law protecting victims"),
                    )
                },
            ),
            ("13", "text", {"en": "Describe the assistance and protection measures."}, {}),
        ],
    ),
    (
        "F",
        {
            "en": "National coordination mechanisms",
            "fr": "Mécanismes nationaux de coordination",
            "es": "Mecanismos nacionales de coordinación",
            "ar": "آليات التنسيق الوطنية",
        },
        [
            (
                "14",
                "yes_no",
                {
                    "en": "Is there a national coordination mechanism or national action "
                    "plan against trafficking in persons?"
                },
                {},
            ),
            ("15", "text", {"en": "Describe how national efforts are coordinated."}, {}),
        ],
    ),
    (
        "G",
        {
            "en": "International cooperation",
            "fr": "Coopération internationale",
            "es": "Cooperación internacional",
            "ar": "التعاون الدولي",
        },
        [
            (
                "16",
                "text",
                {"en": "Describe bilateral, regional and international cooperation."},
                {},
            ),
            (
                "17",
                "file",
                {"en": "Attach legislation or other documents supporting your reply."},
                {},
            ),
        ],
    ),
]

PORTAL, NOTE_VERBALE, EMAIL = "portal", "note_verbale", "email"

# code → (date received, channel, answers by question number). Answers: a string for text,
# "yes"/"no", a list for multiple choice, a number, a dict for the table, or ("not_known",)
# for an explicit "not known".
REPLIES: dict[str, tuple[datetime.date, str, dict]] = {
    "BLR": (
        D(2007, 12, 10),
        NOTE_VERBALE,
        {
            "1": "yes",
            "2": "The Criminal Code penalizes trafficking in human beings and related acts. "
            "Penalties range from a fine to 15 years' imprisonment with confiscation of "
            "property in aggravated cases.",
            "3": ["ctoc", "smuggling"],
            "6": "yes",
            "7": "Border guards scrutinize passports and other travel or identity documents to "
            "detect falsified documents, check means of transport and observe persons "
            "crossing border points.",
            "8": "Since 2005 the Academy of the Ministry of Internal Affairs has run a training "
            "programme for specialists in countering trafficking, with further sessions for "
            "migration officials, law enforcement officers, NGOs and government staff.",
            "10": ["public", "hotline"],
            "11": "Public service announcements are broadcast on television, and every quarter "
            "the press publishes updated lists of licensed marriage, modelling and "
            "employment agencies; a government website carries the same lists and a link "
            "for people at risk.",
            "12": ["shelter", "legal_aid", "psychological", "repatriation"],
            "13": "Victims are received in rehabilitation centres and given legal and psychological "
            "help, and assistance to return home.",
            "14": "yes",
            "15": "A State programme to combat crime provides for updated integrated measures and "
            "new draft laws against trafficking.",
            "16": "Belarus has contributed funds to the Inter-Agency Cooperation Group against "
            "Trafficking in Persons.",
        },
    ),
    # Latvia replied: the 2008 report describes its measures (training, an information website
    # in three languages, a national working group) though its paragraph 3 leaves it out.
    "LVA": (
        D(2007, 12, 18),
        NOTE_VERBALE,
        {
            "1": "yes",
            "2": "The Criminal Law makes trafficking in human beings an offence; penalties reach "
            "15 years' deprivation of liberty where the victim is a minor.",
            "8": "Police officers, border guards, prosecutors and judges follow courses on "
            "identifying victims and on investigating trafficking cases.",
            "10": ["public"],
            "11": "An information website on trafficking, in Latvian, Russian and English, explains "
            "the risks of work abroad and where to turn for help.",
            "12": ["protection_law", "legal_aid", "psychological", "residence", "repatriation"],
            "13": "Victims may receive social rehabilitation paid by the State, legal aid and "
            "psychological support, a reflection period with a temporary residence permit, and "
            "help to return home.",
            "15": "A national working group of ministries, the police and NGOs oversees the State "
            "programme for the elimination of trafficking in human beings, 2004-2008.",
        },
    ),
    "BGR": (
        D(2007, 12, 12),
        PORTAL,
        {
            "1": "yes",
            "2": "Trafficking in persons is a crime under the Criminal Code, with penalties that "
            "increase for aggravated forms. Prosecutors often bring related charges such as "
            "document fraud and procuring together with the trafficking charge.",
            "3": ["opsc", "ctoc", "smuggling"],
            "4": "yes",
            "6": "yes",
            "8": "The National Institute of Justice includes seminars on countering trafficking in "
            "the initial and continuing training of judges, prosecutors and investigators, "
            "with emphasis on investigation requirements.",
            "9": 240,
            "10": ["public"],
            "11": "A national campaign against trafficking in women, launched in 2002 by "
            "governmental and non-governmental actors together, raised public awareness and "
            "led to a multidisciplinary approach.",
            "12": ["shelter", "residence", "protection_law"],
            "13": "Shelters and crisis centres receive victims. Foreign victims may be granted a "
            "temporary visa. The law on combating trafficking protects victims and "
            "witnesses.",
            "14": "yes",
            "15": "The National Commission for Combating Trafficking in Human Beings, at "
            "ministerial level, coordinates all institutions concerned and adopts an annual "
            "programme of work; this national coordination mechanism defines the roles of "
            "each body.",
        },
    ),
    "HRV": (
        D(2007, 12, 14),
        PORTAL,
        {
            "1": "yes",
            "2": "Recent amendments to the Criminal Code make it an offence to knowingly use the "
            "services of a victim of trafficking.",
            "6": "yes",
            "7": "From 2002, when the national strategy was adopted, to January 2007, 65 victims "
            "were identified: 6 in 2005 and 13 in 2006. In 2007, 11 victims were identified.",
            "8": "Seminars have been held for police officers, diplomatic and consular staff, "
            "judicial officials, social workers and NGOs. 26 police officers received "
            "specialized training in identifying victims and were posted across the country.",
            "9": 26,
            "10": ["public", "schools"],
            "11": "Media campaigns against trafficking in persons and in children were run by the "
            "Government, NGOs and international organizations; trafficking is taught in "
            "school curricula, and preventive education should start in preschool.",
            "12": [
                "shelter",
                "legal_aid",
                "psychological",
                "repatriation",
                "residence",
                "protection_law",
            ],
            "13": "Victims have access to shelters, legal and psychological help, temporary "
            "residence and assistance to return; witness protection legislation applies.",
            "14": "yes",
            "15": "A national committee and a national coordinator, under a four-year national "
            "programme, meet regularly; this national coordination mechanism also convenes "
            "agencies for specific initiatives.",
        },
    ),
    "CUB": (
        D(2007, 12, 20),
        NOTE_VERBALE,
        {
            "2": "Exploitation-related offences are punished under the Penal Code, and trafficking "
            "cases are prosecuted together with offences such as pimping and the corruption "
            "of minors.",
            "7": "Between 1999 and June 2004, 112 individuals were prosecuted for trafficking in "
            "persons or smuggling of migrants out of Cuba.",
        },
    ),
    "CZE": (
        D(2007, 12, 13),
        PORTAL,
        {
            "1": "no",
            "1 (a)": "not_started",
            "2": "The Czech Republic has not ratified the Protocol, but its Criminal Code defines "
            "the offence of trafficking in persons.",
            "3": ["opsc"],
            "8": "Multi-agency training on sexual exploitation was held in 2005 and 2007 for "
            "refugee workers, police, social workers and justice officials.",
            "12": ["shelter"],
            "13": "The national programme for the support and protection of victims assisted "
            "victims of sexual exploitation and of forced labour; most forced-labour victims "
            "were men.",
            "14": "yes",
            "15": "A national rapporteur coordinates prevention as part of the national "
            "coordination mechanism, and an interdisciplinary working group of State bodies, "
            "police, NGOs and the judiciary meets twice a year.",
        },
    ),
    "SLV": (
        D(2007, 12, 14),
        PORTAL,
        {
            "1": "yes",
            "2": "Trafficking in persons is criminalized in the Penal Code, with aggravated "
            "penalties when the victim is a child or adolescent.",
            "3": ["opsc", "ctoc"],
            "4": "yes",
            "5": {
                "2005": {"investigated": 32, "arrested": 53, "prosecuted": 18},
                "2006": {"investigated": 67, "arrested": 56, "prosecuted": 37},
                "2007": {"investigated": 39, "arrested": 30, "prosecuted": 6},
            },
            "6": "yes",
            "7": "Investigations rose in 2006 and fell in 2007; the figures are in the table.",
            "8": "Workshops to improve the prosecution of trafficking cases strengthened "
            "coordination among institutions; migration and consular officials took part in "
            "training with other countries within a regional conference on migration.",
            "10": ["officials", "public"],
            "11": "Five projects raise awareness among the general public, children and adolescents "
            "in schools, and law enforcement officers, through various media.",
            "12": ["shelter", "legal_aid", "psychological", "repatriation"],
            "13": "A protocol on shelter assistance, guided by gender concerns and the rights of "
            "children, has been adopted; a procedural manual guides the repatriation of "
            "child and adolescent victims.",
            "14": "yes",
            "15": "The National Committee against Trafficking in Persons is the national "
            "coordination mechanism among government bodies, local authorities, NGOs and "
            "international organizations.",
        },
    ),
    "EST": (
        D(2007, 12, 11),
        PORTAL,
        {
            "1": "yes",
            "2": "Several Penal Code provisions cover elements of trafficking; drafting of a "
            "specific offence of trafficking in persons is not yet complete. Related offences "
            "such as pimping and aiding prostitution are prosecuted together with those "
            "elements.",
            "3": ["opsc", "ctoc"],
            "4": "yes",
            "6": "no",
            "7": "Border guards check travel documents for falsification. Estonia exchanges "
            "information with other countries and international agencies and has carried out "
            "investigations on requests for legal assistance from Finland and Sweden. A new "
            "register of criminal and procedural information will show the scope of "
            "trafficking-related offences.",
            "8": "A preventive training programme is offered to social workers, school "
            "psychologists and probation officers.",
            "10": ["officials", "public", "schools", "hotline", "demand"],
            "11": "About 10 lectures a year, a media campaign against the demand for trafficking, "
            "an information hotline, school programmes and training for law enforcement "
            "officials and social workers.",
            "12": ["shelter", "legal_aid", "psychological", "repatriation"],
            "13": "Experts have mapped the needs of victims and designed a service package for "
            "individuals. Consulates and embassies follow guidelines to help Estonian victims "
            "abroad return home, with transport and accommodation where needed.",
            "14": "yes",
            "15": "A national coordination mechanism sets out the roles of ministries, police and "
            "NGOs.",
        },
    ),
    "GRC": (
        D(2008, 1, 8),
        EMAIL,
        {
            "1": ("not_known",),
            "2": "Trafficking in persons is an offence under Law 3064/2002.",
            "5": {"2005": {"investigated": 244, "arrested": 980}},
            "6": "yes",
            "7": "In 2005, 14 anti-trafficking police groups were set up covering the whole "
            "territory. From 2003 to 2006 there were 244 cases, 980 offenders arrested and "
            "494 victims identified; two international criminal organizations exploiting "
            "women were dismantled. (The table gives the four-year totals in the 2005 row.)",
            "8": "The police distributed guidance on the national law, information on victims' "
            "rights in 13 languages and a checklist of questions for preliminary "
            "investigations.",
            "15": "Two inter-agency mechanisms exist: one for law enforcement, under the Ministry "
            "of Justice, and one among ministries under the Actions against Trafficking in "
            "Human Beings Programme.",
        },
    ),
    "HUN": (
        D(2007, 12, 15),
        PORTAL,
        {
            "1": "yes",
            "2": "Trafficking in human beings is an offence under section 175/B of the Criminal "
            "Code.",
            "3": ["opsc"],
            "6": "yes",
            "7": "A specialized unit of the National Bureau of Investigation investigates and "
            "coordinates cross-border cases, with joint investigations with Austria, Denmark, "
            "France, Germany, Italy, Norway, Switzerland and the United Kingdom.",
            "8": "Intersectoral sessions for police, social workers, health professionals and "
            "teachers cover the identification of victims and support to them.",
            "12": ["legal_aid", "psychological", "residence", "protection_law"],
            "13": "The victim protection programme can change a witness's identity and relocate "
            "the witness. Victims may receive a temporary visa.",
            "14": "yes",
            "15": "An intersectoral working group prepared a framework agreement establishing a "
            "victim referral mechanism.",
        },
    ),
    "JPN": (
        D(2007, 12, 14),
        PORTAL,
        {
            "1": "no",
            "1 (a)": "in_progress",
            "2": "Japan has not yet ratified the Protocol; the Penal Code was amended in 2005 to "
            "create the crime of buying or selling of human beings.",
            "3": ["opsc"],
            "4": "yes",
            "6": "no",
            "7": "The Passport Law was amended in 2005 to put an IC chip in passports; the Ministry "
            "of Foreign Affairs exchanges visa information over a wide area network. The "
            "Immigration Bureau and the National Police Agency work closely together.",
            "8": "Prosecutors are trained to pursue trafficking cases vigorously and to treat "
            "victims and witnesses with respect.",
            "10": ["officials", "public"],
            "11": "Videos and DVDs were produced and 25,500 posters in Japanese and nine other "
            "languages were distributed in 2007.",
            "12": ["shelter", "legal_aid", "psychological", "repatriation"],
            "13": "Victims are sheltered and assisted, and helped to return home safely.",
            "14": "yes",
            "15": "The national action plan covers prevention, law enforcement and support for "
            "victims; an annual contact-point meeting brings together embassies and NGOs.",
        },
    ),
    "JOR": (
        D(2008, 1, 15),
        NOTE_VERBALE,
        {
            "1": ("not_known",),
            "2": "A draft law on trafficking in persons is before the legislature: specific "
            "legislation has not yet been adopted.",
        },
    ),
    "LIE": (
        D(2007, 12, 13),
        PORTAL,
        {
            "1": "no",
            "1 (a)": "in_progress",
            "2": "Liechtenstein is in the process of ratifying the Protocol.",
            "3": ["opsc"],
            "7": "No case of trafficking in persons is known to have occurred in the territory.",
            "12": ["protection_law"],
            "13": "Victims may be informed when a suspect is released from pretrial detention.",
            "14": "yes",
            "15": "Meetings in December 2006 built a common understanding of trafficking and a "
            "cooperation model for handling cases; this national coordination mechanism "
            "assigns responsibilities among authorities.",
        },
    ),
    "MUS": (
        D(2007, 12, 17),
        EMAIL,
        {
            "1": ("not_known",),
            "2": "Child trafficking is covered by the Child Protection Act.",
            "3": ["opsc"],
            "11": "The Ombudsperson for Children speaks publicly for children's rights and raises "
            "awareness of child trafficking.",
            "12": ["shelter"],
            "15": "A national action plan on protecting children against sexual abuse also covers "
            "child trafficking.",
        },
    ),
    "MMR": (
        D(2007, 12, 14),
        PORTAL,
        {
            "1": "yes",
            "2": "The Anti-Trafficking in Persons Law was adopted in 2005.",
            "6": "yes",
            "7": "An anti-trafficking unit with 40 trained officers was created in 2004 and has 18 "
            "local task forces. From July 2002 to October 2007 there were 1,037 cases, 2,078 "
            "offenders and 5,513 victims rescued.",
            "8": "A mobile training team formed in 2000 has trained more than 500 service "
            "providers; a national seminar on the new law was held in 2006.",
            "9": 500,
            "11": "The Central Supervision Committee on Illegal Migration has reached 980,700 "
            "people since September 2001.",
            "12": ["shelter", "repatriation"],
            "15": "The National Working Committee, formed in 2002, directs action against "
            "trafficking.",
        },
    ),
    "NLD": (
        D(2007, 12, 12),
        PORTAL,
        {
            "1": "yes",
            "2": "Trafficking in human beings is an offence under article 273f of the Criminal "
            "Code.",
            "6": "yes",
            "7": "The Expertise Centre for Human Trafficking and Smuggling, set up in 2005 by the "
            "national police, the Royal Netherlands Military Constabulary, the immigration "
            "service and the social security investigation service, provides operational and "
            "strategic analysis.",
            "8": "Police, special investigation services and prosecutors are trained in gathering "
            "evidence in trafficking cases.",
            "10": ["demand", "public"],
            "11": "Since 2005 newspapers have applied strict standards to erotic advertisements; a "
            "2006 campaign addressed potential clients of prostitutes and encouraged "
            "anonymous reports to Crime Stoppers.",
            "12": ["shelter", "legal_aid", "psychological"],
            "13": "Victims are sheltered and given legal and psychological assistance.",
        },
    ),
    "NER": (
        D(2007, 12, 21),
        NOTE_VERBALE,
        {
            "1": ("not_known",),
            "2": "The Penal Code punishes several forms of exploitation; a specific law against "
            "trafficking in persons is still being drafted.",
            "3": ["opsc"],
            "10": ["officials"],
            "11": "Awareness sessions were held for the police, the gendarmerie and NGOs.",
            "12": ["shelter", "repatriation"],
            "13": "Reception and transit centres take in child victims until their families are "
            "traced and their return is arranged.",
            "14": "yes",
            "15": "Two national commissions, one dealing only with children, include ministries, "
            "civil society, religious associations and the Association of Traditional Chiefs; "
            "more funding is needed. A national action plan protects children from sexual "
            "abuse.",
        },
    ),
    "OMN": (
        D(2007, 12, 16),
        NOTE_VERBALE,
        {
            "1": "yes",
            "2": "Draft laws criminalizing trafficking in persons are being prepared; specific "
            "legislation is not yet in force.",
            "13": "Draft laws provide for the protection and support of victims and their "
            "reintegration into society.",
        },
    ),
    "PHL": (
        D(2007, 12, 14),
        PORTAL,
        {
            "1": "yes",
            "2": "The Anti-Trafficking in Persons Act of 2003 (Republic Act No. 9208).",
            "6": "yes",
            "7": "Victim assistance workers in three regions coordinate with criminal justice "
            "workers under protocols that support victims at every stage; by June 2007 they "
            "had assisted 315 victims.",
            "8": "Social workers in targeted regions were trained in trauma management, mentoring, "
            "criminal procedure and human rights.",
            "10": ["officials", "public"],
            "11": "NGOs run an advocacy campaign to mobilize public and institutional support at "
            "national and local levels.",
            "12": ["shelter", "legal_aid", "psychological", "repatriation"],
            "13": "Experts mapped victims' needs and designed a package of services; vocational "
            "training models help victims find education and work.",
        },
    ),
    "POL": (
        D(2007, 12, 13),
        PORTAL,
        {
            "1": "yes",
            "2": "Trafficking in persons is an offence under article 253 of the Penal Code.",
            "8": "Multi-agency sessions for police, border guards, prosecutors, judges and welfare "
            "officials produced a series of textbooks over the last two years.",
            "12": ["shelter", "residence", "protection_law"],
            "13": "Victims may obtain a temporary visa; witness protection legislation applies.",
            "15": "A team for trafficking in human beings and a central team coordinated by the "
            "police headquarters focus on prevention.",
        },
    ),
    "QAT": (
        D(2008, 1, 10),
        EMAIL,
        {
            "1": ("not_known",),
            "2": "Laws passed in 2005 prohibit recruiting and training children for camel racing "
            "and their participation in it.",
            "10": ["officials", "public"],
            "11": "Leaflets in several languages inform workers and domestic servants of their "
            "rights; they are handed out at the airport, shopping centres, hospitals and "
            "employment offices.",
            "12": ["shelter"],
        },
    ),
    "ROU": (
        D(2007, 12, 14),
        PORTAL,
        {
            "1": "yes",
            "2": "Law 678/2001 on preventing and combating trafficking in persons.",
            "6": "yes",
            "7": "Of 551 calls to a help line, 36 concerned suspected trafficking to countries "
            "including Belgium, Cyprus, the Czech Republic and Italy; investigations found "
            "eight trafficking situations.",
            "8": "More than 3,800 military staff deployed to Afghanistan, Iraq and Kosovo were "
            "trained to identify victims.",
            "9": 3800,
            "10": ["public", "hotline"],
            "11": "A hotline and media advertising warn young people and adults looking for work "
            "abroad.",
            "12": ["shelter", "legal_aid", "psychological", "repatriation"],
            "13": "Foreign victims are entitled to a recovery and reflection period of up to 90 "
            "days and must be informed of procedures in a language they understand.",
        },
    ),
    "SVN": (
        D(2008, 1, 18),
        PORTAL,
        {
            "1": ("not_known",),
            "2": "Article 387a of the Criminal Code penalizes trafficking in human beings.",
        },
    ),
    "UKR": (
        D(2008, 1, 22),
        NOTE_VERBALE,
        {
            "2": "Legislation passed in 2006 increased liability for trafficking offences.",
            "7": "In 2007, 350 trafficking offences were recorded, 16 organized criminal groups "
            "were shut down and 76 criminal cases were opened.",
            "10": ["public", "hotline"],
            "11": "258 media reports raised awareness of traffickers' methods; a hotline informs "
            "the public.",
            "12": ["legal_aid", "psychological"],
            "15": "The third State Programme to Counter Trafficking in Persons runs until 2010.",
        },
    ),
    "LAS": (
        D(2008, 1, 21),
        EMAIL,
        {
            "2": ("not_applicable",),
            "16": "In October 2007 the League held a workshop for 16 Arab countries on a mechanism "
            "to address trafficking in Arab legislation in line with the Protocol.",
        },
    ),
}

# Recipients that did not reply in time: one after the cut-off, the rest never.
LATE_AFTER_CUTOFF = {
    "MEX": (
        D(2008, 2, 6),
        EMAIL,
        {
            "2": "Federal law against trafficking in persons adopted in November 2007.",
        },
    )
}
