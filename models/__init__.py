"""SQLModel tables, the engine and settings. Imports nothing else of ours."""

from models.alert import Alert, AlertEvidence, AlertStatus, OutboxMessage
from models.analysis import HarmResult, SentimentResult
from models.brand import Brand
from models.detector_state import DetectorState  # noqa: F401  (registers the table)
from models.job import Job, JobStatus
from models.mention import Mention, MentionBrand
from models.rollup import BrandRollup  # noqa: F401  (registers the rollup table)
from models.source import Source, SourceRun
from models.topic import Topic, TopicAssignment
from models.workspace import ApiKey, ApiKeyRole, Workspace

__all__ = [
    "Alert",
    "AlertEvidence",
    "AlertStatus",
    "ApiKey",
    "ApiKeyRole",
    "Brand",
    "HarmResult",
    "Job",
    "JobStatus",
    "Mention",
    "MentionBrand",
    "OutboxMessage",
    "SentimentResult",
    "Source",
    "SourceRun",
    "Topic",
    "TopicAssignment",
    "Workspace",
]
