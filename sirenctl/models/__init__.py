"""SQLAlchemy 2.0 typed models. Importing this package registers every table on ``Base.metadata``."""

from sirenctl.models import (
    accounts,  # noqa: F401  (registers operator_account)
    findings,  # noqa: F401  (registers the findings tables)
    outreach,  # noqa: F401  (registers outreach_material)
    scheduling,  # noqa: F401  (registers the scheduling tables)
    status,  # noqa: F401  (registers asset_status)
    works,  # noqa: F401  (registers works, works_inspection, safety_activity)
)
from sirenctl.models.audit import AuditEvent
from sirenctl.models.base import Base
from sirenctl.models.enums import AssetKind, AssetStatus, Transport
from sirenctl.models.registry import Asset, Site

__all__ = ["Asset", "AssetKind", "AssetStatus", "AuditEvent", "Base", "Site", "Transport"]
