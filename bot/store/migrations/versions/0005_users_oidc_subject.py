"""users.oidc_subject: the person's subject at the insurer's OpenID Connect provider (bot/oidc.py maps a
verified token to a policyholder through it; unknown subject = nobody).

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-04
"""
from alembic import op
import sqlalchemy as sa

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("oidc_subject", sa.String(length=255), nullable=True))
        batch.create_unique_constraint(op.f("uq_users_oidc_subject"), ["oidc_subject"])


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint(op.f("uq_users_oidc_subject"), type_="unique")
        batch.drop_column("oidc_subject")
