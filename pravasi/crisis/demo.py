"""Demo crisis for `make run`: floods in Dubai and Sharjah declared by the Embassy in Abu Dhabi, with one
public alert in English, Hindi and Malayalam sent to the people there (so the crisis page, the CAP feed,
the check-in figures and the triage queue show something)."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from pravasi.accounts.models import Office, User

from . import alerts, checkins, selectors, services
from .models import AlertPhase, Crisis, CrisisKind, Need

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
    """Seeds the demo crisis unless it exists, through the same services officials use: declared, an alert
    written in three languages and sent to the people in Dubai and Sharjah, and a few of them answering
    (so the figures, the triage queue and the list of those to call show something). Returns the crisis."""
    mission = Office.objects.get(code="MSN-AUH")
    existing = Crisis.objects.filter(office=mission, title=DEMO_TITLE).first()
    if existing is not None:
        return existing
    officer = User.objects.get(username="mission.auh")
    crisis = services.crisis_declare(
        actor=officer,
        data={
            "title": DEMO_TITLE,
            "kind": CrisisKind.NATURAL_DISASTER,
            "phase": AlertPhase.PRECAUTIONARY,
            "countries": ["AE"],
            "regions": ["Dubai", "Sharjah"],
            "starts_at": (timezone.now() - timedelta(hours=6)).replace(microsecond=0).isoformat(),
            "advisory": ADVISORY,
            "helplines": HELPLINES,
        },
    )
    data = {"public": "on"}
    for language, (headline, description, instruction) in TEXTS.items():
        data.update({f"headline_{language}": headline, f"description_{language}": description, f"instruction_{language}": instruction})
    alert = alerts.alert_draft(actor=officer, crisis_id=crisis.id, data=data)
    alerts.alert_send(actor=officer, alert_id=alert.id)
    transaction.on_commit(lambda: _answers(crisis, officer))
    return crisis


def _answers(crisis: Crisis, officer) -> None:
    """After the alert has gone out (the fan-out runs once the seeding commits): the first people in the
    area answer, one safe and one asking to leave with her family, through their personal links."""
    alert = crisis.alerts.get(sequence=1)
    people = list(selectors.reachable(crisis).order_by("residence_region", "family_name", "id")[:2])
    answers = [{"status": "SAFE"}, {"status": "HELP", "needs": [Need.EVACUATION, Need.FOOD], "note": "No water or power in our building since yesterday."}]
    for number, (person, answer) in enumerate(zip(people, answers, strict=False)):
        token = checkins.checkin_token(alert_id=alert.id, person_id=person.id, expires_at=checkins.link_expiry(alert))
        family = [str(member.id) for member in person.family_members.all()] if answer["status"] == "HELP" else []
        checkins.checkin_submit(token=token, data={**answer, "family": family, "submission": f"demo-answer-{number:010d}"})
