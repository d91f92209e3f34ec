"""The eligibility engine: whether emigration clearance is required, whether a case is eligible, and why.

`evaluate(facts, book)` is pure: it reads only the facts and a `RuleBook` (the policy values in force
on one day) and returns every rule's outcome with the policy value that decided it. Facts that a
caller does not have (insurance, employer, agent, demand) are None and their rules are reported as
not evaluated (passed = None), which never makes a case ineligible; the full application supplies them all.

`rulebook_for(day)` reads the policy data once per day and keeps it for a minute, so thousands of
evaluations a second need no database round trip.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_DOWN, Decimal

from django.db.models import Q
from django.utils.translation import get_language, gettext, gettext_lazy

from pravasi.core.dates import add_months
from pravasi.core.geography import country_name
from pravasi.policy.models import PolicyValue

EMPLOYMENT = "EMPLOYMENT"
KEYS = (
    "ECR_COUNTRIES",
    "ALWAYS_EC_COUNTRIES",
    "ALWAYS_EC_OCCUPATIONS",
    "WOMEN_ECR_MIN_AGE",
    "MINIMUM_REFERRAL_WAGE_USD",
    "EXCHANGE_RATES_USD",
    "MIN_PASSPORT_VALIDITY_MONTHS",
    "RA_SERVICE_CHARGE_CAP_INR",
    "LIBYA_EXTRA_LIFE_POLICY_INR",
    "FE_BANK_GUARANTEE_PER_WOMAN_USD",
)
CACHE_SECONDS = 60


@dataclass(frozen=True)
class Rule:
    code: str
    title: object  # a lazy translation


RULES = [
    Rule("EC_REQUIRED", gettext_lazy("Whether emigration clearance is required")),
    Rule("WOMEN_MIN_AGE", gettext_lazy("Women with ECR passports to ECR countries must be older than the minimum age")),
    Rule("WOMEN_STATE_RA", gettext_lazy("Such women are recruited only through state-run recruiting agents")),
    Rule("WOMEN_DIRECT_GUARANTEE", gettext_lazy("Direct recruitment of such women needs the employer's bank guarantee")),
    Rule("MINIMUM_WAGE", gettext_lazy("Contract wage at least the minimum referral wage")),
    Rule("PASSPORT_VALIDITY", gettext_lazy("Passport valid long enough after departure")),
    Rule("PBBY_POLICY", gettext_lazy("PBBY insurance from a registered insurer covering the contract")),
    Rule("LIBYA_LIFE_POLICY", gettext_lazy("Extra life insurance for Libya")),
    Rule("EMPLOYER_REGISTERED", gettext_lazy("Employer registered and not blacklisted")),
    Rule("RA_CERTIFICATE_ACTIVE", gettext_lazy("Recruiting agent's certificate active")),
    Rule("DEMAND_POSITIONS", gettext_lazy("The demand has open positions")),
    Rule("SERVICE_CHARGE_CAP", gettext_lazy("Service charge within the cap")),
]


@dataclass(frozen=True)
class Insurance:
    registered_insurer: bool
    active: bool
    valid_to_date: date
    attached: bool = True  # False: the application names no policy at all


@dataclass(frozen=True)
class Employer:
    registered: bool
    blacklisted: bool
    women_guarantee: bool = False


@dataclass(frozen=True)
class Agent:
    certificate_active: bool
    state_run: bool


@dataclass(frozen=True)
class Facts:
    passport_category: str
    destination_country: str
    purpose: str
    occupation: str = ""
    sex: str = ""
    date_of_birth: date | None = None
    departure_date: date | None = None
    wage_amount: Decimal | None = None
    wage_currency: str = ""
    recruitment: str = ""
    passport_expiry_date: date | None = None
    # Known only to a full application; None means "not known here".
    contract_months: int | None = None
    insurance: Insurance | None = None
    libya_life_policy: bool | None = None
    employer: Employer | None = None
    agent: Agent | None = None
    open_positions: int | None = None
    service_charge_inr: Decimal | None = None


@dataclass(frozen=True)
class Outcome:
    rule: str
    passed: bool | None
    message: str
    policy: str = ""

    def as_dict(self) -> dict:
        return {"rule": self.rule, "passed": self.passed, "message": self.message, "policy": self.policy}


@dataclass(frozen=True)
class Result:
    ec_required: bool
    eligible: bool
    outcomes: list[Outcome]
    on: date

    def as_dict(self) -> dict:
        return {"ec_required": self.ec_required, "eligible": self.eligible, "outcomes": [o.as_dict() for o in self.outcomes]}

    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.passed is False]


@dataclass
class RuleBook:
    """The policy values in force on `on`: values by (key, qualifier) and a citation for each."""

    on: date
    values: dict[tuple[str, str], object] = field(default_factory=dict)
    refs: dict[tuple[str, str], str] = field(default_factory=dict)

    def get(self, key: str, qualifier: str = "", default=None):
        return self.values.get((key, qualifier), default)

    def ref(self, key: str, qualifier: str = "") -> str:
        return self.refs.get((key, qualifier), "")


def load_rulebook(on: date) -> RuleBook:
    book = RuleBook(on=on)
    rows = PolicyValue.objects.filter(pack="india", key__in=KEYS, valid_from__lte=on).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=on)).order_by("key", "qualifier", "valid_from")
    for row in rows:  # later starts win
        book.values[(row.key, row.qualifier)] = row.value
        book.refs[(row.key, row.qualifier)] = f"{row.key}{f'[{row.qualifier}]' if row.qualifier else ''} from {row.valid_from.isoformat()}"
    book.values[("ECR_COUNTRIES", "")] = frozenset(book.get("ECR_COUNTRIES") or [])
    book.values[("ALWAYS_EC_COUNTRIES", "")] = frozenset(book.get("ALWAYS_EC_COUNTRIES") or [])
    book.values[("ALWAYS_EC_OCCUPATIONS", "")] = frozenset(book.get("ALWAYS_EC_OCCUPATIONS") or [])
    return book


_cache: dict[date, tuple[float, RuleBook]] = {}
_lock = threading.Lock()


def rulebook_for(on: date) -> RuleBook:
    now = time.monotonic()
    hit = _cache.get(on)
    if hit and now - hit[0] < CACHE_SECONDS:
        return hit[1]
    book = load_rulebook(on)
    with _lock:
        if len(_cache) > 64:
            _cache.clear()
        _cache[on] = (now, book)
    return book


def forget_rulebooks() -> None:
    """Called when policy data changes, so the next evaluation reads the new values."""
    with _lock:
        _cache.clear()


_translated: dict[str, dict[str, str]] = {}


def _fast_gettext():
    """gettext with a per-language memo: the engine's messages are a fixed set, and Django's gettext
    (thread-local lookups) would otherwise cost more than the rules themselves."""
    table = _translated.setdefault(get_language() or "en", {})

    def translate(text: str) -> str:
        found = table.get(text)
        if found is None:
            found = table[text] = gettext(text)
        return found

    return translate


def age_on(born: date, day: date) -> int:
    return day.year - born.year - ((day.month, day.day) < (born.month, born.day))


def _not_known(rule: str, what: str) -> Outcome:
    _ = _fast_gettext()
    return Outcome(rule, None, _("Not evaluated here: needs %(what)s. The full application checks it.") % {"what": what})


def evaluate(facts: Facts, book: RuleBook) -> Result:
    _ = _fast_gettext()
    on = facts.departure_date or book.on
    country = facts.destination_country
    employment = facts.purpose == EMPLOYMENT
    ecr = facts.passport_category == "ECR"
    ecr_country = country in book.get("ECR_COUNTRIES")
    nurse = facts.occupation in book.get("ALWAYS_EC_OCCUPATIONS")
    reasons, refs = [], []
    if employment and ecr and ecr_country:
        reasons.append(_("an ECR passport and employment in %(country)s, an ECR country") % {"country": country_name(country)})
        refs.append(book.ref("ECR_COUNTRIES"))
    if employment and country in book.get("ALWAYS_EC_COUNTRIES"):
        reasons.append(_("employment in %(country)s, which always needs clearance") % {"country": country_name(country)})
        refs.append(book.ref("ALWAYS_EC_COUNTRIES"))
    if employment and nurse:
        reasons.append(_("employment as a nurse, which always needs clearance"))
        refs.append(book.ref("ALWAYS_EC_OCCUPATIONS"))
    required = bool(reasons)
    if required:
        first = Outcome("EC_REQUIRED", True, _("Emigration clearance is required: %(reasons)s.") % {"reasons": "; ".join(reasons)}, "; ".join(refs))
    elif not employment:
        first = Outcome("EC_REQUIRED", True, _("No emigration clearance is needed to travel for a purpose other than employment."), "")
    else:
        first = Outcome("EC_REQUIRED", True, _("No emigration clearance is needed: an ECNR passport, or a country that is not an ECR country."), book.ref("ECR_COUNTRIES"))
    outcomes = [first]
    if not required:
        outcomes += [Outcome(rule.code, None, _("Not applicable: no clearance is required.")) for rule in RULES[1:]]
        return Result(ec_required=False, eligible=True, outcomes=outcomes, on=book.on)

    women_rule = facts.sex == "F" and ecr and ecr_country and not nurse
    # Women: age, state-run agents, direct recruitment guarantee.
    if women_rule:
        minimum = int(book.get("WOMEN_ECR_MIN_AGE", default=30))
        ref = book.ref("WOMEN_ECR_MIN_AGE")
        if facts.date_of_birth is None:
            outcomes.append(_not_known("WOMEN_MIN_AGE", _("the date of birth")))
        else:
            age = age_on(facts.date_of_birth, on)
            if age > minimum:
                outcomes.append(Outcome("WOMEN_MIN_AGE", True, _("Aged %(age)s on departure: older than %(min)s.") % {"age": age, "min": minimum}, ref))
            else:
                outcomes.append(Outcome("WOMEN_MIN_AGE", False, _("Aged %(age)s on departure: women with ECR passports going to ECR countries must be older than %(min)s.") % {"age": age, "min": minimum}, ref))
        if facts.recruitment == "RA":
            if facts.agent is None:
                outcomes.append(_not_known("WOMEN_STATE_RA", _("the recruiting agent")))
            elif facts.agent.state_run:
                outcomes.append(Outcome("WOMEN_STATE_RA", True, _("Recruited through a state-run recruiting agent.")))
            else:
                outcomes.append(Outcome("WOMEN_STATE_RA", False, _("Women with ECR passports going to ECR countries may be recruited only through a state-run recruiting agent.")))
        else:
            outcomes.append(Outcome("WOMEN_STATE_RA", True, _("Not recruited through an agent.")))
        if facts.recruitment == "DIRECT":
            ref = book.ref("FE_BANK_GUARANTEE_PER_WOMAN_USD")
            if facts.employer is None:
                outcomes.append(_not_known("WOMEN_DIRECT_GUARANTEE", _("the employer's bank guarantee")))
            elif facts.employer.women_guarantee:
                outcomes.append(Outcome("WOMEN_DIRECT_GUARANTEE", True, _("The employer's bank guarantee is lodged with the Mission."), ref))
            else:
                amount = book.get("FE_BANK_GUARANTEE_PER_WOMAN_USD", default="2500")
                outcomes.append(Outcome("WOMEN_DIRECT_GUARANTEE", False, _("The employer must lodge a bank guarantee of US$ %(amount)s for each woman with the Mission.") % {"amount": amount}, ref))
        else:
            outcomes.append(Outcome("WOMEN_DIRECT_GUARANTEE", True, _("Not a direct recruitment.")))
    else:
        message = _("Does not apply.")
        outcomes += [Outcome("WOMEN_MIN_AGE", True, message), Outcome("WOMEN_STATE_RA", True, message), Outcome("WOMEN_DIRECT_GUARANTEE", True, message)]

    outcomes.append(_minimum_wage(facts, book))
    outcomes.append(_passport(facts, book, on))
    outcomes.append(_insurance(facts, on))
    if country == "LY":
        ref = book.ref("LIBYA_EXTRA_LIFE_POLICY_INR")
        if facts.libya_life_policy is None:
            outcomes.append(_not_known("LIBYA_LIFE_POLICY", _("the extra life insurance policy")))
        elif facts.libya_life_policy:
            outcomes.append(Outcome("LIBYA_LIFE_POLICY", True, _("The extra life insurance policy for Libya is attached."), ref))
        else:
            outcomes.append(Outcome("LIBYA_LIFE_POLICY", False, _("Employment in Libya needs an extra life insurance policy of Rs %(amount)s.") % {"amount": book.get("LIBYA_EXTRA_LIFE_POLICY_INR")}, ref))
    else:
        outcomes.append(Outcome("LIBYA_LIFE_POLICY", True, _("Does not apply.")))
    if facts.employer is None:
        outcomes.append(_not_known("EMPLOYER_REGISTERED", _("the employer")))
    elif not facts.employer.registered:
        outcomes.append(Outcome("EMPLOYER_REGISTERED", False, _("The employer is not registered with the Indian Mission.")))
    elif facts.employer.blacklisted:
        outcomes.append(Outcome("EMPLOYER_REGISTERED", False, _("The employer is in the prior approval category (blacklist).")))
    else:
        outcomes.append(Outcome("EMPLOYER_REGISTERED", True, _("The employer is registered and not blacklisted.")))
    if facts.recruitment == "RA":
        if facts.agent is None:
            outcomes.append(_not_known("RA_CERTIFICATE_ACTIVE", _("the recruiting agent")))
        elif facts.agent.certificate_active:
            outcomes.append(Outcome("RA_CERTIFICATE_ACTIVE", True, _("The recruiting agent's certificate is active.")))
        else:
            outcomes.append(Outcome("RA_CERTIFICATE_ACTIVE", False, _("The recruiting agent's certificate is not active (suspended, cancelled or expired).")))
    else:
        outcomes.append(Outcome("RA_CERTIFICATE_ACTIVE", True, _("Not recruited through an agent.")))
    if facts.recruitment == "PROJECT_EXPORTER":
        outcomes.append(Outcome("DEMAND_POSITIONS", True, _("A project exporter's own project.")))
    elif facts.open_positions is None:
        outcomes.append(_not_known("DEMAND_POSITIONS", _("the demand")))
    elif facts.open_positions > 0:
        outcomes.append(Outcome("DEMAND_POSITIONS", True, _("%(n)s positions still open in the demand.") % {"n": facts.open_positions}))
    else:
        outcomes.append(Outcome("DEMAND_POSITIONS", False, _("Every position in the demand is filled.")))
    if facts.recruitment == "RA":
        cap = Decimal(str(book.get("RA_SERVICE_CHARGE_CAP_INR", default="30000")))
        ref = book.ref("RA_SERVICE_CHARGE_CAP_INR")
        if facts.service_charge_inr is None:
            outcomes.append(_not_known("SERVICE_CHARGE_CAP", _("the service charge declared")))
        elif facts.service_charge_inr <= cap:
            outcomes.append(Outcome("SERVICE_CHARGE_CAP", True, _("Service charge Rs %(charge)s, within the cap of Rs %(cap)s.") % {"charge": facts.service_charge_inr, "cap": cap}, ref))
        else:
            outcomes.append(Outcome("SERVICE_CHARGE_CAP", False, _("Service charge Rs %(charge)s is above the cap of Rs %(cap)s.") % {"charge": facts.service_charge_inr, "cap": cap}, ref))
    else:
        outcomes.append(Outcome("SERVICE_CHARGE_CAP", True, _("No agent's service charge.")))
    eligible = all(o.passed is not False for o in outcomes)
    return Result(ec_required=True, eligible=eligible, outcomes=outcomes, on=book.on)


def to_usd(amount: Decimal, currency: str, book: RuleBook) -> Decimal | None:
    rate = (book.get("EXCHANGE_RATES_USD") or {}).get(currency)
    return None if rate is None else amount * Decimal(str(rate))


def _minimum_wage(facts: Facts, book: RuleBook) -> Outcome:
    _ = _fast_gettext()
    country = facts.destination_country
    table = book.get("MINIMUM_REFERRAL_WAGE_USD", country)
    ref = book.ref("MINIMUM_REFERRAL_WAGE_USD", country)
    if table is None:
        return Outcome("MINIMUM_WAGE", True, _("No minimum referral wage is set for %(country)s.") % {"country": country_name(country)})
    minimum = Decimal(str(table.get(facts.occupation, table["default"])))
    if facts.wage_amount is None:
        return _not_known("MINIMUM_WAGE", _("the monthly wage"))
    usd = to_usd(facts.wage_amount, facts.wage_currency, book)
    if usd is None:
        return Outcome("MINIMUM_WAGE", None, _("Not evaluated: no exchange rate for %(currency)s is on record. State the wage in US dollars or the local currency.") % {"currency": facts.wage_currency}, book.ref("EXCHANGE_RATES_USD"))
    ref = f"{ref}; {book.ref('EXCHANGE_RATES_USD')}" if facts.wage_currency != "USD" else ref
    shown = usd.quantize(Decimal("0.01"), rounding=ROUND_DOWN)  # never shows a wage above the real one
    if usd >= minimum:
        return Outcome("MINIMUM_WAGE", True, _("Wage US$ %(wage)s a month, at least the minimum of US$ %(min)s.") % {"wage": shown, "min": minimum}, ref)
    return Outcome("MINIMUM_WAGE", False, _("Wage US$ %(wage)s a month is below the minimum referral wage of US$ %(min)s for %(country)s.") % {"wage": shown, "min": minimum, "country": country_name(country)}, ref)


def _passport(facts: Facts, book: RuleBook, on: date) -> Outcome:
    _ = _fast_gettext()
    months = int(book.get("MIN_PASSPORT_VALIDITY_MONTHS", default=6))
    ref = book.ref("MIN_PASSPORT_VALIDITY_MONTHS")
    if facts.passport_expiry_date is None:
        return _not_known("PASSPORT_VALIDITY", _("the passport's expiry date"))
    needed = add_months(on, months)
    if facts.passport_expiry_date >= needed:
        return Outcome("PASSPORT_VALIDITY", True, _("The passport is valid until %(date)s, at least %(months)s months after departure.") % {"date": facts.passport_expiry_date.isoformat(), "months": months}, ref)
    return Outcome("PASSPORT_VALIDITY", False, _("The passport must be valid until at least %(needed)s (%(months)s months after departure); it expires on %(date)s.") % {"needed": needed.isoformat(), "months": months, "date": facts.passport_expiry_date.isoformat()}, ref)


def _insurance(facts: Facts, on: date) -> Outcome:
    _ = _fast_gettext()
    if facts.insurance is None:
        return _not_known("PBBY_POLICY", _("the PBBY insurance policy"))
    insurance = facts.insurance
    if not insurance.attached:
        return Outcome("PBBY_POLICY", False, _("No PBBY insurance policy is attached. Buy one from a registered insurer for the contract period."))
    if not insurance.registered_insurer:
        return Outcome("PBBY_POLICY", False, _("The PBBY policy is not from a registered insurer."))
    if not insurance.active:
        return Outcome("PBBY_POLICY", False, _("The PBBY policy is cancelled or not yet in force."))
    months = facts.contract_months or 0
    contract_end = add_months(on, months) - timedelta(days=1)
    if insurance.valid_to_date < contract_end:
        return Outcome("PBBY_POLICY", False, _("The PBBY policy ends on %(end)s, before the contract does (%(contract)s).") % {"end": insurance.valid_to_date.isoformat(), "contract": contract_end.isoformat()})
    return Outcome("PBBY_POLICY", True, _("The PBBY policy covers the contract period (until %(end)s).") % {"end": insurance.valid_to_date.isoformat()})
