"""Events of a program (stage 5, intervention): agenda, registrations, check-in, teams, interactions.

Every event belongs to one program of one office; who may read or edit it follows the program
(`program_scope`, the one program-scoping rule). The public sees only published events, and
only the event page and the registration form.
"""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from aksalarasa.core.visibility import VisibleThroughQuerySet
from aksalarasa.programs.models import program_scope

if TYPE_CHECKING:
    from aksalarasa.accounts.models import User

# Codes people read aloud or type on a phone: no 0/O, 1/I/L, 2/Z, 5/S, 8/B.
CODE_ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"
CODE_LENGTH = 6


class EventQuerySet(models.QuerySet["Event"]):
    def visible_to(self, user: User) -> EventQuerySet:
        condition = program_scope(user, "program__")
        return self.all() if condition is None else self.filter(condition).distinct()

    def published(self) -> EventQuerySet:
        return self.filter(published=True)


class Event(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="events")
    program = models.ForeignKey("programs.Program", on_delete=models.CASCADE, related_name="events")
    name = models.CharField(_("name"), max_length=200)
    theme = models.CharField(_("theme"), max_length=250, blank=True)
    description = models.TextField(_("public description"), blank=True)
    place = models.CharField(_("place"), max_length=250)
    village_code = models.CharField(_("village (desa/kelurahan)"), max_length=13, blank=True)
    start = models.DateTimeField(_("start"))
    end = models.DateTimeField(_("end"))
    organising_team = models.TextField(_("organising team"), blank=True)
    target_participants = models.TextField(_("target participants"), blank=True)
    resource_system = models.TextField(_("resource system"), blank=True)
    guests = models.TextField(_("guests"), blank=True)
    published = models.BooleanField(_("published (public page and registration open)"), default=False)
    registration_open = models.BooleanField(_("public registration open"), default=True)
    capacity = models.PositiveIntegerField(_("capacity (public registrations)"), null=True, blank=True)
    done = models.BooleanField(_("held (done)"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = EventQuerySet.as_manager()

    class Meta:
        ordering = ["-start"]
        verbose_name = _("event")
        verbose_name_plural = _("events")
        constraints = [
            models.CheckConstraint(condition=Q(start__lt=F("end")), name="event_start_before_end"),
            models.UniqueConstraint(
                fields=["program", "name", "start"], name="event_unique_per_program_start"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ChecklistItem(models.Model):
    class Kind(models.TextChoices):
        OFFICIALS = "officials", _("Contact officials")
        SPEAKER = "speaker", _("Speaker")
        CLIENTS = "clients", _("Clients via their officer")
        VENUE = "venue", _("Venue")
        TOOLS = "tools", _("Tools and equipment")
        FOOD = "food", _("Food and drinks")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="checklist")
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("task"), max_length=200)
    owner = models.CharField(_("owner"), max_length=150, blank=True)
    done = models.BooleanField(_("done"), default=False)
    position = models.PositiveSmallIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    visible_through = "event"  # visible when its event is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["position", "pk"]

    def __str__(self) -> str:
        return self.title


class EventRole(models.Model):
    class Kind(models.TextChoices):
        MC = "mc", _("Master of ceremonies (MC)")
        FLOOR = "floor", _("Floor coordinator")
        PRAYER = "prayer", _("Prayer")
        DOCUMENTATION = "documentation", _("Documentation")
        SPEAKER = "speaker", _("Speaker")
        OTHER = "other", _("Other")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="roles")
    kind = models.CharField(_("role"), max_length=15, choices=Kind.choices)
    person = models.CharField(_("person"), max_length=150)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    visible_through = "event"  # visible when its event is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["kind", "pk"]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.person}"


def agenda_times_errors(starts_at: datetime.time | None, ends_at: datetime.time | None) -> dict[str, str]:
    """What is wrong with an agenda item's times (field -> message); empty when they are fine.

    The same rule as the database constraint below, in words a coordinator reads. An item runs
    within one day: an end time needs a start time and comes after it.
    """
    if ends_at is None:
        return {}
    if starts_at is None:
        return {"starts_at": str(_("Give the start time too, or leave the end time empty."))}
    if ends_at <= starts_at:
        return {"ends_at": str(_("The item must end after it starts."))}
    return {}


class AgendaItem(models.Model):
    """One item of the run of show. The agenda is shown by `position`; see agenda_item_move for
    how moving an item relates to its times."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="agenda")
    position = models.PositiveSmallIntegerField(_("order"), default=0)
    starts_at = models.TimeField(_("time"), null=True, blank=True)
    ends_at = models.TimeField(_("until"), null=True, blank=True)
    title = models.CharField(_("item"), max_length=200)
    lead = models.CharField(_("led by"), max_length=150, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    visible_through = "event"  # visible when its event is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["position", "starts_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__isnull=True) | Q(starts_at__isnull=False, starts_at__lt=F("ends_at")),
                name="agenda_item_ends_after_start",
                violation_error_message=_("The item must end after it starts."),
            ),
        ]

    def __str__(self) -> str:
        return self.title


class HandedItem(models.Model):
    """Items handed over at the event (e.g. rubbish bins to the village)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="handed_items")
    item = models.CharField(_("item"), max_length=200)
    quantity = models.PositiveIntegerField(_("quantity"), default=1)
    recipient = models.CharField(_("handed to"), max_length=200, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    visible_through = "event"  # visible when its event is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.item


class Group(models.TextChoices):
    CLIENT = "client", _("Client")
    RESIDENT = "resident", _("Resident")
    OFFICER = "officer", _("Officer (staff)")
    OFFICIAL = "official", _("Official")
    PARTNER = "partner", _("Partner")
    SPEAKER = "speaker", _("Speaker")
    GUEST = "guest", _("Guest")


STAFF_GROUPS = (Group.OFFICER, Group.OFFICIAL)
# For mixing, everyone who is neither a client nor staff is "community".
COMMUNITY_GROUPS = (Group.RESIDENT, Group.PARTNER, Group.SPEAKER, Group.GUEST)


class Registration(models.Model):
    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    group = models.CharField(_("group"), max_length=10, choices=Group.choices)
    code = models.CharField(_("code"), max_length=CODE_LENGTH)
    # Empty for clients: their name comes from the client record, masked for the viewer.
    name = models.CharField(_("name"), max_length=150, blank=True)
    phone = models.CharField(_("phone"), max_length=20, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    village_code = models.CharField(_("village (desa/kelurahan)"), max_length=13, blank=True)
    banjar = models.CharField(_("banjar / neighbourhood"), max_length=100, blank=True)
    sex = models.CharField(_("sex"), max_length=1, blank=True)
    consent_data = models.BooleanField(_("consents to the use of their data"), default=False)
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="event_registrations"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    visible_through = "event"  # visible when its event is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["event", "code"], name="registration_code_unique_per_event"),
            models.UniqueConstraint(
                fields=["event", "client"], condition=Q(client__isnull=False), name="registration_client_once"
            ),
            models.UniqueConstraint(
                fields=["event", "user"], condition=Q(user__isnull=False), name="registration_user_once"
            ),
            models.CheckConstraint(
                condition=~Q(group="client") | Q(client__isnull=False), name="registration_client_has_client"
            ),
        ]

    def __str__(self) -> str:
        return self.code


class CheckIn(models.Model):
    """At most one per registration (the unique constraint makes check-in idempotent)."""

    class Source(models.TextChoices):
        SCAN = "scan", _("QR scan")
        TYPED = "typed", _("Typed code")
        OFFLINE = "offline", _("Queued offline")
        LIST = "list", _("From the list")

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="checkins")
    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="checkin")
    at = models.DateTimeField(default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.TYPED)
    client_uuid = models.UUIDField(null=True, blank=True, unique=True)

    visible_through = "event"  # visible when its event is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["at"]


class Team(models.Model):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="teams")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(_("name"), max_length=100, blank=True)

    visible_through = "event"  # visible when its event is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["number"]
        constraints = [models.UniqueConstraint(fields=["event", "number"], name="team_number_unique")]

    def __str__(self) -> str:
        return self.name or str(_("Team %(n)s") % {"n": self.number})


class TeamMember(models.Model):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="team_member")
    visible_through = "team"  # visible when its team is
    objects = VisibleThroughQuerySet.as_manager()


class Interaction(models.Model):
    """Who worked or talked with whom: one row per pair (stored with the lower id first)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="interactions")
    first = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    second = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="+")
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)

    visible_through = "event"  # visible when its event is
    objects = VisibleThroughQuerySet.as_manager()

    class Meta:
        ordering = ["at"]
        constraints = [
            models.UniqueConstraint(fields=["event", "first", "second"], name="interaction_pair_once"),
            models.CheckConstraint(condition=Q(first__lt=F("second")), name="interaction_pair_ordered"),
        ]


class InvitationQuerySet(models.QuerySet["Invitation"]):
    def visible_to(self, user: User) -> InvitationQuerySet:
        """A request is seen by those who see its event (the team that asked) and by the officers
        who decide it (`for_officer`: the client's own PK, or the PK or section it is addressed to)."""
        return self.filter(
            Q(event__in=Event.objects.visible_to(user).values("pk"))
            | Q(pk__in=self.for_officer(user).values("pk"))
        )

    def pending(self) -> InvitationQuerySet:
        return self.filter(state=Invitation.State.PENDING)

    def for_officer(self, user: User) -> InvitationQuerySet:
        """The requests an officer (PK) decides: about their own clients, addressed to them, or to
        their section of their office."""
        if not (user.role_officer and user.office_id):
            return self.none()
        ask = Q(client__officer_id=user.pk) | Q(client__isnull=True, officer_id=user.pk)
        if user.section:
            ask |= Q(client__isnull=True, officer__isnull=True, section=user.section)
        return self.filter(ask, office_id=user.office_id)


class Invitation(models.Model):
    """A program team asks the officers (PK) to invite clients to its event; the PK decides.

    The team names a client it may see, or asks one officer or a whole section to pick clients.
    The PK accepts (recording who gave consent and when: the client, or a child's guardian) and
    the client is registered, or declines with a reason.
    """

    class State(models.TextChoices):
        PENDING = "pending", _("Waiting for the PK")
        ACCEPTED = "accepted", _("Accepted: registered")
        DECLINED = "declined", _("Declined")

    class Section(models.TextChoices):
        ADULT = "adult", _("Adult clients (BKD)")
        CHILD = "child", _("Child clients (BKA)")

    office = models.ForeignKey("offices.Office", on_delete=models.PROTECT, related_name="+")
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="invitations")
    client = models.ForeignKey(
        "clients.Client", on_delete=models.CASCADE, null=True, blank=True, related_name="event_invitations"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    section = models.CharField(_("section"), max_length=10, choices=Section.choices, blank=True)
    note = models.TextField(_("message to the PK"), blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(default=timezone.now, editable=False)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    consent_given_by = models.CharField(_("consent given by"), max_length=150, blank=True)
    consent_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    registration = models.OneToOneField(
        Registration, on_delete=models.SET_NULL, null=True, blank=True, related_name="invitation"
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("invitation request")
        verbose_name_plural = _("invitation requests")
        constraints = [
            models.CheckConstraint(
                condition=Q(client__isnull=False) | Q(officer__isnull=False) | ~Q(section=""),
                name="invitation_names_a_client_officer_or_section",
            ),
            models.UniqueConstraint(
                fields=["event", "client"],
                condition=Q(state="pending", client__isnull=False),
                name="invitation_one_pending_per_client",
            ),
            models.CheckConstraint(
                condition=~Q(state="accepted") | (Q(consent_at__isnull=False) & ~Q(consent_given_by="")),
                name="invitation_accepted_has_consent",
            ),
            models.CheckConstraint(
                condition=~Q(state="declined") | ~Q(decline_reason=""), name="invitation_declined_has_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} #{self.pk}"
