"""Proof that a staff member authorised an action.

Visitor-facing code cannot reach staff-only functions (crash recovery, later
reprints and exit) without a grant; the staff unlock hands one out after a
correct PIN, and every use is written to the audit log under the staff id.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class StaffGrant:
    staff_id: str
    role: str  # "staff" or "admin"
    granted_at: float

    def require(self, role: str = "staff") -> None:
        if not self.staff_id:
            raise PermissionError("a staff grant needs the staff member's id")
        if role == "admin" and self.role != "admin":
            raise PermissionError("this needs an admin")
