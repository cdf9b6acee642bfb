"""Insights review queue: reviewers' decisions on messages of the conversations (masked text,
what the assistant understood, the decision, who decided and when).

Model: bot/store/models/insights.py (``InsightsReview``).

Revision ID: 0006
Revises: 0005
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

DECISIONS = "decision IN ('accepted', 'new_topic', 'rejected')"


def upgrade() -> None:
    op.create_table(
        "insights_reviews",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("event_id", sa.Integer(), nullable=False),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("policyholder_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=40), nullable=False),
        sa.Column("message_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("predicted_intent", sa.String(length=255), nullable=True),
        sa.Column("confidence", sa.Float(), nullable=True),
        sa.Column("decision", sa.String(length=12), nullable=False),
        sa.Column("intent", sa.String(length=255), nullable=True),
        sa.Column("topic", sa.String(length=120), nullable=True),
        sa.Column("entities", sa.JSON(), nullable=False),
        sa.Column("decided_by", sa.String(length=120), nullable=False),
        sa.Column("decided_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint(DECISIONS, name=op.f("ck_insights_reviews_decision")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_insights_reviews")),
        sa.UniqueConstraint("sender_id", "event_id", name=op.f("uq_insights_reviews_sender_id_event_id")),
    )
    op.create_index("ix_insights_reviews_policyholder_id", "insights_reviews", ["policyholder_id"], unique=False)
    op.create_index("ix_insights_reviews_message_at", "insights_reviews", ["message_at"], unique=False)
    op.create_index("ix_insights_reviews_decision_decided", "insights_reviews", ["decision", "decided_at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_insights_reviews_decision_decided", table_name="insights_reviews")
    op.drop_index("ix_insights_reviews_message_at", table_name="insights_reviews")
    op.drop_index("ix_insights_reviews_policyholder_id", table_name="insights_reviews")
    op.drop_table("insights_reviews")
