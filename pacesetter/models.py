"""People and organisations: who uses the portal and whom they work for."""

import datetime
import hashlib
import hmac
import secrets

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from pacesetter.enums import AuditAction, OrganisationKind, Role


class OrganisationQuerySet(models.QuerySet):
    def health_boards(self):
        return self.filter(kind=OrganisationKind.HEALTH_BOARD)


class Organisation(models.Model):
    """A health board, Welsh Government, or another body a round admits.

    Two health boards were renamed on 1 April 2019; `name_on()` gives the name in force on a
    date so that a 2018-19 application shows the name it was submitted under.
    """

    code = models.CharField(
        _("code"),
        max_length=8,
        unique=True,
        help_text=_("Short upper-case code used in application references, e.g. CAV."),
    )
    name = models.CharField(_("name"), max_length=200, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=OrganisationKind.choices)
    former_name = models.CharField(_("former name"), max_length=200, blank=True)
    renamed_on = models.DateField(
        _("renamed on"),
        null=True,
        blank=True,
        help_text=_("The date the current name took effect, if the body was renamed."),
    )

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def name_on(self, date: datetime.date | None) -> str:
        """Return the name in force on `date` (the current name if no date is given)."""
        if date and self.former_name and self.renamed_on and date < self.renamed_on:
            return self.former_name
        return self.name


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        extra_fields.setdefault("role", Role.PROGRAMME_MANAGER)
        return self._create_user(email, password, **extra_fields)

    def get_by_natural_key(self, username):
        # Email addresses are stored lower-case; sign-in should not care how they are typed.
        return self.get(email__iexact=username)


class User(AbstractBaseUser, PermissionsMixin):
    """Someone who signs in with an email address: an applicant, a reviewer or a manager."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="users",
        null=True,
        blank=True,
        help_text=_("The employing organisation. Reviewers are conflicted on its applications."),
    )
    language = models.CharField(
        _("preferred language"),
        max_length=5,
        choices=[("en", _("English")), ("cy", _("Welsh"))],
        default="en",
    )
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Whether the user can sign in to the Django admin."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["full_name"]

    class Meta:
        ordering = ["full_name", "email"]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return f"{self.full_name} <{self.email}>" if self.full_name else self.email

    def get_absolute_url(self):
        return reverse("person_detail", args=[self.pk])

    def get_full_name(self):
        return self.full_name

    def get_short_name(self):
        return self.full_name or self.email

    @property
    def is_applicant(self):
        return self.role == Role.APPLICANT

    @property
    def is_reviewer(self):
        return self.role == Role.REVIEWER

    @property
    def is_programme_manager(self):
        return self.role == Role.PROGRAMME_MANAGER


LANGUAGES = [("en", _("English")), ("cy", _("Welsh"))]
INVITATION_LIFETIME = datetime.timedelta(days=7)


def invitation_token_hash(token: str) -> str:
    """Return the SHA-256 hex digest of an invitation token, the only form that is stored."""
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()


class InvitationQuerySet(models.QuerySet):
    def waiting(self):
        """Invitations neither accepted nor replaced (their link may have expired)."""
        return self.filter(used_at__isnull=True, invalidated_at__isnull=True)

    def for_token(self, token):
        """Return the invitation whose link carries `token`, or None (for any string at all)."""
        if not isinstance(token, str) or not token or len(token) > Invitation.TOKEN_MAX_LENGTH:
            return None
        digest = invitation_token_hash(token)
        invitation = self.filter(token_hash=digest).first()
        # The lookup already matched the digest; comparing again in constant time keeps the
        # check itself from depending on how much of the digest matched.
        if invitation is None or not hmac.compare_digest(invitation.token_hash, digest):
            return None
        return invitation


class Invitation(models.Model):
    """A programme manager's invitation to one person: the role, organisation and language.

    The link it sends carries a random single-use token; only the token's SHA-256 digest is
    stored, so a copy of the database opens no account. Written only by `pacesetter.people`.
    """

    TOKEN_MAX_LENGTH = 100

    class State(models.TextChoices):
        WAITING = "waiting", _("Waiting")
        ACCEPTED = "accepted", _("Accepted")
        REPLACED = "replaced", _("Replaced")
        EXPIRED = "expired", _("Expired")

    email = models.EmailField(_("email address"), db_index=True)
    full_name = models.CharField(_("full name"), max_length=200)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    language = models.CharField(
        _("preferred language"), max_length=5, choices=LANGUAGES, default="en"
    )
    invited_by = models.ForeignKey(
        "pacesetter.User",
        verbose_name=_("invited by"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    token_hash = models.CharField(_("token digest"), max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(_("sent"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("accepted"), null=True, blank=True)
    invalidated_at = models.DateTimeField(
        _("replaced"),
        null=True,
        blank=True,
        help_text=_("When a newer invitation or a deactivation ended the link."),
    )
    renewal_requested_at = models.DateTimeField(_("new link asked for"), null=True, blank=True)
    user = models.ForeignKey(
        "pacesetter.User",
        verbose_name=_("account"),
        on_delete=models.PROTECT,
        related_name="invitations",
        null=True,
        blank=True,
        help_text=_("The account the accepted invitation made or reactivated."),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.full_name} <{self.email}>"

    @staticmethod
    def new_token() -> str:
        """Return a fresh random token for a link (43 URL-safe characters, 256 bits)."""
        return secrets.token_urlsafe(32)

    def state(self, now=None) -> str:
        """Return whether the link still works, and if not, why not."""
        if self.used_at:
            return self.State.ACCEPTED
        if self.invalidated_at:
            return self.State.REPLACED
        if (now or timezone.now()) >= self.expires_at:
            return self.State.EXPIRED
        return self.State.WAITING

    def get_state_display(self):
        return self.State(self.state()).label


class AuditEventQuerySet(models.QuerySet):
    def for_application(self, application_pk):
        """Everything that happened to an application and its reviews, decision and so on."""
        return self.filter(application_pk=application_pk)

    def for_round(self, round_pk):
        """Everything that happened to a round and to anything in it."""
        return self.filter(round_pk=round_pk)


class AuditEvent(models.Model):
    """One thing that happened: who did what to which record, from what, to what, why, when.

    The portal's one audit trail, written only by `pacesetter.audit.audit_record`, in the same
    transaction as the change it records (so a change and its event stand or fall together).
    Field-level history of content (answers, budget lines, scores) stays with
    django-simple-history. `application_pk` and `round_pk` place the event on an
    application's and a round's timeline; they are plain numbers, not foreign keys, so the
    record outlives what it describes and this core app depends on no other.
    """

    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        "pacesetter.User",
        verbose_name=_("by"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        help_text=_("Empty when the portal itself acted, or nobody was signed in."),
    )
    # Not `choices=`: each new action would otherwise need a migration of this table. Every
    # writer passes an `AuditAction` (audit_record refuses anything else); `action_label`
    # shows it.
    action = models.CharField(_("action"), max_length=60)
    content_type = models.ForeignKey(
        "contenttypes.ContentType",
        verbose_name=_("kind of record"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    object_id = models.CharField(_("record id"), max_length=64, blank=True)
    object_label = models.CharField(_("record"), max_length=255, blank=True)
    application_pk = models.BigIntegerField(_("application id"), null=True, blank=True)
    round_pk = models.BigIntegerField(_("round id"), null=True, blank=True)
    from_state = models.CharField(_("from"), max_length=40, blank=True)
    to_state = models.CharField(_("to"), max_length=40, blank=True)
    reason = models.TextField(_("reason"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["application_pk", "at"], name="audit_application_at"),
            models.Index(fields=["round_pk", "at"], name="audit_round_at"),
            models.Index(fields=["actor", "at"], name="audit_actor_at"),
            models.Index(fields=["action", "at"], name="audit_action_at"),
            models.Index(fields=["content_type", "at"], name="audit_kind_at"),
        ]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_label}"

    @property
    def action_label(self):
        """The action as people read it: its `AuditAction` label, or the code if it has none."""
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action
