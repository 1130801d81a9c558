"""Names and remittance phrases, by language, for realistic-looking payments.

Person names are Latin transliterations, as they appear in SWIFT and SEPA
messages. Remittance texts are written the way customers write them, in their
own language and script where a domestic system allows it, because the
multilingual keyword rules (OB-10) must be tested against that.
"""

from __future__ import annotations

FIRST_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("James", "Mary", "John", "Patricia", "Robert", "Jennifer", "Michael", "Linda",
           "David", "Sarah", "Daniel", "Emily", "Thomas", "Jessica", "Chris", "Laura"),
    "de": ("Lukas", "Anna", "Jonas", "Lea", "Felix", "Hannah", "Paul", "Sophie", "Max",
           "Marie", "Stefan", "Katrin", "Jürgen", "Sabine"),
    "fr": ("Jean", "Marie", "Pierre", "Camille", "Louis", "Chloé", "Hugo", "Léa", "Nicolas",
           "Sophie", "Antoine", "Manon"),
    "nl": ("Daan", "Emma", "Sem", "Julia", "Lucas", "Sanne", "Bram", "Lotte", "Jeroen", "Anouk"),
    "es": ("José", "María", "Juan", "Carmen", "Luis", "Ana", "Carlos", "Lucía", "Javier",
           "Elena", "Miguel", "Sofía"),
    "it": ("Marco", "Giulia", "Luca", "Francesca", "Alessandro", "Chiara", "Matteo", "Sara",
           "Giuseppe", "Valentina"),
    "he": ("Yossi", "Noa", "David", "Tamar", "Moshe", "Yael", "Avi", "Michal", "Itai", "Shira",
           "Eitan", "Ronit"),
    "tr": ("Mehmet", "Ayşe", "Mustafa", "Fatma", "Ahmet", "Emine", "Ali", "Zeynep", "Hüseyin",
           "Elif", "Murat", "Hatice"),
    "ar": ("Mohammed", "Fatima", "Ahmed", "Aisha", "Omar", "Mariam", "Khalid", "Noura",
           "Abdullah", "Huda", "Youssef", "Layla", "Hassan", "Salma"),
    "hi": ("Rahul", "Priya", "Amit", "Sunita", "Rajesh", "Anjali", "Vikram", "Pooja", "Suresh",
           "Neha", "Arjun", "Kavita"),
    "ur": ("Imran", "Ayesha", "Bilal", "Sana", "Usman", "Hina", "Asif", "Nadia", "Tariq",
           "Farah", "Kamran", "Rabia"),
    "ne": ("Ram", "Sita", "Bikash", "Gita", "Suman", "Anita", "Prakash", "Sarita", "Dipak",
           "Kamala"),
    "bn": ("Rahim", "Fatema", "Karim", "Nasrin", "Abdul", "Shirin", "Jamal", "Roksana",
           "Habib", "Taslima"),
    "ro": ("Ion", "Maria", "Andrei", "Elena", "Mihai", "Ioana", "Vasile", "Ana", "Gheorghe",
           "Olga", "Nicolae", "Tatiana"),
    "ru": ("Ivan", "Olga", "Sergei", "Natalia", "Dmitry", "Elena", "Alexei", "Irina", "Nurlan",
           "Aigerim", "Andrei", "Svetlana"),
    "uk": ("Oleksandr", "Olena", "Andriy", "Iryna", "Taras", "Oksana", "Mykola", "Nataliya",
           "Vasyl", "Halyna"),
    "pt": ("João", "Maria", "Pedro", "Ana", "Lucas", "Juliana", "Rafael", "Fernanda",
           "Carlos", "Beatriz"),
    "tl": ("Jose", "Maria", "Mark", "Kristine", "John Paul", "Mary Grace", "Rodel", "Liza",
           "Jomar", "Rowena"),
    "zh": ("Wei", "Fang", "Lei", "Jing", "Qiang", "Li", "Jun", "Min", "Hao", "Yan"),
    "ja": ("Haruto", "Yui", "Sota", "Aoi", "Ren", "Hina", "Takeshi", "Yuko"),
    "sq": ("Arben", "Drita", "Besnik", "Vjosa", "Driton", "Arta", "Fatmir", "Blerta"),
    "fa": ("Reza", "Maryam", "Ali", "Zahra", "Hossein", "Fatemeh", "Mehdi", "Narges"),
    "ko": ("Chol", "Kyong", "Myong", "Song", "Kwang", "Hyang"),
    "my": ("Aung", "Thida", "Kyaw", "Hnin", "Zaw", "Su"),
    "pl": ("Piotr", "Anna", "Krzysztof", "Katarzyna", "Tomasz", "Agnieszka", "Paweł",
           "Magdalena"),
    "el": ("Giorgos", "Maria", "Dimitris", "Eleni", "Nikos", "Katerina", "Yannis", "Sofia"),
    "ti": ("Tesfay", "Senait", "Yonas", "Helen", "Dawit", "Luwam", "Filmon", "Saba"),
    "am": ("Abebe", "Tigist", "Dawit", "Meron", "Bekele", "Hiwot", "Getachew", "Selam"),
    "sw": ("John", "Grace", "Peter", "Mercy", "Joseph", "Faith", "Abdi", "Halima"),
}

LAST_NAMES: dict[str, tuple[str, ...]] = {
    "en": ("Smith", "Johnson", "Williams", "Brown", "Jones", "Miller", "Davis", "Wilson",
           "Taylor", "Anderson", "Thomas", "Moore", "Clark", "Walker", "Hall", "Young"),
    "de": ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer", "Wagner", "Becker",
           "Hoffmann", "Schulz", "Koch", "Richter"),
    "fr": ("Martin", "Bernard", "Dubois", "Thomas", "Robert", "Petit", "Durand", "Leroy",
           "Moreau", "Simon", "Laurent", "Lefebvre"),
    "nl": ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser", "Smit",
           "Meijer", "de Boer", "Mulder"),
    "es": ("García", "Rodríguez", "González", "Fernández", "López", "Martínez", "Sánchez",
           "Pérez", "Gómez", "Díaz", "Hernández", "Ramírez"),
    "it": ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano", "Colombo", "Ricci",
           "Marino", "Greco"),
    "he": ("Cohen", "Levi", "Mizrahi", "Peretz", "Biton", "Dahan", "Avraham", "Friedman",
           "Azoulay", "Katz", "Shapiro", "Ben-David"),
    "tr": ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk",
           "Aydın", "Özdemir", "Arslan", "Doğan"),
    "ar": ("Al-Saud", "Al-Harbi", "Al-Qahtani", "Hassan", "Ibrahim", "Mahmoud", "Abdelrahman",
           "El-Sayed", "Al-Balushi", "Al-Mansouri", "Haddad", "Khalil", "Nasser", "Saleh"),
    "hi": ("Sharma", "Verma", "Gupta", "Singh", "Kumar", "Patel", "Reddy", "Iyer", "Mehta",
           "Joshi", "Yadav", "Das"),
    "ur": ("Khan", "Ahmed", "Malik", "Hussain", "Qureshi", "Chaudhry", "Butt", "Raza", "Shah",
           "Iqbal", "Akhtar", "Siddiqui"),
    "ne": ("Shrestha", "Tamang", "Gurung", "Thapa", "Rai", "Magar", "Adhikari", "Karki",
           "Bhandari", "Poudel"),
    "bn": ("Rahman", "Hossain", "Islam", "Uddin", "Akter", "Begum", "Chowdhury", "Miah",
           "Sarkar", "Khatun"),
    "ro": ("Popescu", "Rusu", "Ionescu", "Ceban", "Lungu", "Munteanu", "Popa", "Cojocaru",
           "Stan", "Dumitru", "Moraru", "Ciobanu"),
    "ru": ("Ivanov", "Petrov", "Smirnov", "Kuznetsov", "Popov", "Volkov", "Sokolov",
           "Nurlanov", "Akhmetov", "Lebedev", "Kozlov", "Morozov"),
    "uk": ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Kravchenko", "Melnyk",
           "Boyko", "Oliynyk", "Lysenko", "Marchenko"),
    "pt": ("Silva", "Santos", "Oliveira", "Souza", "Pereira", "Costa", "Rodrigues", "Almeida",
           "Nascimento", "Lima"),
    "tl": ("Santos", "Reyes", "Cruz", "Bautista", "Garcia", "Mendoza", "Dela Cruz", "Ramos",
           "Aquino", "Villanueva"),
    "zh": ("Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu", "Zhou"),
    "ja": ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura"),
    "sq": ("Krasniqi", "Gashi", "Berisha", "Morina", "Shala", "Hoxha", "Bytyqi", "Kelmendi"),
    "fa": ("Mohammadi", "Hosseini", "Ahmadi", "Rezaei", "Moradi", "Karimi", "Jafari"),
    "ko": ("Kim", "Ri", "Pak", "Choe", "Jong", "Kang"),
    "my": ("Win", "Oo", "Htun", "Aung", "Myint", "Thein"),
    "pl": ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski",
           "Zieliński", "Szymański"),
    "el": ("Papadopoulos", "Georgiou", "Nikolaou", "Konstantinou", "Dimitriou", "Ioannou"),
    "ti": ("Tesfamariam", "Gebremedhin", "Haile", "Ghebreyesus", "Tekle", "Berhane"),
    "am": ("Tadesse", "Bekele", "Alemu", "Girma", "Mengistu", "Wolde", "Haile"),
    "sw": ("Otieno", "Mwangi", "Kamau", "Wanjiru", "Ochieng", "Mohamed", "Hassan", "Njoroge"),
}

COMPANY_SUFFIX: dict[str, str] = {
    "US": "Inc.", "GB": "Ltd", "DE": "GmbH", "AT": "GmbH", "CH": "AG", "FR": "SAS", "NL": "B.V.",
    "ES": "S.L.", "IT": "S.r.l.", "IL": "Ltd.", "TR": "A.Ş.", "IN": "Pvt Ltd", "AE": "LLC",
    "SA": "Co.", "PL": "Sp. z o.o.", "CA": "Inc.", "AU": "Pty Ltd", "PK": "(Pvt) Ltd",
    "ZA": "(Pty) Ltd", "XK": "L.L.C.", "EG": "S.A.E.", "OM": "LLC", "KW": "W.L.L.",
    "BH": "W.L.L.", "QA": "W.L.L.", "RU": "OOO", "KZ": "TOO", "UA": "TOV", "RO": "S.R.L.",
    "MD": "S.R.L.", "BR": "Ltda", "CN": "Co., Ltd", "JP": "K.K.",
}

BUSINESS_WORDS = ("Trading", "Logistics", "Consulting", "Systems", "Foods", "Textiles",
                  "Engineering", "Holdings", "Services", "Solutions", "Imports", "Construction",
                  "Packaging", "Media", "Software", "Motors", "Pharma", "Energy")

MONTHS: dict[str, tuple[str, ...]] = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August",
           "September", "October", "November", "December"),
    "de": ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September",
           "Oktober", "November", "Dezember"),
    "fr": ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre",
           "octobre", "novembre", "décembre"),
    "es": ("enero", "febrero", "marzo", "abril", "mayo", "junio", "julio", "agosto",
           "septiembre", "octubre", "noviembre", "diciembre"),
    "tr": ("Ocak", "Şubat", "Mart", "Nisan", "Mayıs", "Haziran", "Temmuz", "Ağustos", "Eylül",
           "Ekim", "Kasım", "Aralık"),
}

SALARY: dict[str, str] = {
    "en": "Salary", "de": "Gehalt", "fr": "Salaire", "nl": "Salaris", "es": "Nómina",
    "it": "Stipendio", "he": "משכורת", "tr": "Maaş", "ar": "راتب", "hi": "Salary",
    "pl": "Wynagrodzenie",
}
RENT: dict[str, str] = {
    "en": "Rent", "de": "Miete", "fr": "Loyer", "nl": "Huur", "es": "Alquiler", "it": "Affitto",
    "he": "שכר דירה", "tr": "Kira", "ar": "إيجار", "hi": "Rent", "pl": "Czynsz",
}
P2P: tuple[str, ...] = (
    "Thanks!", "dinner", "birthday gift", "share of rent", "loan repayment", "concert tickets",
    "groceries", "Danke", "Geschenk", "Merci", "remboursement", "תודה", "חשבון מסעדה",
    "teşekkürler", "borç", "gracias", "regalo", "grazie", "spesa", "شكرا", "Zwrot", "holiday",
    "taxi", "wedding gift",
)
REMITTANCE: tuple[str, ...] = (
    "family support", "for mom", "school fees", "monthly support", "house repair",
    "Familienunterstützung", "aile desteği", "परिवार सहायता", "sa pamilya", "para mi madre",
    "مساعدة عائلية", "для мами", "pentru familie", "घर खर्च", "family maintenance",
    "gift", "Eid gift", "medicine for father",
)
CHARITY: tuple[str, ...] = (
    "donation", "monthly donation", "Spende", "don", "תרומה", "bağış", "تبرع", "zakat",
    "sadaqa", "in memory of grandmother", "disaster relief", "gift aid donation",
)
UTILITY: tuple[str, ...] = (
    "Electricity bill", "Gas bill", "Water bill", "Mobile phone bill", "Internet",
    "Stromrechnung", "Facture EDF", "חשבון חשמל", "Elektrik faturası", "Council tax",
)
HEALTH: tuple[str, ...] = (
    "Patient invoice", "Co-payment", "Consultation", "Lab tests", "Physiotherapy",
    "Arztrechnung", "Dental treatment", "Eye examination", "Pharmacy",
)
B2B: tuple[str, ...] = ("Invoice", "INV", "Rechnung", "Facture", "Fatura", "PO", "Order")
TRAVEL: tuple[str, ...] = ("Flight booking", "Hotel reservation", "Holiday package",
                          "Booking", "Flug", "Reise", "Séjour")
CRYPTO: tuple[str, ...] = ("BTC purchase", "ETH", "USDT top-up", "crypto exchange deposit",
                          "wallet funding")
INSURANCE: tuple[str, ...] = ("Insurance premium", "Health insurance", "Car insurance",
                             "Krankenversicherung", "Assurance habitation")
CASH_IN: tuple[str, ...] = ("Cash deposit", "ATM deposit", "Bareinzahlung", "Dépôt espèces")
CASH_OUT: tuple[str, ...] = ("ATM withdrawal", "Cash withdrawal", "Bargeldauszahlung")
CLAIMS: tuple[str, ...] = ("Claim settlement", "Batch claims", "Reimbursement", "Invoice batch")

TREATMENT: tuple[str, ...] = (
    "medical fees", "treatment package", "kidney transplant deposit", "transplant program",
    "surgery costs", "dialysis and transplant", "donor expenses", "medical treatment abroad",
    "טיפול רפואי", "השתלת כליה", "tedavi masrafları", "böbrek nakli", "رسوم علاج",
    "زراعة كلى", "оплата лечения", "пересадка почки", "tratament medical", "tratamento médico",
    "tratamiento médico", "trasplante de riñón", "frais médicaux", "greffe de rein",
    "Behandlungskosten", "Nierentransplantation", "इलाज का खर्च", "علاج",
)
"""Remittance texts on recipient payments that mention treatment (OB-02, OB-10)."""

COVER: tuple[str, ...] = (
    "consulting services", "invoice 2026/041", "travel package", "services rendered",
    "project payment", "advance payment", "agreement", "family matter", "loan",
)
"""Bland texts that hide what a payment is for."""

DONOR_TEXT: tuple[str, ...] = ("family support", "gift", "help", "for work", "advance",
                               "balance", "pomoc", "допомога", "помощь", "ajutor", "yardım",
                               "madad", "مساعدة")
DONOR_MEDICAL: tuple[str, ...] = ("donor compensation", "kidney", "rinichi", "почка",
                                  "böbrek", "كلية", "kidney donor fee", "rim")
LAB_TEXT: tuple[str, ...] = ("HLA typing", "crossmatch", "HLA tissue typing and crossmatch",
                             "tissue typing", "Kreuzprobe", "cross-match test")
HOSPITAL_TEXT: tuple[str, ...] = ("surgery package", "operation and stay", "patient invoice",
                                  "theatre and ICU", "nephrology services", "medical services")
DOCTOR_TEXT: tuple[str, ...] = ("surgeon fee", "consultation", "anaesthesia",
                                "nephrology follow-up")
TOURISM: tuple[str, ...] = ("knee replacement", "cardiac surgery", "IVF treatment",
                            "hip replacement", "dental implants", "cataract surgery",
                            "oncology treatment", "spine surgery")
"""Legitimate medical tourism treatments (the OB-02 look-alike)."""

PERSON_OCCUPATIONS: tuple[tuple[str, float], ...] = (
    ("teacher", 6), ("driver", 5), ("engineer", 5), ("software developer", 4),
    ("accountant", 3), ("student", 8), ("retired", 10), ("sales assistant", 5),
    ("electrician", 2), ("chef", 2), ("cleaner", 3), ("construction worker", 4), ("lawyer", 1),
    ("pharmacist", 1), ("self-employed", 6), ("unemployed", 3), ("farmer", 1.5),
    ("police officer", 1), ("civil servant", 4), ("nurse", 3), ("physician", 1),
    ("surgeon", 0.3), ("nephrologist", 0.1), ("lab technician", 0.5), ("manager", 5),
    ("homemaker", 3), ("shop owner", 2), ("IT consultant", 1.5), ("mechanic", 2),
)
MEDICAL_OCCUPATIONS: tuple[str, ...] = ("surgeon", "nephrologist", "transplant surgeon",
                                        "urologist", "anaesthetist", "transplant coordinator")
