"""Ledger records: incidents, people in a case, measures, documents issued, case-area
records, outside decisions, import runs, record history and ledger settings.

The records of LEDGERS.md under the 37 ledgers (which are configuration, not tables):
what the case-handling system exports and what reviewers enter by hand. Cases themselves
are the shared ``cases`` table of 0001.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 04:05:00
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op


revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('import_runs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=20), nullable=False),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('files', sa.JSON(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('finished_at', sa.DateTime(), nullable=True),
    sa.Column('rows', sa.Integer(), nullable=False),
    sa.Column('rejected', sa.Integer(), nullable=False),
    sa.Column('report', sa.JSON(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('progress', sa.JSON(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_import_runs_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_import_runs'))
    )
    op.create_table('ledger_settings',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_ledger_settings'))
    )
    op.create_table('incidents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('incident_no', sa.String(length=40), nullable=False),
    sa.Column('reported_at', sa.DateTime(), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('nature', sa.String(length=20), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('officer_names', sa.String(length=200), nullable=True),
    sa.Column('disposal', sa.String(length=40), nullable=True),
    sa.Column('disposed_at', sa.DateTime(), nullable=True),
    sa.Column('av_uploaded', sa.Boolean(), nullable=True),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('created_run_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['created_run_id'], ['import_runs.id'], name=op.f('fk_incidents_created_run_id_import_runs')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_incidents_officer_id_officers')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_incidents_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_incidents')),
    sa.UniqueConstraint('incident_no', name=op.f('uq_incidents_incident_no'))
    )
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.create_index('ix_incidents_unit_nature_time', ['unit_id', 'nature', 'reported_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_nature'), ['nature'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_officer_id'), ['officer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_incidents_reported_at'), ['reported_at'], unique=False)
    op.create_table('case_people',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('name', sa.String(length=50), nullable=False),
    sa.Column('id_no', sa.String(length=20), nullable=True),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_people_case_id_cases')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_people'))
    )
    with op.batch_alter_table('case_people', schema=None) as batch_op:
        batch_op.create_index('ix_case_people_case_name', ['case_id', 'name'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_people_id_no'), ['id_no'], unique=False)
    op.create_table('measures',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('doc_no', sa.String(length=80), nullable=False),
    sa.Column('person_name', sa.String(length=50), nullable=True),
    sa.Column('person_id_no', sa.String(length=20), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('limit_at', sa.DateTime(), nullable=True),
    sa.Column('extended_until', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('end_doc_no', sa.String(length=80), nullable=True),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('created_run_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_measures_case_id_cases')),
    sa.ForeignKeyConstraint(['created_run_id'], ['import_runs.id'], name=op.f('fk_measures_created_run_id_import_runs')),
    sa.ForeignKeyConstraint(['person_id'], ['case_people.id'], name=op.f('fk_measures_person_id_case_people')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_measures_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_measures')),
    sa.UniqueConstraint('kind', 'doc_no', name='uq_measures_kind_doc_no')
    )
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_measures_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_measures_kind_unit', ['kind', 'unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_measures_started_at'), ['started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_measures_unit_id'), ['unit_id'], unique=False)
    op.create_table('issued_documents',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('type', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=60), nullable=False),
    sa.Column('doc_no', sa.String(length=80), nullable=False),
    sa.Column('issued_at', sa.DateTime(), nullable=True),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('person_name', sa.String(length=50), nullable=True),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('created_run_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_issued_documents_case_id_cases')),
    sa.ForeignKeyConstraint(['created_run_id'], ['import_runs.id'], name=op.f('fk_issued_documents_created_run_id_import_runs')),
    sa.ForeignKeyConstraint(['person_id'], ['case_people.id'], name=op.f('fk_issued_documents_person_id_case_people')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_issued_documents_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_issued_documents')),
    sa.UniqueConstraint('type', 'doc_no', name='uq_issued_documents_type_doc_no')
    )
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_issued_documents_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_doc_no'), ['doc_no'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_issued_at'), ['issued_at'], unique=False)
        batch_op.create_index('ix_issued_documents_type_unit', ['type', 'unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_issued_documents_unit_id'), ['unit_id'], unique=False)
    op.create_table('case_area_records',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_no', sa.String(length=40), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('case_no', sa.String(length=40), nullable=True),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('entered_at', sa.DateTime(), nullable=True),
    sa.Column('av_uploaded', sa.Boolean(), nullable=True),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('created_run_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_case_area_records_case_id_cases')),
    sa.ForeignKeyConstraint(['created_run_id'], ['import_runs.id'], name=op.f('fk_case_area_records_created_run_id_import_runs')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_case_area_records_unit_id_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_case_area_records')),
    sa.UniqueConstraint('record_no', name=op.f('uq_case_area_records_record_no'))
    )
    with op.batch_alter_table('case_area_records', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_case_area_records_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_area_records_entered_at'), ['entered_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_case_area_records_unit_id'), ['unit_id'], unique=False)
    op.create_table('outside_decisions',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('body', sa.String(length=20), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('person_id', sa.Integer(), nullable=True),
    sa.Column('officer_id', sa.Integer(), nullable=True),
    sa.Column('decision_no', sa.String(length=80), nullable=True),
    sa.Column('decided_at', sa.DateTime(), nullable=True),
    sa.Column('result', sa.String(length=200), nullable=True),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('origin', sa.String(length=20), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(), nullable=True),
    sa.Column('voided_at', sa.DateTime(), nullable=True),
    sa.Column('void_reason', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['cases.id'], name=op.f('fk_outside_decisions_case_id_cases')),
    sa.ForeignKeyConstraint(['created_by_id'], ['users.id'], name=op.f('fk_outside_decisions_created_by_id_users')),
    sa.ForeignKeyConstraint(['officer_id'], ['officers.id'], name=op.f('fk_outside_decisions_officer_id_officers')),
    sa.ForeignKeyConstraint(['person_id'], ['case_people.id'], name=op.f('fk_outside_decisions_person_id_case_people')),
    sa.ForeignKeyConstraint(['unit_id'], ['units.id'], name=op.f('fk_outside_decisions_unit_id_units')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_outside_decisions_updated_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outside_decisions'))
    )
    with op.batch_alter_table('outside_decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outside_decisions_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_decisions_decided_at'), ['decided_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_decisions_decision_no'), ['decision_no'], unique=False)
        batch_op.create_index('ix_outside_decisions_kind_unit', ['kind', 'unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_outside_decisions_unit_id'), ['unit_id'], unique=False)
    op.create_table('record_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('record_kind', sa.String(length=20), nullable=False),
    sa.Column('record_id', sa.Integer(), nullable=False),
    sa.Column('action', sa.String(length=20), nullable=False),
    sa.Column('changes', sa.JSON(), nullable=True),
    sa.Column('import_run_id', sa.Integer(), nullable=True),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('reason', sa.String(length=200), nullable=True),
    sa.Column('at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['import_run_id'], ['import_runs.id'], name=op.f('fk_record_history_import_run_id_import_runs')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_record_history_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_record_history'))
    )
    with op.batch_alter_table('record_history', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_record_history_import_run_id'), ['import_run_id'], unique=False)
        batch_op.create_index('ix_record_history_record', ['record_kind', 'record_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('record_history', schema=None) as batch_op:
        batch_op.drop_index('ix_record_history_record')
        batch_op.drop_index(batch_op.f('ix_record_history_import_run_id'))
    op.drop_table('record_history')
    with op.batch_alter_table('outside_decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_outside_decisions_unit_id'))
        batch_op.drop_index('ix_outside_decisions_kind_unit')
        batch_op.drop_index(batch_op.f('ix_outside_decisions_decision_no'))
        batch_op.drop_index(batch_op.f('ix_outside_decisions_decided_at'))
        batch_op.drop_index(batch_op.f('ix_outside_decisions_case_id'))
    op.drop_table('outside_decisions')
    with op.batch_alter_table('case_area_records', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_area_records_unit_id'))
        batch_op.drop_index(batch_op.f('ix_case_area_records_entered_at'))
        batch_op.drop_index(batch_op.f('ix_case_area_records_case_id'))
    op.drop_table('case_area_records')
    with op.batch_alter_table('issued_documents', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_issued_documents_unit_id'))
        batch_op.drop_index('ix_issued_documents_type_unit')
        batch_op.drop_index(batch_op.f('ix_issued_documents_issued_at'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_doc_no'))
        batch_op.drop_index(batch_op.f('ix_issued_documents_case_id'))
    op.drop_table('issued_documents')
    with op.batch_alter_table('measures', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_measures_unit_id'))
        batch_op.drop_index(batch_op.f('ix_measures_started_at'))
        batch_op.drop_index('ix_measures_kind_unit')
        batch_op.drop_index(batch_op.f('ix_measures_case_id'))
    op.drop_table('measures')
    with op.batch_alter_table('case_people', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_case_people_id_no'))
        batch_op.drop_index('ix_case_people_case_name')
    op.drop_table('case_people')
    with op.batch_alter_table('incidents', schema=None) as batch_op:
        batch_op.drop_index('ix_incidents_unit_nature_time')
        batch_op.drop_index(batch_op.f('ix_incidents_reported_at'))
        batch_op.drop_index(batch_op.f('ix_incidents_officer_id'))
        batch_op.drop_index(batch_op.f('ix_incidents_nature'))
    op.drop_table('incidents')
    op.drop_table('ledger_settings')
    op.drop_table('import_runs')
