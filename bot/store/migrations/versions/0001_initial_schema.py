"""Initial schema of the claims store (policyholders, contracts, buyers, agréments, claims, fees,
CAP covers, complaints, CSAT, audit log).

Revision ID: 0001
Revises:
Create Date: 2026-11-25
"""
from alembic import op
import sqlalchemy as sa

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('audit_log',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('who', sa.String(length=120), nullable=False),
    sa.Column('policyholder_id', sa.Integer(), nullable=True),
    sa.Column('object_type', sa.String(length=40), nullable=False),
    sa.Column('object_id', sa.String(length=60), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('action', sa.String(length=40), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_audit_log'))
    )
    op.create_index('ix_audit_log_at', 'audit_log', ['at'], unique=False)
    op.create_index('ix_audit_log_object', 'audit_log', ['object_type', 'object_id'], unique=False)
    op.create_index('ix_audit_log_policyholder_at', 'audit_log', ['policyholder_id', 'at'], unique=False)

    op.create_table('buyers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('name_key', sa.String(length=200), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=True),
    sa.Column('foreign_id', sa.String(length=60), nullable=True),
    sa.Column('country', sa.String(length=2), nullable=False),
    sa.Column('risk_grade', sa.SmallInteger(), nullable=True),
    sa.CheckConstraint('risk_grade IS NULL OR (risk_grade BETWEEN 1 AND 10)', name=op.f('ck_buyers_risk_grade')),
    sa.CheckConstraint('siren IS NOT NULL OR foreign_id IS NOT NULL', name=op.f('ck_buyers_identifier')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_buyers')),
    sa.UniqueConstraint('country', 'foreign_id', name=op.f('uq_buyers_country_foreign_id')),
    sa.UniqueConstraint('siren', name=op.f('uq_buyers_siren'))
    )
    op.create_index('ix_buyers_name_key', 'buyers', ['name_key'], unique=False)

    op.create_table('policyholders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=False),
    sa.Column('contact_name', sa.String(length=200), nullable=False),
    sa.Column('contact_email', sa.String(length=254), nullable=False),
    sa.Column('contact_phone', sa.String(length=32), nullable=False),
    sa.Column('segment', sa.String(length=20), nullable=False),
    sa.Column('is_demo', sa.Boolean(), nullable=False),
    sa.Column('demo_note', sa.Text(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("segment IN ('tpe', 'pme', 'eti', 'grand_compte')", name=op.f('ck_policyholders_segment')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_policyholders')),
    sa.UniqueConstraint('siren', name=op.f('uq_policyholders_siren'))
    )
    op.create_table('ref_counters',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_ref_counters'))
    )
    op.create_table('complaints',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policyholder_id', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['policyholder_id'], ['policyholders.id'], name=op.f('fk_complaints_policyholder_id_policyholders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_complaints'))
    )
    op.create_index('ix_complaints_policyholder_id', 'complaints', ['policyholder_id'], unique=False)

    op.create_table('contracts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policyholder_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=True),
    sa.Column('quotite', sa.Numeric(precision=7, scale=6), nullable=False),
    sa.Column('minimum_claim_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('deductible', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('dms_deadline_days', sa.Integer(), nullable=False),
    sa.Column('waiting_period_days', sa.Integer(), nullable=False),
    sa.Column('payout_delay_days', sa.Integer(), nullable=False),
    sa.Column('max_credit_term_days', sa.Integer(), nullable=False),
    sa.Column('territorial_scope', sa.String(length=200), nullable=False),
    sa.Column('advance_indemnification', sa.Boolean(), nullable=False),
    sa.Column('premium_rate', sa.Numeric(precision=7, scale=6), nullable=True),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.CheckConstraint('end_date IS NULL OR end_date >= start_date', name=op.f('ck_contracts_dates')),
    sa.CheckConstraint('quotite > 0 AND quotite <= 1', name=op.f('ck_contracts_quotite')),
    sa.ForeignKeyConstraint(['policyholder_id'], ['policyholders.id'], name=op.f('fk_contracts_policyholder_id_policyholders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_contracts')),
    sa.UniqueConstraint('id', 'policyholder_id', name=op.f('uq_contracts_id_policyholder_id')),
    sa.UniqueConstraint('number', name=op.f('uq_contracts_number'))
    )
    op.create_index('ix_contracts_policyholder_id', 'contracts', ['policyholder_id'], unique=False)

    op.create_table('csat_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policyholder_id', sa.Integer(), nullable=True),
    sa.Column('sender_hash', sa.String(length=128), nullable=False),
    sa.Column('score', sa.SmallInteger(), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint('score BETWEEN 1 AND 5', name=op.f('ck_csat_answers_score')),
    sa.ForeignKeyConstraint(['policyholder_id'], ['policyholders.id'], name=op.f('fk_csat_answers_policyholder_id_policyholders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_csat_answers'))
    )
    op.create_index('ix_csat_answers_created_at', 'csat_answers', ['created_at'], unique=False)
    op.create_index('ix_csat_answers_policyholder_id', 'csat_answers', ['policyholder_id'], unique=False)

    op.create_table('users',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policyholder_id', sa.Integer(), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('full_name', sa.String(length=200), nullable=False),
    sa.Column('phone', sa.String(length=32), nullable=True),
    sa.Column('role', sa.String(length=40), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['policyholder_id'], ['policyholders.id'], name=op.f('fk_users_policyholder_id_policyholders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users')),
    sa.UniqueConstraint('email', name=op.f('uq_users_email'))
    )
    op.create_index('ix_users_policyholder_id', 'users', ['policyholder_id'], unique=False)

    op.create_table('claims',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('ref', sa.String(length=15), nullable=False),
    sa.Column('policyholder_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('cause', sa.String(length=20), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('declared_on', sa.Date(), nullable=False),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.Column('amount_declared', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('amount_admitted', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('amount_recovered', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('amount_indemnified', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('next_step_code', sa.String(length=40), nullable=True),
    sa.Column('next_step_date', sa.Date(), nullable=True),
    sa.Column('idempotency_key', sa.String(length=80), nullable=True),
    sa.Column('closed_on', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("cause IN ('protracted_default', 'insolvency')", name=op.f('ck_claims_cause')),
    sa.CheckConstraint("stage IN ('declared', 'under_review', 'collection', 'waiting_period', 'indemnified', 'closed', 'refused')", name=op.f('ck_claims_stage')),
    sa.CheckConstraint('amount_declared > 0', name=op.f('ck_claims_amount_declared')),
    sa.ForeignKeyConstraint(['buyer_id'], ['buyers.id'], name=op.f('fk_claims_buyer_id_buyers')),
    sa.ForeignKeyConstraint(['contract_id', 'policyholder_id'], ['contracts.id', 'contracts.policyholder_id'], name=op.f('fk_claims_contract_id_policyholder_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claims')),
    sa.UniqueConstraint('policyholder_id', 'idempotency_key', name=op.f('uq_claims_policyholder_id_idempotency_key')),
    sa.UniqueConstraint('ref', name=op.f('uq_claims_ref'))
    )
    op.create_index('ix_claims_buyer', 'claims', ['buyer_id'], unique=False)
    op.create_index('ix_claims_policyholder_declared', 'claims', ['policyholder_id', 'declared_on', 'id'], unique=False)
    op.create_index('ix_claims_policyholder_stage', 'claims', ['policyholder_id', 'stage'], unique=False)

    op.create_table('credit_limits',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policyholder_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('requested_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('decided_on', sa.Date(), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.Column('outstanding_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('outstanding_as_of', sa.Date(), nullable=True),
    sa.CheckConstraint("status IN ('granted', 'partial', 'reduced', 'cancelled', 'refused')", name=op.f('ck_credit_limits_status')),
    sa.CheckConstraint('amount >= 0 AND requested_amount >= 0 AND outstanding_amount >= 0', name=op.f('ck_credit_limits_amounts')),
    sa.ForeignKeyConstraint(['buyer_id'], ['buyers.id'], name=op.f('fk_credit_limits_buyer_id_buyers')),
    sa.ForeignKeyConstraint(['contract_id', 'policyholder_id'], ['contracts.id', 'contracts.policyholder_id'], name=op.f('fk_credit_limits_contract_id_policyholder_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_limits')),
    sa.UniqueConstraint('contract_id', 'buyer_id', name=op.f('uq_credit_limits_contract_id_buyer_id'))
    )
    op.create_index('ix_credit_limits_buyer_id', 'credit_limits', ['buyer_id'], unique=False)
    op.create_index('ix_credit_limits_policyholder_id', 'credit_limits', ['policyholder_id'], unique=False)

    op.create_table('cap_covers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policyholder_id', sa.Integer(), nullable=False),
    sa.Column('limit_id', sa.Integer(), nullable=False),
    sa.Column('scheme', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('valid_from', sa.Date(), nullable=False),
    sa.Column('valid_to', sa.Date(), nullable=True),
    sa.CheckConstraint("scheme IN ('CAP', 'CAP+', 'CAP Francexport', 'CAP+ Francexport', 'Cap Relais')", name=op.f('ck_cap_covers_scheme')),
    sa.ForeignKeyConstraint(['limit_id'], ['credit_limits.id'], name=op.f('fk_cap_covers_limit_id_credit_limits'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['policyholder_id'], ['policyholders.id'], name=op.f('fk_cap_covers_policyholder_id_policyholders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_cap_covers'))
    )
    op.create_index('ix_cap_covers_limit_id', 'cap_covers', ['limit_id'], unique=False)
    op.create_index('ix_cap_covers_policyholder_id', 'cap_covers', ['policyholder_id'], unique=False)

    op.create_table('claim_stage_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('stage', sa.String(length=20), nullable=False),
    sa.Column('entered_on', sa.Date(), nullable=False),
    sa.Column('note_code', sa.String(length=40), nullable=True),
    sa.CheckConstraint("stage IN ('declared', 'under_review', 'collection', 'waiting_period', 'indemnified', 'closed', 'refused')", name=op.f('ck_claim_stage_history_stage')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_claim_stage_history_claim_id_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_stage_history'))
    )
    op.create_index('ix_claim_stage_history_claim', 'claim_stage_history', ['claim_id', 'entered_on'], unique=False)

    op.create_table('credit_limit_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('limit_id', sa.Integer(), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('requested_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('granted_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('decision_date', sa.Date(), nullable=False),
    sa.Column('reason_code', sa.String(length=40), nullable=True),
    sa.CheckConstraint("decision IN ('granted', 'partial', 'increased', 'reduced', 'cancelled', 'refused')", name=op.f('ck_credit_limit_decisions_decision')),
    sa.ForeignKeyConstraint(['limit_id'], ['credit_limits.id'], name=op.f('fk_credit_limit_decisions_limit_id_credit_limits'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_credit_limit_decisions'))
    )
    op.create_index('ix_credit_limit_decisions_limit_date', 'credit_limit_decisions', ['limit_id', 'decision_date'], unique=False)

    op.create_table('fee_lines',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policyholder_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('statement_ref', sa.String(length=40), nullable=False),
    sa.Column('statement_date', sa.Date(), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('basis', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('rate', sa.Numeric(precision=7, scale=6), nullable=True),
    sa.Column('quantity', sa.Integer(), nullable=True),
    sa.Column('unit_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("kind IN ('premium', 'monitoring', 'investigation', 'collection_flat', 'collection_pct')", name=op.f('ck_fee_lines_kind')),
    sa.CheckConstraint('period_end >= period_start', name=op.f('ck_fee_lines_period')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_fee_lines_claim_id_claims'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contract_id', 'policyholder_id'], ['contracts.id', 'contracts.policyholder_id'], name=op.f('fk_fee_lines_contract_id_policyholder_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_fee_lines'))
    )
    op.create_index('ix_fee_lines_policyholder_period', 'fee_lines', ['policyholder_id', 'period_end'], unique=False)
    op.create_index('ix_fee_lines_policyholder_statement', 'fee_lines', ['policyholder_id', 'statement_date'], unique=False)

    op.create_table('invoices',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policyholder_id', sa.Integer(), nullable=False),
    sa.Column('contract_id', sa.Integer(), nullable=False),
    sa.Column('buyer_id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=True),
    sa.Column('number', sa.String(length=60), nullable=False),
    sa.Column('issue_date', sa.Date(), nullable=True),
    sa.Column('due_date', sa.Date(), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('currency', sa.String(length=3), nullable=False),
    sa.CheckConstraint('amount > 0', name=op.f('ck_invoices_amount')),
    sa.ForeignKeyConstraint(['buyer_id'], ['buyers.id'], name=op.f('fk_invoices_buyer_id_buyers')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_invoices_claim_id_claims'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['contract_id', 'policyholder_id'], ['contracts.id', 'contracts.policyholder_id'], name=op.f('fk_invoices_contract_id_policyholder_id_contracts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_invoices')),
    sa.UniqueConstraint('contract_id', 'buyer_id', 'number', name=op.f('uq_invoices_contract_id_buyer_id_number'))
    )
    op.create_index('ix_invoices_claim_id', 'invoices', ['claim_id'], unique=False)
    op.create_index('ix_invoices_policyholder_id', 'invoices', ['policyholder_id'], unique=False)

    op.create_table('limit_increase_requests',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('policyholder_id', sa.Integer(), nullable=False),
    sa.Column('limit_id', sa.Integer(), nullable=True),
    sa.Column('buyer_name', sa.String(length=200), nullable=False),
    sa.Column('requested_amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('current_amount', sa.Numeric(precision=14, scale=2), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint("status IN ('received', 'in_review', 'answered')", name=op.f('ck_limit_increase_requests_status')),
    sa.CheckConstraint('requested_amount > 0', name=op.f('ck_limit_increase_requests_amount')),
    sa.ForeignKeyConstraint(['limit_id'], ['credit_limits.id'], name=op.f('fk_limit_increase_requests_limit_id_credit_limits')),
    sa.ForeignKeyConstraint(['policyholder_id'], ['policyholders.id'], name=op.f('fk_limit_increase_requests_policyholder_id_policyholders')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_limit_increase_requests_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_limit_increase_requests'))
    )
    op.create_index('ix_limit_increase_requests_policyholder_id', 'limit_increase_requests', ['policyholder_id'], unique=False)

    op.create_table('payments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('claim_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('amount', sa.Numeric(precision=14, scale=2), nullable=False),
    sa.Column('paid_on', sa.Date(), nullable=False),
    sa.Column('reference', sa.String(length=40), nullable=True),
    sa.CheckConstraint("kind IN ('indemnity', 'advance_indemnity', 'recovery_share')", name=op.f('ck_payments_kind')),
    sa.ForeignKeyConstraint(['claim_id'], ['claims.id'], name=op.f('fk_payments_claim_id_claims'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_payments'))
    )
    op.create_index('ix_payments_claim_id', 'payments', ['claim_id'], unique=False)



def downgrade() -> None:
    op.drop_index('ix_payments_claim_id', table_name='payments')

    op.drop_table('payments')
    op.drop_index('ix_limit_increase_requests_policyholder_id', table_name='limit_increase_requests')

    op.drop_table('limit_increase_requests')
    op.drop_index('ix_invoices_policyholder_id', table_name='invoices')
    op.drop_index('ix_invoices_claim_id', table_name='invoices')

    op.drop_table('invoices')
    op.drop_index('ix_fee_lines_policyholder_statement', table_name='fee_lines')
    op.drop_index('ix_fee_lines_policyholder_period', table_name='fee_lines')

    op.drop_table('fee_lines')
    op.drop_index('ix_credit_limit_decisions_limit_date', table_name='credit_limit_decisions')

    op.drop_table('credit_limit_decisions')
    op.drop_index('ix_claim_stage_history_claim', table_name='claim_stage_history')

    op.drop_table('claim_stage_history')
    op.drop_index('ix_cap_covers_policyholder_id', table_name='cap_covers')
    op.drop_index('ix_cap_covers_limit_id', table_name='cap_covers')

    op.drop_table('cap_covers')
    op.drop_index('ix_credit_limits_policyholder_id', table_name='credit_limits')
    op.drop_index('ix_credit_limits_buyer_id', table_name='credit_limits')

    op.drop_table('credit_limits')
    op.drop_index('ix_claims_policyholder_stage', table_name='claims')
    op.drop_index('ix_claims_policyholder_declared', table_name='claims')
    op.drop_index('ix_claims_buyer', table_name='claims')

    op.drop_table('claims')
    op.drop_index('ix_users_policyholder_id', table_name='users')

    op.drop_table('users')
    op.drop_index('ix_csat_answers_policyholder_id', table_name='csat_answers')
    op.drop_index('ix_csat_answers_created_at', table_name='csat_answers')

    op.drop_table('csat_answers')
    op.drop_index('ix_contracts_policyholder_id', table_name='contracts')

    op.drop_table('contracts')
    op.drop_index('ix_complaints_policyholder_id', table_name='complaints')

    op.drop_table('complaints')
    op.drop_table('ref_counters')
    op.drop_table('policyholders')
    op.drop_index('ix_buyers_name_key', table_name='buyers')

    op.drop_table('buyers')
    op.drop_index('ix_audit_log_policyholder_at', table_name='audit_log')
    op.drop_index('ix_audit_log_object', table_name='audit_log')
    op.drop_index('ix_audit_log_at', table_name='audit_log')

    op.drop_table('audit_log')
