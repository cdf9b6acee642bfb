"""Bot → human handoff: handoff tickets (summary, transcript, claims discussed) and callback
requests (phone, preferred slot).

Models: bot/store/models/handoff.py.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

REASONS = "reason IN ('request', 'fallback', 'complaint', 'store_unavailable', 'out_of_rules')"


def upgrade() -> None:
    op.create_table(
        "handoff_tickets",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policyholder_id", sa.Integer(), nullable=True),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("summary", sa.JSON(), nullable=False),
        sa.Column("transcript", sa.JSON(), nullable=False),
        sa.Column("claim_refs", sa.JSON(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("taken_by", sa.String(length=120), nullable=True),
        sa.Column("taken_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint("status IN ('open', 'taken', 'closed')", name=op.f("ck_handoff_tickets_status")),
        sa.CheckConstraint(REASONS, name=op.f("ck_handoff_tickets_reason")),
        sa.ForeignKeyConstraint(["policyholder_id"], ["policyholders.id"],
                                name=op.f("fk_handoff_tickets_policyholder_id_policyholders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handoff_tickets")),
    )
    op.create_index("ix_handoff_tickets_policyholder_id", "handoff_tickets", ["policyholder_id"], unique=False)
    op.create_index("ix_handoff_tickets_status_created", "handoff_tickets", ["status", "created_at"], unique=False)
    op.create_index("ix_handoff_tickets_sender_status", "handoff_tickets", ["sender_id", "status"], unique=False)

    op.create_table(
        "callback_requests",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policyholder_id", sa.Integer(), nullable=True),
        sa.Column("sender_id", sa.String(length=255), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("slot_start", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(length=30), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("status IN ('pending', 'done', 'cancelled')", name=op.f("ck_callback_requests_status")),
        sa.CheckConstraint(REASONS, name=op.f("ck_callback_requests_reason")),
        sa.ForeignKeyConstraint(["policyholder_id"], ["policyholders.id"],
                                name=op.f("fk_callback_requests_policyholder_id_policyholders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_callback_requests")),
    )
    op.create_index("ix_callback_requests_policyholder_id", "callback_requests", ["policyholder_id"], unique=False)
    op.create_index("ix_callback_requests_status_slot", "callback_requests", ["status", "slot_start"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_callback_requests_status_slot", table_name="callback_requests")
    op.drop_index("ix_callback_requests_policyholder_id", table_name="callback_requests")
    op.drop_table("callback_requests")
    op.drop_index("ix_handoff_tickets_sender_status", table_name="handoff_tickets")
    op.drop_index("ix_handoff_tickets_status_created", table_name="handoff_tickets")
    op.drop_index("ix_handoff_tickets_policyholder_id", table_name="handoff_tickets")
    op.drop_table("handoff_tickets")
