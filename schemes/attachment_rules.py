"""Who may download an application's attachments.

The object is the application the attachment belongs to. Reviewers will join with
`| is_assigned_reviewer` once the review workflow knows who is assigned to what.
"""

import rules

from pacesetter.rules import is_applicant, is_programme_manager
from schemes.rules import belongs_to_applying_organisation

can_download_attachment = is_programme_manager | (is_applicant & belongs_to_applying_organisation)

rules.add_perm("schemes.download_attachment", can_download_attachment)
