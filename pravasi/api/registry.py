"""Registry API v1: staff search and record, and the emigrant's self-service on their own record."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import date
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.parsers import JSONParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView

from pravasi.core.errors import NotFound, ValidationFailed
from pravasi.core.geography import COUNTRIES, INDIAN_STATES
from pravasi.core.requests import source_ip
from pravasi.registry.models import ConsentPurpose, ConsentRecord, EmergencyContact, MessagingApp, Person, PersonStatus, Sex, Vulnerability
from pravasi.registry.selectors import SearchParams, consent_history, consent_record_of, consent_state, person_of_user, person_search
from pravasi.registry.services import (
    consent_receipt,
    consent_set,
    passport_record,
    person_data_export,
    person_moved,
    person_record_open,
    person_register,
    person_returned,
    person_update_section,
)

from .errors import ErrorSerializer
from .permissions import Emigrant, RegistryStaff
from .throttling import DEFAULT_THROTTLES, RegistrySearchThrottle

STAFF_TAG = "registry: staff"
SELF_TAG = "registry: my record"
SELF_DECLARED_NEEDS = [v for v in Vulnerability if v not in (Vulnerability.MINOR, Vulnerability.ELDERLY)]


def errors(*codes: int) -> dict[int, OpenApiResponse]:
    descriptions = {
        400: gettext_lazy("The input needs correcting; `fields` names each field with its message."),
        403: gettext_lazy("Not signed in, two-factor authentication missing, or not allowed."),
        404: gettext_lazy("Not found, or outside what you may see."),
        409: gettext_lazy("Conflicts with existing data."),
        429: gettext_lazy("Too many requests; retry after the time in the Retry-After header."),
    }
    return {code: OpenApiResponse(ErrorSerializer, description=descriptions[code]) for code in codes}


# --- fields and base classes --------------------------------------------------------------------------


@extend_schema_field(OpenApiTypes.DATE)
class DateText(serializers.CharField):
    """A date as YYYY-MM-DD, passed as text so the registry's own checks give the message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("allow_blank", True)
        kwargs.setdefault("allow_null", True)
        super().__init__(**kwargs)


def text(help_text: str = "", **kwargs) -> serializers.CharField:
    kwargs.setdefault("required", False)
    return serializers.CharField(allow_blank=True, trim_whitespace=True, help_text=help_text, **kwargs)


class InputSerializer(serializers.Serializer):
    """Request bodies: refuses fields it does not know, so a misspelt field is not silently ignored."""

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(str(k) for k in set(data) - set(self.fields))
            if unknown:
                raise serializers.ValidationError({name: [_("This field is not accepted here.")] for name in unknown})
        return super().to_internal_value(data)


def validated(serializer_class: type[serializers.Serializer], data) -> dict[str, Any]:
    serializer = serializer_class(data=data)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


def parse_id(value: str, message: str) -> uuid.UUID:
    try:
        return uuid.UUID(str(value))
    except ValueError as exc:
        raise NotFound(message) from exc


def age_on(born: date, today: date) -> int:
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


# --- what the API answers -------------------------------------------------------------------------------


class PersonSummarySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    given_name = serializers.CharField()
    family_name = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    year_of_birth = serializers.IntegerField(source="date_of_birth.year")
    age = serializers.SerializerMethodField()
    residence_country = serializers.CharField(help_text="ISO 3166-1 alpha-2; empty when not abroad")
    residence_region = serializers.CharField()
    state_of_origin = serializers.CharField(help_text="ISO 3166-2:IN")
    vulnerabilities = serializers.ListField(child=serializers.ChoiceField(choices=Vulnerability.choices))

    def get_age(self, person: Person) -> int:
        return age_on(person.date_of_birth, timezone.localdate())


class PersonSearchResultSerializer(serializers.Serializer):
    limit = serializers.IntegerField()
    offset = serializers.IntegerField()
    next_offset = serializers.IntegerField(allow_null=True, help_text="Offset of the next page; null on the last page.")
    results = PersonSummarySerializer(many=True)


class PassportSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    number = serializers.CharField()
    issue_date = serializers.DateField()
    expiry_date = serializers.DateField()
    place_of_issue = serializers.CharField()
    is_ecr = serializers.BooleanField(help_text="Emigration check required")
    mrz_verified = serializers.BooleanField(help_text="True when the machine-readable zone was entered and its check digits verified")
    is_current = serializers.BooleanField()


class EmergencyContactSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    relation = serializers.CharField()
    where = serializers.ChoiceField(choices=EmergencyContact.Where.choices)
    country = serializers.CharField()
    phone = serializers.CharField(help_text="E.164")
    email = serializers.CharField()


class FamilyMemberSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()
    relation = serializers.CharField()
    sex = serializers.ChoiceField(choices=Sex.choices)
    date_of_birth = serializers.DateField(allow_null=True)
    is_indian_citizen = serializers.BooleanField()


class ResidenceHistorySerializer(serializers.Serializer):
    country = serializers.CharField()
    region = serializers.CharField()
    since_date = serializers.DateField(allow_null=True)
    until_date = serializers.DateField(allow_null=True)
    reason = serializers.CharField()


class PartnerSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    name = serializers.CharField()


class ConsentStateSerializer(serializers.Serializer):
    """The consent in force for one purpose."""

    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    partner = PartnerSerializer(allow_null=True)
    given = serializers.BooleanField()
    record_id = serializers.UUIDField(allow_null=True, help_text="The latest record for this purpose; null when never asked.")
    at = serializers.DateTimeField(allow_null=True)
    notice_version = serializers.CharField(allow_null=True)


class ConsentRecordSerializer(serializers.Serializer):
    """One event in the consent history."""

    id = serializers.UUIDField()
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    partner = PartnerSerializer(allow_null=True)
    agreement_reference = serializers.CharField()
    given = serializers.BooleanField()
    at = serializers.DateTimeField()
    method = serializers.ChoiceField(choices=ConsentRecord.Method.choices)
    notice_version = serializers.CharField(source="notice.version")
    language = serializers.CharField()


def consent_rows(person: Person) -> list[dict[str, Any]]:
    rows = []
    for key, record in consent_state(person).items():
        rows.append(
            {
                "purpose": key.split(":", 1)[0],
                "partner": record.partner if record is not None else None,
                "given": bool(record and record.given),
                "record_id": record.id if record is not None else None,
                "at": record.at if record is not None else None,
                "notice_version": record.notice.version if record is not None else None,
            }
        )
    return rows


class PersonRecordSerializer(PersonSummarySerializer):
    """The full record: for officials (each opening is logged) and for the person themself."""

    status = serializers.ChoiceField(choices=PersonStatus.choices)
    date_of_birth = serializers.DateField()
    district_of_origin = serializers.CharField()
    education = serializers.CharField()
    occupation_isco = serializers.CharField(help_text="ISCO-08 code, four digits")
    skills = serializers.CharField()
    preferred_language = serializers.CharField()
    residence_address = serializers.CharField()
    residence_since_date = serializers.DateField(allow_null=True)
    residence_until_date = serializers.DateField(allow_null=True)
    latitude = serializers.FloatField(allow_null=True)
    longitude = serializers.FloatField(allow_null=True)
    returned_date = serializers.DateField(allow_null=True)
    mobile = serializers.CharField(help_text="E.164")
    email = serializers.CharField()
    messaging_app = serializers.CharField()
    messaging_handle = serializers.CharField()
    employer_name = serializers.CharField()
    visa_expiry_date = serializers.DateField(allow_null=True)
    needs_note = serializers.CharField()
    registration_step = serializers.IntegerField()
    registration_completed_at = serializers.DateTimeField(allow_null=True)
    passports = serializers.SerializerMethodField()
    residence_history = ResidenceHistorySerializer(many=True, source="residence_history.all")
    emergency_contacts = EmergencyContactSerializer(many=True, source="emergency_contacts.all")
    family_members = FamilyMemberSerializer(many=True, source="family_members.all")
    consents = serializers.SerializerMethodField(help_text="The consent in force per purpose.")

    @extend_schema_field(PassportSerializer(many=True))
    def get_passports(self, person: Person):
        return PassportSerializer(person.passports.order_by("-is_current", "-expiry_date"), many=True).data

    @extend_schema_field(ConsentStateSerializer(many=True))
    def get_consents(self, person: Person):
        return ConsentStateSerializer(consent_rows(person), many=True).data


class ConsentsSerializer(serializers.Serializer):
    state = ConsentStateSerializer(many=True)
    history = ConsentRecordSerializer(many=True)


class ConsentChangeSerializer(ConsentsSerializer):
    changed = serializers.BooleanField(help_text="False when the consent was already in that state (nothing recorded).")
    record = ConsentRecordSerializer(allow_null=True)


def consents_payload(person: Person) -> dict[str, Any]:
    return {"state": consent_rows(person), "history": list(consent_history(person))}


class ConsentReceiptSerializer(serializers.Serializer):
    """A consent receipt in the spirit of ISO/IEC TS 27560."""

    schema = serializers.CharField()
    record_id = serializers.UUIDField()
    timestamp = serializers.DateTimeField()
    subject = serializers.DictField()
    controller = serializers.DictField()
    notice = serializers.DictField()
    purpose = serializers.DictField()
    recipient = serializers.DictField(allow_null=True)
    legal_basis = serializers.CharField()
    state = serializers.ChoiceField(choices=[("GIVEN", "GIVEN"), ("WITHDRAWN", "WITHDRAWN")])
    collection_method = serializers.CharField(help_text="One of " + ", ".join(ConsentRecord.Method.values))
    withdrawal = serializers.CharField()
    personal_data_categories = serializers.ListField(child=serializers.CharField())


class DataExportSerializer(serializers.Serializer):
    """Everything the registry holds about the person."""

    exported_at = serializers.DateTimeField()
    person = serializers.DictField(help_text="Every field of the person's record.")
    passports = serializers.ListField(child=serializers.DictField())
    residence_history = serializers.ListField(child=serializers.DictField())
    emergency_contacts = serializers.ListField(child=serializers.DictField())
    family_members = serializers.ListField(child=serializers.DictField())
    consents = ConsentReceiptSerializer(many=True)
    accessed_by_officials = serializers.ListField(child=serializers.DictField(), help_text="Officials who opened the record, and when.")


# --- what the API accepts ---------------------------------------------------------------------------------


class SearchFilterSerializer(serializers.Serializer):
    name = text("Fuzzy name search, tolerant of transliteration variants (Mohammed / Muhammad).")
    country = text("Country of residence, ISO 3166-1 alpha-2.")
    region = text("Region or city of residence (exact, any case).")
    state = text("State of origin, ISO 3166-2:IN, e.g. IN-KL.")
    vulnerability = text("One of " + ", ".join(Vulnerability.values))
    limit = serializers.IntegerField(required=False, default=50, min_value=1, max_value=200)
    offset = serializers.IntegerField(required=False, default=0, min_value=0, max_value=10000)

    def validate_country(self, value: str) -> str:
        value = value.upper()
        if value and value not in COUNTRIES:
            raise serializers.ValidationError(_("Use a two-letter country code, like AE."))
        return value

    def validate_state(self, value: str) -> str:
        value = value.upper()
        if value and value not in INDIAN_STATES:
            raise serializers.ValidationError(_("Use an Indian state code, like IN-KL."))
        return value


class SearchQuerySerializer(SearchFilterSerializer):
    """Name and filters in the query string. Identity numbers are refused here: URLs end up in logs."""

    def validate(self, attrs):
        leaked = [key for key in ("passport_number", "mobile") if key in self.initial_data]
        if leaked:
            message = _("Send passport and mobile numbers in the body of POST /api/v1/registry/persons/search/, never in a URL.")
            raise serializers.ValidationError({key: [message] for key in leaked})
        return attrs


class SearchBodySerializer(InputSerializer, SearchFilterSerializer):
    """All criteria in a JSON body, including exact passport and mobile numbers (kept out of URLs and access logs)."""

    passport_number = text("Exact passport number.")
    mobile = text("Exact mobile number, international form.")


SEX = {"choices": Sex.choices, "error_messages": {"invalid_choice": gettext_lazy("Choose female, male or other.")}}
ABOUT_FIELDS = ["given_name", "family_name", "sex", "date_of_birth", "state_of_origin", "district_of_origin", "education", "occupation_isco", "skills", "preferred_language"]
RESIDENCE_FIELDS = ["residence_country", "residence_region", "residence_address", "residence_since_date", "residence_until_date", "latitude", "longitude"]
CONTACT_FIELDS = ["mobile", "email", "messaging_app", "messaging_handle"]
WORK_FIELDS = ["employer_name", "visa_expiry_date"]
NEEDS_FIELDS = [v.field for v in Vulnerability] + ["needs_note"]


class AboutSerializer(InputSerializer):
    given_name = text()
    family_name = text()
    sex = serializers.ChoiceField(required=False, **SEX)
    date_of_birth = DateText()
    state_of_origin = text("ISO 3166-2:IN, e.g. IN-KL")
    district_of_origin = text()
    education = text("A code from the education levels of the policy pack (decides ECR/ECNR).")
    occupation_isco = text("ISCO-08 code, four digits, e.g. 9111")
    skills = text()
    preferred_language = text("en, hi, ml, ta, te, kn, bn, gu, mr, pa, or, ur or ar")


class ResidenceSerializer(InputSerializer):
    residence_country = text("ISO 3166-1 alpha-2, not IN")
    residence_region = text()
    residence_address = text()
    residence_since_date = DateText()
    residence_until_date = DateText()
    latitude = serializers.FloatField(required=False, allow_null=True)
    longitude = serializers.FloatField(required=False, allow_null=True)


class MoveSerializer(ResidenceSerializer):
    residence_country = serializers.CharField(help_text="ISO 3166-1 alpha-2, not IN")


class ContactsSerializer(InputSerializer):
    mobile = text("International form, e.g. +971 50 123 4567")
    email = text()
    messaging_app = serializers.ChoiceField(choices=[(m.value, m.label) for m in MessagingApp if m.value], required=False, allow_blank=True)
    messaging_handle = text()


class WorkSerializer(InputSerializer):
    employer_name = text()
    visa_expiry_date = DateText()


class NeedsSerializer(InputSerializer):
    """Minor and elderly follow from the date of birth and are not set here."""

    needs_note = text()

    def get_fields(self):
        fields = super().get_fields()
        for need in SELF_DECLARED_NEEDS:
            fields[need.field] = serializers.BooleanField(required=False, help_text=str(need.label))
        return fields


class RegistrationSerializer(InputSerializer):
    given_name = serializers.CharField(allow_blank=True)
    family_name = text()
    sex = serializers.ChoiceField(**SEX)
    date_of_birth = DateText(required=True)
    state_of_origin = text("ISO 3166-2:IN, e.g. IN-KL")
    residence_country = text("ISO 3166-1 alpha-2; leave empty while preparing to leave India")
    residence_region = text()
    residence_address = text()
    residence_since_date = DateText()
    mobile = text("Defaults to the account's mobile number")
    email = text("Defaults to the account's e-mail address")
    messaging_app = serializers.ChoiceField(choices=[(m.value, m.label) for m in MessagingApp if m.value], required=False, allow_blank=True)
    messaging_handle = text()
    consents = serializers.ListField(
        child=serializers.ChoiceField(choices=[(p.value, p.label) for p in ConsentPurpose if p != ConsentPurpose.PARTNER_SHARING]),
        required=False,
        default=list,
        help_text="Purposes consented to under the current privacy notice.",
    )


class PassportInputSerializer(InputSerializer):
    passport_number = serializers.CharField(allow_blank=True, help_text="One letter and seven digits, e.g. J8369854")
    issue_date = DateText(required=True)
    expiry_date = DateText(required=True)
    place_of_issue = text()
    is_ecr = serializers.BooleanField(required=False, help_text="Leave out to derive it from the education level")
    mrz_line1 = text("First line of the machine-readable zone (44 characters); optional")
    mrz_line2 = text("Second line; its check digits are verified")


class ReturnSerializer(InputSerializer):
    returned_date = serializers.DateField(required=False, allow_null=True, help_text="Defaults to today")


class ConsentInputSerializer(InputSerializer):
    purpose = serializers.ChoiceField(choices=ConsentPurpose.choices)
    given = serializers.BooleanField(help_text="true to give, false to withdraw")
    partner = serializers.UUIDField(required=False, allow_null=True, help_text="For PARTNER_SHARING: the partner named in your consent history")


# --- views ---------------------------------------------------------------------------------------------------


class RegistryView(APIView):
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONParser]
    throttle_classes = DEFAULT_THROTTLES


class StaffView(RegistryView):
    permission_classes = [IsAuthenticated, RegistryStaff]


SEARCH_DESCRIPTION = gettext_lazy(
    "Persons in your jurisdiction (a Mission: people living in its host countries; a PoE: people from its states; "
    "the PGE: everyone). Helpline agents may search only by exact passport or mobile number, which are accepted "
    "only in the body of POST /api/v1/registry/persons/search/ so that they never appear in URLs or logs."
)


def search_response(request, params: dict[str, Any]) -> Response:
    persons = person_search(actor=request.user, params=SearchParams(**params))
    limit, offset = params["limit"], params["offset"]
    body = {"limit": limit, "offset": offset, "next_offset": offset + limit if len(persons) == limit else None, "results": persons}
    return Response(PersonSearchResultSerializer(body).data)


class SearchView(StaffView):
    throttle_classes = [*DEFAULT_THROTTLES, RegistrySearchThrottle]


class PersonSearchView(SearchView):
    @extend_schema(
        operation_id="registry_persons_search",
        tags=[STAFF_TAG],
        summary="Search the registry",
        description=SEARCH_DESCRIPTION,
        parameters=[SearchQuerySerializer],
        responses={200: PersonSearchResultSerializer, **errors(400, 403, 429)},
    )
    def get(self, request):
        return search_response(request, validated(SearchQuerySerializer, request.query_params))


class PersonSearchPostView(SearchView):
    @extend_schema(
        operation_id="registry_persons_search_by_body",
        tags=[STAFF_TAG],
        summary="Search the registry (criteria in the body)",
        description=SEARCH_DESCRIPTION,
        request=SearchBodySerializer,
        responses={200: PersonSearchResultSerializer, **errors(400, 403, 429)},
    )
    def post(self, request):
        return search_response(request, validated(SearchBodySerializer, request.data))


class PersonDetailView(StaffView):
    @extend_schema(
        operation_id="registry_person_open",
        tags=[STAFF_TAG],
        summary="Open a person's record",
        description=gettext_lazy("Writes a personal-data access entry, which the person can see."),
        parameters=[OpenApiParameter("person_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: PersonRecordSerializer, **errors(403, 404, 429)},
    )
    def get(self, request, person_id: str):
        person = person_record_open(actor=request.user, person_id=parse_id(person_id, _("No such person in the registry.")), source_ip=source_ip(request))
        return Response(PersonRecordSerializer(person).data)


class SelfView(RegistryView):
    permission_classes = [IsAuthenticated, Emigrant]

    def own_person(self) -> Person:
        person = person_of_user(self.request.user)
        if person is None:
            raise NotFound(_("You have not registered yet."), code="not_registered")
        return person

    def record(self, person: Person, code: int = status.HTTP_200_OK) -> Response:
        return Response(PersonRecordSerializer(person).data, status=code)


class MyRecordView(SelfView):
    @extend_schema(operation_id="registry_me_read", tags=[SELF_TAG], summary="My record", responses={200: PersonRecordSerializer, **errors(403, 404, 429)})
    def get(self, request):
        return self.record(self.own_person())

    @extend_schema(
        operation_id="registry_me_register",
        tags=[SELF_TAG],
        summary="Register",
        description=gettext_lazy("The minimum fields first; the rest can be added section by section."),
        request=RegistrationSerializer,
        responses={201: PersonRecordSerializer, **errors(400, 403, 409, 429)},
    )
    def post(self, request):
        data = validated(RegistrationSerializer, request.data)
        consents = data.pop("consents", [])
        person = person_register(actor=request.user, user=request.user, data=data, consents=consents, method=ConsentRecord.Method.API, source_ip=source_ip(request))
        return self.record(person, status.HTTP_201_CREATED)


class SectionView(SelfView):
    """PATCH one section: fields left out keep their current values."""

    section = ""
    field_names: list[str] = []
    input_serializer: type[serializers.Serializer] = InputSerializer

    def update(self, request):
        changes = validated(self.input_serializer, request.data)
        person = self.own_person()
        data = {name: getattr(person, name) for name in self.field_names} | changes
        person = person_update_section(actor=request.user, person=person, section=self.section, data=data, source_ip=source_ip(request))
        return self.record(person)


def section_view(section: str, field_names: list[str], input_serializer: type[serializers.Serializer], summary: str) -> type[SectionView]:
    # A fresh function per section: extend_schema stores the schema on the function it decorates.
    def patch(self, request):
        return self.update(request)

    decorated = extend_schema(
        operation_id=f"registry_me_update_{section}",
        tags=[SELF_TAG],
        summary=summary,
        request=input_serializer,
        responses={200: PersonRecordSerializer, **errors(400, 403, 404, 429)},
    )(patch)
    return type(f"My{section.title()}View", (SectionView,), {"section": section, "field_names": field_names, "input_serializer": input_serializer, "patch": decorated})


MyAboutView = section_view("about", ABOUT_FIELDS, AboutSerializer, "Update: about me")
MyResidenceView = section_view("residence", RESIDENCE_FIELDS, ResidenceSerializer, "Update: where I live")
MyContactsView = section_view("contacts", CONTACT_FIELDS, ContactsSerializer, "Update: how to reach me")
MyWorkView = section_view("work", WORK_FIELDS, WorkSerializer, "Update: work and visa")
MyNeedsView = section_view("needs", NEEDS_FIELDS, NeedsSerializer, "Update: needs")


class MyPassportView(SelfView):
    @extend_schema(
        operation_id="registry_me_passport",
        tags=[SELF_TAG],
        summary="Record my current passport",
        description=gettext_lazy("When both lines of the machine-readable zone are given, their ICAO 9303 check digits are verified."),
        request=PassportInputSerializer,
        responses={200: PassportSerializer, **errors(400, 403, 404, 409, 429)},
    )
    def put(self, request):
        data = validated(PassportInputSerializer, request.data)
        passport = passport_record(actor=request.user, person=self.own_person(), data=data, source_ip=source_ip(request))
        return Response(PassportSerializer(passport).data)


class MyMoveView(SelfView):
    @extend_schema(
        operation_id="registry_me_moved",
        tags=[SELF_TAG],
        summary="I have moved",
        description=gettext_lazy("The previous residence goes to the history; this one becomes current."),
        request=MoveSerializer,
        responses={200: PersonRecordSerializer, **errors(400, 403, 404, 429)},
    )
    def post(self, request):
        data = validated(MoveSerializer, request.data)
        return self.record(person_moved(actor=request.user, person=self.own_person(), data=data, source_ip=source_ip(request)))


class MyReturnView(SelfView):
    @extend_schema(
        operation_id="registry_me_returned",
        tags=[SELF_TAG],
        summary="I have returned to India",
        request=ReturnSerializer,
        responses={200: PersonRecordSerializer, **errors(400, 403, 404, 429)},
    )
    def post(self, request):
        data = validated(ReturnSerializer, request.data)
        person = person_returned(actor=request.user, person=self.own_person(), returned_date=data.get("returned_date"), source_ip=source_ip(request))
        return self.record(person)


class MyConsentsView(SelfView):
    @extend_schema(operation_id="registry_me_consents", tags=[SELF_TAG], summary="My consents: in force and history", responses={200: ConsentsSerializer, **errors(403, 404, 429)})
    def get(self, request):
        return Response(ConsentsSerializer(consents_payload(self.own_person())).data)

    @extend_schema(
        operation_id="registry_me_consent_set",
        tags=[SELF_TAG],
        summary="Give or withdraw consent",
        description=gettext_lazy("Withdrawing is the same call as giving, with given=false. Repeating the state in force records nothing."),
        request=ConsentInputSerializer,
        responses={201: ConsentChangeSerializer, 200: ConsentChangeSerializer, **errors(400, 403, 404, 429)},
    )
    def post(self, request):
        data = validated(ConsentInputSerializer, request.data)
        person = self.own_person()
        partner = self.partner_from_history(person, data) if data["purpose"] == ConsentPurpose.PARTNER_SHARING else None
        record = consent_set(
            actor=request.user, person=person, purpose=data["purpose"], given=data["given"], partner=partner, method=ConsentRecord.Method.API, language=translation.get_language() or "en"
        )
        body = {**consents_payload(person), "changed": record is not None, "record": record}
        return Response(ConsentChangeSerializer(body).data, status=status.HTTP_201_CREATED if record is not None else status.HTTP_200_OK)

    @staticmethod
    def partner_from_history(person: Person, data: dict[str, Any]):
        """Partner sharing is agreed under a named agreement; here it can only be changed for a partner already on record."""
        if not data.get("partner"):
            raise ValidationFailed.on("partner", _("Sharing needs a named partner."))
        record = consent_state(person).get(f"{ConsentPurpose.PARTNER_SHARING}:{data['partner']}")
        if record is None:
            raise ValidationFailed.on("partner", _("No sharing with this partner is on your record."))
        return record.partner


class MyConsentReceiptView(SelfView):
    @extend_schema(
        operation_id="registry_me_consent_receipt",
        tags=[SELF_TAG],
        summary="Download a consent receipt",
        parameters=[OpenApiParameter("record_id", OpenApiTypes.UUID, OpenApiParameter.PATH)],
        responses={200: ConsentReceiptSerializer, **errors(403, 404, 429)},
    )
    def get(self, request, record_id: str):
        record = consent_record_of(self.own_person(), parse_id(record_id, _("No such consent record.")))
        return Response(consent_receipt(record), headers={"Content-Disposition": f'attachment; filename="consent-receipt-{record.id}.json"'})


class MyExportView(SelfView):
    @extend_schema(
        operation_id="registry_me_export",
        tags=[SELF_TAG],
        summary="Download my data",
        description=gettext_lazy("Everything the registry holds about you, including which officials opened your record."),
        responses={200: DataExportSerializer, **errors(403, 404, 429)},
    )
    def get(self, request):
        data = person_data_export(actor=request.user, person=self.own_person(), source_ip=source_ip(request))
        return Response(data, headers={"Content-Disposition": 'attachment; filename="pravasi-my-data.json"'})
