"""The sales app's models, one module per topic."""

from meritline.sales.models.customers import MANUAL_SOURCE, Customer, CustomerKind
from meritline.sales.models.deals import (
    Collection,
    Deal,
    DealSplit,
    DealStatus,
    Refund,
    RefundKind,
    Segment,
)
from meritline.sales.models.imports import ImportJob, ImportKind, ImportMapping, JobStatus
from meritline.sales.models.leads import (
    CHAIN,
    TERMINAL,
    DisputeKind,
    DisputeStatus,
    Lead,
    LeadAlert,
    LeadDispute,
    LeadStep,
    QualificationStandard,
    SlaRule,
    SourceKind,
    Step,
)
from meritline.sales.models.platforms import PlatformStage, SegmentThreshold

__all__ = [
    "CHAIN",
    "MANUAL_SOURCE",
    "TERMINAL",
    "Collection",
    "Customer",
    "CustomerKind",
    "Deal",
    "DealSplit",
    "DealStatus",
    "DisputeKind",
    "DisputeStatus",
    "ImportJob",
    "ImportKind",
    "ImportMapping",
    "JobStatus",
    "Lead",
    "LeadAlert",
    "LeadDispute",
    "LeadStep",
    "PlatformStage",
    "QualificationStandard",
    "Refund",
    "RefundKind",
    "Segment",
    "SegmentThreshold",
    "SlaRule",
    "SourceKind",
    "Step",
]
