"""People and organisations: who uses the portal and whom they work for."""

import datetime

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
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
    action = models.CharField(_("action"), max_length=60, choices=AuditAction.choices)
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
