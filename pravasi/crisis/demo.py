"""Demo crisis for `make run`: floods in Dubai and Sharjah declared by the Embassy in Abu Dhabi, with one
published public alert in English, Hindi and Malayalam (so the crisis page and the CAP feed show something)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from pravasi.accounts.models import Office, User
from pravasi.audit.services import audit_record
from pravasi.core.numbering import next_number

from .models import Alert, AlertPhase, AlertStatus, AlertText, CapMessageType, Crisis, CrisisKind, CrisisStatus

DEMO_TITLE = "Floods in Dubai and Sharjah"
ADVISORY = (
    "Heavy rain has flooded parts of Dubai and Sharjah and more is forecast for the next two days. "
    "Stay indoors where you can, keep away from flooded roads, underpasses and wadis, and do not drive through water. "
    "Keep your passport, phone, charger and medicines in a dry place. Check your flight with the airline before you go to the airport. "
    "Follow the instructions of the UAE authorities. If you are stranded, without food or shelter, or your employer does not help, "
    "call the Pravasi Bharatiya Sahayata Kendra or the Consulate."
)
HELPLINES = [
    {"label": "Pravasi Bharatiya Sahayata Kendra, UAE (toll free, 24x7)", "number": "+97180046342"},
    {"label": "Consulate General of India, Dubai", "number": "+97143971222"},
    {"label": "Embassy of India, Abu Dhabi", "number": "+97124492700"},
]
TEXTS = {
    "en": (
        "Heavy rain and flooding in Dubai and Sharjah: stay indoors and avoid travel",
        "Heavy rain has flooded roads, underpasses and residential areas in Dubai and Sharjah, and more rain is forecast "
        "for the next 48 hours. Some flights at Dubai International Airport are delayed or cancelled and several roads are closed.",
        "Stay indoors and keep away from flooded roads and underpasses. Do not drive through water. Keep your passport, phone "
        "and medicines in a dry place. Check your flight with the airline before going to the airport. "
        "If you need help, call 800 46342 (toll free, 24 hours).",
    ),
    "hi": (
        "दुबई और शारजाह में भारी बारिश और बाढ़: घर के अंदर रहें और यात्रा से बचें",
        "भारी बारिश से दुबई और शारजाह की सड़कों, अंडरपास और रिहायशी इलाकों में पानी भर गया है, और अगले 48 घंटों में "
        "और बारिश का पूर्वानुमान है। दुबई अंतरराष्ट्रीय हवाई अड्डे पर कुछ उड़ानें देर से चल रही हैं या रद्द कर दी गई हैं, "
        "और कई सड़कें बंद हैं।",
        "घर के अंदर रहें और पानी भरी सड़कों और अंडरपास से दूर रहें। पानी में गाड़ी न चलाएँ। अपना पासपोर्ट, फ़ोन और दवाइयाँ "
        "सूखी जगह पर रखें। हवाई अड्डे जाने से पहले एयरलाइन से अपनी उड़ान की जानकारी ले लें। "
        "मदद चाहिए तो 800 46342 (टोल फ़्री, 24 घंटे) पर कॉल करें।",
    ),
    "ml": (
        "ദുബായിലും ഷാർജയിലും കനത്ത മഴയും വെള്ളപ്പൊക്കവും: വീടിനുള്ളിൽ തുടരുക, യാത്ര ഒഴിവാക്കുക",
        "കനത്ത മഴയിൽ ദുബായിലെയും ഷാർജയിലെയും റോഡുകളിലും അണ്ടർപാസുകളിലും താമസസ്ഥലങ്ങളിലും വെള്ളം കയറിയിരിക്കുന്നു. "
        "അടുത്ത 48 മണിക്കൂറിൽ കൂടുതൽ മഴ പ്രവചിക്കപ്പെട്ടിട്ടുണ്ട്. ദുബായ് അന്താരാഷ്ട്ര വിമാനത്താവളത്തിൽ ചില വിമാനങ്ങൾ "
        "വൈകുകയോ റദ്ദാക്കുകയോ ചെയ്തിട്ടുണ്ട്; പല റോഡുകളും അടച്ചിരിക്കുകയാണ്.",
        "വീടിനുള്ളിൽ തന്നെ തുടരുക; വെള്ളം കയറിയ റോഡുകളിൽ നിന്നും അണ്ടർപാസുകളിൽ നിന്നും അകന്നു നിൽക്കുക. വെള്ളത്തിലൂടെ "
        "വാഹനം ഓടിക്കരുത്. പാസ്‌പോർട്ടും ഫോണും മരുന്നുകളും നനയാത്ത സ്ഥലത്ത് സൂക്ഷിക്കുക. വിമാനത്താവളത്തിലേക്ക് "
        "പോകുന്നതിനു മുമ്പ് എയർലൈനുമായി ബന്ധപ്പെട്ട് വിമാനത്തിന്റെ സമയം ഉറപ്പാക്കുക. സഹായം വേണമെങ്കിൽ 800 46342 "
        "(ടോൾ ഫ്രീ, 24 മണിക്കൂറും) എന്ന നമ്പറിൽ വിളിക്കുക.",
    ),
}


@transaction.atomic
def seed_crisis_demo() -> Crisis:
    """Seeds the demo crisis unless it exists; returns it."""
    mission = Office.objects.get(code="MSN-AUH")
    existing = Crisis.objects.filter(office=mission, title=DEMO_TITLE).first()
    if existing is not None:
        return existing
    officer = User.objects.get(username="mission.auh")
    now = timezone.now().replace(microsecond=0)
    # Rows are written here directly, audited as the crisis services audit them; once declaring and publishing
    # services exist for every step, the demo should go through them instead.
    year = timezone.localdate().year
    crisis = Crisis.objects.create(
        reference=f"CR-{year}-{next_number(f'crisis.{year}'):04d}",
        title=DEMO_TITLE,
        kind=CrisisKind.NATURAL_DISASTER,
        phase=AlertPhase.PRECAUTIONARY,
        status=CrisisStatus.ACTIVE,
        countries=["AE"],
        regions=["Dubai", "Sharjah"],
        starts_at=now - timedelta(hours=6),
        advisory=ADVISORY,
        helplines=HELPLINES,
        office=mission,
        declared_by=officer,
    )
    audit_record(
        actor=officer,
        action="crisis.declared",
        target=crisis,
        summary={"reference": crisis.reference, "kind": crisis.kind, "phase": crisis.phase, "countries": crisis.countries, "office": mission.code, "shape": ""},
    )
    alert = Alert.objects.create(
        crisis=crisis,
        sequence=1,
        message_type=CapMessageType.ALERT,
        phase=crisis.phase,
        public=True,
        status=AlertStatus.PUBLISHED,
        created_by=officer,
        published_at=now - timedelta(hours=5),
    )
    for language, (headline, description, instruction) in TEXTS.items():
        AlertText.objects.create(alert=alert, language=language, headline=headline, description=description, instruction=instruction)
    audit_record(
        actor=officer,
        action="crisis.alert_published",
        target=alert,
        summary={"reference": crisis.reference, "sequence": alert.sequence, "public": alert.public, "languages": sorted(TEXTS)},
    )
    return crisis
