"""API models of uploaded imports: the counts and the reject report as JSON."""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, Field

from matching.records import UploadOutcome


class RejectLine(BaseModel):
    """One problem of one row, as in the reject report (values masked)."""

    row: int = Field(description="行号：电子表格中的行号（表头为第1行）")
    column: str = Field(description="列：中文列名")
    code: str = Field(description="原因代码")
    message_zh: str = Field(description="说明：错在哪里、允许填写什么")
    value: str = Field(description="原值（已脱敏）")


class ImportAnswer(BaseModel):
    """``accepted + rejected = total``; ``accepted = inserted + updated + unchanged``."""

    entity: str
    total: int
    accepted: int
    rejected: int
    inserted: int
    updated: int
    unchanged: int
    report: str = Field(description="reject report file name on the server (CSV)")
    ignored_columns: list[str]
    rejects: list[RejectLine]
    rejects_truncated: bool = Field(description="true when only the first lines are listed")

    @classmethod
    def of(cls, outcome: UploadOutcome) -> ImportAnswer:
        result = outcome.result
        return cls(
            entity=result.entity,
            total=result.total,
            accepted=result.accepted,
            rejected=result.rejected,
            inserted=result.inserted,
            updated=result.updated,
            unchanged=result.unchanged,
            report=Path(result.report).name,
            ignored_columns=list(result.ignored_columns),
            rejects=[
                RejectLine(
                    row=reject.row,
                    column=reject.column,
                    code=reject.code,
                    message_zh=reject.message_zh,
                    value=reject.value,
                )
                for reject in outcome.rejects
            ],
            rejects_truncated=outcome.rejects_truncated,
        )
