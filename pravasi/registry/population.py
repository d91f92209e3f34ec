"""A synthetic registry population: name lists, proportions, and the row builders that seed_population writes.

Proportions roughly follow the stock of Indians abroad reported by the Ministry of External Affairs
(non-resident Indians by country, rounded), the states that send most emigration-clearance workers, and the
occupations common among them; they are plausible, not official statistics. Everything is drawn from a random generator seeded per chunk of
CHUNK persons, so person number i of seed S is the same whatever the batch size, offset or number of
worker processes. Person ids are derived from (seed, i): re-running a seed never creates a person twice.

Rows are plain dicts keyed by attname holding each value as PostgreSQL's COPY text reads it (dates and
timestamps in ISO 8601, booleans as t/f, None for NULL), which the ORM also accepts. Encrypted columns hold
plaintext: the writers encrypt exactly as the ORM does (pravasi.core.crypto.encrypt). Blind indexes and name
keys are computed here with the project's own functions.
"""

from __future__ import annotations

import hashlib
import random
from bisect import bisect
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from itertools import accumulate

import phonenumbers

from pravasi.core.contacts import email_index, phone_index

from .models import ConsentPurpose, ConsentRecord, PersonStatus, sort_name_of
from .names import name_keys
from .selectors import passport_index

CHUNK = 1000
REFERENCE_DATE = date(2026, 11, 26)
REFERENCE_AT = datetime(2026, 11, 26, 6, 0, tzinfo=UTC)


class Weighted:
    """A weighted choice drawn with one random() and a bisect (much cheaper than random.choices)."""

    __slots__ = ("items", "cum", "total")

    def __init__(self, pairs):
        pairs = list(pairs.items()) if isinstance(pairs, dict) else list(pairs)
        self.items = [p[0] for p in pairs]
        self.cum = list(accumulate(float(p[1]) for p in pairs))
        self.total = self.cum[-1]

    def pick(self, rng: random.Random):
        return self.items[bisect(self.cum, rng.random() * self.total)]


class Rng(random.Random):
    """random.Random with cheaper integer draws (one random() each); seeded from a string, so stable."""

    def randrange(self, start, stop=None, step=1):  # type: ignore[override]
        if stop is None:
            return int(self.random() * start)
        return start + int(self.random() * (stop - start))

    def randint(self, a, b):  # type: ignore[override]
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):  # type: ignore[override]
        return seq[int(self.random() * len(seq))]


def zipf(names: list[str]) -> Weighted:
    """Earlier names in a list are more common (weight 1/(rank+2)), like real name frequencies."""
    return Weighted((n, 1.0 / (rank + 2)) for rank, n in enumerate(names))


# --- names ---------------------------------------------------------------------------------------------
# "A|B|C": the first spelling is the most common; the others are transliteration variants of the same name.

MUSLIM_MALE = zipf(
    "Mohammed|Muhammad|Mohamed|Mohammad|Muhammed|Mohd,Abdul|Abdool,Shafi|Shafee,Rashid|Rasheed,Anvar|Anwar,Shihab|Shihabudeen,Ashraf|Ashraff,Faisal|Faizal,"
    "Imran,Salman,Arshad,Irfan|Erfan,Yusuf|Yousuf|Yusuff,Ibrahim|Ebrahim,Ismail|Ismayil,Abdul Rahman|Abdurahman|Abdul Rehman,Nazeer|Nasir|Naseer,Riyas|Riyaz,"
    "Shameer|Sameer,Musthafa|Mustafa,Hamza|Hamsa,Jabir|Jaabir,Akbar,Aslam,Sajid|Sajeed,Junaid,Tariq|Tarik,Zubair|Zubeir,Haris|Harris,Naushad|Noushad".split(",")
)
MUSLIM_FEMALE = zipf(
    "Fathima|Fatima|Fathimath,Ayesha|Aisha|Ayisha,Shameena|Shamina,Safiya|Safia,Rukhsana|Ruksana,Nasreen|Nasrin,Sabira,Jameela|Jamila,Zainab|Zeenath,Hasina|Haseena,Rubina|Rubeena,Shabana,Sajna|Sajina".split(
        ","
    )
)
MUSLIM_FAMILY = zipf(
    "Khan,Ansari,Shaikh|Sheikh|Shaik,Siddiqui|Siddiqi,Qureshi|Kureshi|Quraishi,Syed|Sayed|Saiyad,Pathan,Ahmed|Ahmad,Hussain|Husain,Rahman|Rehman,Ali,Koya,Haji,Kunju,Mansoor|Mansur,Malik".split(",")
)

CHRISTIAN_MALE = zipf("Joseph,Thomas,George,Jose,Mathew|Mathews,Varghese|Verghese,Jacob,Sebastian,Shaji,Biju,Jijo,Jobin,Binu,Tony,Abraham,Antony|Anthony,Joy,Roy,Saji,Sunny".split(","))
CHRISTIAN_FEMALE = zipf("Mary,Ancy,Jincy,Shiny,Sherin|Sherine,Liji,Tessy,Jisha,Bincy,Ann,Rincy,Susan,Mercy,Reena|Rina,Elizabeth,Neethu|Nithu".split(","))
CHRISTIAN_FAMILY = zipf(
    "Thomas,Varghese|Verghese,Mathew|Mathews,Kurian,Abraham,Joseph,George,Chacko,Philip,John,Fernandes|Fernandez,D'Souza|Dsouza|De Souza,Pereira|Periera,Rodrigues|Rodrigues,Cherian".split(",")
)

MALE = {
    "KL": zipf(
        "Sreejith|Srijith|Shreejith,Rajesh,Suresh,Anil,Sunil,Manoj,Praveen|Pravin,Sreekumar|Srikumar|Shreekumar,Vineeth|Vinith,Arun,Sajeev|Sajiv,Ratheesh|Ratish,Santhosh|Santosh,Binoy,Ajith|Ajit,Dileep|Dilip,Unnikrishnan,Vishnu|Vishnoo,Renjith|Ranjith,Jayakumar".split(
            ","
        )
    ),
    "TN": zipf(
        "Murugan,Senthil|Sentil,Karthik|Karthick|Kartik,Saravanan,Arun,Ganesan|Ganeshan,Selvam,Ramesh,Suresh,Balaji,Prakash,Vignesh|Vigneshwaran,Kumar,Rajendran,Muthu,Sathish|Satish,Manikandan,Dinesh,Prabhu|Prabu,Anbu".split(
            ","
        )
    ),
    "TE": zipf(
        "Srinivas|Srinivasa|Sreenivas,Venkatesh|Venkatesa,Ramesh,Suresh,Naresh,Ravi,Raju,Srikanth|Sreekanth,Mahesh,Nagaraju,Ramana,Sai,Kiran,Prasad,Anjaneyulu,Narsimha|Narasimha,Lakshman|Laxman,Gopal".split(
            ","
        )
    ),
    "KA": zipf("Manjunath|Manjunatha,Nagaraj|Nagaraja,Basavaraj,Prakash,Shivakumar|Sivakumar,Ravi,Santosh|Santhosh,Girish,Mahesh,Venkatesh,Chethan|Chetan".split(",")),
    "NORTH": zipf(
        "Ramesh,Suresh,Rakesh,Sanjay,Vijay,Ravi,Manoj,Amit,Pankaj,Dinesh,Sunil,Rajesh,Ajay,Mukesh,Anil,Santosh,Ram Prasad|Ramprasad,Shyam,Vinod,Sandeep|Sundeep,Deepak,Rajkumar|Raj Kumar,Pramod,Arvind|Aravind,Sachin,Rahul,Om Prakash|Omprakash,Mahendra,Bhanwar|Bhawar".split(
            ","
        )
    ),
    "PB": zipf(
        "Gurpreet,Harpreet,Jaspreet,Manpreet,Sukhwinder|Sukhvinder,Kuldeep|Kuldip,Baljit|Baljeet,Amandeep,Harjinder,Jagdeep|Jagdip,Navdeep,Paramjit|Paramjeet,Gurdeep,Ranjit|Ranjeet,Lakhwinder|Lakhvinder".split(
            ","
        )
    ),
    "WEST": zipf("Rahul,Amit,Nilesh,Jignesh,Hitesh,Mehul,Ketan,Chirag,Sachin,Mahesh,Ganesh,Prashant,Nikhil,Kiran,Vishal,Sagar,Parag,Tushar,Bhavesh,Dharmesh".split(",")),
    "EAST": zipf("Subrata,Debashis|Debasish,Sourav|Saurav,Arindam,Partha,Biswajit,Sanjib|Sanjeev,Prasanta|Prashant,Tapas,Amit,Sudip|Sudeep,Ranjan,Bikash|Vikash,Pradeep|Pradip,Manas".split(",")),
}
FEMALE = {
    "KL": zipf("Sreeja|Sreeja|Shreeja|Srija,Lakshmi|Laxmi,Anitha|Anita,Bindu,Divya,Mini,Sindhu,Reshma,Remya|Ramya,Sreelakshmi|Srilakshmi,Asha,Deepa,Sheeba|Shiba,Soumya|Saumya,Athira".split(",")),
    "TN": zipf("Lakshmi|Laxmi,Priya,Kavitha|Kavita,Meena,Selvi,Revathi|Revathy,Saranya,Divya,Malathi|Malati,Gayathri|Gayatri,Anitha|Anita,Jayanthi|Jayanti,Sumathi".split(",")),
    "TE": zipf("Lakshmi|Laxmi,Padma,Sravani|Shravani,Swathi|Swati,Anusha,Sirisha|Shirisha,Madhavi,Sunitha|Sunita,Bhavani,Aruna,Sri Devi|Sridevi|Sreedevi".split(",")),
    "KA": zipf("Lakshmi|Laxmi,Shwetha|Shweta,Kavya,Pooja|Puja,Rekha,Sunitha|Sunita,Nandini,Savitha|Savita".split(",")),
    "NORTH": zipf("Sunita,Anita,Rekha,Pooja|Puja,Priyanka,Neha,Kavita|Kavitha,Geeta|Gita,Seema|Sima,Suman,Manju,Rinku,Sarita,Kiran,Mamta|Mamata,Radha,Poonam|Punam".split(",")),
    "PB": zipf("Harpreet,Jaspreet,Manpreet,Gurpreet,Amandeep,Sukhwinder|Sukhvinder,Rajwinder|Rajvinder,Kulwinder|Kulvinder,Navneet,Simran".split(",")),
    "WEST": zipf("Pooja|Puja,Priya,Neha,Komal,Hetal,Nisha,Bhavna|Bhavana,Snehal,Swati|Swathi,Pallavi,Rupal,Jyoti|Jyothi".split(",")),
    "EAST": zipf("Moumita|Mousumi,Sharmila,Rupa,Soma,Mitali,Priyanka,Tanusree|Tanushree,Riya|Ria,Puja|Pooja,Jayashree|Jayasree".split(",")),
}
FAMILY = {
    "KL": zipf("Nair,Menon,Pillai,Kurup,Nambiar,Panicker|Panikkar,Kumar,Krishnan,Raj,Das,Babu,Prasad,Unnithan,Warrier|Variyar,Vijayan,Sasidharan,Gopinathan|Gopinadhan".split(",")),
    "TN": zipf(
        "Ramasamy|Ramaswamy,Krishnan,Subramanian|Subramaniam,Perumal,Pandian|Pandiyan,Natarajan,Murugesan,Rajendran,Shanmugam|Sanmugam,Arumugam,Velu,Kannan,Sundaram,Balasubramanian".split(",")
    ),
    "TE": zipf("Reddy,Rao,Naidu,Goud|Gowd,Chowdary|Choudary|Chaudhary,Varma|Verma,Yadav,Raju,Shetty,Babu,Kumar".split(",")),
    "KA": zipf("Gowda|Gouda,Shetty,Naik|Nayak,Hegde,Rao,Patil,Kumar,Murthy|Moorthy".split(",")),
    "NORTH": zipf("Yadav,Singh,Kumar,Prasad,Sharma,Mishra,Gupta,Paswan,Mandal,Verma|Varma,Chauhan,Pandey,Tiwari|Tiwary,Meena,Choudhary|Chaudhary|Chowdhary,Rathore|Rathod,Jat,Saini,Maurya".split(",")),
    "PB": zipf("Singh,Kaur,Gill,Sandhu,Sidhu,Dhillon,Grewal,Brar,Sekhon,Bajwa,Randhawa,Virk".split(",")),
    "WEST": zipf("Patel,Shah,Desai,Mehta,Joshi,Parmar,Chauhan,Patil,Jadhav,Pawar,Shinde,More,Kulkarni,Naik|Nayak".split(",")),
    "EAST": zipf("Das,Ghosh,Mondal|Mandal,Roy|Ray,Sarkar,Dey|De,Chatterjee|Chatterji,Banerjee|Banerji,Mukherjee|Mukherji,Sahoo|Sahu,Mohanty,Biswas".split(",")),
}


def spell(entry: str, rng: random.Random) -> str:
    """One spelling of a name: the usual one two times in three, otherwise one of its variants."""
    if "|" not in entry:
        return entry
    variants = entry.split("|")
    if rng.random() < 0.66:
        return variants[0]
    return variants[rng.randrange(1, len(variants))]


# --- where people come from ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Origin:
    code: str
    names: str  # key into MALE / FEMALE / FAMILY
    muslim: float
    christian: float
    districts: tuple[str, ...]
    passport_offices: tuple[str, ...]
    languages: tuple[tuple[str, float], ...]


ORIGINS = {
    o.code: o
    for o in (
        Origin(
            "IN-KL",
            "KL",
            0.32,
            0.20,
            ("Malappuram", "Kozhikode", "Kannur", "Thrissur", "Thiruvananthapuram", "Kollam", "Kasaragod", "Palakkad", "Ernakulam", "Pathanamthitta", "Kottayam", "Alappuzha"),
            ("Kozhikode", "Malappuram", "Thiruvananthapuram", "Kochi"),
            (("ml", 0.55), ("en", 0.45)),
        ),
        Origin(
            "IN-UP",
            "NORTH",
            0.35,
            0.01,
            ("Lucknow", "Azamgarh", "Gorakhpur", "Jaunpur", "Deoria", "Siwan", "Allahabad", "Ghazipur", "Varanasi", "Bareilly"),
            ("Lucknow", "Ghaziabad", "Bareilly"),
            (("hi", 0.7), ("ur", 0.05), ("en", 0.25)),
        ),
        Origin(
            "IN-BR",
            "NORTH",
            0.35,
            0.01,
            ("Siwan", "Gopalganj", "Saran", "Patna", "Darbhanga", "Madhubani", "East Champaran", "West Champaran", "Muzaffarpur"),
            ("Patna",),
            (("hi", 0.75), ("en", 0.25)),
        ),
        Origin(
            "IN-TN",
            "TN",
            0.10,
            0.06,
            ("Chennai", "Tiruchirappalli", "Ramanathapuram", "Pudukkottai", "Thanjavur", "Sivaganga", "Madurai", "Villupuram", "Tirunelveli"),
            ("Chennai", "Tiruchirappalli", "Madurai", "Coimbatore"),
            (("ta", 0.6), ("en", 0.4)),
        ),
        Origin("IN-RJ", "NORTH", 0.20, 0.01, ("Jhunjhunu", "Sikar", "Churu", "Nagaur", "Jaipur", "Barmer", "Jodhpur"), ("Jaipur",), (("hi", 0.8), ("en", 0.2))),
        Origin(
            "IN-PB",
            "PB",
            0.02,
            0.02,
            ("Jalandhar", "Hoshiarpur", "Kapurthala", "Ludhiana", "Amritsar", "Nawanshahr", "Moga"),
            ("Jalandhar", "Amritsar", "Chandigarh"),
            (("pa", 0.6), ("hi", 0.1), ("en", 0.3)),
        ),
        Origin(
            "IN-AP",
            "TE",
            0.10,
            0.04,
            ("East Godavari", "West Godavari", "Kadapa", "Krishna", "Guntur", "Nellore", "Srikakulam", "Visakhapatnam"),
            ("Visakhapatnam", "Vijayawada"),
            (("te", 0.6), ("en", 0.4)),
        ),
        Origin(
            "IN-TS", "TE", 0.15, 0.02, ("Hyderabad", "Nizamabad", "Karimnagar", "Jagtial", "Adilabad", "Warangal", "Nirmal"), ("Hyderabad", "Secunderabad"), (("te", 0.55), ("ur", 0.05), ("en", 0.4))
        ),
        Origin("IN-WB", "EAST", 0.30, 0.01, ("Murshidabad", "Kolkata", "Nadia", "North 24 Parganas", "Malda", "Howrah"), ("Kolkata",), (("bn", 0.6), ("en", 0.4))),
        Origin("IN-MH", "WEST", 0.12, 0.03, ("Mumbai", "Pune", "Thane", "Ratnagiri", "Nagpur", "Sindhudurg"), ("Mumbai", "Thane", "Pune"), (("mr", 0.4), ("hi", 0.2), ("en", 0.4))),
        Origin("IN-GJ", "WEST", 0.10, 0.01, ("Ahmedabad", "Surat", "Anand", "Vadodara", "Kheda", "Navsari", "Bharuch"), ("Ahmedabad", "Surat"), (("gu", 0.5), ("en", 0.5))),
        Origin("IN-KA", "KA", 0.14, 0.04, ("Bengaluru Urban", "Dakshina Kannada", "Udupi", "Bhatkal", "Mysuru", "Uttara Kannada"), ("Bengaluru",), (("kn", 0.4), ("en", 0.6))),
        Origin("IN-GA", "WEST", 0.05, 0.30, ("North Goa", "South Goa"), ("Panaji",), (("en", 1.0),)),
        Origin("IN-OD", "EAST", 0.03, 0.03, ("Ganjam", "Cuttack", "Khordha", "Balasore"), ("Bhubaneswar",), (("or", 0.5), ("en", 0.5))),
        Origin("IN-JH", "NORTH", 0.15, 0.05, ("Ranchi", "Giridih", "Dhanbad", "Hazaribagh"), ("Ranchi",), (("hi", 0.7), ("en", 0.3))),
        Origin("IN-DL", "NORTH", 0.12, 0.02, ("New Delhi", "North West Delhi", "South Delhi", "East Delhi"), ("Delhi",), (("hi", 0.5), ("en", 0.5))),
        Origin("IN-HR", "NORTH", 0.05, 0.01, ("Gurugram", "Karnal", "Kurukshetra", "Ambala", "Hisar"), ("Chandigarh",), (("hi", 0.6), ("en", 0.4))),
        Origin("IN-JK", "NORTH", 0.60, 0.01, ("Srinagar", "Jammu", "Anantnag", "Baramulla"), ("Srinagar", "Jammu"), (("ur", 0.3), ("hi", 0.3), ("en", 0.4))),
    )
}
LANGUAGE_CHOICE = {code: Weighted(o.languages) for code, o in ORIGINS.items()}
ORIGINS_BY_PROFILE = {
    "GULF": Weighted(
        {
            "IN-KL": 20,
            "IN-UP": 17,
            "IN-BR": 11,
            "IN-TN": 9,
            "IN-RJ": 5,
            "IN-PB": 4,
            "IN-AP": 6,
            "IN-TS": 6,
            "IN-WB": 5,
            "IN-MH": 3,
            "IN-GJ": 2,
            "IN-KA": 3,
            "IN-GA": 1,
            "IN-OD": 2,
            "IN-JH": 2,
            "IN-DL": 1,
            "IN-HR": 1,
            "IN-JK": 2,
        }
    ),
    "ASIA": Weighted({"IN-TN": 40, "IN-KL": 14, "IN-AP": 8, "IN-TS": 6, "IN-PB": 6, "IN-UP": 6, "IN-BR": 5, "IN-MH": 4, "IN-WB": 4, "IN-KA": 4, "IN-GJ": 3}),
    "WEST": Weighted({"IN-GJ": 13, "IN-PB": 15, "IN-MH": 10, "IN-TS": 10, "IN-AP": 10, "IN-KL": 9, "IN-TN": 8, "IN-KA": 7, "IN-DL": 6, "IN-UP": 5, "IN-HR": 3, "IN-WB": 3, "IN-GA": 1}),
}


# --- where people live -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Destination:
    code: str
    weight: float  # thousands of non-resident Indians, rounded
    profile: str  # GULF, ASIA or WEST: decides sexes, occupations, education and origins
    female_share: float
    regions: Weighted
    calling_code: str
    mobile_prefixes: tuple[str, ...]
    subscriber_digits: int


def _dest(code, weight, profile, female, regions, cc, prefixes, digits):
    return Destination(code, weight, profile, female, Weighted(regions), cc, tuple(prefixes.split()), digits)


GULF_EMPLOYER_WORDS = (
    ("Al Noor", "Al Safa", "Gulf Star", "Desert Rose", "Al Maha", "Blue Dune", "Crescent", "Al Waha", "Pearl Coast", "Falcon"),
    ("Contracting", "Facilities Management", "Hospitality", "Transport", "Trading", "Engineering", "Healthcare", "Catering", "Cleaning Services", "Steel Works"),
)
DESTINATIONS = {
    d.code: d
    for d in (
        _dest("AE", 3420, "GULF", 0.12, {"Dubai": 40, "Abu Dhabi": 22, "Sharjah": 20, "Ajman": 7, "Ras Al Khaimah": 5, "Fujairah": 3, "Umm Al Quwain": 3}, "971", "50 52 54 55 56 58", 7),
        _dest(
            "SA",
            2460,
            "GULF",
            0.08,
            {"Riyadh": 30, "Jeddah": 22, "Dammam": 15, "Al Khobar": 7, "Jubail": 6, "Makkah": 6, "Madinah": 5, "Tabuk": 3, "Abha": 3, "Buraidah": 3},
            "966",
            "50 53 54 55 56 58 59",
            7,
        ),
        _dest("KW", 1020, "GULF", 0.22, {"Kuwait City": 35, "Farwaniya": 25, "Hawalli": 20, "Ahmadi": 15, "Jahra": 5}, "965", "5 6 9", 7),
        _dest("QA", 740, "GULF", 0.10, {"Doha": 65, "Al Rayyan": 20, "Al Wakrah": 10, "Al Khor": 5}, "974", "33 55 66 70 77", 6),
        _dest("OM", 780, "GULF", 0.12, {"Muscat": 50, "Sohar": 15, "Salalah": 15, "Nizwa": 8, "Sur": 7, "Ibri": 5}, "968", "71 72 79 91 92 93 94 95 96 97 98 99", 6),
        _dest("BH", 320, "GULF", 0.15, {"Manama": 55, "Muharraq": 20, "Riffa": 15, "Isa Town": 10}, "973", "33 34 35 36 37 39", 6),
        _dest("MY", 230, "ASIA", 0.15, {"Kuala Lumpur": 45, "Selangor": 25, "Penang": 12, "Johor Bahru": 10, "Ipoh": 8}, "60", "12 16 19", 7),
        _dest(
            "US",
            1280,
            "WEST",
            0.45,
            {"California": 22, "Texas": 14, "New Jersey": 12, "New York": 12, "Illinois": 8, "Washington": 6, "Virginia": 6, "Massachusetts": 5, "Georgia": 5, "Florida": 5, "Michigan": 5},
            "1",
            "201 408 469 512 617 650 713 732 847 908 972",
            7,
        ),
        _dest("GB", 350, "WEST", 0.45, {"London": 50, "Birmingham": 12, "Leicester": 10, "Manchester": 8, "Coventry": 5, "Wolverhampton": 5, "Slough": 5, "Glasgow": 5}, "44", "74 75 77 78 79", 8),
        _dest(
            "CA",
            180,
            "WEST",
            0.45,
            {"Brampton": 25, "Toronto": 25, "Surrey": 15, "Vancouver": 10, "Calgary": 10, "Edmonton": 5, "Montreal": 5, "Winnipeg": 5},
            "1",
            "416 437 647 604 778 905 403 587 514",
            7,
        ),
        _dest("SG", 350, "ASIA", 0.35, {"Central": 40, "West": 20, "East": 20, "North": 10, "North-East": 10}, "65", "8 9", 7),
        _dest("IQ", 18, "GULF", 0.05, {"Baghdad": 40, "Erbil": 35, "Basra": 25}, "964", "770 771 750 751 780 781", 7),
        _dest("JO", 15, "GULF", 0.20, {"Amman": 70, "Aqaba": 15, "Irbid": 15}, "962", "79", 7),
        _dest("LB", 8, "GULF", 0.35, {"Beirut": 80, "Tripoli": 20}, "961", "3 70 71 81", 6),
        _dest("LY", 2, "GULF", 0.15, {"Tripoli": 60, "Benghazi": 40}, "218", "91 92 94", 7),
        _dest("ID", 8, "ASIA", 0.30, {"Jakarta": 70, "Surabaya": 15, "Medan": 15}, "62", "811 812 813 821 822 852 853", 8),
        _dest("TH", 22, "ASIA", 0.30, {"Bangkok": 75, "Chiang Mai": 10, "Phuket": 15}, "66", "81 82 83 84 86 89 61 62 63 64 65", 7),
        _dest("SD", 4, "GULF", 0.10, {"Khartoum": 80, "Port Sudan": 20}, "249", "90 91 92 96 99", 7),
        _dest("SS", 0.5, "GULF", 0.05, {"Juba": 100}, "211", "91 92 95", 7),
        _dest("YE", 0.6, "GULF", 0.10, {"Sanaa": 50, "Aden": 50}, "967", "70 71 73 77", 7),
        _dest("AF", 0.5, "GULF", 0.05, {"Kabul": 100}, "93", "70 71 72 73 74 77 78 79", 7),
        _dest("SY", 0.1, "GULF", 0.05, {"Damascus": 100}, "963", "93 94 95 96 98 99", 7),
    )
}
DESTINATION_CHOICE = Weighted((d.code, d.weight) for d in DESTINATIONS.values())


# --- occupations (ISCO-08) and education -------------------------------------------------------------------
# (code, weight, {education: weight}, skills). An empty code is a person without paid work (student, homemaker).

LOW = {"NONE": 2, "PRIMARY": 4, "MIDDLE": 4}
LOW_MID = {"PRIMARY": 3, "MIDDLE": 5, "CLASS_10": 2}
MID = {"MIDDLE": 3, "CLASS_10": 4, "CLASS_12": 2, "DIPLOMA": 1}
TRADE = {"MIDDLE": 3, "CLASS_10": 3, "DIPLOMA": 4}
CLERK = {"CLASS_12": 3, "GRADUATE": 7}
PROF = {"GRADUATE": 6, "POSTGRADUATE": 4}
HIGH = {"POSTGRADUATE": 1}
NURSE = {"GRADUATE": 8, "POSTGRADUATE": 2}

OCCUPATIONS = {
    ("GULF", "M"): [
        ("9313", 18, LOW, "general construction labour"),
        ("7112", 8, LOW_MID, "masonry, block work, plastering"),
        ("7115", 4, LOW_MID, "shuttering carpentry"),
        ("7212", 4, TRADE, "MIG and arc welding"),
        ("7126", 4, TRADE, "plumbing, pipe fitting"),
        ("7411", 5, {"CLASS_10": 3, "CLASS_12": 2, "DIPLOMA": 5}, "building wiring, panel fitting"),
        ("8322", 10, MID, "light vehicle licence"),
        ("8332", 5, {"MIDDLE": 5, "CLASS_10": 4, "CLASS_12": 1}, "heavy vehicle licence"),
        ("5120", 4, LOW_MID, "Indian and Arabic cooking"),
        ("9412", 3, LOW, "kitchen help"),
        ("5414", 4, {"MIDDLE": 3, "CLASS_10": 5, "CLASS_12": 2}, "security guard licence"),
        ("9112", 5, LOW, "cleaning"),
        ("5223", 6, {"CLASS_10": 4, "CLASS_12": 5, "GRADUATE": 1}, "retail sales, cashier"),
        ("7231", 3, TRADE, "car and truck repair"),
        ("6121", 2, {"NONE": 5, "PRIMARY": 5}, "camel and goat herding"),
        ("9329", 3, LOW, "factory work"),
        ("9333", 3, LOW, "loading, forklift"),
        ("4311", 3, CLERK, "accounts, Tally"),
        ("3112", 3, {"DIPLOMA": 7, "GRADUATE": 3}, "site supervision, AutoCAD"),
        ("2142", 2, {"GRADUATE": 7, "POSTGRADUATE": 3}, "structural design"),
        ("2221", 1, NURSE, "critical care nursing"),
        ("1420", 2, PROF, "store management"),
        ("2512", 2, PROF, "software development"),
        ("2211", 1, HIGH, "general practice"),
    ],
    ("GULF", "F"): [
        ("9111", 40, {"NONE": 25, "PRIMARY": 35, "MIDDLE": 30, "CLASS_10": 10}, "housekeeping, child care"),
        ("2221", 22, NURSE, "ward nursing"),
        ("3221", 10, {"DIPLOMA": 8, "CLASS_12": 2}, "patient care"),
        ("5311", 5, LOW_MID, "child care"),
        ("2341", 6, PROF, "primary teaching"),
        ("5142", 4, {"CLASS_10": 5, "CLASS_12": 5}, "beauty care"),
        ("5223", 5, {"CLASS_12": 6, "GRADUATE": 4}, "retail sales"),
        ("4311", 4, CLERK, "accounts"),
        ("2512", 2, PROF, "software development"),
        ("2211", 2, HIGH, "general practice"),
    ],
    ("ASIA", "M"): [
        ("9313", 10, LOW, "general construction labour"),
        ("7112", 5, LOW_MID, "masonry"),
        ("5120", 10, LOW_MID, "South Indian cooking"),
        ("9412", 8, LOW, "kitchen help"),
        ("5223", 10, {"CLASS_10": 4, "CLASS_12": 5, "GRADUATE": 1}, "retail sales"),
        ("8322", 6, MID, "light vehicle licence"),
        ("2512", 15, PROF, "software development"),
        ("2221", 2, NURSE, "nursing"),
        ("4311", 6, CLERK, "accounts"),
        ("1420", 4, PROF, "store management"),
        ("9333", 6, LOW, "loading"),
        ("7411", 4, TRADE, "electrical work"),
        ("2142", 4, PROF, "civil engineering"),
        ("2411", 4, PROF, "accounting"),
        ("", 4, {"CLASS_12": 3, "GRADUATE": 7}, ""),
    ],
    ("ASIA", "F"): [
        ("2221", 15, NURSE, "nursing"),
        ("9111", 20, LOW, "housekeeping"),
        ("5223", 15, {"CLASS_12": 6, "GRADUATE": 4}, "retail sales"),
        ("2512", 15, PROF, "software development"),
        ("4311", 10, CLERK, "accounts"),
        ("5120", 5, LOW_MID, "cooking"),
        ("2341", 8, PROF, "teaching"),
        ("", 12, {"CLASS_12": 3, "GRADUATE": 7}, ""),
    ],
    ("WEST", "M"): [
        ("2512", 25, PROF, "software development"),
        ("2514", 6, PROF, "application programming"),
        ("2221", 2, NURSE, "nursing"),
        ("2211", 5, HIGH, "medicine"),
        ("2411", 6, PROF, "accounting"),
        ("2310", 3, HIGH, "university teaching"),
        ("2131", 3, HIGH, "research"),
        ("2144", 4, PROF, "mechanical engineering"),
        ("1219", 5, PROF, "business management"),
        ("3322", 4, {"CLASS_12": 3, "GRADUATE": 7}, "sales"),
        ("5223", 5, {"CLASS_12": 5, "GRADUATE": 5}, "retail sales"),
        ("5120", 3, {"CLASS_10": 5, "CLASS_12": 5}, "cooking"),
        ("8322", 4, {"CLASS_12": 6, "GRADUATE": 4}, "driving"),
        ("8332", 3, {"CLASS_10": 5, "CLASS_12": 5}, "long-haul trucking"),
        ("", 8, {"CLASS_12": 4, "GRADUATE": 6}, ""),
    ],
    ("WEST", "F"): [
        ("2512", 25, PROF, "software development"),
        ("2221", 15, NURSE, "nursing"),
        ("2211", 7, HIGH, "medicine"),
        ("2411", 8, PROF, "accounting"),
        ("2310", 4, HIGH, "university teaching"),
        ("2131", 4, HIGH, "research"),
        ("1219", 4, PROF, "business management"),
        ("5223", 6, {"CLASS_12": 5, "GRADUATE": 5}, "retail sales"),
        ("2341", 6, PROF, "teaching"),
        ("", 21, {"CLASS_12": 3, "GRADUATE": 5, "POSTGRADUATE": 2}, ""),
    ],
}
OCCUPATION_CHOICE = {key: Weighted((i, w) for i, (_c, w, _e, _s) in enumerate(rows)) for key, rows in OCCUPATIONS.items()}
EDUCATION_CHOICE = {key: [Weighted(e) for (_c, _w, e, _s) in rows] for key, rows in OCCUPATIONS.items()}
LANGUAGE_NEED = {"NONE": 0.4, "PRIMARY": 0.3, "MIDDLE": 0.1}  # share needing language support, Gulf only
# Crisis contact for most; fewer tick the optional purposes.
CONSENT_SHARES = ((ConsentPurpose.CRISIS_CONTACT.value, 0.88), (ConsentPurpose.SERVICE_NOTIFICATIONS.value, 0.5), (ConsentPurpose.STATISTICS.value, 0.3))
TF = {True: "t", False: "f"}
ABROAD, PRE_DEPARTURE, RETURNED = PersonStatus.ABROAD.value, PersonStatus.PRE_DEPARTURE.value, PersonStatus.RETURNED.value
CONSENT_METHOD = Weighted({ConsentRecord.Method.WEB.value: 60, ConsentRecord.Method.IMPORT.value: 30, ConsentRecord.Method.STAFF.value: 10})
MESSAGING_APP = Weighted({"WHATSAPP": 70, "": 20, "IMO": 5, "TELEGRAM": 4, "SIGNAL": 1})
EMAIL_DOMAINS = Weighted({"gmail.com": 70, "yahoo.com": 12, "yahoo.co.in": 6, "outlook.com": 6, "rediffmail.com": 3, "hotmail.com": 3})
ADDRESS_WORDS = (
    ("Flat", "Room", "Villa", "Apartment", "Labour Camp Block"),
    ("Al Nahda", "Al Qusais", "Musaffah", "Al Khaleej", "Industrial Area", "Main Road", "Station Road", "Park Avenue", "Church Street", "King Street"),
)


# --- identifiers ---------------------------------------------------------------------------------------------

PASSPORT_LETTERS = "ABCDEFGHJKLMNPRSTUVWY"  # letters seen on Indian passports (no I, O, Q, X, Z)
PASSPORT_SPACE = len(PASSPORT_LETTERS) * 10_000_000
PASSPORT_STEP = 150_000_001  # coprime with 2, 3, 5 and 7: a bijection of the passport space


@lru_cache(maxsize=64)
def seed_salt(seed: int) -> int:
    return int.from_bytes(hashlib.sha256(f"pravasi-population:{seed}".encode()).digest()[:8], "big")


@lru_cache(maxsize=4096)
def _id_prefix(seed: int, n: int) -> str:
    """The first 20 hex digits (with dashes) shared by row n of every person of a seed, version 4 set."""
    high = seed_salt(seed) ^ (n << 32)
    text = f"{high:016x}"
    return f"{text[:8]}-{text[8:12]}-4{text[13:16]}-8"


def person_uuid(seed: int, index: int, n: int = 0) -> str:
    """Deterministic per (seed, index): the index fills the low bits so one run's ids stay close in b-trees.

    n > 0 gives the id of the person's n-th other row (passport, consent record, family member).
    """
    low = f"{index & 0x7FFF_FFFF_FFFF_FFFF:015x}"
    return f"{_id_prefix(seed, n)}{low[:3]}-{low[3:]}"


def passport_number(seed: int, index: int) -> str:
    """Letter + 7 digits, distinct for every index of one seed (an affine bijection of the passport space)."""
    slot = (seed_salt(seed) + index) % PASSPORT_SPACE
    value = (slot * PASSPORT_STEP + 7_654_321) % PASSPORT_SPACE
    return f"{PASSPORT_LETTERS[value // 10_000_000]}{value % 10_000_000:07d}"


@lru_cache(maxsize=64)
def mobile_blocks(country: str) -> tuple[str, ...]:
    """National number starts (prefix + two digits) that the numbering plan accepts as mobiles (checked once)."""
    dest = DESTINATIONS[country]
    tail = dest.subscriber_digits - 2
    blocks = []
    for prefix in dest.mobile_prefixes:
        for two in range(100):
            block = f"{prefix}{two:02d}"
            samples = (f"{block}{digit}{filler * (tail - 1)}" for digit in "0123456789" for filler in "09")
            numbers = (phonenumbers.PhoneNumber(country_code=int(dest.calling_code), national_number=int(sample)) for sample in samples)
            if all(phonenumbers.is_valid_number_for_region(n, country) for n in numbers):
                blocks.append(block)
    if not blocks:
        raise ValueError(f"no mobile numbers for {country}: check its prefixes")
    return tuple(blocks)


def mobile_number(dest: Destination, index: int, seed: int) -> str:
    """An E.164 mobile valid for the country, spread over its blocks by a permutation of the index (few repeats)."""
    tail = dest.subscriber_digits - 2
    blocks = mobile_blocks(dest.code)
    spread = (index * 7_777_777 + seed_salt(seed)) % 10**12
    return f"+{dest.calling_code}{blocks[(spread // 10**tail) % len(blocks)]}{spread % 10**tail:0{tail}d}"


@lru_cache(maxsize=100_000)
def _keys_of(text: str) -> frozenset[str]:
    return frozenset(name_keys(text))


def person_name_keys(given_name: str, family_name: str) -> list[str]:
    """The same keys refresh_name_tokens stores (name_keys of both names), sorted for determinism."""
    return sorted(_keys_of(given_name) | _keys_of(family_name))


# --- building rows ---------------------------------------------------------------------------------------------


@dataclass
class Rows:
    """One batch of rows per table; values are plaintext (writers encrypt)."""

    persons: list[dict] = field(default_factory=list)
    passports: list[dict] = field(default_factory=list)
    tokens: list[tuple[str, str, str]] = field(default_factory=list)  # (person_id, key, sort_name)
    consents: list[dict] = field(default_factory=list)
    family: list[dict] = field(default_factory=list)

    def extend(self, other: Rows) -> None:
        self.persons += other.persons
        self.passports += other.passports
        self.tokens += other.tokens
        self.consents += other.consents
        self.family += other.family

    def keep(self, person_ids: set[str]) -> Rows:
        """Only the rows of these persons."""
        return Rows(
            persons=[r for r in self.persons if r["id"] in person_ids],
            passports=[r for r in self.passports if r["person_id"] in person_ids],
            tokens=[t for t in self.tokens if t[0] in person_ids],
            consents=[r for r in self.consents if r["person_id"] in person_ids],
            family=[r for r in self.family if r["person_id"] in person_ids],
        )


@dataclass(frozen=True)
class Context:
    """What the builder needs from the database: the privacy notice in force and the education levels."""

    seed: int
    notice_id: str
    ecr_by_education: dict[str, bool]
    today: date
    minor_age: int = 18
    elderly_age: int = 60


def _age_on(dob: date, today: date) -> int:
    return today.year - dob.year - ((today.month, today.day) < (dob.month, dob.day))


def _years_after(day: date, years: int) -> date:
    return day.replace(year=day.year + years) if (day.month, day.day) != (2, 29) else date(day.year + years, 3, 1)


def _date_between(rng: random.Random, start: date, end: date) -> date:
    return start + timedelta(days=rng.randrange(max(1, (end - start).days + 1)))


def _age_years(rng: random.Random, profile: str) -> int:
    roll = rng.random()
    if roll < 0.008:
        return rng.randint(15, 17)
    if roll < 0.035:
        return rng.randint(60, 78)
    if profile == "GULF":
        return int(rng.triangular(21, 59, 31))
    if profile == "ASIA":
        return int(rng.triangular(21, 59, 33))
    return int(rng.triangular(22, 65, 37))


def _names(rng: random.Random, origin: Origin, sex: str) -> tuple[str, str]:
    """Given name and family name, from the lists of one community of the state."""
    roll = rng.random()
    if roll < origin.muslim:
        male, female, family = MUSLIM_MALE, MUSLIM_FEMALE, MUSLIM_FAMILY
    elif roll < origin.muslim + origin.christian:
        male, female, family = CHRISTIAN_MALE, CHRISTIAN_FEMALE, CHRISTIAN_FAMILY
    else:
        male, female, family = MALE[origin.names], FEMALE[origin.names], FAMILY[origin.names]
    given = spell((female if sex == "F" else male).pick(rng), rng)
    if male is MUSLIM_MALE and sex != "F" and rng.random() < 0.3 and " " not in given:
        # Kerala and north Indian Muslim men often carry a second given name (Mohammed Shafi).
        second = spell(MUSLIM_MALE.pick(rng), rng)
        if second.split()[0] != given:
            given = f"{given} {second}"
    if origin.names == "PB" and male is not MUSLIM_MALE and male is not CHRISTIAN_MALE:
        surname = "Kaur" if sex == "F" and rng.random() < 0.6 else ("Singh" if rng.random() < 0.6 else spell(family.pick(rng), rng))
    else:
        surname = spell(family.pick(rng), rng)
    return given, surname


def build_chunk(ctx: Context, chunk: int) -> Rows:
    """All rows of persons chunk*CHUNK .. chunk*CHUNK+CHUNK-1 for this seed (deterministic)."""
    rng = Rng(f"pravasi:{ctx.seed}:{chunk}")
    rows = Rows()
    for index in range(chunk * CHUNK, (chunk + 1) * CHUNK):
        _build_person(ctx, index, rng, rows)
    return rows


def _build_person(ctx: Context, index: int, rng: random.Random, rows: Rows) -> None:
    today = ctx.today
    pid = person_uuid(ctx.seed, index)
    dest = DESTINATIONS[DESTINATION_CHOICE.pick(rng)]
    profile = dest.profile
    origin = ORIGINS[ORIGINS_BY_PROFILE[profile].pick(rng)]
    roll = rng.random()
    sex = "X" if roll < 0.0005 else ("F" if roll < dest.female_share else "M")
    given, family_name = _names(rng, origin, "F" if sex == "F" else "M")
    age = _age_years(rng, profile)
    dob = REFERENCE_DATE - timedelta(days=age * 365 + rng.randrange(365))
    occ_key = (profile, "F" if sex == "F" else "M")
    occ_i = OCCUPATION_CHOICE[occ_key].pick(rng)
    occupation, _w, _edu, skills = OCCUPATIONS[occ_key][occ_i]
    education = EDUCATION_CHOICE[occ_key][occ_i].pick(rng)
    if age < 18:
        occupation, skills, education = "", "", rng.choice(("MIDDLE", "CLASS_10"))
    elif age >= 62 and rng.random() < 0.7:
        occupation, skills = "", ""

    created = REFERENCE_AT - timedelta(seconds=rng.randrange(3 * 365 * 86400))
    updated = min(REFERENCE_AT, created + timedelta(seconds=rng.randrange(200 * 86400)))
    status_roll = rng.random()
    status = ABROAD
    region = ""
    country = dest.code
    since = until = visa = returned = None
    if status_roll < 0.02:
        status, country = PRE_DEPARTURE, ""
    elif status_roll < 0.035:
        status, country = RETURNED, ""
        returned = _date_between(rng, created.date(), REFERENCE_DATE)
    else:
        region = dest.regions.pick(rng)
        adult = dob + timedelta(days=18 * 365)
        since = max(adult if age >= 18 else dob, created.date() - timedelta(days=rng.randrange(8 * 365)))
        if rng.random() < 0.4:
            until = since + timedelta(days=rng.randrange(365, 4 * 365))
        if profile == "GULF" and age >= 18 and rng.random() < 0.7:
            visa = REFERENCE_DATE + timedelta(days=rng.randrange(-120, 2 * 365))

    mobile = mobile_number(dest, index, ctx.seed) if rng.random() < 0.97 else ""
    email = ""
    if rng.random() < (0.8 if education in ("GRADUATE", "POSTGRADUATE") else 0.2):
        local = f"{given}.{family_name}".lower().replace(" ", "").replace("'", "")
        email = f"{local}{index % 997}@{EMAIL_DOMAINS.pick(rng)}"
    app = MESSAGING_APP.pick(rng) if mobile else ""
    address = ""
    if country and rng.random() < 0.5:
        words = ADDRESS_WORDS
        address = f"{rng.choice(words[0])} {rng.randint(1, 480)}, {rng.choice(words[1])}, {region}"

    pregnant = sex == "F" and 20 <= age <= 42 and rng.random() < 0.05
    disability = rng.random() < 0.012
    chronic = rng.random() < 0.03 + max(0, age - 35) * 0.004
    language_need = profile == "GULF" and rng.random() < LANGUAGE_NEED.get(education, 0.01)
    note = ""
    if (pregnant or disability or chronic) and rng.random() < 0.3:
        note = "Needs regular medicine" if chronic else ("Uses a wheelchair" if disability else "Expecting a child")
    completed = rng.random() < 0.65
    language = LANGUAGE_CHOICE[origin.code].pick(rng)
    employer = ""
    if occupation and rng.random() < 0.6:
        employer = f"{rng.choice(GULF_EMPLOYER_WORDS[0])} {rng.choice(GULF_EMPLOYER_WORDS[1])}" + (" LLC" if profile == "GULF" else " Ltd")

    age_today = _age_on(dob, today)
    created_text, updated_text = created.isoformat(), updated.isoformat()
    rows.persons.append(
        {
            "id": pid,
            "created_at": created_text,
            "updated_at": updated_text,
            "user_id": None,
            "status": status,
            "given_name": given,
            "family_name": family_name,
            "sex": sex,
            "date_of_birth": dob.isoformat(),
            "state_of_origin": origin.code,
            "district_of_origin": rng.choice(origin.districts),
            "education": education,
            "occupation_isco": occupation,
            "skills": skills if rng.random() < 0.5 else "",
            "residence_country": country,
            "residence_region": region,
            "residence_address": address,
            "residence_since_date": since and since.isoformat(),
            "residence_until_date": until and until.isoformat(),
            "latitude": None,
            "longitude": None,
            "mobile": mobile,
            "mobile_index": phone_index(mobile) if mobile else "",
            "email": email,
            "email_index": email_index(email) if email else "",
            "messaging_app": app,
            "messaging_handle": mobile if app else "",
            "preferred_language": language,
            "visa_expiry_date": visa and visa.isoformat(),
            "employer_name": employer,
            "vuln_pregnancy": TF[pregnant],
            "vuln_disability": TF[disability],
            "vuln_chronic_illness": TF[chronic],
            "vuln_minor": TF[age_today < ctx.minor_age],
            "vuln_elderly": TF[age_today >= ctx.elderly_age],
            "vuln_language": TF[language_need],
            "needs_note": note,
            "registration_step": "7" if completed else str(rng.randint(2, 6)),
            "registration_completed_at": updated_text if completed else None,
            "registered_by_office_id": None,
            "merged_into_id": None,
            "returned_date": returned and returned.isoformat(),
            "closed_at": None,
        }
    )
    sort_name = sort_name_of(family_name, given)  # as refresh_name_tokens writes it
    for key in person_name_keys(given, family_name):
        rows.tokens.append((pid, key, sort_name))

    if rng.random() < 0.92:
        issue = _date_between(rng, REFERENCE_DATE - timedelta(days=3650), REFERENCE_DATE - timedelta(days=30))
        if rng.random() < 0.03:
            issue -= timedelta(days=3650)  # an expired passport, still the latest one recorded
        adult = _age_on(dob, issue) >= 18
        rows.passports.append(
            {
                "id": person_uuid(ctx.seed, index, 1),
                "created_at": created_text,
                "updated_at": created_text,
                "person_id": pid,
                "number": (number := passport_number(ctx.seed, index)),
                "number_index": passport_index(number),
                "issue_date": issue.isoformat(),
                "expiry_date": (_years_after(issue, 10 if adult else 5) - timedelta(days=1)).isoformat(),
                "place_of_issue": rng.choice(origin.passport_offices),
                "is_ecr": TF[ctx.ecr_by_education.get(education, False)],
                "mrz_verified": TF[rng.random() < 0.3],
                "is_current": "t",
            }
        )

    method = CONSENT_METHOD.pick(rng)
    n = 8
    for purpose, share in CONSENT_SHARES:
        if rng.random() < share:
            rows.consents.append(
                {
                    "id": person_uuid(ctx.seed, index, n),
                    "created_at": created_text,
                    "updated_at": created_text,
                    "person_id": pid,
                    "purpose": purpose,
                    "partner_id": None,
                    "agreement_reference": "",
                    "notice_id": ctx.notice_id,
                    "given": "t",
                    "at": created_text,
                    "method": method,
                    "actor_id": None,
                    "language": language,
                }
            )
            n += 1

    family_share = {"WEST": 0.45, "ASIA": 0.15}.get(profile, 0.30 if education in ("GRADUATE", "POSTGRADUATE") else 0.03)
    if country and age >= 23 and rng.random() < family_share:
        n = 16
        spouse_sex = "F" if sex == "M" else "M"
        spouse_origin_lists = FEMALE if spouse_sex == "F" else MALE
        spouse_given = spell(spouse_origin_lists[origin.names].pick(rng), rng)
        rows.family.append(
            _family_row(pid, person_uuid(ctx.seed, index, n), f"{spouse_given} {family_name}".strip(), "Spouse", spouse_sex, dob + timedelta(days=rng.randrange(-2000, 2000)), True, created_text)
        )
        for child in range(rng.choice((0, 1, 1, 2, 2, 2, 3))):
            child_sex = "F" if rng.random() < 0.48 else "M"
            child_given = spell((FEMALE if child_sex == "F" else MALE)[origin.names].pick(rng), rng)
            child_dob = min(REFERENCE_DATE - timedelta(days=30), dob + timedelta(days=rng.randrange(22 * 365, 38 * 365)))
            citizen = not (profile == "WEST" and rng.random() < 0.4)
            rows.family.append(
                _family_row(
                    pid, person_uuid(ctx.seed, index, n + 1 + child), f"{child_given} {family_name}".strip(), "Son" if child_sex == "M" else "Daughter", child_sex, child_dob, citizen, created_text
                )
            )


def _family_row(pid: str, row_id: str, name: str, relation: str, sex: str, dob: date, citizen: bool, created: str) -> dict:
    return {
        "id": row_id,
        "created_at": created,
        "updated_at": created,
        "person_id": pid,
        "name": name,
        "relation": relation,
        "sex": sex,
        "date_of_birth": dob.isoformat(),
        "is_indian_citizen": TF[citizen],
    }


def build_range(ctx: Context, start: int, stop: int) -> Rows:
    """Rows of persons start .. stop-1, built chunk by chunk so the result never depends on the batch size."""
    rows = Rows()
    for chunk in range(start // CHUNK, (stop - 1) // CHUNK + 1):
        part = build_chunk(ctx, chunk)
        lo, hi = chunk * CHUNK, (chunk + 1) * CHUNK
        if lo < start or hi > stop:
            wanted = {person_uuid(ctx.seed, i) for i in range(max(lo, start), min(hi, stop))}
            part = part.keep(wanted)
        rows.extend(part)
    return rows
