"""Agent → bot referral links: a hash of the signed link's token id, the policyholder, an
optional claim reference, the topic, who created it, expiry, single use and greeting.

Model: bot/store/models/referral.py (``Referral``; the table keeps its first name).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

TOPICS = "topic IN ('claim_status', 'guarantee', 'fees', 'cap', 'indemnification', 'declaration')"


def upgrade() -> None:
    op.create_table(
        "handover_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("jti_hash", sa.String(length=64), nullable=False),
        sa.Column("policyholder_id", sa.Integer(), nullable=False),
        sa.Column("claim_ref", sa.String(length=15), nullable=True),
        sa.Column("topic", sa.String(length=20), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("greeted_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(TOPICS, name=op.f("ck_handover_links_topic")),
        sa.ForeignKeyConstraint(["policyholder_id"], ["policyholders.id"],
                                name=op.f("fk_handover_links_policyholder_id_policyholders")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_handover_links")),
        sa.UniqueConstraint("jti_hash", name=op.f("uq_handover_links_jti_hash")),
    )
    op.create_index("ix_handover_links_policyholder_created", "handover_links",
                    ["policyholder_id", "created_at"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_handover_links_policyholder_created", table_name="handover_links")
    op.drop_table("handover_links")
