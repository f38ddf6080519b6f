"""Who may read criteria sets: any signed-in user (they are published national criteria)."""

import rules

rules.add_perm("criteria.view_criteriaset", rules.is_authenticated)
