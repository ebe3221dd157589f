"""The data subject of a UU PDP download or erasure: whose personal data it covers.

Who may act as which data subject is an access rule (``access.data_subject_for_caller``);
this is only the proof that rule hands to the privacy services.
"""

from dataclasses import dataclass


@dataclass(frozen=True)
class DataSubject:
    """Whose personal data a caller may download or erase (UU PDP): their account's, or
    one report's reporter's (proved by its PIN)."""

    user: object | None
    report_ids: tuple[int, ...]

    @property
    def target(self) -> str:
        return f"user:{self.user.pk}" if self.user is not None else f"report:{self.report_ids[0]}"
