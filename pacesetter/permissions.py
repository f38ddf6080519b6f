"""Ask the portal's rules, not Django's superuser shortcut.

`User.has_perm` answers yes to everything for an active superuser, which would let the
admin account write a health board's answers or score its application. The portal's rules
decide by role alone; the superuser flag only opens the Django admin.
"""

import rules


def can(user, permission, obj=None):
    """Whether the portal's rules let `user` do `permission` (on `obj`)."""
    return rules.has_perm(permission, user, obj)
