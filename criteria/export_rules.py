"""Who may download a round's spreadsheets.

Imported at the bottom of criteria/rules.py, so the permission registers with the rest.
"""

import rules

from pacesetter.rules import is_programme_manager

# Programme managers only: the spreadsheets hold every organisation's money and every score.
rules.add_perm("criteria.export_round", is_programme_manager)
rules.add_perm("criteria.generate_pack", is_programme_manager)
