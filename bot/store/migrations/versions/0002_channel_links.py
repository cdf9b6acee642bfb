"""Messaging-account pairing: one-time pairing codes, pairings, pairing attempts.

- ``link_codes``: a pairing code shown in the signed-in web page (stored as an HMAC, never in clear),
  short-lived, single use.
- ``channel_links``: a (channel, channel user) pair paired with a policyholder; the channel user id
  is stored as an HMAC (``channel_user_hash``) plus a masked label for the web page; expiring and
  revocable.
- ``link_attempts``: every code typed into a channel (for rate limiting per channel user and over
  the whole code space, across replicas).

Models: bot/store/models/pairing.py (``Pairing``, ``PairingCode``, ``PairingAttempt``; the tables keep
their first names).

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-26
"""
from alembic import op
import sqlalchemy as sa

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

CHANNELS = "channel IN ('sms', 'whatsapp', 'telegram', 'messenger', 'slack')"


def upgrade() -> None:
    op.create_table(
        "channel_links",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policyholder_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("channel_user_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_used_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(CHANNELS, name=op.f("ck_channel_links_channel")),
        sa.ForeignKeyConstraint(["policyholder_id"], ["policyholders.id"],
                                name=op.f("fk_channel_links_policyholder_id_policyholders")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_channel_links_user_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_channel_links")),
    )
    op.create_index("ix_channel_links_channel_user", "channel_links", ["channel", "channel_user_hash"], unique=False)
    op.create_index("ix_channel_links_policyholder_id", "channel_links", ["policyholder_id"], unique=False)

    op.create_table(
        "link_codes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("policyholder_id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=True),
        sa.Column("code_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("link_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["policyholder_id"], ["policyholders.id"],
                                name=op.f("fk_link_codes_policyholder_id_policyholders")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_link_codes_user_id_users")),
        sa.ForeignKeyConstraint(["link_id"], ["channel_links.id"], name=op.f("fk_link_codes_link_id_channel_links"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_codes")),
        sa.UniqueConstraint("code_hash", name=op.f("uq_link_codes_code_hash")),
    )
    op.create_index("ix_link_codes_policyholder_id", "link_codes", ["policyholder_id"], unique=False)

    op.create_table(
        "link_attempts",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("channel_user_hash", sa.String(length=64), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("success", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_link_attempts")),
    )
    op.create_index("ix_link_attempts_at", "link_attempts", ["at"], unique=False)
    op.create_index("ix_link_attempts_subject_at", "link_attempts", ["channel", "channel_user_hash", "at"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_link_attempts_subject_at", table_name="link_attempts")
    op.drop_index("ix_link_attempts_at", table_name="link_attempts")
    op.drop_table("link_attempts")
    op.drop_index("ix_link_codes_policyholder_id", table_name="link_codes")
    op.drop_table("link_codes")
    op.drop_index("ix_channel_links_policyholder_id", table_name="channel_links")
    op.drop_index("ix_channel_links_channel_user", table_name="channel_links")
    op.drop_table("channel_links")
